import { expect, test } from '@playwright/test';
import { startCatalogServer } from '../robustness/security-server.js';
import { openHarness } from './helpers.js';

// updateItems(): live price, stock and availability applied to masks, filters and rails at once,
// all or nothing, kept across visits until the next catalog (stored only with consent).
const SHOP = '/catalogs/shop.vcat';
test.beforeEach(async ({ page }) => openHarness(page));

for (const backend of ['simd', 'wasm'] as const) {
  test(`price, stock and withdrawal apply at once to every rail (${backend})`, async ({ page }) => {
    const r = await page.evaluate(
      async ([url, backend]) => {
        const rec = await window.harness.createRecommender({ catalog: url, backend, namespace: `live-${backend}` });
        const top = await rec.popular({ k: 5 });
        const [a, b, c] = [top[0]!, top[1]!, top[2]!];
        await rec.track({ type: 'view', itemId: c.itemId });
        await rec.track({ type: 'purchase', itemId: 'p0' }); // re-bought item (rate > 0.1)
        const before = { again: (await rec.buyItAgain()).map((x) => x.itemId), recent: (await rec.recentlyViewed()).map((x) => x.itemId) };
        const result = await rec.updateItems([
          { id: a.itemId, price: 0.5 },
          { id: b.itemId, stock: 0 },
          { id: c.itemId, available: false },
          { id: 'p0', available: false },
        ]);
        const ids = (list: Array<{ itemId: string }>): string[] => list.map((x) => x.itemId);
        const cheap = await rec.popular({ k: 400, filters: { priceMax: 1 } });
        const after = {
          result,
          cheap: cheap.map((x) => ({ id: x.itemId, price: x.item.price })),
          pricey: ids(await rec.popular({ k: 400, filters: { priceMin: 1 } })),
          inStock: ids(await rec.recommend({ k: 400, filters: { inStock: true } })),
          item: (await rec.items([b.itemId]))[0],
          rails: {
            recommend: ids(await rec.recommend({ k: 50 })),
            popular: ids(await rec.popular({ k: 50 })),
            trending: ids(await rec.trending({ k: 50 })),
            similar: ids(await rec.similar(a.itemId, { k: 399 })),
            search: ids(await rec.search('Product', { k: 400 })),
            recent: ids(await rec.recentlyViewed()),
            again: ids(await rec.buyItAgain()),
            pinned: ids(await rec.recommend({ k: 5, rules: [{ action: 'pin', itemId: c.itemId, position: 0 }] })),
          },
          forced: ids(await rec.recommend({ k: 5, rules: [{ action: 'pin', itemId: c.itemId, position: 0, force: true }] })),
        };
        const restored = await rec.updateItems([{ id: c.itemId, available: true }]);
        const back = ids(await rec.popular({ k: 5 }));
        await rec.eraseHistory();
        await rec.dispose();
        return { a: a.itemId, b: b.itemId, c: c.itemId, before, after, restored, back };
      },
      [SHOP, backend] as const,
    );
    expect(r.before.again).toContain('p0');
    expect(r.before.recent).toContain(r.c);
    expect(r.after.result).toEqual({ updated: 4, withdrawn: 2 });
    // The new price passes a filter the catalog's price failed, and fails one it passed.
    expect(r.after.cheap).toContainEqual({ id: r.a, price: 0.5 });
    for (const x of r.after.cheap) expect(x.price).toBeLessThanOrEqual(1);
    expect(r.after.pricey).not.toContain(r.a);
    expect(r.after.inStock).not.toContain(r.b);
    expect(r.after.item).toMatchObject({ id: r.b, stock: 0 });
    // Withdrawn: gone from every rail, pins included, unless a pin forces it.
    for (const [rail, list] of Object.entries(r.after.rails)) {
      expect(list, rail).not.toContain(r.c);
      expect(list, rail).not.toContain('p0');
    }
    expect(r.after.forced[0]).toBe(r.c);
    expect(r.restored).toEqual({ updated: 4, withdrawn: 1 });
    expect(r.back).toContain(r.c);
  });
}

test('updates are all or nothing with typed errors, and persist across visits until the next catalog', async ({ page }) => {
  const first = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'live-persist' });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: { code?: string }) => e.code ?? 'no code',
      );
    const errors = {
      unknown: await code(
        rec.updateItems([
          { id: 'p1', price: 1 },
          { id: 'nope', price: 2 },
        ]),
      ),
      negative: await code(
        rec.updateItems([
          { id: 'p1', price: 3 },
          { id: 'p2', price: -1 },
        ]),
      ),
      nan: await code(rec.updateItems([{ id: 'p1', stock: Number.NaN }])),
      text: await code(rec.updateItems([{ id: 'p1', stock: '3' as never }])),
      flag: await code(rec.updateItems([{ id: 'p1', available: 'no' as never }])),
      extra: await code(rec.updateItems([{ id: 'p1', title: 'x' } as never])),
      empty: await code(rec.updateItems([{ id: 'p1' }])),
      notArray: await code(rec.updateItems('p1' as never)),
    };
    const untouched = (await rec.items(['p1']))[0];
    await rec.updateItems([
      { id: 'p1', price: 1.25, stock: 0 },
      { id: 'p2', available: false },
    ]);
    await rec.dispose();
    return { errors, untouched, original: (await window.harness.fetchCatalog(url)).items[1] };
  }, SHOP);
  expect(first.errors).toEqual({
    unknown: 'ITEM_UNKNOWN',
    negative: 'ITEM_UPDATE_INVALID',
    nan: 'ITEM_UPDATE_INVALID',
    text: 'ITEM_UPDATE_INVALID',
    flag: 'ITEM_UPDATE_INVALID',
    extra: 'ITEM_UPDATE_INVALID',
    empty: 'ITEM_UPDATE_INVALID',
    notArray: 'OPTIONS_INVALID',
  });
  expect(first.untouched).toEqual(first.original);
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const second = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'live-persist' });
    const item = (await rec.items(['p1']))[0];
    const withdrawn = !(await rec.popular({ k: 400 })).some((x) => x.itemId === 'p2');
    // Another catalog: the updates were for the old one.
    await rec.loadCatalog('/catalogs/shop-no-repeats.vcat');
    const fresh = (await rec.items(['p1']))[0];
    const back = (await rec.popular({ k: 400 })).some((x) => x.itemId === 'p2');
    await rec.eraseHistory();
    await rec.dispose();
    return { item, withdrawn, fresh, back };
  }, SHOP);
  expect(second.item).toMatchObject({ id: 'p1', price: 1.25, stock: 0 });
  expect(second.withdrawn).toBe(true);
  expect(second.fresh!.price).not.toBe(1.25);
  expect(second.back).toBe(true);
});

