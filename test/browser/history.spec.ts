import { expect, test } from '@playwright/test';
import { openHarness, RETAIL } from './helpers.js';

// The shopper's events live only in this browser's IndexedDB: real storage, real reloads, real tabs.
test.beforeEach(async ({ page }) => openHarness(page));

const firstIds = (page: import('@playwright/test').Page, n: number) =>
  page.evaluate(async ([url, count]) => (await window.harness.fetchCatalog(url)).items.slice(0, count).map((i) => i.id), [RETAIL, n] as const);

test('history survives a page reload', async ({ page }) => {
  const [a, b] = await firstIds(page, 2);
  const before = await page.evaluate(
    async ([url, a, b]) => {
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm' });
      await rec.track({ type: 'view', itemId: a });
      await rec.track({ type: 'add_to_cart', itemId: b });
      await rec.track({ type: 'search', query: 'lunch bag' });
      const recs = await rec.recommend({ k: 5 });
      await rec.dispose();
      return recs.map((r) => r.itemId);
    },
    [RETAIL, a!, b!] as const,
  );

  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const after = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm' });
    const exported = await rec.exportHistory();
    const recs = await rec.recommend({ k: 5 });
    const info = await rec.info();
    await rec.dispose();
    return { exported, recs: recs.map((r) => r.itemId), info };
  }, RETAIL);
  expect(after.info.history.persistent).toBe(true);
  expect(after.exported.events.map((e) => [e.type, e.itemId ?? e.query])).toEqual([
    ['view', a],
    ['add_to_cart', b],
    ['search', 'lunch bag'],
  ]);
  expect(after.recs).toEqual(before);
});

test('eraseHistory() leaves nothing of ours in IndexedDB or Cache Storage', async ({ page }) => {
  const [a] = await firstIds(page, 1);
  const result = await page.evaluate(
    async ([url, a]) => {
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm' });
      await rec.track({ type: 'view', itemId: a });
      const before = { dbs: (await indexedDB.databases()).map((d) => d.name), caches: await caches.keys() };
      await rec.eraseHistory();
      const after = { dbs: (await indexedDB.databases()).map((d) => d.name), caches: await caches.keys() };
      const exported = await rec.exportHistory();
      const stillServes = (await rec.recommend({ k: 3 })).length;
      await rec.dispose();
      return { before, after, exported: exported.events.length, stillServes };
    },
    [RETAIL, a!] as const,
  );
  expect(result.before.dbs).toContain('vitrine-history:default');
  expect(result.before.caches).toContain('vitrine-catalog-v1');
  expect(result.after.dbs.filter((n) => n?.startsWith('vitrine'))).toEqual([]);
  expect(result.after.caches.filter((n) => n.startsWith('vitrine'))).toEqual([]);
  expect(result.exported).toBe(0);
  expect(result.stillServes).toBe(3);
});

test('a malformed event is rejected with a typed error and nothing is stored', async ({ page }) => {
  const [a] = await firstIds(page, 1);
  const result = await page.evaluate(
    async ([url, a]) => {
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm' });
      const bad: unknown[] = [
        null,
        'view',
        { type: 'teleport', itemId: a },
        { type: 'view' },
        { type: 'view', itemId: 42 },
        { type: 'view', itemId: 'NO-SUCH-ITEM' },
        { type: 'view', itemId: a, ts: Number.NaN },
        { type: 'view', itemId: a, ts: Date.now() + 86_400_000 },
        { type: 'dwell', itemId: a, ms: -5 },
        { type: 'dwell', itemId: a, ms: Infinity },
        { type: 'search', query: '' },
        { type: 'search', query: 'x'.repeat(10_000) },
        { type: 'view', itemId: a, query: 'not for views' },
        { type: 'view', itemId: a, extra: 'field' },
      ];
      const codes: Array<string | null> = [];
      for (const event of bad) {
        codes.push(
          await rec.track(event as never).then(
            () => null,
            (e: { code: string }) => e.code,
          ),
        );
      }
      const stored = (await rec.exportHistory()).events.length;
      await rec.dispose();
      return { codes, stored };
    },
    [RETAIL, a!] as const,
  );
  expect(result.codes).toEqual([
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'ITEM_UNKNOWN',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
    'EVENT_INVALID',
  ]);
  expect(result.stored).toBe(0);
});

test('a tab sees the events another tab of the same shop tracked', async ({ page, context }) => {
  const [a, b] = await firstIds(page, 2);
  const other = await context.newPage();
  await openHarness(other);
  await other.evaluate(async (url) => {
    (window as unknown as { rec: unknown }).rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm' });
  }, RETAIL);
  await page.evaluate(
    async ([url, a, b]) => {
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm' });
      await rec.track({ type: 'view', itemId: a });
      await rec.track({ type: 'favourite', itemId: b });
    },
    [RETAIL, a!, b!] as const,
  );
  await expect
    .poll(() =>
      other.evaluate(async () => {
        const rec = (window as unknown as { rec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).rec;
        return (await rec.info()).history.events;
      }),
    )
    .toBe(2);
  const seen = await other.evaluate(async () => {
    const rec = (window as unknown as { rec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).rec;
    return (await rec.exportHistory()).events.map((e) => e.itemId);
  });
  expect(seen).toEqual([a, b]);
});

test('history is bounded: the oldest events are evicted past maxEvents', async ({ page }) => {
  const ids = await firstIds(page, 30);
  const kept = await page.evaluate(
    async ([url, ids]) => {
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'bounded', history: { maxEvents: 10 } });
      await Promise.all(ids.map((itemId) => rec.track({ type: 'view', itemId })));
      const events = (await rec.exportHistory()).events.map((e) => e.itemId);
      await rec.eraseHistory();
      await rec.dispose();
      return events;
    },
    [RETAIL, ids] as const,
  );
  expect(kept).toEqual(ids.slice(-10));
});
