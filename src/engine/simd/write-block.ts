import type { Catalog } from '../../catalog/types.js';
import { MASKED_SCORE } from '../mask.js';
import { writeFloat16Rows, writeInt8Rows } from './encode.js';
import { ELEMENT_BYTES, type Layout, type SimdDtype } from './layout.js';
import { writePq4Block } from './pq4-block.js';

type TileRows = (rows: Float32Array | Uint16Array | Int8Array, n: number, rowBytes: number) => void;

/**
 * Writes the catalog's first `n` rows into the kernel memory as `dtype` (row scales and biases
 * too); `tileRows` tiles rows already in that type through the kernel.
 */
export function writeCatalogBlock(buffer: ArrayBuffer, layout: Layout, dtype: SimdDtype, catalog: Catalog, n: number, tileRows: TileRows): void {
  const dim = catalog.header.dim;
  const recScale = new Float32Array(buffer, layout.recScale, layout.paddedRows);
  // Padding rows (scale 0) score exactly MASKED_SCORE, which never beats the top-k threshold.
  const recBias = new Float32Array(buffer, layout.recBias, layout.paddedRows).fill(MASKED_SCORE);
  recBias.set(catalog.bias.subarray(0, n));
  new Float32Array(buffer, layout.simBias, layout.paddedRows).fill(MASKED_SCORE).fill(0, 0, n);
  if (dtype === 'pq4') {
    // Codes are learnt when the catalog is written (k-means); a scorer does not learn them.
    if (catalog.quantised?.dtype !== 'pq4') throw new RangeError(`The SIMD scorer stores pq4 only from a pq4 catalog, not ${catalog.header.dtype}.`);
    writePq4Block(buffer, layout, catalog.quantised, n);
    recScale.set(catalog.quantised.scales.subarray(0, n));
    return;
  }
  const stride = layout.rowBytes / ELEMENT_BYTES[dtype];
  // A quantised file's own rows are copied as they are: quantising its float32 values again
  // gives the same bytes, slower (this is on the start-up path).
  const own = catalog.quantised?.dtype === dtype ? catalog.quantised : undefined;
  const cells = layout.paddedRows * stride;
  if (dtype === 'float32') tileRows(catalog.vectors, n, dim * 4);
  else if (own) tileRows(own.values, n, dim * ELEMENT_BYTES[dtype]);
  else if (dtype === 'float16') writeFloat16Rows(catalog.vectors, n, dim, new Uint16Array(buffer, layout.vec, cells), stride);
  else writeInt8Rows(catalog.vectors, n, dim, new Int8Array(buffer, layout.vec, cells), stride, recScale);
  if (own?.dtype === 'int8') recScale.set(own.scales.subarray(0, n));
  else if (dtype !== 'int8') recScale.fill(1, 0, n);
}
