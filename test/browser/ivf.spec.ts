import { expect, test } from '@playwright/test';
import { expectSameRanking, openHarness, RETAIL, RETAIL_IVF } from './helpers.js';

// similar() on a clustered catalog (`vitrine train --index ivf`) in the worker, against the same
// training written as an ordinary file: the real Online Retail catalog, the SIMD kernel.

test.beforeEach(async ({ page }) => openHarness(page));

test('a clustered catalog answers similar() as the whole scan does, probing its lists; filters scan every row', async ({ page }) => {
  const result = await page.evaluate(
    async ([plainUrl, clusteredUrl]) => {
      const plain = await window.harness.createRecommender({ catalog: plainUrl!, backend: 'simd', namespace: 'ivf-plain' });
      const clustered = await window.harness.createRecommender({ catalog: clusteredUrl!, backend: 'simd', namespace: 'ivf-clustered' });
      const seeds = (await plain.popular({ k: 40 })).map((r) => r.itemId);
      const pairs = [];
      for (const seed of seeds) {
        const a = await clustered.similar(seed, { k: 10, lean: true });
        const b = await plain.similar(seed, { k: 10, lean: true });
        pairs.push({ clustered: a.ids, plain: b.ids });
      }
      const filters = { priceMax: 2 };
      const filtered = {
        clustered: (await clustered.similar(seeds[0]!, { k: 20, filters })).map((r) => [r.itemId, r.score] as const),
        plain: (await plain.similar(seeds[0]!, { k: 20, filters })).map((r) => [r.itemId, r.score] as const),
      };
      const info = [await clustered.info(), await plain.info()].map((i) => ({ backend: i.backend, items: i.catalog.items }));
      await clustered.dispose();
      await plain.dispose();
      return { pairs, filtered, info };
    },
    [RETAIL, RETAIL_IVF] as const,
  );
  expect(result.info).toEqual([
    { backend: 'simd', items: 3907 },
    { backend: 'simd', items: 3907 },
  ]);
  let overlap = 0;
  for (const { clustered, plain } of result.pairs) {
    expect(clustered).toHaveLength(10);
    overlap += clustered.filter((id) => plain.includes(id)).length / 10;
  }
  const recall = overlap / result.pairs.length;
  console.log(`clustered similar(): ${(recall * 100).toFixed(1)} % of the whole scan's top-10 over ${result.pairs.length} seeds`);
  expect(recall).toBeGreaterThanOrEqual(0.97);
  const asRanked = (list: ReadonlyArray<readonly [string, number]>) => ({ ids: list.map(([id]) => id), scores: list.map(([, s]) => s) });
  expect(result.filtered.plain.length).toBeGreaterThan(0);
  expectSameRanking(asRanked(result.filtered.clustered), asRanked(result.filtered.plain), 'filtered similar()');
});
