import { expect, test } from '@playwright/test';
import { openHarness, RETAIL, SCIENTIFIC } from './helpers.js';

// Every recommendation type, on catalogs trained by `vitrine train` from ../shared/data,
// checked for what a shopper would notice.
test.beforeEach(async ({ page }) => openHarness(page));

test('complements of a cake stand are tea sets and cake tins, not more cake stands', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const catalog = await window.harness.fetchCatalog(url);
    const stand = catalog.items.find((i) => i.title === 'REGENCY CAKESTAND 3 TIER')!;
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm' });
    const complements = await rec.complements([stand.id], { k: 8 });
    const similar = await rec.similar(stand.id, { k: 8 });
    const cart = await rec.complements([stand.id, catalog.items.find((i) => i.title === 'PARTY BUNTING')!.id], { k: 10 });
    const unknown = await rec.complements(['NOPE']).then(
      () => null,
      (e: { code: string }) => e.code,
    );
    await rec.dispose();
    return { stand: stand.id, complements, similar, cart, unknown };
  }, RETAIL);
  const titles = result.complements.map((r) => r.item.title ?? '');
  console.log('complements:', titles);
  expect(titles).toHaveLength(8);
  expect(titles.filter((t) => /CAKESTAND|CAKE STAND/.test(t))).toEqual([]);
  expect(titles.filter((t) => /TEACUP|TEAPOT|SUGAR BOWL|MILK JUG|CAKE TINS|TEA PLATE/.test(t)).length).toBeGreaterThanOrEqual(5);
  for (const r of result.complements) expect(r).toMatchObject({ reason: 'bought_together', because: [{ itemId: result.stand }] });
  expect(result.complements.map((r) => r.itemId)).not.toEqual(result.similar.map((r) => r.itemId));
  expect(result.cart.some((r) => r.because!.some((b) => b.itemId !== result.stand))).toBe(true);
  expect(result.unknown).toBe('ITEM_UNKNOWN');
});

test('trending, new arrivals, recently viewed and buy it again', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const catalog = await window.harness.fetchCatalog(url);
    const counts = catalog.extras.interactions!;
    const cold = new Set(catalog.items.filter((_, r) => counts[r] === 0).map((i) => i.id));
    const rec = await window.harness.createRecommender({ catalog: url, namespace: 'rails', backend: 'wasm' });
    const trending = await rec.trending({ k: 10 });
    const popular = await rec.popular({ k: 10 });
    const freshBefore = await rec.newArrivals({ k: 10 });
    const christmas = catalog.items.filter((i) => counts[catalog.items.indexOf(i)]! > 0 && /CHRISTMAS/.test(i.title ?? '')).slice(0, 5);
    for (const item of christmas) await rec.track({ type: 'view', itemId: item.id });
    const freshAfter = await rec.newArrivals({ k: 10 });
    // Two items shoppers re-buy and one nobody re-bought: only the first two come back.
    const rates = catalog.extras.repeatRate!;
    const rebought = catalog.items
      .filter((_, r) => rates[r]! >= 0.2)
      .slice(0, 2)
      .map((i) => i.id);
    const bought = [...rebought, catalog.items.find((_, r) => rates[r] === 0)!.id];
    for (const itemId of bought) await rec.track({ type: 'purchase', itemId });
    const again = await rec.buyItAgain({ k: 10 });
    const recent = await rec.recentlyViewed({ k: 3 });
    await rec.eraseHistory();
    await rec.dispose();
    return {
      trending,
      popular,
      freshBefore,
      freshAfter,
      again,
      recent,
      bought,
      rebought,
      allCold: [...freshBefore, ...freshAfter].every((r) => cold.has(r.itemId)),
      christmas: christmas.map((i) => i.id),
      trendingTop: Array.from(catalog.extras.trending!.keys())
        .sort((a, b) => catalog.extras.trending![b]! - catalog.extras.trending![a]!)
        .slice(0, 10)
        .map((r) => catalog.items[r]!.id),
    };
  }, RETAIL);
  expect(result.trending.map((r) => r.itemId)).toEqual(result.trendingTop);
  expect(result.trending.every((r) => r.reason === 'trending')).toBe(true);
  expect(result.trending.map((r) => r.itemId)).not.toEqual(result.popular.map((r) => r.itemId));
  expect(result.freshBefore).toHaveLength(10);
  expect(result.allCold).toBe(true);
  expect(result.freshAfter.every((r) => r.reason === 'new')).toBe(true);
  const xmas = (list: typeof result.freshAfter): number => list.filter((r) => /CHRISTMAS|XMAS|ADVENT|SNOW|SANTA|REINDEER/.test(r.item.title ?? '')).length;
  console.log(
    'new arrivals after Christmas views:',
    result.freshAfter.map((r) => r.item.title),
  );
  expect(xmas(result.freshAfter)).toBeGreaterThan(xmas(result.freshBefore));
  expect(result.again.map((r) => r.itemId).sort()).toEqual([...result.rebought].sort());
  expect(result.again.every((r) => r.reason === 'buy_again')).toBe(true);
  expect(result.recent.map((r) => r.itemId)).toEqual(result.christmas.slice(-3).reverse());
});

