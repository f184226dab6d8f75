import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import type { BusinessRule, RecommendOptions } from '../../src/shared/api-types.js';
import { openHarness } from './helpers.js';

// Rules, filters and exclusions compose by one documented precedence (docs/rules.md): hard
// constraints bind pins unless `force: true`, caps count pins, a pin past k takes the last slot,
// scores are always finite. Checked through the real worker on a catalog with every field.
const SHOP = '/catalogs/shop.vcat';
test.beforeEach(async ({ page }) => openHarness(page));

test('a shop-wide pin obeys exclude, filters, stock, purchases and caps; force overrides; scores finite', async ({ page }) => {
  const r = await page.evaluate(async (url) => {
    const catalog = await window.harness.fetchCatalog(url);
    const items = catalog.items;
    // A pinned promo that is out of stock, with a price and a category other items do not share.
    const promo = items.find((i) => i.stock === 0 && (i.price ?? 0) > 50)!;
    const cheapCategory = items.find((i) => i.category !== promo.category)!.category!;
    const pin = { action: 'pin' as const, itemId: promo.id, position: 1 };
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'pins', rules: [pin] });
    const ids = async (o: object): Promise<string[]> => (await rec.recommend(o)).map((x) => x.itemId);
    const plain = await rec.recommend({ k: 6 });
    const out = {
      promo,
      plain: plain.map((x) => ({ id: x.itemId, score: x.score, reason: x.reason })),
      excluded: await ids({ k: 6, exclude: [promo.id] }),
      cheap: await rec.recommend({ k: 6, filters: { priceMax: 10 } }),
      category: await rec.recommend({ k: 6, filters: { categories: [cheapCategory] } }),
      inStock: await ids({ k: 6, filters: { inStock: true } }),
      capped: await rec.recommend({ k: 6, cap: { perBrand: 1 } }),
      lastSlot: await ids({ k: 3, rules: [{ action: 'pin', itemId: items[5]!.id, position: 9 }] }),
      forced: await ids({ k: 6, exclude: [promo.id], rules: [{ action: 'pin', itemId: promo.id, position: 0, force: true }] }),
      bought: [] as string[],
      json: '',
    };
    await rec.track({ type: 'purchase', itemId: promo.id });
    out.bought = await ids({ k: 6 });
    out.json = JSON.stringify(await rec.recommend({ k: 6, excludePurchased: false }));
    await rec.eraseHistory();
    await rec.dispose();
    return { ...out, cheapCategory, fifth: items[5]!.id };
  }, SHOP);
  // The pin holds where nothing forbids it, with its real score.
  expect(r.plain[1]).toMatchObject({ id: r.promo.id, reason: 'pinned' });
  for (const x of r.plain) expect(Number.isFinite(x.score)).toBe(true);
  expect(r.json).not.toContain('null');
  // Hard constraints bind it.
  expect(r.excluded).not.toContain(r.promo.id);
  expect(r.cheap.length).toBe(6);
  for (const x of r.cheap) expect(x.item.price).toBeLessThanOrEqual(10);
  for (const x of r.category) expect(x.item.category).toBe(r.cheapCategory);
  expect(r.inStock).not.toContain(r.promo.id);
  expect(r.bought).not.toContain(r.promo.id);
  // Caps count it: one item of the promo's brand, the promo itself.
  const brands = r.capped.map((x) => x.item.brand);
  expect(new Set(brands).size).toBe(brands.length);
  expect(r.capped[1]!.itemId).toBe(r.promo.id);
  // A pin at position ≥ k takes the last slot; force overrides exclude.
  expect(r.lastSlot).toHaveLength(3);
  expect(r.lastSlot[2]).toBe(r.fifth);
  expect(r.forced[0]).toBe(r.promo.id);
});

