import { expect, test } from '@playwright/test';
import { openHarness } from './helpers.js';

// "Buy it again" offers only what shoppers do re-buy: items whose repeat-purchase rate reaches a
// floor (default 0.1, configurable); a catalog without repeat statistics says so and offers nothing.
const SHOP = '/catalogs/shop.vcat';
const NO_REPEATS = '/catalogs/shop-no-repeats.vcat';
test.beforeEach(async ({ page }) => openHarness(page));

test('buy it again lists only re-bought items, above a configurable floor; no repeat data → empty, and info() says so', async ({ page }) => {
  const r = await page.evaluate(
    async ([shop, bare]) => {
      const catalog = await window.harness.fetchCatalog(shop);
      const rates = catalog.extras.repeatRate!;
      // Two items nobody re-bought (rate 0), two low-rate ones and two high-rate ones.
      const rows = Array.from(rates.keys());
      const never = rows.filter((i) => rates[i] === 0).slice(0, 2);
      const low = rows.filter((i) => rates[i]! > 0.1 && rates[i]! < 0.3).slice(0, 2);
      const high = rows.filter((i) => rates[i]! >= 0.45).slice(0, 2);
      const id = (row: number): string => catalog.items[row]!.id;
      const rec = await window.harness.createRecommender({ catalog: shop, backend: 'wasm', namespace: 'again' });
      for (const row of [...never, ...low, ...high]) await rec.track({ type: 'purchase', itemId: id(row) });
      const again = await rec.buyItAgain({ k: 10 });
      const strict = await rec.buyItAgain({ k: 10, minRepeatRate: 0.45 });
      const bad = await rec.buyItAgain({ minRepeatRate: 2 }).then(
        () => null,
        (e: { code: string }) => e.code,
      );
      const info = (await rec.info()).buyItAgain;
      await rec.eraseHistory();
      await rec.dispose();
      const shopWide = await window.harness.createRecommender({ catalog: shop, backend: 'wasm', namespace: 'again', buyItAgain: { minRepeatRate: 0.45 } });
      for (const row of [...never, ...low, ...high]) await shopWide.track({ type: 'purchase', itemId: id(row) });
      const shopWideList = await shopWide.buyItAgain();
      await shopWide.eraseHistory();
      await shopWide.dispose();
      const plain = await window.harness.createRecommender({ catalog: bare, backend: 'wasm', namespace: 'again-bare' });
      await plain.track({ type: 'purchase', itemId: id(high[0]!) });
      const bareList = await plain.buyItAgain();
      const bareInfo = (await plain.info()).buyItAgain;
      await plain.eraseHistory();
      await plain.dispose();
      return { again, strict, bad, info, shopWideList, bareList, bareInfo, never: never.map(id), low: low.map(id), high: high.map(id) };
    },
    [SHOP, NO_REPEATS] as const,
  );
  expect(r.never).toHaveLength(2);
  expect(r.low).toHaveLength(2);
  expect(r.high).toHaveLength(2);
  // Never re-bought: never offered. The rest by rate, each with its rate as score.
  expect(r.again.map((x) => x.itemId).sort()).toEqual([...r.low, ...r.high].sort());
  expect(
    r.again
      .slice(0, 2)
      .map((x) => x.itemId)
      .sort(),
  ).toEqual([...r.high].sort());
  for (const x of r.again) expect(x).toMatchObject({ reason: 'buy_again' });
  for (const x of r.again) expect(x.score).toBeGreaterThanOrEqual(0.1);
  expect(r.strict.map((x) => x.itemId).sort()).toEqual([...r.high].sort());
  expect(r.shopWideList.map((x) => x.itemId).sort()).toEqual([...r.high].sort());
  expect(r.bad).toBe('OPTIONS_INVALID');
  expect(r.info).toMatchObject({ repeatRates: true, minRepeatRate: 0.1 });
  expect(r.info.items).toBeGreaterThan(50);
  // No repeat statistics: nothing offered, and info() says why.
  expect(r.bareList).toEqual([]);
  expect(r.bareInfo).toEqual({ repeatRates: false, minRepeatRate: 0.1, items: 0 });
});
