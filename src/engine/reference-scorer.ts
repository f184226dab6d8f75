import type { Catalog } from '../catalog/types.js';
import { itemPassesFilters, MASKED_THRESHOLD, type MaskSpec } from './mask.js';
import type { RankedRows } from './scorer.js';

/**
 * Plain-JS scoring, the oracle the tensor paths are tested against (and the baseline the
 * benchmarks compare with). Same semantics as TensorScorer, float64 accumulation.
 */
export function referenceRecommend(catalog: Catalog, u: ArrayLike<number>, k: number, mask: MaskSpec): RankedRows {
  const { itemCount: n, dim } = catalog.header;
  const scores = new Float64Array(n);
  const biasWeight = mask.biasWeight ?? 1;
  for (let i = 0; i < n; i++) {
    let s = catalog.bias[i]! * biasWeight;
    for (let j = 0; j < dim; j++) s += u[j]! * catalog.vectors[i * dim + j]!;
    scores[i] = s;
  }
  for (const { rows, weight } of mask.boosts ?? []) for (const r of rows) if (r >= 0 && r < n) scores[r]! += weight;
  return referenceTopK(catalog, scores, k, mask);
}

export function referenceSimilar(catalog: Catalog, row: number, k: number, mask: MaskSpec): RankedRows {
  const { itemCount: n, dim } = catalog.header;
  const norm = (r: number): number => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += catalog.vectors[r * dim + j]! ** 2;
    return Math.max(Math.sqrt(s), 1e-12);
  };
  const qNorm = norm(row);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += catalog.vectors[row * dim + j]! * catalog.vectors[i * dim + j]!;
    scores[i] = s / norm(i) / qNorm;
  }
  return referenceTopK(catalog, scores, k, { ...mask, excludeRows: [...mask.excludeRows, row] });
}

function referenceTopK(catalog: Catalog, scores: Float64Array, k: number, mask: MaskSpec): RankedRows {
  const excluded = new Set(mask.excludeRows);
  const rows: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!excluded.has(i) && itemPassesFilters(catalog.items[i]!, mask) && scores[i]! > MASKED_THRESHOLD) rows.push(i);
  rows.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const top = rows.slice(0, k);
  return { rows: Int32Array.from(top), scores: Float32Array.from(top, (r) => scores[r]!) };
}