// Random options, generated here with fast-check and sent to the real worker.
const ID = fc.integer({ min: 0, max: 401 }).map((i) => `p${i}`); // p400, p401: unknown ids
const optionsArb: fc.Arbitrary<RecommendOptions> = fc.record(
  {
    k: fc.integer({ min: 1, max: 15 }),
    exclude: fc.array(ID, { maxLength: 5 }),
    filters: fc.record(
      {
        priceMin: fc.integer({ min: 0, max: 40 }),
        priceMax: fc.integer({ min: 30, max: 100 }),
        inStock: fc.boolean(),
        categories: fc.subarray(['cat-0', 'cat-1', 'cat-2', 'cat-3', 'cat-4', 'cat-5'], { minLength: 1 }),
        brands: fc.subarray(['brand-0', 'brand-1', 'brand-2', 'brand-3'], { minLength: 1 }),
      },
      { requiredKeys: [] },
    ),
    rules: fc.array(
      fc.oneof(
        fc.record({ action: fc.constant('pin' as const), itemId: ID, position: fc.integer({ min: 0, max: 20 }), force: fc.boolean() }),
        fc.record({
          action: fc.constantFrom('boost' as const, 'bury' as const),
          where: fc.record({ brands: fc.subarray(['brand-0', 'brand-5'], { minLength: 1 }) }),
          weight: fc.double({ min: 0, max: 3, noNaN: true }),
        }),
        fc.record({ action: fc.constant('filter' as const), where: fc.record({ priceMax: fc.integer({ min: 20, max: 100 }) }) }),
      ) as fc.Arbitrary<BusinessRule>,
      { maxLength: 3 },
    ),
    cap: fc.record({ perBrand: fc.integer({ min: 1, max: 3 }), perCategory: fc.integer({ min: 1, max: 4 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['k'] },
);
export const BROWSER_CASES = 150;

test(`${BROWSER_CASES} random option sets through the real worker keep every hard constraint`, async ({ page }) => {
  const cases = fc.sample(fc.tuple(optionsArb, fc.array(ID, { maxLength: 3 })), { numRuns: BROWSER_CASES, seed: 15 });
  const failures = await page.evaluate(
    async ([url, cases]) => {
      const catalog = await window.harness.fetchCatalog(url);
      const byId = new Map(catalog.items.map((i) => [i.id, i]));
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'pins-random' });
      const problems: string[] = [];
      for (const [i, [o, bought]] of cases.entries()) {
        await rec.eraseHistory();
        for (const id of bought) if (byId.has(id)) await rec.track({ type: 'purchase', itemId: id });
        const list = await rec.recommend(o);
        const forced = new Set((o.rules ?? []).filter((r) => r.action === 'pin' && r.force).map((r) => r.itemId));
        const banned = new Set([...(o.exclude ?? []), ...bought]);
        const f = o.filters ?? {};
        const fail = (why: string): number => problems.push(`case ${i} ${JSON.stringify(o)} bought ${bought}: ${why}`);
        if (list.length > o.k!) fail('too long');
        if (new Set(list.map((x) => x.itemId)).size !== list.length) fail('duplicates');
        for (const x of list) {
          const item = byId.get(x.itemId)!;
          if (!Number.isFinite(x.score)) fail(`score ${x.score}`);
          if (forced.has(x.itemId)) continue;
          if (banned.has(x.itemId)) fail(`${x.itemId} excluded or bought`);
          if (f.priceMin !== undefined && !(item.price! >= f.priceMin)) fail(`${x.itemId} under priceMin`);
          if (f.priceMax !== undefined && !(item.price! <= f.priceMax)) fail(`${x.itemId} over priceMax`);
          if (f.inStock && item.stock === 0) fail(`${x.itemId} out of stock`);
          if (f.categories && !f.categories.includes(item.category!)) fail(`${x.itemId} category`);
          if (f.brands && !f.brands.includes(item.brand!)) fail(`${x.itemId} brand`);
          for (const rule of o.rules ?? []) if (rule.action === 'filter' && !(item.price! <= rule.where!.priceMax!)) fail(`${x.itemId} filter rule`);
        }
        const free = list.filter((x) => x.reason !== 'pinned');
        for (let j = 1; j < free.length; j++) if (free[j - 1]!.score < free[j]!.score) fail('not descending');
        for (const [key, field] of [
          ['perBrand', 'brand'],
          ['perCategory', 'category'],
        ] as const) {
          const cap = o.cap?.[key];
          if (cap === undefined) continue;
          const counts = new Map<string, number>();
          for (const x of list) if (!forced.has(x.itemId)) counts.set(x.item[field]!, (counts.get(x.item[field]!) ?? 0) + 1);
          for (const [value, n] of counts) if (n > cap) fail(`${n} of ${field} ${value} over cap ${cap}`);
        }
      }
      await rec.eraseHistory();
      await rec.dispose();
      return problems;
    },
    [SHOP, cases] as const,
  );
  expect(failures).toEqual([]);
});
