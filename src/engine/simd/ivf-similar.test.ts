import { describe, expect, it } from 'vitest';
import { decodeCatalog, encodeCatalog } from '../../catalog/codec.js';
import { withIvfIndex } from '../../catalog/ivf-build.js';
import { clusteredInput } from '../../catalog/ivf-cases.js';
import type { Catalog, EmbeddingDtype } from '../../catalog/types.js';
import { SimdScorer } from './simd-scorer.js';

// similar() on a clustered catalog (`--index ivf`) against the same file scanned whole.

const N = 4000;
const K = 100;

async function catalogs(dtype: EmbeddingDtype): Promise<{ clustered: Catalog; whole: Catalog; probe: number }> {
  const { input, report } = withIvfIndex(clusteredInput(N, 32), { lists: 64 });
  const clustered = await decodeCatalog(await encodeCatalog({ ...input, dtype }));
  const whole: Catalog = { ...clustered, extras: { ...clustered.extras } };
  delete whole.extras.ivf;
  return { clustered, whole, probe: report.probe };
}

const recall = (found: Int32Array, exact: Int32Array): number => {
  const truth = new Set(exact);
  return found.filter((r) => truth.has(r)).length / exact.length;
};

describe('SimdScorer.similar on a clustered catalog', () => {
  for (const dtype of ['float32', 'int8', 'pq4'] as const) {
    it(`${dtype}: keeps ≥ 0.99 of the whole scan's top-${K}, with its scores`, async () => {
      const { clustered, whole, probe } = await catalogs(dtype);
      expect(probe).toBeLessThan(64);
      const fast = await SimdScorer.create(clustered);
      const exact = await SimdScorer.create(whole);
      let sum = 0;
      const seeds = Array.from({ length: 40 }, (_, i) => (i * 97) % N);
      for (const seed of seeds) {
        const a = await fast.similar(seed, K, { excludeRows: [] });
        const b = await exact.similar(seed, K, { excludeRows: [] });
        expect(a.rows).toHaveLength(K);
        expect(new Set(a.rows).size).toBe(K);
        expect(a.rows).not.toContain(seed);
        sum += recall(a.rows, b.rows);
        // A row both return has the same score: the lists only decide which rows are scanned.
        const scoreOf = new Map(Array.from(b.rows, (r, i) => [r, b.scores[i]!]));
        a.rows.forEach((r, i) => scoreOf.has(r) && expect(a.scores[i]).toBeCloseTo(scoreOf.get(r)!, 5));
      }
      expect(sum / seeds.length).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('reads only the probed lists: with the centroids swapped between lists it misses the neighbours', async () => {
    const { clustered, whole } = await catalogs('float32');
    const ivf = clustered.extras.ivf!;
    const lists = ivf.offsets.length - 1;
    // List l described by list (l + 1)'s centroid: the probe then reads lists far from the seed.
    const centroids = new Float32Array(ivf.centroids.length);
    for (let l = 0; l < lists; l++) centroids.set(ivf.centroids.subarray(((l + 1) % lists) * 32, (((l + 1) % lists) + 1) * 32), l * 32);
    const wrong = await SimdScorer.create({ ...clustered, extras: { ...clustered.extras, ivf: { ...ivf, centroids } } });
    const exact = await SimdScorer.create(whole);
    let sum = 0;
    for (let seed = 0; seed < 40; seed++)
      sum += recall((await wrong.similar(seed, K, { excludeRows: [] })).rows, (await exact.similar(seed, K, { excludeRows: [] })).rows);
    expect(sum / 40).toBeLessThan(0.5);
  });

  it('scans every row when filters could empty the probed lists, or exclusions leave too few', async () => {
    const { clustered, whole } = await catalogs('float32');
    const fast = await SimdScorer.create(clustered);
    const exact = await SimdScorer.create(whole);
    const filtered = { excludeRows: [], categories: ['c2'] };
    expect(await fast.similar(7, K, filtered)).toEqual(await exact.similar(7, K, filtered));
    // Everything but 150 rows excluded: the probed lists alone could not fill the candidates.
    const excludeRows = Array.from({ length: N - 150 }, (_, i) => i + 150);
    const few = await fast.similar(3, K, { excludeRows });
    expect(few).toEqual(await exact.similar(3, K, { excludeRows }));
    expect(few.rows).toHaveLength(K);
  });
});
