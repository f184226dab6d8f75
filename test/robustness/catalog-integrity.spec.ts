import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { recordCounts } from './counts.js';
import { startCatalogServer, type CatalogServer } from './security-server.js';
import { openSecurity } from './security-helpers.js';

// The shop pins the SHA-256 of its catalog file (`catalogSha256`); anything else is refused with
// CATALOG_INTEGRITY and the last good catalog keeps serving. A download that stalls (headers and
// half the body, then silence on an open connection) is aborted after `catalogStallTimeoutMs` and
// resumed like a network failure. The catalog comes from a real server on another origin.
const GOOD = new Uint8Array(readFileSync('public/catalogs/scientific.vcat'));
const OTHER = new Uint8Array(readFileSync('public/catalogs/online-retail.vcat'));
const PIN = createHash('sha256').update(GOOD).digest('hex');
let server: CatalogServer;
test.beforeEach(async ({ page }) => {
  server = await startCatalogServer(GOOD);
  await openSecurity(page);
});
test.afterEach(async () => server.close());

test('a pinned catalog loads; another file, at the same URL or another, is refused and the last good one keeps serving', async ({ page }) => {
  const first = await page.evaluate(
    async ([url, pin]) => {
      const rec = await window.security.createRecommender({ catalog: url, backend: 'cpu', catalogSha256: pin.toUpperCase() });
      const info = await rec.info();
      const recs = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
      await rec.dispose();
      return { source: info.catalog.source, items: info.catalog.items, recs };
    },
    [server.url, PIN] as const,
  );
  expect(first.source).toBe('network');
  expect(first.recs).toHaveLength(5);

  // The CDN now serves another (valid, self-consistent) catalog at the pinned URL. Next visit: the
  // cached copy serves, the background revalidation downloads the new file and refuses it.
  server.body = OTHER;
  server.log.length = 0;
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const second = await page.evaluate(
    async ([url, pin]) => {
      window.rec = await window.security.createRecommender({ catalog: url, backend: 'cpu', catalogSha256: pin });
      let lastError: { code: string } | undefined;
      for (let i = 0; i < 100 && !lastError; i++) {
        await new Promise((r) => setTimeout(r, 100));
        lastError = (await window.rec.info()).catalog.lastError;
      }
      const info = await window.rec.info();
      const recs = (await window.rec.recommend({ k: 5 })).map((r) => r.itemId);
      // An explicit switch to the same URL is refused the same way.
      const reload = await window.rec.loadCatalog(url).then(
        () => null,
        (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
      );
      // And with an explicit pin of its own that the file does not match.
      const other = await window.rec.loadCatalog(url, { sha256: '0'.repeat(64) }).then(
        () => null,
        (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
      );
      const still = (await window.rec.recommend({ k: 5 })).map((r) => r.itemId);
      const after = await window.rec.info();
      await window.rec.dispose();
      return {
        lastError: lastError?.code,
        source: info.catalog.source,
        items: info.catalog.items,
        recs,
        reload,
        other,
        still,
        afterItems: after.catalog.items,
      };
    },
    [server.url, PIN] as const,
  );
  expect(server.log.filter((e) => e.method === 'GET').length).toBeGreaterThanOrEqual(3);
  expect(second.lastError).toBe('CATALOG_INTEGRITY');
  expect(second.source).toBe('cache');
  expect(second.items).toBe(first.items);
  expect(second.recs).toEqual(first.recs);
  expect(second.reload).toEqual({ name: 'CatalogError', code: 'CATALOG_INTEGRITY' });
  expect(second.other).toEqual({ name: 'CatalogError', code: 'CATALOG_INTEGRITY' });
  expect(second.still).toEqual(first.recs);
  expect(second.afterItems).toBe(first.items);

  // A first visit to a pinned URL serving the wrong file fails typed and caches nothing.
  const fresh = await startCatalogServer(OTHER, '/fresh.vcat');
  try {
    const failed = await page.evaluate(
      async ([url, pin]) => {
        const error = await window.security.createRecommender({ catalog: url, backend: 'cpu', catalogSha256: pin }).then(
          (r) => (void r.dispose(), null),
          (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
        );
        const cached = await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)));
        return { error, cached: cached.flat() };
      },
      [fresh.url, PIN] as const,
    );
    expect(failed.error).toEqual({ name: 'CatalogError', code: 'CATALOG_INTEGRITY' });
    expect(failed.cached).not.toContain(fresh.url);
    // Refused at once: integrity failures are not retried.
    expect(fresh.log.filter((e) => e.method === 'GET')).toHaveLength(1);
  } finally {
    await fresh.close();
  }
  recordCounts(test.info().title, { faults: 4 });
});

test('a malformed pin is an OPTIONS_INVALID', async ({ page }) => {
  const codes = await page.evaluate(async (url) => {
    const out: Array<string | undefined> = [];
    for (const pin of ['abc', 'g'.repeat(64), 42, '']) {
      out.push(
        await window.security.createRecommender({ catalog: url, backend: 'cpu', catalogSha256: pin as string }).then(
          (r) => (void r.dispose(), undefined),
          (e: { code?: string }) => e.code,
        ),
      );
    }
    for (const ms of [0, -1, Number.NaN, '5']) {
      out.push(
        await window.security.createRecommender({ catalog: url, backend: 'cpu', catalogStallTimeoutMs: ms as number }).then(
          (r) => (void r.dispose(), undefined),
          (e: { code?: string }) => e.code,
        ),
      );
    }
    return out;
  }, server.url);
  expect(codes).toEqual(Array(8).fill('OPTIONS_INVALID'));
  recordCounts(test.info().title, { randomInputs: codes.length });
});

test('a download that stalls is aborted after catalogStallTimeoutMs and resumed; one that always stalls fails typed', async ({ page }) => {
  server.plan = ['stall'];
  const resumed = await page.evaluate(async (url) => {
    const rec = await window.security.createRecommender({ catalog: url, backend: 'cpu', catalogStallTimeoutMs: 1_000 });
    const info = await rec.info();
    await rec.dispose();
    return { sha: info.catalog.sha256, source: info.catalog.source };
  }, server.url);
  const gets = server.log.filter((e) => e.method === 'GET');
  expect(gets.map((e) => `${e.behaviour} ${e.status}`)).toEqual(['stall 200', 'ok 206']);
  expect(Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1])).toBeGreaterThan(0);
  expect(resumed.source).toBe('network');
  expect(resumed.sha).toMatch(/^[0-9a-f]{64}$/);

  server.log.length = 0;
  server.plan = ['stall', 'stall', 'stall', 'stall'];
  const failed = await page.evaluate(
    async (url) => {
      const error = await window.security.createRecommender({ catalog: `${url}`, backend: 'cpu', catalogStallTimeoutMs: 800 }).then(
        (r) => (void r.dispose(), null),
        (e: Error & { code?: string }) => ({ name: e.name, code: e.code, stalled: /stalled/.test(e.message) }),
      );
      return error;
    },
    server.url.replace('/shop-cdn.vcat', '/shop-cdn.vcat?again'),
  );
  // The query makes it another URL (no cached copy to fall back on); the server ignores it.
  expect(failed).toEqual({ name: 'CatalogError', code: 'CATALOG_FETCH_FAILED', stalled: true });
  expect(server.log.filter((e) => e.method === 'GET' && e.behaviour === 'stall')).toHaveLength(4);
  recordCounts(test.info().title, { faults: 5 });
});
