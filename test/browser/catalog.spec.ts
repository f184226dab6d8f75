import { expect, test } from '@playwright/test';
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
  expect(first.info.catalog).toMatchObject({ formatVersion: 2, items: 1585, dim: 32, dtype: 'float32', source: 'network' });

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
