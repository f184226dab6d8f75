import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { recordCounts } from './counts.js';
import { startCatalogServer, type CatalogServer } from './security-server.js';
import { openSecurity, SCIENTIFIC } from './security-helpers.js';

// A shop may serve its catalog from a CDN on another origin. With CORS
// (Access-Control-Allow-Origin) the worker loads it; without, the browser hides the answer and the
// library reports a typed CATALOG_FETCH_FAILED, with the previous catalog still serving.
const BYTES = new Uint8Array(readFileSync(`public${SCIENTIFIC}`));
let cdn: CatalogServer;
test.beforeEach(async ({ page }) => {
  cdn = await startCatalogServer(BYTES);
  await openSecurity(page);
});
test.afterEach(async () => cdn.close());

test('a cross-origin catalog with CORS loads; without CORS it fails typed and the current catalog keeps serving', async ({ page }) => {
  const pageOrigin = new URL(page.url()).origin;
  expect(new URL(cdn.url).origin).not.toBe(pageOrigin);
  const withCors = await page.evaluate(async (url) => {
    const rec = await window.security.createRecommender({ catalog: url, backend: 'cpu' });
    const info = await rec.info();
    const recs = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
    await rec.dispose();
    return { url: info.catalog.url, source: info.catalog.source, recs };
  }, cdn.url);
  expect(withCors).toMatchObject({ url: cdn.url, source: 'network' });
  expect(withCors.recs).toHaveLength(5);

  cdn.cors = false;
  cdn.log.length = 0;
  const withoutCors = await page.evaluate(
    async ([cdnUrl, local]) => {
      const startError = await window.security.createRecommender({ catalog: `${cdnUrl}?no-cors`, backend: 'cpu' }).then(
        (r) => (void r.dispose(), null),
        (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
      );
      // A recommender on a same-origin catalog, switching to the CDN without CORS.
      const rec = await window.security.createRecommender({ catalog: local, backend: 'cpu' });
      const before = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
      const switchError = await rec.loadCatalog(`${cdnUrl}?switch`).then(
        () => null,
        (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
      );
      const after = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
      const info = await rec.info();
      await rec.dispose();
      return { startError, switchError, before, after, url: info.catalog.url, lastError: info.catalog.lastError?.code };
    },
    [cdn.url, SCIENTIFIC] as const,
  );
  expect(withoutCors.startError).toEqual({ name: 'CatalogError', code: 'CATALOG_FETCH_FAILED' });
  expect(withoutCors.switchError).toEqual({ name: 'CatalogError', code: 'CATALOG_FETCH_FAILED' });
  expect(withoutCors.after).toEqual(withoutCors.before);
  expect(withoutCors.url).toMatch(/\/catalogs\/scientific\.vcat$/);
  expect(withoutCors.lastError).toBe('CATALOG_FETCH_FAILED');
  // The server was reached (this is CORS refusing, not an unreachable host): the browser sent the
  // requests (a preflight for the conditional headers, or the GET) and hid the answers.
  expect(cdn.log.length).toBeGreaterThan(0);
  recordCounts(test.info().title, { faults: cdn.log.length });
});
