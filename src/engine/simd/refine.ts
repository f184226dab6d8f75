import type { RowReader } from '../../catalog/embedding-rows.js';
import { MASKED_THRESHOLD, type MaskSpec } from '../mask.js';
import type { RankedRows } from '../scorer.js';
import type { SimdDtype } from './layout.js';

/**
 * Second stage of the scan: it keeps a few more candidates than asked for, and these rows are
 * re-scored from the float32 rows with the reference's arithmetic (float64 sums in the same
 * order), so ranking and scores are the reference's whenever its top-k is among the candidates.
 * Margins, from the deepest rank a true top-100 row reached in each raw scan on the real and
 * synthetic catalogs (float32 100, float16 101, int8 114), with room to spare: without this, int8
 * kept only 0.95–1.0 of the top-100, and float32 sums cannot order reference scores 2e-8 apart.
 */
export function candidateCount(dtype: SimdDtype, k: number, rows: number): number {
  const wanted = Math.max(0, Math.floor(k));
  const margin = dtype === 'float32' ? 8 : dtype === 'float16' ? Math.ceil(wanted / 4) + 8 : dtype === 'pq4' ? PQ4_MARGIN(wanted) : Math.ceil(wanted / 2) + 16;
  return Math.min(rows, wanted + margin);
}

/**
 * pq4: candidates beyond k, for the lookup tables' rounding: the smallest margin of those tried
 * that keeps recall@100 ≥ 0.99 against the decoded rows' exact top-100 on both validation
 * catalogs (bench/pq4-margin.ts, Beauty and Toys, 200 pooled queries each;
 * bench/results/pq4-margin-valid.json). Margins 16 / 32 / k/2+16 / k: Beauty 0.996 / 0.999 /
 * 0.9999 / 1, Toys (flatter scores) 0.969 / 0.982 / 0.9934 / 0.9971. Each extra candidate lowers
 * the scan's threshold, so more is not free.
 */
const PQ4_MARGIN = (k: number): number => Math.ceil(k / 2) + 16;

/** Per row, the weights of MaskSpec.boosts in the order the reference adds them. */
export type Boosts = ReadonlyMap<number, readonly number[]>;

export function collectBoosts(boosts: MaskSpec['boosts'], rows: number): Map<number, number[]> {
  const byRow = new Map<number, number[]>();
  for (const { rows: boosted, weight } of boosts ?? []) {
    for (const r of boosted) {
      if (!Number.isInteger(r) || r < 0 || r >= rows) continue;
      const list = byRow.get(r);
      if (list) list.push(weight);
      else byRow.set(r, [weight]);
    }
  }
  return byRow;
}

/** `u·vᵢ + bᵢ·w (+ boosts)` from the float32 rows, for `rows` in their order, as the reference sums. */
export function exactScores(
  rowOf: RowReader,
  bias: Float32Array,
  dim: number,
  u: ArrayLike<number>,
  rows: ArrayLike<number>,
  biasWeight = 1,
  boosts?: Boosts,
): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const v = rowOf(row);
    let s = bias[row]! * biasWeight;
    for (let j = 0; j < dim; j++) s += u[j]! * v[j]!;
    const added = boosts?.get(row);
    if (added) for (const w of added) s += w;
    out[i] = s;
  }
  return out;
}

/** The candidates re-ranked by `u·vᵢ + bᵢ·w (+ boosts)`, best `k` first. */
export function refineRecommend(
  rowOf: RowReader,
  bias: Float32Array,
  dim: number,
  u: ArrayLike<number>,
  candidates: Int32Array,
  k: number,
  biasWeight = 1,
  boosts?: Boosts,
): RankedRows {
  return best(candidates, exactScores(rowOf, bias, dim, u, candidates, biasWeight, boosts), k);
}

/** Rows and float32 scores from several lists, best `k` first (the raw path's merge). */
export function mergeRanked(rows: Int32Array, scores: ArrayLike<number>, k: number): RankedRows {
  return best(rows, Float64Array.from(scores), k);
}

/** The candidates re-ranked by cosine with row `query`, best `k` first. */
export function refineSimilar(rowOf: RowReader, dim: number, query: number, candidates: Int32Array, k: number): RankedRows {
  // A copy: the reader may reuse its buffer for the next row (the pq4 scorer's does).
  const q = rowOf(query).slice();
  let qq = 0;
  for (let j = 0; j < dim; j++) qq += q[j]! * q[j]!;
  const queryNorm = Math.max(Math.sqrt(qq), 1e-12);
  const rows = candidates;
  const scores = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rowOf(rows[i]!);
    // The reference's sums, each in its own order; one loop (x * x is x ** 2 exactly, and cheaper).
    let s = 0;
    let vv = 0;
    for (let j = 0; j < dim; j++) {
      s += q[j]! * v[j]!;
      vv += v[j]! * v[j]!;
    }
    scores[i] = s / Math.max(Math.sqrt(vv), 1e-12) / queryNorm;
  }
  return best(rows, scores, k);
}

/**
 * Score descending, then row ascending, as the reference orders. The candidates arrive in the
 * scan's order, which the exact scores only perturb locally, so an insertion sort is near-linear
 * here (a comparator sort cost ~35 µs for 166 rows, more than the scan of 10k rows).
 */
function best(rows: Int32Array, scores: Float64Array, k: number): RankedRows {
  const order = new Int32Array(rows.length);
  let kept = 0;
  for (let i = 0; i < rows.length; i++) if (scores[i]! > MASKED_THRESHOLD) order[kept++] = i;
  const before = (a: number, b: number): boolean => scores[a]! > scores[b]! || (scores[a] === scores[b] && rows[a]! < rows[b]!);
  if (kept > 2048) {
    order.subarray(0, kept).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  } else {
    for (let i = 1; i < kept; i++) {
      const x = order[i]!;
      let j = i - 1;
      for (; j >= 0 && before(x, order[j]!); j--) order[j + 1] = order[j]!;
      order[j + 1] = x;
    }
  }
  const count = Math.min(k, kept);
  const out = { rows: new Int32Array(count), scores: new Float32Array(count) };
  for (let r = 0; r < count; r++) {
    out.rows[r] = rows[order[r]!]!;
    out.scores[r] = scores[order[r]!]!;
  }
  return out;
}
