import { halfToFloatTable } from './encode.js';
import { pq4Row, type Pq4Rows } from '../../catalog/pq.js';
import { ELEMENT_BYTES, SLOT_BYTES, tileIndex, type Layout, type RowDtype, type SimdDtype } from './layout.js';
import { writePq4SimilarityScales } from './pq4-block.js';

/** The embedding block as the kernel stores it, read back from JavaScript (similar(), norms). */
export interface StoredBlock {
  /** The kernel memory's buffer now (it changes when the memory grows). */
  buffer: ArrayBuffer;
  layout: Layout;
  dtype: SimdDtype;
  dim: number;
  itemCount: number;
  /** pq4: the file's codes and codebooks (the block holds the same codes, reordered). */
  pq?: Pq4Rows;
}

/** The block as stored, in its element type (tiled: see tileIndex). */
function storedValues(b: StoredBlock & { dtype: RowDtype }): Float32Array | Uint16Array | Int8Array {
  const l = b.layout;
  const length = (l.paddedRows * l.rowBytes) / ELEMENT_BYTES[b.dtype];
  if (b.dtype === 'float32') return new Float32Array(b.buffer, l.vec, length);
  if (b.dtype === 'float16') return new Uint16Array(b.buffer, l.vec, length);
  return new Int8Array(b.buffer, l.vec, length);
}

/** int8 rows carry a scale; the other types are stored as they are. */
export function quantScale(b: StoredBlock, row: number): number {
  return b.dtype === 'int8' || b.dtype === 'pq4' ? new Float32Array(b.buffer, b.layout.recScale, b.itemCount)[row]! : 1;
}

/** Row `row` as stored (after quantisation), as float32: the query of similar(). */
export function storedRow(b: StoredBlock, row: number): Float32Array {
  if (b.dtype === 'pq4') return pq4Row(b.pq!, b.dim, row);
  const values = storedValues(b as StoredBlock & { dtype: RowDtype });
  const table = b.dtype === 'float16' ? halfToFloatTable() : undefined;
  const scale = quantScale(b, row);
  const bytes = ELEMENT_BYTES[b.dtype];
  const stride = b.layout.rowBytes / bytes;
  return Float32Array.from({ length: b.dim }, (_, j) => {
    const x = values[tileIndex(row, j, stride, bytes)]!;
    return table ? table[x]! : x * scale;
  });
}

/** Writes simScale[i] = (int8 scale) / ‖vᵢ‖ of each stored row into the block's simScale column. */
export function writeSimilarityScales(b: StoredBlock): Float32Array {
  const l = b.layout;
  if (b.dtype === 'pq4') return writePq4SimilarityScales(b.buffer, l, b.pq!, b.dim, b.itemCount);
  const simScale = new Float32Array(b.buffer, l.simScale, b.itemCount);
  const bytes = ELEMENT_BYTES[b.dtype];
  const stride = l.rowBytes / bytes;
  const slot = SLOT_BYTES / bytes;
  const values = storedValues(b as StoredBlock & { dtype: RowDtype });
  const table = b.dtype === 'float16' ? halfToFloatTable() : undefined;
  const scales = b.dtype === 'int8' ? new Float32Array(b.buffer, l.recScale, b.itemCount) : undefined;
  for (let i = 0; i < b.itemCount; i++) {
    const base = tileIndex(i, 0, stride, bytes);
    let sum = 0;
    for (let j = 0; j < b.dim; j++) {
      const v = values[base + Math.floor(j / slot) * 4 * slot + (j % slot)]!;
      const x = table ? table[v]! : v;
      sum += x * x;
    }
    const scale = scales ? scales[i]! : 1;
    simScale[i] = scale / Math.max(Math.sqrt(sum) * scale, 1e-12);
  }
  return simScale;
}
