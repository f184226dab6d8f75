import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCatalog, encodeCatalog } from '../../catalog/codec.js';
import type { Catalog } from '../../catalog/types.js';
import { referenceRecommend, referenceSimilar } from '../reference-scorer.js';
import { KERNEL_WAT_SHA256 } from './kernel-wasm.js';
import type { SimdDtype } from './layout.js';
import { caseItems, CASE_MASKS, lcg } from './scorer-cases.js';
import { SimdScorer } from './simd-scorer.js';

// Node runs the same kernel (WebAssembly SIMD is on in Node 20); the browser spec
// (test/browser/simd.spec.ts) covers the real catalogs in a vite-built worker.

function catalog(n: number, dim: number): Catalog {
  const random = lcg(12345);
  const vectors = Float32Array.from({ length: n * dim }, () => random() - 0.5);
  const bias = Float32Array.from({ length: n }, () => 0.1 * (random() - 0.5));
  const items = caseItems(n);
  const section = { offset: 0, length: 0 };
  return {
    header: {
      formatVersion: 2,
      itemCount: n,
      dim,
      dtype: 'float32',
      fields: ['id'],
      modelId: 't',
      createdAt: '',
      bodyLength: 0,
      bodySha256: '',
      sections: { embeddings: section, bias: section, metadata: section },
    },
    vectors,
    bias,
    items,
    extras: {},
  };
}

describe('SimdScorer (Node)', () => {
  it('ships the wasm assembled from the current kernel.wat', () => {
    const source = readFileSync(new URL('./kernel.wat', import.meta.url), 'utf8');
    expect(createHash('sha256').update(source).digest('hex'), 'run node scripts/build-wasm.mjs').toBe(KERNEL_WAT_SHA256);
  });

  const c = catalog(3001, 37);
  const u = Float32Array.from({ length: 37 }, (_, j) => Math.cos(j));
  const masks = CASE_MASKS;

  const variants: Array<{ dtype: SimdDtype; refine?: boolean }> = [
    { dtype: 'float32' },
    { dtype: 'float16' },
    { dtype: 'int8' },
    { dtype: 'float32', refine: false },
  ];
  for (const variant of variants) {
    it(`${variant.dtype}${variant.refine === false ? ' raw scan' : ''}: recommend and similar equal the reference, masks inside the scan`, async () => {
      const scorer = await SimdScorer.create(c, variant);
      for (const mask of masks) {
        const ref = referenceRecommend(c, u, 50, mask);
        const got = await scorer.recommend(u, 50, mask);
        expect(Array.from(got.rows)).toEqual(Array.from(ref.rows));
        got.scores.forEach((s, i) => expect(Math.abs(s - ref.scores[i]!)).toBeLessThan(1e-4));
        // similar() is cosine: no bias, so bias weight and boosts do not apply, in either.
        const refSimilar = referenceSimilar(c, 17, 20, mask);
        expect(Array.from((await scorer.similar(17, 20, mask)).rows)).toEqual(Array.from(refSimilar.rows));
      }
      scorer.dispose();
    });
  }

  for (const dtype of ['int8', 'float16'] as const) {
    it(`a decoded ${dtype} file: its own rows, copied, score exactly as re-quantising its float32 values`, async () => {
      const items = c.items;
      const file = await decodeCatalog(
        await encodeCatalog({ ids: items.map((i) => i.id), vectors: c.vectors, dim: 37, bias: c.bias, items, dtype, modelId: 't' }),
      );
      expect(file.quantised?.dtype).toBe(dtype);
      const { quantised: _own, ...requantised } = file;
      const copied = await SimdScorer.create(file, { refine: false });
      const computed = await SimdScorer.create(requantised, { refine: false });
      for (const mask of masks) {
        const a = await copied.recommend(u, 100, mask);
        const b = await computed.recommend(u, 100, mask);
        expect(Array.from(a.rows)).toEqual(Array.from(b.rows));
        expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
      }
      copied.dispose();
      computed.dispose();
    });
  }

  it('handles k = 0, k beyond the catalog, no allowed category, bad rows and dispose', async () => {
    const scorer = await SimdScorer.create(c, { dtype: 'int8', refine: false });
    expect((await scorer.recommend(u, 0, { excludeRows: [] })).rows.length).toBe(0);
    expect((await scorer.recommend(u, 10_000, { excludeRows: [] })).rows.length).toBe(3001);
    expect((await scorer.recommend(u, 10, { excludeRows: [], categories: [] })).rows.length).toBe(0);
    await expect(scorer.similar(3001, 5, { excludeRows: [] })).rejects.toThrow(RangeError);
    await expect(scorer.scoreRows(u, Int32Array.of(0, 3001))).rejects.toThrow(RangeError);
    await expect(scorer.recommend(u.subarray(0, 3), 5, { excludeRows: [] })).rejects.toThrow(RangeError);
    scorer.dispose();
    await expect(scorer.recommend(u, 5, { excludeRows: [] })).rejects.toThrow(/dispose/);
  });

  it('an empty catalog returns nothing', async () => {
    const scorer = await SimdScorer.create(catalog(0, 8));
    expect((await scorer.recommend(new Float32Array(8), 5, { excludeRows: [] })).rows.length).toBe(0);
    expect((await scorer.scoreRows(new Float32Array(8), new Int32Array(0))).length).toBe(0);
  });
});
