import { rowReader } from '../catalog/embedding-rows.js';
import { itemTable } from '../catalog/catalog-table.js';
import type { ItemUpdate } from '../shared/api-types.js';
import { readLiveItems, storeLiveItems } from '../storage/catalog-cache.js';
import { downloadCatalog, type LoadedCatalog } from './catalog-loader.js';
import { validatePin } from './integrity.js';
import { LiveItems, validateItemUpdates } from './live-items.js';
import { downloadOrThrow, recordCatalogError, retryPolicy, type Progress, type Session } from './session.js';

/** Replaces the catalog. On any failure the previous catalog keeps serving (and the error is recorded and thrown). */
export async function loadCatalog(s: Session, url: string, progress: Progress, options: { sha256?: string }): Promise<void> {
  try {
    // The option's pin holds for its URL; another URL is pinned only by this call's sha256.
    const pin = validatePin(options.sha256) ?? (url === s.options.catalog ? validatePin(s.options.catalogSha256) : undefined);
    await adopt(s, await downloadOrThrow(url, progress, retryPolicy(s.options), pin, s.consent === 'granted'));
  } catch (error) {
    recordCatalogError(s, error);
    throw error;
  }
}

/** Swaps `next` in: the engine first (it may fail), then everything derived from the old catalog. */
async function adopt(s: Session, next: LoadedCatalog, keepStoredUpdates = false): Promise<void> {
  await s.engine.replaceCatalog(next.catalog);
  s.current = next;
  s.table = itemTable(next.catalog);
  s.rows = rowReader(next.catalog);
  delete s.lastCatalogError;
  delete s.search;
  delete s.trendingOrder;
  // Live updates hold until the next catalog, which carries the shop's fresh data.
  s.live = new LiveItems();
  if (s.consent === 'granted' && !keepStoredUpdates) await storeLiveItems(next.catalog.header.bodySha256, []);
}

/**
 * The full catalog of a head-first file takes over from its head: updateItems() made while the
 * head served are applied again to it, after those an earlier visit stored for this catalog;
 * the file is cached if consent came meanwhile. A failure leaves the head serving, recorded.
 */
export async function adoptFull(s: Session, full: Promise<LoadedCatalog>, progress: Progress): Promise<void> {
  const head = s.current;
  try {
    const next = await full;
    // loadCatalog() swapped another catalog in meanwhile: that one stays.
    if (s.current !== head) return;
    const updates = s.live.snapshot();
    await adopt(s, next, true);
    if (s.consent === 'granted' && next.storeLater) {
      await next.storeLater();
      delete next.storeLater;
    }
    await restoreItemUpdates(s);
    const known = updates.filter((u) => s.table.lookup.has(u.id));
    if (known.length > 0) await applyItemUpdates(s, known, true).catch(() => undefined);
    progress({ status: 'ready', backend: s.engine.backend, items: next.catalog.header.itemCount, source: next.source, part: 'full' });
  } catch (error) {
    recordCatalogError(s, error);
  }
}

/**
 * A cached copy's checksum is re-checked this long after start-up: WebCrypto copies the body on
 * this thread first (~16 ms for 10 MB), which would otherwise delay the page's first results.
 */
const CACHED_CHECKSUM_DELAY_MS = 250;

/**
 * Served from cache: ask the server for a newer file, and re-check the copy's checksum once the
 * first results are out. A copy that fails is dropped (verify() deleted it) and the catalog is
 * downloaded and swapped in; if that fails too, the structurally valid copy keeps serving and
 * info().catalog.lastError says why.
 */
export async function afterCachedStart(s: Session, cached: LoadedCatalog, progress: Progress): Promise<void> {
  const revalidation = revalidate(s, progress);
  if (!cached.verify) return revalidation;
  await new Promise((resolve) => setTimeout(resolve, CACHED_CHECKSUM_DELAY_MS));
  try {
    await cached.verify();
  } catch (error) {
    await revalidation;
    // A newer file the revalidation found replaced the copy already.
    if (s.current !== cached) return;
    recordCatalogError(s, error);
    try {
      await adopt(s, await downloadOrThrow(cached.url, progress, retryPolicy(s.options), undefined, s.consent === 'granted'));
    } catch (failure) {
      recordCatalogError(s, failure);
    }
  }
}

/** Served from cache: check for a newer catalog in the background; keep the cached one on any failure. */
async function revalidate(s: Session, progress: Progress): Promise<void> {
  try {
    const result = await downloadCatalog(s.current.url, progress, s.current.etag, retryPolicy(s.options), s.current.pin, s.consent === 'granted');
    if (result !== 'not-modified' && result.catalog.header.bodySha256 !== s.current.catalog.header.bodySha256) await adopt(s, result);
  } catch (error) {
    recordCatalogError(s, error);
  }
}

/** Validates (all or nothing), applies to the table and the scorer's masks, and persists if allowed. */
export async function applyItemUpdates(s: Session, updates: unknown, persist: boolean): Promise<void> {
  const validated = validateItemUpdates(updates, s.table);
  const changed = s.live.apply(validated, s.table);
  if (changed.length > 0) await s.engine.run(async (scorer) => scorer.updateRows(changed));
  if (persist && s.consent === 'granted') await storeLiveItems(s.current.catalog.header.bodySha256, s.live.snapshot());
}

/** Updates an earlier visit stored for this very catalog (a newer catalog drops them). */
export async function restoreItemUpdates(s: Session): Promise<void> {
  const stored = (await readLiveItems<ItemUpdate>(s.current.catalog.header.bodySha256)).filter((u) => typeof u?.id === 'string' && s.table.lookup.has(u.id));
  if (stored.length > 0) await applyItemUpdates(s, stored, false).catch(() => undefined);
}

/** Stores the live updates once the shopper consents (they were kept in memory until then). */
export async function storeItemUpdates(s: Session): Promise<void> {
  if (s.live.size > 0) await storeLiveItems(s.current.catalog.header.bodySha256, s.live.snapshot());
}
