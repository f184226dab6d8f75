import type { ItemGraph } from '../catalog/types.js';

/**
 * λ of the support shrinkage of every graph edge: its weight is multiplied by n / (n + λ), n =
 * the times the edge was seen (consecutive pairs for bought-next, shared baskets for
 * bought-together). An edge backed by one or two shoppers then counts for little, one backed by
 * many keeps its weight, so a rare item's few followers cannot outrank the shopper's clear
 * intent. Chosen with DEFAULT_GRAPH_BLEND on the validation item only, one setting for amazon-beauty,
 * amazon-toys and amazon-scientific (λ ∈ {0, 3, 10, 30}, bench/graph-shrinkage.ts; docs/accuracy.md); 0 turns it off.
 */
export const SUPPORT_SHRINKAGE = 10;

/**
 * The catalog's co-occurrence graph (cooccurrence.ts): neighbours kept per item and the λ of its
 * support shrinkage. Chosen with DEFAULT_GRAPH_BLEND on the validation item only (docs/accuracy.md).
 */
export const COOCCURRENCE_NEIGHBOURS = 20;
export const COOCCURRENCE_SHRINKAGE = 3;

/** Bayesian shrinkage of an edge weight toward 0 (the embedding score alone) by its support n. */
export const shrinkBySupport = (weight: number, n: number, lambda: number): number => (lambda > 0 ? (weight * n) / (n + lambda) : weight);

/** Keeps each row's `top` heaviest neighbours and packs them in CSR form. */
export function toGraph(neighbours: Array<Map<number, number>>, top: number): ItemGraph {
  const offsets = new Uint32Array(neighbours.length + 1);
  const rows: number[] = [];
  const weights: number[] = [];
  neighbours.forEach((map, row) => {
    const best = [...map].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, top);
    for (const [r, w] of best) {
      rows.push(r);
      weights.push(w);
    }
    offsets[row + 1] = rows.length;
  });
  return { offsets, rows: Int32Array.from(rows), weights: Float32Array.from(weights) };
}

/**
 * Bought together: co-occurrence in the same basket, cosine-normalised
 * (c(a,b) / √(n(a)·n(b))) so that merely popular items do not top every list. Huge baskets
 * (wholesale orders) say little about complements and are skipped.
 */
export function copurchaseGraph(
  baskets: number[][],
  itemCount: number,
  options: { top?: number; minCount?: number; maxBasket?: number; shrinkage?: number } = {},
): ItemGraph {
  const { top = 20, minCount = 2, maxBasket = 100, shrinkage = SUPPORT_SHRINKAGE } = options;
  const count = new Float64Array(itemCount);
  const co: Array<Map<number, number>> = Array.from({ length: itemCount }, () => new Map());
  for (const basket of baskets) {
    if (basket.length < 2 || basket.length > maxBasket) continue;
    for (const a of basket) count[a]!++;
    for (const a of basket) for (const b of basket) if (a !== b) co[a]!.set(b, (co[a]!.get(b) ?? 0) + 1);
  }
  const normalised = co.map((map, a) => {
    const out = new Map<number, number>();
    for (const [b, c] of map) if (c >= minCount) out.set(b, shrinkBySupport(c / Math.sqrt(count[a]! * count[b]!), c, shrinkage));
    return out;
  });
  return toGraph(normalised, top);
}

/** Bought next: P(b follows a) over consecutive items of each shopper's sequence, shrunk by the pair's count. */
export function transitionGraph(sequences: number[][], itemCount: number, options: { top?: number; shrinkage?: number } = {}): ItemGraph {
  const { top = 20, shrinkage = SUPPORT_SHRINKAGE } = options;
  const next: Array<Map<number, number>> = Array.from({ length: itemCount }, () => new Map());
  const out = new Float64Array(itemCount);
  for (const seq of sequences) {
    for (let i = 0; i + 1 < seq.length; i++) {
      const a = seq[i]!;
      const b = seq[i + 1]!;
      if (a === b) continue;
      next[a]!.set(b, (next[a]!.get(b) ?? 0) + 1);
      out[a]!++;
    }
  }
  return toGraph(
    next.map((map, a) => new Map([...map].map(([b, c]) => [b, shrinkBySupport(c / out[a]!, c, shrinkage)]))),
    top,
  );
}

/** Sliding windows over sequences, as baskets, for logs that record no baskets. */
export function windowBaskets(sequences: number[][], width = 3): number[][] {
  const baskets: number[][] = [];
  for (const seq of sequences) for (let i = 0; i + 1 < seq.length; i++) baskets.push(seq.slice(i, i + width));
  return baskets;
}
