import { asRowReader, type RowReader } from '../catalog/embedding-rows.js';
import type { ItemTable } from '../catalog/item-table.js';

export interface Candidate {
  row: number;
  score: number;
}

/** At most `perBrand` items of a brand and `perCategory` of a category, best first. */
export function applyCaps(candidates: Candidate[], table: ItemTable, cap: { perBrand?: number; perCategory?: number }): Candidate[] {
  const brands = new Map<string, number>();
  const categories = new Map<string, number>();
  return candidates.filter(({ row }) => {
    const brand = table.brand(row);
    const category = table.category(row);
    if (cap.perBrand !== undefined && brand !== undefined && (brands.get(brand) ?? 0) >= cap.perBrand) return false;
    if (cap.perCategory !== undefined && category !== undefined && (categories.get(category) ?? 0) >= cap.perCategory) return false;
    if (brand !== undefined) brands.set(brand, (brands.get(brand) ?? 0) + 1);
    if (category !== undefined) categories.set(category, (categories.get(category) ?? 0) + 1);
    return true;
  });
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

/** Puts pinned rows at their positions (0-based), removing them from elsewhere in the list. */
export function insertPins(candidates: Candidate[], pins: Array<{ row: number; position: number }>, k: number): Candidate[] {
  if (pins.length === 0) return candidates.slice(0, k);
  const pinned = new Set(pins.map((p) => p.row));
  const rest = candidates.filter((c) => !pinned.has(c.row));
  const out: Candidate[] = [];
  const byPosition = [...pins].sort((a, b) => a.position - b.position);
  for (const pin of byPosition) {
    while (out.length < Math.min(pin.position, k) && rest.length > 0) out.push(rest.shift()!);
    if (out.length < k) out.push({ row: pin.row, score: candidates.find((c) => c.row === pin.row)?.score ?? Number.NaN });
  }
  while (out.length < k && rest.length > 0) out.push(rest.shift()!);
  return out;
}
