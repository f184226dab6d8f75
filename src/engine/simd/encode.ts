import { float16ToFloat32, float32ToFloat16 } from '../../catalog/float16.js';
import { SLOT_BYTES, tileIndex, type RowDtype } from './layout.js';

// Writes catalog rows and queries in the element formats kernel.wat reads.

type HalfArrayCtor = new (source: ArrayLike<number>) => { readonly buffer: ArrayBufferLike; readonly length: number };
/** Native Float16Array (Chrome 135+, Firefox 129+) converts a block in one call; else element by element. */
const NativeHalf = (globalThis as { Float16Array?: HalfArrayCtor }).Float16Array;

let halfTable: Float32Array | undefined;
/** float32 value of every half bit pattern: decoding by lookup. */
export function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65_536);
    for (let h = 0; h < 65_536; h++) halfTable[h] = float16ToFloat32(h);
  }
  return halfTable;
}

type Elements = Float32Array | Uint16Array | Int8Array;

/**
 * Row-major `rows × dim` values into the tiled block (tileIndex); the padding stays zero. For
 * rows converted here (float32 stored as float16); rows already in the block's type are tiled
 * by the kernel (SimdScorer #tileRows).
 */
function copyTiled(src: Elements, dst: Elements, rows: number, dim: number, stride: number, elementBytes: number): void {
  const slot = SLOT_BYTES / elementBytes;
  for (let r = 0; r < rows; r++) {
    const base = tileIndex(r, 0, stride, elementBytes);
    const from = r * dim;
    for (let j = 0, at = base; j < dim; at += 4 * slot) {
      const end = Math.min(dim, j + slot);
      for (let k = at; j < end; j++, k++) dst[k] = src[from + j]!;
    }
  }
}

/** IEEE half bits, rounded to nearest even (as the catalog codec writes float16 files). */
export function writeFloat16Rows(src: Float32Array, rows: number, dim: number, dst: Uint16Array, stride: number): void {
  const block = src.subarray(0, rows * dim);
  let halves: Uint16Array;
  if (NativeHalf) {
    halves = new Uint16Array(new NativeHalf(block).buffer);
  } else {
    halves = new Uint16Array(block.length);
    for (let i = 0; i < block.length; i++) halves[i] = float32ToFloat16(block[i]!);
  }
  copyTiled(halves, dst, rows, dim, stride, 2);
}

/**
 * Symmetric int8 with a float32 scale per row, v ≈ q · scale: the same rounding as the catalog
 * codec, so an int8 catalog file (decoded to float32) comes back to its own bytes.
 */
export function writeInt8Rows(src: Float32Array, rows: number, dim: number, dst: Int8Array, stride: number, scales: Float32Array): void {
  const slot = SLOT_BYTES;
  for (let r = 0; r < rows; r++) {
    const from = r * dim;
    let max = 0;
    for (let j = 0; j < dim; j++) {
      const x = src[from + j]!;
      if (x > max) max = x;
      else if (-x > max) max = -x;
    }
    const scale = max > 0 ? max / 127 : 1;
    scales[r] = scale;
    const base = tileIndex(r, 0, stride, 1);
    // floor(x + 0.5) is Math.round for these values, and several times faster in V8.
    for (let j = 0; j < dim; j++) dst[base + Math.floor(j / slot) * 4 * slot + (j % slot)] = Math.floor(src[from + j]! / scale + 0.5);
  }
}

/**
 * Writes query `u` at byte `at` in the kernel's format for `dtype` and returns the factor `g`
 * the kernel multiplies each dot product by.
 * - f32: u as is, g = 1.
 * - f16: u × 2^(112 − e) where 2^e ≥ max|u|: the kernel's widened halves are v × 2^-112, and
 *   powers of two scale exactly; g = 2^e.
 * - i8: u rounded to int16 on a step chosen so that dim × 127 × max|q| stays below 2^31 (exact
 *   int32 sums); g = the step. Error ≤ max|u| / 65,534 per element, far below int8's own.
 */
export function writeQuery(dtype: RowDtype, u: ArrayLike<number>, dim: number, buffer: ArrayBufferLike, at: number, queryBytes: number): number {
  let maxAbs = 0;
  for (let j = 0; j < dim; j++) maxAbs = Math.max(maxAbs, Math.abs(u[j]!));
  if (dtype === 'int8') {
    const out = new Int16Array(buffer, at, queryBytes / 2).fill(0);
    const limit = Math.min(32_767, Math.floor(2_147_483_647 / (127 * dim)));
    if (maxAbs === 0) return 1;
    const step = maxAbs / limit;
    for (let j = 0; j < dim; j++) out[j] = Math.max(-limit, Math.min(limit, Math.round(u[j]! / step)));
    return step;
  }
  const out = new Float32Array(buffer, at, queryBytes / 4).fill(0);
  if (dtype === 'float32') {
    for (let j = 0; j < dim; j++) out[j] = u[j]!;
    return 1;
  }
  const e = maxAbs > 0 ? Math.min(100, Math.max(-100, Math.ceil(Math.log2(maxAbs)))) : 0;
  const up = 2 ** (112 - e);
  for (let j = 0; j < dim; j++) out[j] = u[j]! * up;
  return 2 ** e;
}
