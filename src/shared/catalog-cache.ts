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
}