test('business rules: a boosted brand rises, a buried item drops, a pinned item sits at its position, filters and caps hold', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const catalog = await window.harness.fetchCatalog(url);
    const rec = await window.harness.createRecommender({ catalog: url, namespace: 'rules', backend: 'wasm' });
    for (const row of [10, 11, 12]) await rec.track({ type: 'view', itemId: catalog.items[row]!.id });
    const base = await rec.recommend({ k: 20 });
    const brandCounts = new Map<string, number>();
    for (const item of catalog.items) if (item.brand) brandCounts.set(item.brand, (brandCounts.get(item.brand) ?? 0) + 1);
    const brand = [...brandCounts].filter(([b, n]) => n >= 5 && !base.some((r) => r.item.brand === b))[0]![0];
    const boosted = await rec.recommend({ k: 20, rules: [{ action: 'boost', where: { brands: [brand] }, weight: 2 }] });
    const buried = await rec.recommend({ k: 20, rules: [{ action: 'bury', where: { itemIds: [base[0]!.itemId] }, weight: 5 }] });
    const pinId = catalog.items[900]!.id;
    const pinned = await rec.recommend({ k: 10, rules: [{ action: 'pin', itemId: pinId, position: 2 }] });
    const category = base[0]!.item.category!;
    const filtered = await rec.recommend({ k: 10, rules: [{ action: 'filter', where: { categories: [category] } }] });
    const capped = await rec.recommend({ k: 10, cap: { perCategory: 1 } });
    const brandFilter = await rec.recommend({ k: 5, filters: { brands: [brand] } });
    const bad = await rec.recommend({ rules: [{ action: 'explode' } as never] }).then(
      () => null,
      (e: { code: string }) => e.code,
    );
    await rec.eraseHistory();
    await rec.dispose();
    return { base, brand, boosted, buried, pinned, pinId, filtered, category, capped, brandFilter, bad };
  }, SCIENTIFIC);
  expect(result.boosted.filter((r) => r.item.brand === result.brand).length).toBeGreaterThanOrEqual(3);
  expect(result.boosted.find((r) => r.item.brand === result.brand)!.reason).toBe('boosted');
  expect(result.buried.map((r) => r.itemId)).not.toContain(result.base[0]!.itemId);
  expect(result.pinned[2]).toMatchObject({ itemId: result.pinId, reason: 'pinned' });
  expect(result.pinned).toHaveLength(10);
  expect(result.pinned.filter((r) => r.itemId === result.pinId)).toHaveLength(1);
  expect(result.filtered.every((r) => r.item.category === result.category)).toBe(true);
  // One item per category (items without a category are not capped).
  const categories = result.capped.map((r) => r.item.category).filter((c) => c !== undefined);
  expect(new Set(categories).size).toBe(categories.length);
  expect(result.brandFilter.every((r) => r.item.brand === result.brand)).toBe(true);
  expect(result.bad).toBe('OPTIONS_INVALID');
});

