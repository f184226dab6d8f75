import { expect, test } from '@playwright/test';
import { openHarness } from './helpers.js';

// `k` is validated the same way by every method that takes it: an integer from 1 to 1000.
const SHOP = '/catalogs/shop.vcat';
test.beforeEach(async ({ page }) => openHarness(page));

test('every method rejects k: -1, 0, 1.5, "x", NaN and 1001 with OPTIONS_INVALID, and accepts k: 3', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'options-k' });
    await rec.track({ type: 'view', itemId: 'p1' });
    await rec.track({ type: 'purchase', itemId: 'p3' });
    type Call = (o: { k: never }) => Promise<unknown[]>;
    const methods: Record<string, Call> = {
      recommend: (o) => rec.recommend(o),
      similar: (o) => rec.similar('p1', o),
      popular: (o) => rec.popular(o),
      trending: (o) => rec.trending(o),
      newArrivals: (o) => rec.newArrivals(o),
      complements: (o) => rec.complements(['p1'], o),
      buyItAgain: (o) => rec.buyItAgain(o),
      recentlyViewed: (o) => rec.recentlyViewed(o),
      search: (o) => rec.search('Product', o),
      topCategories: (o) => rec.topCategories(o),
      topBrands: (o) => rec.topBrands(o),
    };
    const out: Record<string, { bad: Array<string | null>; good: number | string }> = {};
    for (const [name, call] of Object.entries(methods)) {
      const bad = [];
      for (const k of [-1, 0, 1.5, 'x', Number.NaN, 1001])
        bad.push(
          await call({ k: k as never }).then(
            () => null,
            (e: { code?: string }) => e.code ?? 'no code',
          ),
        );
      const good = await call({ k: 3 as never }).then(
        (list) => list.length,
        (e: { code?: string }) => `threw ${e.code}`,
      );
      out[name] = { bad, good };
    }
    await rec.eraseHistory();
    await rec.dispose();
    return out;
  }, SHOP);
  for (const [name, { bad, good }] of Object.entries(result)) {
    expect(bad, name).toEqual(Array(6).fill('OPTIONS_INVALID'));
    expect(typeof good, `${name} with k: 3`).toBe('number');
    expect(good as number, name).toBeLessThanOrEqual(3);
  }
});
