import { describe, expect, it } from 'vitest';
import { decodeCatalog, encodeCatalog } from './codec.js';
import { rowReader } from './embedding-rows.js';

const N = 30;
const DIM = 12;
const vectors = Float32Array.from({ length: N * DIM }, (_, i) => Math.cos(i * 0.91) * (1 + (i % 7)));
const encode = (dtype: 'float32' | 'float16' | 'int8') =>
  encodeCatalog({ ids: Array.from({ length: N }, (_, i) => `id-${i}`), vectors, dim: DIM, dtype, modelId: 'rows' });

describe('embedding rows of a decoded catalog', () => {
  for (const dtype of ['float16', 'int8'] as const) {
    it(`${dtype}: the float32 block is built only when read, and single rows equal its rows exactly`, async () => {
      const catalog = await decodeCatalog(await encode(dtype));
      // Not expanded by decoding: the SIMD scorer and rowReader work from the file's own rows.
      expect(Object.getOwnPropertyDescriptor(catalog, 'vectors')?.get).toBeTypeOf('function');
      const read = rowReader(catalog);
      const rows = Array.from({ length: N }, (_, r) => Array.from(read(r)));
      expect(Object.getOwnPropertyDescriptor(catalog, 'vectors')?.get).toBeTypeOf('function');
      const block = catalog.vectors;
      expect(Object.getOwnPropertyDescriptor(catalog, 'vectors')?.value).toBe(block);
      expect(catalog.vectors).toBe(block);
      for (let r = 0; r < N; r++) expect(rows[r]).toEqual(Array.from(block.subarray(r * DIM, (r + 1) * DIM)));
      // And the block is the file's values: within the dtype's rounding of the source.
      for (let i = 0; i < vectors.length; i++) expect(Math.abs(block[i]! - vectors[i]!)).toBeLessThan(dtype === 'int8' ? 0.06 : 0.01);
    });
  }

  it('float32: rows are views of the block', async () => {
    const catalog = await decodeCatalog(await encode('float32'));
    expect(Object.getOwnPropertyDescriptor(catalog, 'vectors')?.value).toBeInstanceOf(Float32Array);
    const row = rowReader(catalog)(5);
    expect(row.buffer).toBe(catalog.vectors.buffer);
    expect(Array.from(row)).toEqual(Array.from(vectors.subarray(5 * DIM, 6 * DIM)));
  });
});
