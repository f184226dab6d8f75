import { describe, expect, it } from 'vitest';
import { hitAt, MetricAccumulator, ndcgAt, reciprocalRank, targetRank, topItems } from './metrics.js';

// Three users, five items, worked out by hand.
// A: target 2 (0.8); only item 0 (0.9) is higher → rank 2.
// B: target 1 (0.7) ties with items 2 and 3; ties count against the target → rank 3.
// C: item 0 is masked (-Infinity); target 3 (0.9) is the best → rank 1.
const users = [
  { scores: [0.9, 0.5, 0.8, 0.1, 0.3], target: 2, rank: 2 },
  { scores: [0.4, 0.7, 0.7, 0.7, 0.2], target: 1, rank: 3 },
  { scores: [-Infinity, 0.6, 0.2, 0.9, 0.6], target: 3, rank: 1 },
].map((u) => ({ ...u, scores: Float32Array.from(u.scores) }));

describe('targetRank', () => {
  it('counts the candidates scoring at least as high as the target', () => {
    for (const u of users) expect(targetRank(u.scores, u.target)).toBe(u.rank);
  });

  it('gives a constant scorer the worst rank, not a lucky one', () => {
    expect(targetRank(new Float32Array(5).fill(1), 0)).toBe(5);
  });

  it('ranks among the given candidates only', () => {
    // B against items 0 and 4: both lower → rank 1; against 3 and 4: one tie → rank 2.
    expect(targetRank(users[1]!.scores, 1, [1, 0, 4])).toBe(1);
    expect(targetRank(users[1]!.scores, 1, [1, 3, 4])).toBe(2);
  });

  it('treats a masked or NaN target as the lowest score', () => {
    expect(targetRank(users[2]!.scores, 0)).toBe(5);
    expect(targetRank(Float32Array.from([NaN, 0.1, 0.2]), 0)).toBe(3);
  });
});

describe('per-user metrics', () => {
  it('HR, NDCG and reciprocal rank at hand-computed values', () => {
    const ranks = users.map((u) => u.rank);
    const mean = (f: (r: number) => number): number => ranks.reduce((s, r) => s + f(r), 0) / ranks.length;
    expect(mean((r) => hitAt(r, 1))).toBeCloseTo(1 / 3, 10);
    expect(mean((r) => hitAt(r, 2))).toBeCloseTo(2 / 3, 10);
    expect(mean((r) => hitAt(r, 3))).toBe(1);
    // NDCG@2 = (1/log2(3) + 0 + 1) / 3
    expect(mean((r) => ndcgAt(r, 2))).toBeCloseTo((0.6309297535714575 + 1) / 3, 10);
    // NDCG@3 = (1/log2(3) + 1/log2(4) + 1) / 3
    expect(mean((r) => ndcgAt(r, 3))).toBeCloseTo((0.6309297535714575 + 0.5 + 1) / 3, 10);
    expect(mean(reciprocalRank)).toBeCloseTo((1 / 2 + 1 / 3 + 1) / 3, 10);
  });
});

describe('topItems', () => {
  it('lists the best items, lower row first on a tie, skipping masked ones', () => {
    expect(topItems(users[0]!.scores, 2)).toEqual([0, 2]);
    expect(topItems(users[1]!.scores, 2)).toEqual([1, 2]);
    expect(topItems(users[2]!.scores, 2)).toEqual([3, 1]);
    expect(topItems(users[2]!.scores, 10)).toEqual([3, 1, 4, 2]);
    expect(topItems(users[1]!.scores, 2, [4, 0, 3])).toEqual([3, 0]);
  });
});

describe('MetricAccumulator', () => {
  it('averages over users and measures catalog coverage of the top 10', () => {
    const acc = new MetricAccumulator(10);
    for (const u of users) acc.add(targetRank(u.scores, u.target), topItems(u.scores, 2));
    const m = acc.summary();
    expect(acc.count).toBe(3);
    expect(m['HR@5']).toBe(1);
    expect(m['HR@10']).toBe(1);
    expect(m['NDCG@5']).toBeCloseTo((0.6309297535714575 + 0.5 + 1) / 3, 10);
    expect(m.MRR).toBeCloseTo((1 / 2 + 1 / 3 + 1) / 3, 10);
    // Shown: {0, 2} ∪ {1, 2} ∪ {3, 1} = 4 of 10 items.
    expect(m['Coverage@10']).toBeCloseTo(0.4, 10);
  });

  it('misses beyond the cut-off', () => {
    const acc = new MetricAccumulator(100);
    acc.add(7, []);
    acc.add(15, []);
    const m = acc.summary();
    expect([m['HR@5'], m['HR@10'], m['HR@20']]).toEqual([0, 0.5, 1]);
    expect(m['NDCG@10']).toBeCloseTo(0.5 / Math.log2(8), 10);
    expect(m['NDCG@20']).toBeCloseTo((1 / Math.log2(8) + 1 / Math.log2(16)) / 2, 10);
  });
});
