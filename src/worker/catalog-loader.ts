import { decodeCatalog } from '../catalog/codec.js';
import type { Catalog } from '../catalog/types.js';
import { CatalogError } from '../shared/errors.js';
import type { ProgressInfo } from '../shared/progress.js';

export const CATALOG_CACHE_NAME = 'vitrine-catalog-v1';
const ETAG_HEADER = 'x-vitrine-etag';

export interface LoadedCatalog {
  catalog: Catalog;
  url: string;
  source: 'network' | 'cache';
  etag?: string;
}

type Progress = (info: ProgressInfo) => void;

function cacheStorage(): CacheStorage | undefined {
  return typeof caches === 'undefined' ? undefined : caches;
}

/** Downloads a catalog with progress, verifies it completely, and only then caches it. */
export async function downloadCatalog(url: string, onProgress: Progress, etag?: string): Promise<LoadedCatalog | 'not-modified'> {
  onProgress({ status: 'download', url });
  let response: Response;
  try {
    response = await fetch(url, etag ? { headers: { 'If-None-Match': etag } } : {});
  } catch (cause) {
    throw new CatalogError('CATALOG_FETCH_FAILED', `Could not download the catalog ${url}: ${String(cause)}.`, { cause });
  }
  if (response.status === 304) return 'not-modified';
  if (!response.ok || !response.body) {
    throw new CatalogError('CATALOG_FETCH_FAILED', `Downloading the catalog ${url} failed with HTTP ${response.status}.`);
  }
  const lengthHeader = response.headers.get('content-length');
  // A compressed transfer's length is not the body's length: report progress without a total.
  const total = lengthHeader !== null && !response.headers.get('content-encoding') ? Number(lengthHeader) : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress(total !== undefined ? { status: 'progress', url, loaded, total } : { status: 'progress', url, loaded });
    }
  } catch (cause) {
    throw new CatalogError('CATALOG_TRUNCATED', `The catalog download from ${url} broke off after ${loaded} bytes.`, { cause });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  onProgress({ status: 'verify', url });
  const catalog = await decodeCatalog(bytes);
  const newEtag = response.headers.get('etag') ?? undefined;
  await storeInCache(url, bytes, newEtag);
  const loadedCatalog: LoadedCatalog = { catalog, url, source: 'network' };
  if (newEtag !== undefined) loadedCatalog.etag = newEtag;
  return loadedCatalog;
}

async function storeInCache(url: string, bytes: Uint8Array, etag: string | undefined): Promise<void> {
  const storage = cacheStorage();
  if (!storage) return;
  try {
    const cache = await storage.open(CATALOG_CACHE_NAME);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (etag) headers[ETAG_HEADER] = etag;
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
  } catch {
    // A full quota or a blocked cache costs the next visit a download, nothing else.
  }
}

/** The cached copy of `url`, verified; a cached copy that fails verification is deleted. */
export async function readCachedCatalog(url: string, onProgress: Progress): Promise<LoadedCatalog | undefined> {
  const storage = cacheStorage();
  if (!storage) return undefined;
  try {
    const cache = await storage.open(CATALOG_CACHE_NAME);
    const response = await cache.match(url);
    if (!response) return undefined;
    onProgress({ status: 'cached', url });
    try {
      const catalog = await decodeCatalog(new Uint8Array(await response.arrayBuffer()));
      const loaded: LoadedCatalog = { catalog, url, source: 'cache' };
      const etag = response.headers.get(ETAG_HEADER);
      if (etag) loaded.etag = etag;
      return loaded;
    } catch {
      await cache.delete(url);
      return undefined;
    }
  } catch {
    return undefined;
  }
}

/** Deletes every catalog we cached. */
export async function clearCatalogCache(): Promise<void> {
  await cacheStorage()?.delete(CATALOG_CACHE_NAME);
}
