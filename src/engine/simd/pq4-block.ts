import { PQ_CENTROIDS, pqCode, pqCodeBytes, type Pq4Rows } from '../../catalog/pq.js';
import { PQ_BLOCK_ROWS, type Layout } from './layout.js';

// The pq4 block and queries in the form scan_pq4 reads (kernel.wat, "pq4").

/** Byte of row `i` (0…31) of a block within a sub-space's 16 bytes; rows 16–31 use the high nibble. */
const byteOfRow = (i: number): number => ((i & 7) << 1) | ((i >> 3) & 1);

/** The file's codes, row-major, into the kernel's blocks of 32 rows (16 bytes per sub-space each). */
export function writePq4Block(buffer: ArrayBuffer, layout: Layout, pq: Pq4Rows, n: number): void {
  const m = pq.subspaces;
  const bytesPerRow = pqCodeBytes(m);
  const block = new Uint8Array(buffer, layout.vec, (layout.paddedRows / PQ_BLOCK_ROWS) * layout.rowBytes).fill(0);
  for (let r = 0; r < n; r++) {
    const base = (r >> 5) * layout.rowBytes + byteOfRow(r & 31);
    const shift = r & 16 ? 4 : 0;
    for (let j = 0; j < m; j++) block[base + 16 * j]! |= pqCode(pq.codes, bytesPerRow, r, j) << shift;
  }
}

/**
 * Writes the query's lookup tables at `at` (u8, one step for all tables, each less its minimum)
 * and the offset Σ minima / step after them; returns the step, the kernel's `g`. Entries go up
 * to min(255, ⌊65,535 / M⌋) so that M of them sum below 2^16 (the kernel's u16 lanes).
 */
export function writePq4Query(pq: Pq4Rows, dim: number, u: ArrayLike<number>, buffer: ArrayBufferLike, at: number): number {
  const m = pq.subspaces;
  const sub = dim / m;
  const { codebooks } = pq;
  const tables = new Float64Array(m * PQ_CENTROIDS);
  const minima = new Float64Array(m);
  let range = 0;
  for (let j = 0; j < m; j++) {
    let low = Infinity;
    let high = -Infinity;
    for (let c = 0; c < PQ_CENTROIDS; c++) {
      let s = 0;
      const at = (j * PQ_CENTROIDS + c) * sub;
      for (let t = 0; t < sub; t++) s += u[j * sub + t]! * codebooks[at + t]!;
      tables[j * PQ_CENTROIDS + c] = s;
      if (s < low) low = s;
      if (s > high) high = s;
    }
    minima[j] = low;
    range = Math.max(range, high - low);
  }
  const levels = Math.min(255, Math.floor(65_535 / m));
  const step = range > 0 ? range / levels : 1;
  const out = new Uint8Array(buffer, at, 16 * m);
  let offset = 0;
  for (let j = 0; j < m; j++) {
    offset += minima[j]!;
    for (let c = 0; c < PQ_CENTROIDS; c++) out[j * PQ_CENTROIDS + c] = Math.round((tables[j * PQ_CENTROIDS + c]! - minima[j]!) / step);
  }
  new Float32Array(buffer, at + 16 * m, 1)[0] = offset / step;
  return step;
}

/** 1 / ‖ĉᵢ‖ of each row's direction (its centroids): cosine = (q·ĉᵢ) / (‖q‖‖ĉᵢ‖), the scale cancels. */
export function writePq4SimilarityScales(buffer: ArrayBuffer, layout: Layout, pq: Pq4Rows, dim: number, n: number): Float32Array {
  const simScale = new Float32Array(buffer, layout.simScale, n);
  const m = pq.subspaces;
  const sub = dim / m;
  const bytesPerRow = pqCodeBytes(m);
  // ‖centroid‖² per (sub-space, code), then a sum of M lookups per row.
  const squares = new Float64Array(m * PQ_CENTROIDS);
  for (let i = 0; i < squares.length; i++) {
    let s = 0;
    for (let t = 0; t < sub; t++) s += pq.codebooks[i * sub + t]! ** 2;
    squares[i] = s;
  }
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let j = 0; j < m; j++) sum += squares[j * PQ_CENTROIDS + pqCode(pq.codes, bytesPerRow, r, j)]!;
    simScale[r] = 1 / Math.max(Math.sqrt(sum), 1e-12);
  }
  return simScale;
}
