import { describe, expect, it } from 'vitest';
import { decodeCatalog, encodeCatalog } from '../../catalog/codec.js';
import type { Catalog } from '../../catalog/types.js';
import type { MaskSpec } from '../mask.js';
import { referenceRecommend, referenceSimilar } from '../reference-scorer.js';
import { caseItems, CASE_MASKS, lcg } from './scorer-cases.js';
import { SimdScorer } from './simd-scorer.js';

// The pq4 fast scan (kernel.wat scan_pq4) against the plain-JS reference on the same decoded
// rows: every backend scores a pq4 catalog's reconstruction, so refined results must equal the
// reference's, masks and boosts included; the raw scan must find nearly all of its top-k.

async function pqCatalog(n: number, dim: number, subspaces?: number): Promise<Catalog> {
  const random = lcg(777);
  // 40 clusters with varied norms: inner products spread as trained embeddings' do.
  const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: dim }, () => random() - 0.5));
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(random() * 40)]!;
    const norm = 0.5 + random();
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = (c[j]! + 0.25 * (random() - 0.5)) * norm;
  }
  const items = caseItems(n);
  const bias = Float32Array.from({ length: n }, () => 0.2 * (random() - 0.5));
  const bytes = await encodeCatalog({ ids: items.map((i) => i.id), vectors, dim, bias, items, dtype: 'pq4', ...(subspaces ? { pqSubspaces: subspaces } : {}) });
  return decodeCatalog(bytes);
}

const masks: MaskSpec[] = [...CASE_MASKS, { excludeRows: [], biasWeight: 0 }];

describe('SimdScorer pq4 (Node)', () => {
  for (const [dim, subspaces] of [
    [64, undefined],
    [37, undefined],
    [36, 9],
  ] as const) {
    it(`d = ${dim}, ${subspaces ?? 'default'} sub-spaces: refined results equal the reference on the decoded rows, masks and boosts included`, async () => {
      const c = await pqCatalog(3001, dim, subspaces);
      expect(c.header.dtype).toBe('pq4');
      const scorer = await SimdScorer.create(c);
      expect(scorer.dtype).toBe('pq4');
      for (let q = 0; q < 5; q++) {
        const u = c.vectors.slice(q * 311 * dim, (q * 311 + 1) * dim);
        for (const mask of masks) {
          for (const k of [1, 10, 100]) {
            const ref = referenceRecommend(c, u, k, mask);
            const got = await scorer.recommend(u, k, mask);
            expect(Array.from(got.rows), `query ${q}, k ${k}, mask ${JSON.stringify(mask)}`).toEqual(Array.from(ref.rows));
            got.scores.forEach((s, i) => expect(Math.abs(s - ref.scores[i]!)).toBeLessThan(1e-4));
          }
          const refSimilar = referenceSimilar(c, 17 + q, 20, mask);
          expect(Array.from((await scorer.similar(17 + q, 20, mask)).rows)).toEqual(Array.from(refSimilar.rows));
        }
      }
      // A batch shares one pass over the block and gives each query's own answer.
      const queries = Array.from({ length: 40 }, (_, q) => c.vectors.slice(q * 7 * dim, (q * 7 + 1) * dim));
      const batch = await scorer.recommendBatch(queries, 30, masks[1]!);
      for (let q = 0; q < queries.length; q++) expect(Array.from(batch[q]!.rows)).toEqual(Array.from(referenceRecommend(c, queries[q]!, 30, masks[1]!).rows));
      scorer.dispose();
    });
  }

  it('the raw scan keeps ≥ 0.9 of the exact top-100, its scores near the exact ones, and scoreRows agrees with the scan', async () => {
    const dim = 64;
    const c = await pqCatalog(5000, dim);
    const raw = await SimdScorer.create(c, { refine: false });
    let kept = 0;
    let worst = 0;
    for (let q = 0; q < 10; q++) {
      const u = c.vectors.slice(q * 401 * dim, (q * 401 + 1) * dim);
      const ref = referenceRecommend(c, u, 100, { excludeRows: [] });
      const got = await raw.recommend(u, 100, { excludeRows: [] });
      const truth = new Set(ref.rows);
      kept += Array.from(got.rows).filter((r) => truth.has(r)).length;
      const all = referenceRecommend(c, u, 5000, { excludeRows: [] });
      const scoreOf = new Map(Array.from(all.rows, (r, i) => [r, all.scores[i]!]));
      got.rows.forEach((r, i) => (worst = Math.max(worst, Math.abs(got.scores[i]! - scoreOf.get(r)!))));
      // scoreRows (kernel score_rows, the scalar pq4 path) gives the scan's own scores.
      const again = await raw.scoreRows(u, got.rows);
      expect(Array.from(again)).toEqual(Array.from(got.scores));
    }
    expect(kept / 1000).toBeGreaterThanOrEqual(0.9);
    // The tables' rounding: well under the spread of the top-100's scores.
    expect(worst).toBeLessThan(0.05);
    raw.dispose();
  });

  it('refuses to store pq4 from a catalog that has no codes', async () => {
    const c = await pqCatalog(100, 8);
    const { quantised: _codes, ...decodedOnly } = c;
    await expect(SimdScorer.create({ ...decodedOnly, vectors: c.vectors, header: { ...c.header, dtype: 'float32' } }, { dtype: 'pq4' })).rejects.toThrow(
      RangeError,
    );
  });
});
