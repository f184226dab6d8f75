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

/**
 * The cached copy of `url`, or undefined (none, no Cache Storage, or it failed). Read by the
 * page while the worker boots, and by the worker itself after a restart: the copy is checked
 * where it is decoded, in the worker.
 */
export async function readCachedBytes(url: string): Promise<CachedCatalogBytes | undefined> {
  const storage = cacheStorage();
  if (!storage) return undefined;
  try {
    const response = await (await storage.open(CATALOG_CACHE_NAME)).match(url);
    if (!response) return undefined;
    const cached: CachedCatalogBytes = { bytes: await response.arrayBuffer() };
    const etag = response.headers.get(ETAG_HEADER);
    if (etag) cached.etag = etag;
    return cached;
  } catch {
    return undefined;
  }
}

/** Deletes the cached copy of `url` (one that failed its checks). */
export async function deleteCachedCatalog(url: string): Promise<void> {
  await (await cacheStorage()?.open(CATALOG_CACHE_NAME))?.delete(url).catch(() => false);
}
