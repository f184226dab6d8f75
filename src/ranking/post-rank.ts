import { asRowReader, type RowReader } from '../catalog/embedding-rows.js';

export interface Candidate {
  row: number;
  score: number;
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein, 1998): greedily pick the candidate with
 * the best λ·relevance − (1 − λ)·(max cosine to the items already picked). `diversity` is 1 − λ.
 * Relevance is min-max scaled to [0, 1] so that λ means the same whatever the score range.
 */
export function maximalMarginalRelevance(candidates: Candidate[], k: number, diversity: number, vectors: Float32Array | RowReader, dim: number): Candidate[] {
  if (diversity <= 0 || candidates.length <= 1) return candidates.slice(0, k);
  const scores = candidates.map((c) => c.score);
  const lo = Math.min(...scores);
  const span = Math.max(...scores) - lo || 1;
  const rowOf = asRowReader(vectors, dim);
  const unit = candidates.map(({ row }) => {
    const v = rowOf(row);
    const norm = Math.hypot(...v) || 1;
    return Float32Array.from(v, (x) => x / norm);
  });
  const maxSim = new Float64Array(candidates.length).fill(-1);
  const picked: number[] = [];
  const free = new Set(candidates.keys());
  while (picked.length < k && free.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of free) {
      const value = (1 - diversity) * ((candidates[i]!.score - lo) / span) - diversity * Math.max(0, maxSim[i]!);
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    picked.push(best);
    free.delete(best);
    for (const i of free) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += unit[i]![j]! * unit[best]![j]!;
      maxSim[i] = Math.max(maxSim[i]!, dot);
    }
  }
  return picked.map((i) => candidates[i]!);
}