test('with consent required, updates apply but are written to the device only after grantConsent()', async ({ page }) => {
  const r = await page.evaluate(async (url) => {
    const cacheNames = async () => (await caches.keys()).sort();
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'live-consent', consent: 'required' });
    await rec.updateItems([{ id: 'p1', available: false }]);
    const gone = !(await rec.popular({ k: 400 })).some((x) => x.itemId === 'p1');
    const before = await cacheNames();
    await rec.grantConsent();
    const after = await cacheNames();
    await rec.revokeConsent();
    await rec.dispose();
    return { gone, before, after };
  }, SHOP);
  expect(r.gone).toBe(true);
  expect(r.before).toEqual([]);
  expect(r.after).toContain('vitrine-live-items-v1');
});

test('a published item updates file: applied at start-up and on its schedule, revalidated with ETag, a bad version keeps the last state', async ({ page }) => {
  test.setTimeout(120_000);
  const ids = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, namespace: 'feed-probe' });
    const top = (await rec.popular({ k: 3 })).map((r) => r.itemId);
    await rec.dispose();
    return top;
  }, SHOP);
  const [x, y] = [ids[0]!, ids[1]!];
  const json = (updates: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(updates));
  const server = await startCatalogServer(json([{ id: x, available: false }]), '/stock.json');
  server.conditional = true;
  try {
    const state = (): Promise<{ top: string[]; info: { lastAppliedAt?: string; lastError?: { code: string } } | undefined }> =>
      page.evaluate(async () => {
        const rec = (window as unknown as { feedRec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).feedRec;
        return { top: (await rec.popular({ k: 3 })).map((r) => r.itemId), info: (await rec.info()).itemUpdates };
      });
    await page.evaluate(
      async ([url, feed]) => {
        (window as unknown as { feedRec: unknown }).feedRec = await window.harness.createRecommender({
          catalog: url,
          namespace: 'feed',
          itemUpdates: { url: feed, refreshSeconds: 1 },
        });
      },
      [SHOP, server.url] as const,
    );
    // Applied before createRecommender resolved.
    const first = await state();
    expect(first.top).not.toContain(x);
    expect(first.info?.lastAppliedAt).toBeTruthy();
    // Unchanged: revalidated, not downloaded again.
    await expect.poll(() => server.log.filter((e) => e.status === 304).length, { timeout: 10_000 }).toBeGreaterThan(0);
    // A new version: x back on sale, y withdrawn.
    server.body = json([
      { id: x, available: true },
      { id: y, available: false },
    ]);
    await expect.poll(async () => (await state()).top, { timeout: 15_000 }).toContain(x);
    expect((await state()).top).not.toContain(y);
    // A broken version and one naming an unknown item: reported, nothing applied, the last state holds.
    server.body = new TextEncoder().encode('{ not json');
    await expect.poll(async () => (await state()).info?.lastError?.code, { timeout: 15_000 }).toBe('ITEM_UPDATES_FETCH_FAILED');
    server.body = json([
      { id: y, available: true },
      { id: 'no-such-item', available: false },
    ]);
    await expect.poll(async () => (await state()).info?.lastError?.code, { timeout: 15_000 }).toBe('ITEM_UNKNOWN');
    expect((await state()).top).not.toContain(y);
    await page.evaluate(async () => {
      const rec = (window as unknown as { feedRec: { eraseHistory(): Promise<void>; dispose(): Promise<void> } }).feedRec;
      await rec.eraseHistory();
      await rec.dispose();
    });
  } finally {
    await server.close();
  }
});

test('itemUpdates options are checked: a bad URL or refresh is OPTIONS_INVALID', async ({ page }) => {
  const codes = await page.evaluate(async (url) => {
    const attempt = async (itemUpdates: unknown): Promise<string | undefined> => {
      try {
        const rec = await window.harness.createRecommender({ catalog: url, namespace: 'feed-bad', itemUpdates } as never);
        await rec.dispose();
        return undefined;
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    return [await attempt({ url: '' }), await attempt({ url: '/stock.json', refreshSeconds: 0 }), await attempt('x'), await attempt({ url: 'http://[' })];
  }, SHOP);
  expect(codes).toEqual(['OPTIONS_INVALID', 'OPTIONS_INVALID', 'OPTIONS_INVALID', 'OPTIONS_INVALID']);
});
