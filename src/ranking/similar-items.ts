import type { ItemGraph } from '../catalog/types.js';

/**
 * similar() for catalogs `vitrine train` wrote (they carry the co-occurrence graph): cosine of
 * the embeddings + SIMILAR_CATEGORY_BONUS when the item shares the seed's category +
 * SIMILAR_COOCCURRENCE_WEIGHT × the co-occurrence edge from the seed. Chosen on the validation
 * item of amazon-scientific (does similar(newest item) hold the next one; docs/accuracy.md):
 * HR@10 / NDCG@10 0.092 / 0.055 for the cosine alone, 0.121 / 0.077 with co-occurrence ×2,
 * 0.126 / 0.081 with the category bonus 0.2 too (flat from 0.2 to 0.5). Catalogs built from a
 * shop's own embeddings keep the plain cosine, which is what those embeddings were made for.
 */
export const SIMILAR_CATEGORY_BONUS = 0.2;
export const SIMILAR_COOCCURRENCE_WEIGHT = 2;

/** Cosine candidates re-ranked for `k` results: the category bonus can lift an item from deep in this list. */
export const similarPool = (k: number): number => Math.max(10 * k, 100);

export interface SimilarInput {
  seed: number;
  /** The scan's best rows by cosine, with their cosines. */
  pool: { rows: ArrayLike<number>; scores: ArrayLike<number> };
  graph: ItemGraph;
  /** Whether a graph neighbour outside the pool may be shown (the call's mask). */
  eligible: (row: number) => boolean;
  cosine: (row: number) => number;
  category: (row: number) => string | undefined;
  k: number;
}

/** The best `k` rows by the blend above, ties by row. */
export function rankSimilar(input: SimilarInput): { rows: Int32Array; scores: Float32Array } {
  const { seed, graph } = input;
  const score = new Map<number, number>();
  for (let i = 0; i < input.pool.rows.length; i++) score.set(input.pool.rows[i]!, input.pool.scores[i]!);
  for (let e = graph.offsets[seed]!; e < graph.offsets[seed + 1]!; e++) {
    const row = graph.rows[e]!;
    if (row === seed || (!score.has(row) && !input.eligible(row))) continue;
    score.set(row, (score.get(row) ?? input.cosine(row)) + SIMILAR_COOCCURRENCE_WEIGHT * graph.weights[e]!);
  }
  const category = input.category(seed);
  if (category !== undefined) for (const [row, s] of score) if (input.category(row) === category) score.set(row, s + SIMILAR_CATEGORY_BONUS);
  const best = [...score].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, input.k);
  return { rows: Int32Array.from(best, ([row]) => row), scores: Float32Array.from(best, ([, s]) => s) };
}

/** Cosine of two rows. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j]! * b[j]!;
    aa += a[j]! * a[j]!;
    bb += b[j]! * b[j]!;
  }
  return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
}
