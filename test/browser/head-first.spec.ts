import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { decodeCatalog } from '../../src/catalog/codec.js';
import { encodeHeadFirstCatalog } from '../../src/catalog/head-first.js';
import { headFirstLayout } from '../../src/catalog/head-first-layout.js';
import type { Catalog } from '../../src/catalog/types.js';
import { openHarness, RETAIL, SCIENTIFIC } from './helpers.js';

// A head-first catalog over a real HTTP server that stops after the head's bytes until the test
// lets it go on: what the shopper's first seconds on a slow network look like, made exact.
const HEAD_ITEMS = 100;

interface HeldServer {
  url: string;
  /** Body bytes sent so far in the current response. */
  sent(): number;
  /** Sends the rest of the held response. */
  release(): void;
  /** GETs answered, with their status. */
  log: number[];
  close(): Promise<void>;
}

/** Serves `file`, holding each full answer after its first `holdAt` bytes until release(); a conditional GET gets 304. */
async function startHeldServer(file: Uint8Array, holdAt: number, tail: Uint8Array = file.subarray(holdAt)): Promise<HeldServer> {
  const etag = `"${createHash('sha256').update(file).digest('hex').slice(0, 16)}"`;
  let sent = 0;
  let release: () => void = () => undefined;
  const log: number[] = [];
  const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag, Content-Length' };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-headers': 'Range, If-Range, If-None-Match', 'access-control-allow-methods': 'GET' }).end();
      return;
    }
    if (req.headers['if-none-match'] === etag) {
      log.push(304);
      res.writeHead(304, { ...cors, etag }).end();
      return;
    }
    log.push(200);
    res.writeHead(200, { ...cors, etag, 'content-type': 'application/octet-stream', 'content-length': file.length, 'cache-control': 'no-store' });
    sent = holdAt;
    res.write(file.subarray(0, holdAt));
    release = () => {
      sent = file.length;
      res.end(tail);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/head-first.vcat`,
    sent: () => sent,
    release: () => release(),
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let full: Catalog;
let file: Uint8Array;
let holdAt: number;
let server: HeldServer | undefined;

test.beforeAll(async () => {
  full = await decodeCatalog(new Uint8Array(readFileSync(`public${SCIENTIFIC}`)));
  const { header, bias, items, vectors, extras } = full;
  const input = { ids: items.map((i) => i.id), vectors, dim: header.dim, bias, items, dtype: header.dtype, extras, modelId: header.modelId };
  file = await encodeHeadFirstCatalog(input, HEAD_ITEMS);
  holdAt = headFirstLayout(file)!.fullOffset;
});
test.beforeEach(async ({ page }) => openHarness(page));
test.afterEach(async () => server?.close());

/** The most popular ids of the full catalog (what the head holds, best first), and one it lacks. */
const byPopularity = (): string[] => [...full.bias.keys()].sort((a, b) => full.bias[b]! - full.bias[a]! || a - b).map((r) => full.items[r]!.id);

type Seen = { serving: string; items: number; lastError?: { code: string } };
const seen = (page: Page): Promise<Seen> =>
  page.evaluate(async () => {
    const { catalog } = await (window as unknown as { rec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).rec.info();
    return { serving: catalog.serving, items: catalog.items, ...(catalog.lastError ? { lastError: catalog.lastError } : {}) };
  });

test('the head serves before the rest has arrived, then the full catalog takes over; a warm visit loads it all from the cache', async ({ page }) => {
  server = await startHeldServer(file, holdAt);
  const popularIds = byPopularity();
  const outside = popularIds[HEAD_ITEMS + 50]!;
  const early = await page.evaluate(
    async ({ url, viewed }) => {
      const progress: Array<{ status: string; part?: string; items?: number }> = [];
      const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu', onProgress: (p) => progress.push({ ...p }) });
      (window as unknown as { rec: typeof rec }).rec = rec;
      const info = await rec.info();
      const popular = (await rec.popular({ k: 5 })).map((r) => r.itemId);
      await rec.track({ type: 'view', itemId: popular[0]! });
      const forYou = await rec.recommend({ k: 5 });
      const similar = (await rec.similar(viewed, { k: 5 })).map((r) => r.itemId);
      return { info: info.catalog, popular, forYou: forYou.map((r) => r.reason), similar, progress };
    },
    { url: server.url, viewed: popularIds[3]! },
  );
  // Everything above was answered while the server still held every byte after the head.
  expect(server.sent()).toBe(holdAt);
  expect(holdAt).toBeLessThan(file.length / 5);
  expect(early.info).toMatchObject({ serving: 'head', items: HEAD_ITEMS, source: 'network' });
  expect(early.popular).toEqual(popularIds.slice(0, 5));
  expect(early.forYou).toHaveLength(5);
  expect(early.forYou).toContain('similar_to_viewed');
  expect(early.similar.every((id) => popularIds.slice(0, HEAD_ITEMS).includes(id))).toBe(true);
  expect(early.progress.filter((p) => p.status === 'ready')).toEqual([expect.objectContaining({ part: 'head', items: HEAD_ITEMS })]);

  // An item the head lacks: the call waits for the rest instead of calling it unknown.
  await page.evaluate((id) => {
    const w = window as unknown as { rec: { similar(id: string, o: object): Promise<Array<{ itemId: string }>> }; waiting: Promise<string[]> };
    w.waiting = w.rec.similar(id, { k: 5 }).then((r) => r.map((x) => x.itemId));
  }, outside);
  await page.waitForTimeout(300);
  expect(server.sent()).toBe(holdAt);
  server.release();
  const later = await page.evaluate(async () => (window as unknown as { waiting: Promise<string[]> }).waiting);
  expect(later).toHaveLength(5);
  await expect.poll(() => seen(page)).toEqual({ serving: 'full', items: full.header.itemCount });
  const after = await page.evaluate(async () => {
    const rec = (window as unknown as { rec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).rec;
    const popular = (await rec.popular({ k: 5 })).map((r) => r.itemId);
    await rec.dispose();
    return { popular };
  });
  // The head held the most popular items: the first rail is the same before and after the swap.
  expect(after.popular).toEqual(early.popular);

  // Warm visit: the whole file from Cache Storage at once, the full catalog serving from the start.
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const warm = await page.evaluate(async (url) => {
    const progress: string[] = [];
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu', onProgress: (p) => progress.push(p.status) });
    const info = await rec.info();
    const similar = await rec.similar(info.catalog.items > 0 ? (await rec.popular({ k: 1 }))[0]!.itemId : '', { k: 3 });
    await new Promise((r) => setTimeout(r, 500)); // the background revalidation
    await rec.dispose();
    return { progress, catalog: info.catalog, similar: similar.length };
  }, server.url);
  expect(warm.progress[0]).toBe('cached');
  expect(warm.catalog).toMatchObject({ serving: 'full', items: full.header.itemCount, source: 'cache' });
  expect(warm.similar).toBe(3);
  // One download, then a revalidation the server answered 304.
  expect(server.log).toEqual([200, 304]);
});

test('a corrupted rest is rejected with a typed error while the head keeps serving', async ({ page }) => {
  const tail = file.slice(holdAt);
  tail[tail.length - 5]! ^= 0xff;
  server = await startHeldServer(file, holdAt, tail);
  const popularIds = byPopularity();
  await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu' });
    (window as unknown as { rec: typeof rec }).rec = rec;
  }, server.url);
  expect(await seen(page)).toEqual({ serving: 'head', items: HEAD_ITEMS });
  server.release();
  await expect.poll(async () => (await seen(page)).lastError?.code).toBe('CATALOG_CORRUPT');
  const still = await page.evaluate(
    async (outside) => {
      const rec = (window as unknown as { rec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).rec;
      const popular = (await rec.popular({ k: 3 })).map((r) => r.itemId);
      const unknown = await rec.similar(outside, { k: 3 }).then(
        () => null,
        (e: { name: string; code: string }) => ({ name: e.name, code: e.code }),
      );
      await rec.dispose();
      return { popular, unknown };
    },
    popularIds[HEAD_ITEMS + 1]!,
  );
  expect(await Promise.resolve(still.popular)).toEqual(popularIds.slice(0, 3));
  // The full catalog never arrived intact: an item outside the head is unknown, not waited for forever.
  expect(still.unknown).toEqual({ name: 'EventError', code: 'ITEM_UNKNOWN' });
  // The head is not kept for the next visit: nothing was cached.
  const cached = await page.evaluate(async (url) => (await caches.match(url)) !== undefined, server.url);
  expect(cached).toBe(false);
});

test('a catalog loadCatalog() swapped in while the head served stays when the rest of the first file lands', async ({ page }) => {
  server = await startHeldServer(file, holdAt);
  await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu' });
    (window as unknown as { rec: typeof rec }).rec = rec;
  }, server.url);
  expect(await seen(page)).toEqual({ serving: 'head', items: HEAD_ITEMS });
  const swapped = await page.evaluate(async (other) => {
    const rec = (window as unknown as { rec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).rec;
    return (await rec.loadCatalog(other)).catalog;
  }, RETAIL);
  expect(swapped).toMatchObject({ serving: 'full' });
  server.release();
  // The first file's full part lands, verified, and is not swapped in over the newer catalog.
  await expect.poll(() => server!.sent()).toBe(file.length);
  await page.waitForTimeout(1000);
  const after = await page.evaluate(async () => {
    const rec = (window as unknown as { rec: Awaited<ReturnType<typeof window.harness.createRecommender>> }).rec;
    const { catalog } = await rec.info();
    await rec.dispose();
    return { url: catalog.url, items: catalog.items, serving: catalog.serving };
  });
  expect(after).toEqual({ url: swapped.url, items: swapped.items, serving: 'full' });
  expect(after.items).not.toBe(full.header.itemCount);
});
