import { float16ToFloat32 } from './float16.js';
import { pq4Row } from './pq.js';
import type { Catalog } from './types.js';

/** One embedding row as float32 values. Treat it as read-only: it may be a view of the block. */
export type RowReader = (row: number) => Float32Array;

/**
 * Reads single rows without materialising the float32 block of a quantised catalog: a view of
 * `vectors` for float32 files, else the row decoded from the file's own bytes — the same values
 * `vectors` holds once built (q · scale rounded to float32, or the half widened exactly).
 */
export function rowReader(catalog: Catalog): RowReader {
  const { dim } = catalog.header;
  const own = catalog.quantised;
  if (own?.dtype === 'int8') {
    const { values, scales } = own;
    return (row) => {
      const out = new Float32Array(dim);
      const scale = scales[row]!;
      for (let j = 0, at = row * dim; j < dim; j++, at++) out[j] = values[at]! * scale;
      return out;
    };
  }
  if (own?.dtype === 'pq4') return (row) => pq4Row(own, dim, row);
  if (own?.dtype === 'float16') {
    const { values } = own;
    return (row) => {
      const out = new Float32Array(dim);
      for (let j = 0, at = row * dim; j < dim; j++, at++) out[j] = float16ToFloat32(values[at]!);
      return out;
    };
  }
  return (row) => catalog.vectors.subarray(row * dim, (row + 1) * dim);
}

/**
 * rowReader for callers that are done with a row before they ask for the next (re-ranking a
 * scan's candidates): a quantised row is decoded into one reused buffer, since a new array per
 * row cost more than the arithmetic on it. float32 rows stay views of `vectors`.
 */
export function scratchRowReader(catalog: Catalog): RowReader {
  const { dim } = catalog.header;
  const own = catalog.quantised;
  const scratch = new Float32Array(dim);
  if (own?.dtype === 'int8') {
    const { values, scales } = own;
    return (row) => {
      const scale = scales[row]!;
      for (let j = 0, at = row * dim; j < dim; j++, at++) scratch[j] = values[at]! * scale;
      return scratch;
    };
  }
  if (own?.dtype === 'pq4') return (row) => pq4Row(own, dim, row, scratch);
  if (own?.dtype === 'float16') {
    const { values } = own;
    return (row) => {
      for (let j = 0, at = row * dim; j < dim; j++, at++) scratch[j] = float16ToFloat32(values[at]!);
      return scratch;
    };
  }
  return (row) => catalog.vectors.subarray(row * dim, (row + 1) * dim);
}

/** A block or a reader, as a reader. */
export function asRowReader(source: Float32Array | RowReader, dim: number): RowReader {
  return typeof source === 'function' ? source : (row) => source.subarray(row * dim, (row + 1) * dim);
}

/**
 * Makes `catalog.vectors` build the float32 block on first read, then keep it. For quantised
 * files: the SIMD scorer reads their own rows and single rows come from rowReader, so a shop
 * that ships int8 keeps int8 in memory (and its start-up skips the expansion) unless a path
 * that needs the whole float32 block (tfjs, the sequence encoder) asks for it.
 */
export function defineLazyVectors(catalog: Omit<Catalog, 'vectors'>, build: () => Float32Array): Catalog {
  return Object.defineProperty(catalog, 'vectors', {
    configurable: true,
    enumerable: true,
    get(this: Catalog): Float32Array {
      const vectors = build();
      Object.defineProperty(this, 'vectors', { value: vectors, writable: true, enumerable: true, configurable: true });
      return vectors;
    },
  }) as Catalog;
}
