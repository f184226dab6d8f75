/** The Cache Storage cache holding downloaded catalogs, one entry per catalog URL. */
export const CATALOG_CACHE_NAME = 'vitrine-catalog-v1';
/** Header of a cached entry carrying the server's ETag, for revalidation. */
export const ETAG_HEADER = 'x-vitrine-etag';

/** A cached catalog file as read from Cache Storage. */
export interface CachedCatalogBytes {
  bytes: ArrayBuffer;
  etag?: string;
}

function cacheStorage(): CacheStorage | undefined {
  return typeof caches === 'undefined' ? undefined : caches;
}

// Every use of Cache Storage lives here: the page reads through it, the worker reads and writes.

/**
 * The cached copy of `url`, or undefined (none, no Cache Storage, or it failed). Read by the
 * page while the worker boots, and by the worker itself after a restart: the copy is checked
 * where it is decoded, in the worker.
 */
export async function readCachedBytes(url: string): Promise<CachedCatalogBytes | undefined> {
  const storage = cacheStorage();
  if (!storage) return undefined;
  try {
    // match() with a cacheName, not open(): open() creates the cache, a write before consent.
    const response = await storage.match(url, { cacheName: CATALOG_CACHE_NAME });
    if (!response) return undefined;
    const cached: CachedCatalogBytes = { bytes: await response.arrayBuffer() };
    const etag = response.headers.get(ETAG_HEADER);
    if (etag) cached.etag = etag;
    return cached;
  } catch {
    return undefined;
  }
}

/** Keeps a verified download for the next visit; a full quota or a blocked cache costs that visit a download, nothing else. */
export async function storeCachedCatalog(url: string, bytes: Uint8Array, etag: string | undefined): Promise<void> {
  const storage = cacheStorage();
  if (!storage) return;
  try {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (etag) headers[ETAG_HEADER] = etag;
    await (await storage.open(CATALOG_CACHE_NAME)).put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
  } catch {
    // Nothing to do: the catalog in memory serves this visit.
  }
}

/** Deletes the cached copy of `url` (one that failed its checks). */
export async function deleteCachedCatalog(url: string): Promise<void> {
  const storage = cacheStorage();
  if (!storage || !(await storage.has(CATALOG_CACHE_NAME).catch(() => false))) return;
  await (await storage.open(CATALOG_CACHE_NAME)).delete(url).catch(() => false);
}

/** Deletes every catalog we cached (part of erasing what Vitrine stored). */
export async function clearCatalogCache(): Promise<void> {
  await cacheStorage()?.delete(CATALOG_CACHE_NAME);
  await cacheStorage()?.delete(LIVE_ITEMS_CACHE_NAME);
}

/** Cache Storage cache of live item updates (updateItems), one entry per catalog (its SHA-256). */
export const LIVE_ITEMS_CACHE_NAME = 'vitrine-live-items-v1';
// A key, never fetched: Cache Storage keys must be http(s) URLs.
const liveKey = (catalogSha256: string): string => `https://vitrine.invalid/live-items/${catalogSha256}`;

/** The updates stored for this catalog on an earlier visit (none if it was replaced since). */
export async function readLiveItems<T>(catalogSha256: string): Promise<T[]> {
  try {
    const response = await cacheStorage()?.match(liveKey(catalogSha256), { cacheName: LIVE_ITEMS_CACHE_NAME });
    return response ? ((await response.json()) as T[]) : [];
  } catch {
    return [];
  }
}

/** Keeps this catalog's updates for the next visit; other catalogs' entries are dropped. */
export async function storeLiveItems(catalogSha256: string, updates: unknown[]): Promise<void> {
  const storage = cacheStorage();
  if (!storage) return;
  try {
    await storage.delete(LIVE_ITEMS_CACHE_NAME);
    if (updates.length === 0) return;
    const body = JSON.stringify(updates);
    await (await storage.open(LIVE_ITEMS_CACHE_NAME)).put(liveKey(catalogSha256), new Response(body, { headers: { 'content-type': 'application/json' } }));
  } catch {
    // Not kept: this visit's updates still apply; the shop sends them again next visit.
  }
}
