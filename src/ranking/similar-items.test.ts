import { describe, expect, it } from 'vitest';
import { cosine, rankSimilar, SIMILAR_CATEGORY_BONUS, SIMILAR_COOCCURRENCE_WEIGHT } from './similar-items.js';

// Seed 0 (category "brush"). Graph: 0 → 3 (0.2), 0 → 4 (0.1); 4 is outside the cosine pool.
const graph = { offsets: Uint32Array.from([0, 2, 2, 2, 2, 2]), rows: Int32Array.from([3, 4]), weights: Float32Array.from([0.2, 0.1]) };
const categories = ['brush', 'tape', 'brush', 'tape', 'brush'];
const base = {
  seed: 0,
  pool: { rows: [1, 2, 3], scores: [0.9, 0.8, 0.5] },
  graph,
  cosine: () => 0.3,
  category: (r: number) => categories[r],
  k: 4,
};

describe('rankSimilar', () => {
  it('adds the category bonus and the co-occurrence edge to the cosine, and brings in graph neighbours outside the pool', () => {
    const ranked = rankSimilar({ ...base, eligible: () => true });
    const score = new Map(Array.from(ranked.rows, (r, i) => [r, ranked.scores[i]!]));
    expect(score.get(1)).toBeCloseTo(0.9, 6);
    expect(score.get(2)).toBeCloseTo(0.8 + SIMILAR_CATEGORY_BONUS, 6);
    expect(score.get(3)).toBeCloseTo(0.5 + SIMILAR_COOCCURRENCE_WEIGHT * 0.2, 6);
    expect(score.get(4)).toBeCloseTo(0.3 + SIMILAR_COOCCURRENCE_WEIGHT * 0.1 + SIMILAR_CATEGORY_BONUS, 6);
    expect(Array.from(ranked.rows)).toEqual([...score].sort((a, b) => b[1] - a[1]).map(([r]) => r));
  });

  it('never brings in a graph neighbour the call excludes', () => {
    const ranked = rankSimilar({ ...base, eligible: (r) => r !== 4 });
    expect(Array.from(ranked.rows)).not.toContain(4);
    expect(ranked.rows).toHaveLength(3);
  });

  it('cosine is scale-free and 0 for a zero vector', () => {
    expect(cosine([1, 0], [3, 0])).toBeCloseTo(1, 10);
    expect(cosine([1, 0], [0, 2])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
});
