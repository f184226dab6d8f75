import type { MaskSpec } from './mask.js';

/** Catalog rows ranked best first, with their scores. */
export interface RankedRows {
  rows: Int32Array;
  scores: Float32Array;
}

/**
 * A compute path that holds the catalog and scores it. Implementations: SimdScorer (our
 * WebAssembly SIMD kernel, simd/) and TensorScorer (tfjs on webgpu/webgl/wasm/cpu, in the lazily
 * loaded tfjs part). Every implementation must equal the plain-JS reference
 * (reference-scorer.ts) within tolerance — the browser parity tests check each one.
 */
export interface Scorer {
  readonly itemCount: number;
  readonly dim: number;
  /** Top `k` rows by `u·vᵢ + bᵢ` among unmasked items. */
  recommend(u: Float32Array, k: number, mask: MaskSpec): Promise<RankedRows>;
  /** Top `k` rows by cosine similarity to `row` (the row itself excluded). */
  similar(row: number, k: number, mask: MaskSpec): Promise<RankedRows>;
  /** `u·vᵢ + bᵢ` for the given rows, in the given order. */
  scoreRows(u: Float32Array, rows: Int32Array): Promise<Float32Array>;
  /**
   * Re-reads the price and stock of `rows` from the catalog's item table (live item updates):
   * the masks see them from the next call on. No embedding work.
   */
  updateRows(rows: Int32Array): void;
  dispose(): void;
}
