import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { readCatalogHeader } from '../../src/catalog/codec.js';
import { recordCounts } from './counts.js';
import { startFlakyServer, type FlakyServer } from './flaky-server.js';
import { openRobust, SCIENTIFIC } from './helpers.js';

// The network failing mid-download, for real: the worker downloads the catalog from a local
// server on another origin (CORS) that drops the connection after half the body, or answers
// 503/404. (Playwright's route() can abort a request but not cut a body half-way.)
const BYTES = new Uint8Array(readFileSync(`public${SCIENTIFIC}`));
const SHA = readCatalogHeader(BYTES).header.bodySha256;
let server: FlakyServer;
test.beforeEach(async ({ page }) => {
  server = await startFlakyServer(BYTES);
  await openRobust(page);
});
test.afterEach(async () => server.close());

type Started = { error: { name: string; code: string } | null; sha?: string; source?: string; recs?: string[] };
const start = (page: import('@playwright/test').Page, url: string): Promise<Started> =>
  page.evaluate(async (url) => {
    try {
      const rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu' });
      const info = await rec.info();
      const recs = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
      await rec.dispose();
      return { error: null, sha: info.catalog.sha256, source: info.catalog.source, recs };
    } catch (e) {
      return { error: { name: (e as Error).name, code: (e as { code: string }).code } };
    }
  }, url);
const gets = () => server.log.map((e) => `${e.status}${e.range ? ` ${e.range}` : ''}`);

test('a download cut mid-body on every attempt: start fails with a typed error after 4 attempts with backoff', async ({ page }) => {
  server.fallback = 'cut';
  const result = await start(page, server.url);
  expect(result.error).toEqual({ name: 'CatalogError', code: 'CATALOG_TRUNCATED' });
  expect(server.log).toHaveLength(4);
  // Each retry resumes from the bytes it has (never more than were sent, always further than the
  // last), and waits twice as long as the one before.
  let sent = 0;
  let from = 0;
  for (const [i, e] of server.log.entries()) {
    const start = Number(/^bytes=(\d+)-$/.exec(e.range ?? '')?.[1] ?? 0);
    if (i > 0) expect(start).toBeGreaterThan(from);
    expect(start).toBeLessThanOrEqual(sent);
    from = start;
    sent = start + e.sent;
  }
  const gaps = server.log.slice(1).map((e, i) => e.at - server.log[i]!.at);
  expect(gaps[0]).toBeGreaterThanOrEqual(240);
  expect(gaps[1]).toBeGreaterThanOrEqual(490);
  expect(gaps[2]).toBeGreaterThanOrEqual(990);
  recordCounts(test.info().title, { faults: server.log.length });
});

test('a download cut once resumes with a Range request and starts on the whole, verified catalog', async ({ page }) => {
  server.plan = ['cut'];
  const result = await start(page, server.url);
  expect(result.error).toBeNull();
  expect(result.sha).toBe(SHA);
  expect(server.log.map((e) => e.status)).toEqual([200, 206]);
  const resumedFrom = Number(/^bytes=(\d+)-$/.exec(server.log[1]!.range ?? '')?.[1]);
  expect(resumedFrom).toBeGreaterThan(0);
  expect(resumedFrom).toBeLessThanOrEqual(server.log[0]!.sent);
  recordCounts(test.info().title, { faults: 1 });
});

test('503 twice, then the file: retried; 404 and corrupt data are not retried', async ({ page }) => {
  server.plan = ['unavailable', 'unavailable'];
  expect((await start(page, server.url)).sha).toBe(SHA);
  expect(gets()).toEqual(['503', '503', '200']);

  server.log.length = 0;
  server.fallback = 'missing';
  expect((await start(page, `${server.url}?missing`)).error).toEqual({ name: 'CatalogError', code: 'CATALOG_FETCH_FAILED' });
  expect(gets()).toEqual(['404']);

  const corrupt = await startFlakyServer(BYTES.map((b, i) => (i === BYTES.length - 7 ? b ^ 0xff : b)));
  try {
    expect((await start(page, corrupt.url)).error).toEqual({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
    expect(corrupt.log).toHaveLength(1);
  } finally {
    await corrupt.close();
  }
  recordCounts(test.info().title, { faults: 4 });
});

test('after a good load, a load that fails mid-download keeps the current catalog serving', async ({ page }) => {
  const result = await page.evaluate(
    async ([good, flaky]) => {
      const rec = await window.robust.createRecommender({ catalog: good, backend: 'cpu' });
      const before = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
      const error = await rec.loadCatalog(flaky).then(
        () => null,
        (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
      );
      const after = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
      const info = await rec.info();
      await rec.dispose();
      return { before, after, error, url: info.catalog.url, lastError: info.catalog.lastError?.code };
    },
    [SCIENTIFIC, ((server.fallback = 'cut'), server.url)] as const,
  );
  expect(result.error).toEqual({ name: 'CatalogError', code: 'CATALOG_TRUNCATED' });
  expect(result.after).toEqual(result.before);
  expect(result.url).toMatch(/\/catalogs\/scientific\.vcat$/);
  expect(result.lastError).toBe('CATALOG_TRUNCATED');
  recordCounts(test.info().title, { faults: server.log.length });
});

test('on the next visit the cached catalog serves while the network fails', async ({ page }) => {
  const first = await start(page, server.url);
  expect(first.source).toBe('network');
  server.fallback = 'cut';
  server.log.length = 0;
  await page.reload();
  const second = await page.evaluate(async (url) => {
    const rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu' });
    const source = (await rec.info()).catalog.source;
    const recs = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
    // The background revalidation gives up after its retries; the cached catalog stays.
    let lastError: string | undefined;
    for (let i = 0; i < 100 && !lastError; i++) {
      await new Promise((r) => setTimeout(r, 100));
      lastError = (await rec.info()).catalog.lastError?.code;
    }
    const still = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
    await rec.dispose();
    return { source, recs, lastError, still };
  }, server.url);
  expect(second.source).toBe('cache');
  expect(second.recs).toEqual(first.recs);
  expect(second.lastError).toBe('CATALOG_TRUNCATED');
  expect(second.still).toEqual(first.recs);
  // Revalidation is conditional (If-None-Match) and every attempt failed.
  expect(server.log[0]!.ifNoneMatch).toBeDefined();
  expect(server.log.every((e) => e.behaviour === 'cut')).toBe(true);
  recordCounts(test.info().title, { faults: server.log.length });
});
