import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { decodeCatalog, encodeCatalog } from '../../src/catalog/codec.js';
import { openHarness, SCIENTIFIC } from './helpers.js';

test.beforeEach(async ({ page }) => openHarness(page));

test('downloads with progress, then a second visit starts from the cache without a download', async ({ page }) => {
  const first = await page.evaluate(async (url) => {
    const progress: Array<{ status: string; loaded?: number; total?: number; source?: string }> = [];
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu', onProgress: (p) => progress.push({ ...p }) });
    const info = await rec.info();
    await rec.dispose();
    return { progress, info };
  }, SCIENTIFIC);
  const statuses = first.progress.map((p) => p.status);
  expect(statuses[0]).toBe('download');
  expect(statuses).toContain('progress');
  expect(statuses).toContain('verify');
  const last = first.progress.filter((p) => p.status === 'progress').at(-1)!;
  expect(last.loaded).toBeGreaterThan(100_000);
  expect(first.progress.at(-1)).toMatchObject({ status: 'ready', source: 'network' });
  expect(first.info.catalog).toMatchObject({ formatVersion: 3, items: 1585, dim: 32, dtype: 'float32', source: 'network' });

  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const downloads: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.vcat')) downloads.push(`${request.method()} ${request.headers()['if-none-match'] ? 'conditional' : 'full'}`);
  });
  const second = await page.evaluate(async (url) => {
    const progress: string[] = [];
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu', onProgress: (p) => progress.push(p.status) });
    const info = await rec.info();
    await new Promise((r) => setTimeout(r, 500)); // let the background revalidation finish
    await rec.dispose();
    return { progress, info };
  }, SCIENTIFIC);
  expect(second.progress[0]).toBe('cached');
  expect(second.info.catalog.source).toBe('cache');
  // At most a revalidation request that the server answers 304 without a body; never a full download first.
  expect(downloads.every((d) => d.endsWith('conditional'))).toBe(true);
});

