import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.js';
import { runProtocol, sampleNegatives, type RecommenderModel } from './protocols.js';
import type { EvaluationCase } from '../training/split.js';

/** Scores item i as i: higher rows rank first. */
const byRow: RecommenderModel = {
  name: 'by-row',
  fit: () => {},
  score: (_history, out) => out.forEach((_, i) => (out[i] = i)),
};
const caseOf = (history: number[], target: number): EvaluationCase => ({ user: 0, history, target, sequence: [...history, target] });

describe('loo-full', () => {
  it("masks the user's earlier items before ranking", () => {
    // Unmasked, items 5 and 4 would beat the target 3.
    const m = runProtocol('loo-full', byRow, [caseOf([5, 4], 3)], 6, 1).summary();
    expect(m.MRR).toBe(1);
  });

  it('ranks a masked (repeated) target last', () => {
    const m = runProtocol('loo-full', byRow, [caseOf([3], 3)], 6, 1).summary();
    expect(m.MRR).toBeCloseTo(1 / 6, 10);
  });
});

describe('loo-s99', () => {
  it('samples distinct negatives the user never interacted with', () => {
    const sequence = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const negatives = sampleNegatives(seededRandom(3), 200, sequence, 99);
    expect(negatives).toHaveLength(99);
    expect(new Set(negatives).size).toBe(99);
    expect(negatives.some((n) => sequence.includes(n))).toBe(false);
    expect(sampleNegatives(seededRandom(3), 200, sequence, 99)).toEqual(negatives);
  });

  it('takes every non-interacted item when the catalog is small', () => {
    expect(sampleNegatives(seededRandom(3), 8, [0, 1, 2], 99)).toEqual([3, 4, 5, 6, 7]);
  });

  it('ranks the target among its candidates only, identically for a given seed', () => {
    const cases = Array.from({ length: 50 }, (_, u) => caseOf([u], 100 + u));
    const a = runProtocol('loo-s99', byRow, cases, 1000, 7).summary();
    const b = runProtocol('loo-s99', byRow, cases, 1000, 7).summary();
    expect(a).toEqual(b);
    // Target rows 100..149 of 1000: most of 99 uniform negatives beat it, so it is rarely in the top 10.
    expect(a['HR@10']).toBeLessThan(0.05);
    expect(a.MRR).toBeGreaterThan(1 / 100);
  });
});