test('an item shown five times without a click falls; a click on a recommendation counts', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const catalog = await window.harness.fetchCatalog(url);
    const rec = await window.harness.createRecommender({ catalog: url, namespace: 'feedback', backend: 'wasm' });
    await rec.track({ type: 'view', itemId: catalog.items.find((i) => i.title?.startsWith('LUNCH BAG RED'))!.id });
    const before = await rec.recommend({ k: 10 });
    const ignored = before[0]!.itemId;
    for (let i = 0; i < 5; i++) for (const r of before.slice(0, 3)) await rec.track({ type: 'impression', itemId: r.itemId });
    await rec.track({ type: 'click', itemId: before[1]!.itemId, fromRecommendation: true });
    const after = await rec.recommend({ k: 10 });
    // The same history with a plain click: the click from a recommendation weighs more.
    const plain = await window.harness.createRecommender({ catalog: url, namespace: 'feedback-plain', backend: 'wasm' });
    await plain.track({ type: 'view', itemId: catalog.items.find((i) => i.title?.startsWith('LUNCH BAG RED'))!.id });
    await plain.track({ type: 'click', itemId: before[1]!.itemId });
    const share = async (r: typeof rec): Promise<number> => {
      const [top] = await r.recommend({ k: 1, exclude: [before[1]!.itemId] });
      return top!.because?.find((b) => b.itemId === before[1]!.itemId)?.weight ?? 0;
    };
    const clickedShare = { fromRecommendation: await share(rec), plain: await share(plain) };
    for (const r of [rec, plain]) {
      await r.eraseHistory();
      await r.dispose();
    }
    return { before: before.map((r) => r.itemId), after: after.map((r) => r.itemId), ignored, clickedShare };
  }, RETAIL);
  expect(result.clickedShare.fromRecommendation).toBeGreaterThan(result.clickedShare.plain);
  const rank = (list: string[], id: string): number => (list.includes(id) ? list.indexOf(id) : 99);
  expect(rank(result.before, result.ignored)).toBe(0);
  // Five impressions without a click: it drops six places, below the three shown with it.
  expect(rank(result.after, result.ignored)).toBeGreaterThanOrEqual(3);
});

test('top categories and brands follow the shopper; diversity and debiasing change the list as asked', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const catalog = await window.harness.fetchCatalog(url);
    const rec = await window.harness.createRecommender({ catalog: url, namespace: 'affinity', backend: 'wasm' });
    const target = catalog.items[42]!;
    const same = catalog.items.filter((i) => i.category === target.category).slice(0, 4);
    for (const item of same) await rec.track({ type: 'view', itemId: item.id });
    const categories = await rec.topCategories({ k: 3 });
    const brands = await rec.topBrands({ k: 3 });
    const plain = await rec.recommend({ k: 10 });
    const diverse = await rec.recommend({ k: 10, diversity: 0.7 });
    // Past the head the graphs decide (×40 / ×60 since issue 16), the prior still orders the rest.
    const plainLong = await rec.recommend({ k: 40 });
    const debiased = await rec.recommend({ k: 40, popularityDebias: 1 });
    await rec.eraseHistory();
    await rec.dispose();
    const rowOf = new Map(catalog.items.map((i, r) => [i.id, r]));
    const dim = catalog.header.dim;
    const cos = (a: number, b: number): number => {
      let d = 0,
        na = 0,
        nb = 0;
      for (let j = 0; j < dim; j++) {
        const x = catalog.vectors[a * dim + j]!,
          y = catalog.vectors[b * dim + j]!;
        d += x * y;
        na += x * x;
        nb += y * y;
      }
      return d / Math.sqrt(na * nb);
    };
    const intraSimilarity = (list: Array<{ itemId: string }>): number => {
      const rows = list.map((r) => rowOf.get(r.itemId)!);
      let sum = 0,
        n = 0;
      for (let i = 0; i < rows.length; i++)
        for (let j = i + 1; j < rows.length; j++) {
          sum += cos(rows[i]!, rows[j]!);
          n++;
        }
      return sum / n;
    };
    const meanBias = (list: Array<{ itemId: string }>): number => list.reduce((s, r) => s + catalog.bias[rowOf.get(r.itemId)!]!, 0) / list.length;
    return {
      category: target.category,
      categories,
      brands,
      simPlain: intraSimilarity(plain),
      simDiverse: intraSimilarity(diverse),
      biasPlain: meanBias(plainLong),
      biasDebiased: meanBias(debiased),
    };
  }, SCIENTIFIC);
  expect(result.categories[0]!.name).toBe(result.category);
  expect(result.categories.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 5);
  expect(result.brands.length).toBeGreaterThan(0);
  expect(result.simDiverse).toBeLessThan(result.simPlain);
  expect(result.biasDebiased).toBeLessThan(result.biasPlain);
});