test('a corrupt catalog gives CATALOG_CORRUPT and the previous one keeps serving', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu' });
    const before = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
    const corrupt = await rec.loadCatalog('/catalogs/scientific-corrupt.vcat').then(
      () => null,
      (e: Error & { code?: string }) => ({ name: e.name, code: e.code, message: e.message }),
    );
    const truncated = await rec.loadCatalog('/catalogs/scientific-truncated.vcat').then(
      () => null,
      (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
    );
    const missing = await rec.loadCatalog('/catalogs/no-such-file.vcat').then(
      () => null,
      (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
    );
    const after = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
    const info = await rec.info();
    const swapped = await rec.loadCatalog('/catalogs/scientific-copy.vcat');
    await rec.dispose();
    return { before, after, corrupt, truncated, missing, info, swapped };
  }, SCIENTIFIC);
  expect(result.corrupt).toMatchObject({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
  expect(result.corrupt!.message).toMatch(/checksum/);
  expect(result.truncated).toEqual({ name: 'CatalogError', code: 'CATALOG_TRUNCATED' });
  expect(result.missing).toEqual({ name: 'CatalogError', code: 'CATALOG_FETCH_FAILED' });
  expect(result.after).toEqual(result.before);
  expect(result.info.catalog.url).toMatch(/scientific\.vcat$/);
  expect(result.info.catalog.lastError?.code).toBe('CATALOG_FETCH_FAILED');
  expect(result.swapped.catalog.url).toMatch(/scientific-copy\.vcat$/);
});

test('starting on a corrupt catalog with nothing cached rejects with a typed error', async ({ page }) => {
  const error = await page.evaluate(async () =>
    window.harness.createRecommender({ catalog: '/catalogs/scientific-corrupt.vcat' }).then(
      () => null,
      (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
    ),
  );
  expect(error).toEqual({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
});

test('a format v2 catalog (JSON metadata) still serves: the same items and recommendations as its v3 twin', async ({ page }) => {
  // The v2 twin is written here from the v3 file the CLI built: same rows, ids, metadata and statistics.
  const v3 = await decodeCatalog(new Uint8Array(readFileSync('public/catalogs/scientific.vcat')));
  const { header, vectors, bias, items, extras } = v3;
  const v2 = await encodeCatalog({
    ids: items.map((i) => i.id),
    vectors,
    dim: header.dim,
    bias,
    items,
    extras,
    dtype: header.dtype,
    modelId: header.modelId,
    createdAt: header.createdAt,
    formatVersion: 2,
  });
  await page.route('**/catalogs/legacy-v2.vcat', (route) => route.fulfill({ body: Buffer.from(v2), contentType: 'application/octet-stream' }));
  const ids = items.slice(0, 400).map((i) => i.id);
  const result = await page.evaluate(
    async ({ url, legacy, ids }) => {
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu', namespace: 'v2-twin' });
      for (const itemId of ids.slice(10, 14)) await rec.track({ type: 'view', itemId });
      const read = async () => ({
        info: (await rec.info()).catalog,
        recommend: await rec.recommend({ k: 10 }),
        filtered: (await rec.recommend({ k: 10, filters: { categories: [(await rec.items([ids[10]!]))[0]!.category!] } })).map((r) => r.itemId),
        items: await rec.items(ids),
      });
      const fromV3 = await read();
      await rec.loadCatalog(legacy);
      const fromV2 = await read();
      await rec.dispose();
      return { fromV3, fromV2 };
    },
    { url: SCIENTIFIC, legacy: '/catalogs/legacy-v2.vcat', ids },
  );
  expect(result.fromV3.info.formatVersion).toBe(3);
  expect(result.fromV2.info).toMatchObject({ formatVersion: 2, items: header.itemCount });
  expect(result.fromV2.items).toEqual(result.fromV3.items);
  expect(result.fromV2.items.filter((i) => i?.category !== undefined).length).toBeGreaterThan(300);
  // Same items, scores and explanations (their weights are sums whose last bit may differ).
  const rounded = (list: typeof result.fromV3.recommend) =>
    list.map((r) => ({ ...r, because: r.because?.map((b) => ({ ...b, weight: b.weight.toFixed(12) })) }));
  expect(rounded(result.fromV2.recommend)).toEqual(rounded(result.fromV3.recommend));
  expect(result.fromV3.filtered.length).toBe(10);
  expect(result.fromV2.filtered).toEqual(result.fromV3.filtered);
});

test('a cached copy whose checksum fails serves its first results, then is replaced by a fresh download', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const absolute = new URL(url, location.href).href;
    const first = await window.harness.createRecommender({ catalog: url, backend: 'cpu', namespace: 'rot' });
    const expected = (await first.recommend({ k: 5 })).map((r) => r.itemId);
    await first.dispose();
    // Bit rot in the cached copy: the lowest mantissa bit of the first embedding value. Every
    // value stays finite, so only the SHA-256 can tell.
    const cache = await caches.open('vitrine-catalog-v1');
    const stored = (await cache.match(absolute))!;
    const bytes = new Uint8Array(await stored.arrayBuffer());
    const bodyOffset = 16 + new DataView(bytes.buffer).getUint32(12, true);
    bytes[bodyOffset]! ^= 1;
    await cache.put(absolute, new Response(bytes, { headers: stored.headers }));

    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu', namespace: 'rot' });
    const startedFrom = (await rec.info()).catalog.source;
    let info = await rec.info();
    for (let i = 0; i < 100 && info.catalog.source === 'cache'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      info = await rec.info();
    }
    const after = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
    await rec.dispose();
    const digest = async (b: ArrayBuffer) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b))).join(',');
    const recached = await cache.match(absolute);
    const original = await fetch(url).then((r) => r.arrayBuffer());
    return {
      startedFrom,
      finalSource: info.catalog.source,
      expected,
      after,
      recachedIntact: recached ? (await digest(await recached.arrayBuffer())) === (await digest(original)) : false,
    };
  }, SCIENTIFIC);
  expect(result.startedFrom).toBe('cache');
  expect(result.finalSource).toBe('network');
  expect(result.after).toEqual(result.expected);
  expect(result.recachedIntact).toBe(true);
});
