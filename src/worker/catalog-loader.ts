import { decodeCatalog, decodeVerifiedBefore } from '../catalog/codec.js';
import { HEAD_FIRST_PREAMBLE, headCatalogBytes, headFirstLayout } from '../catalog/head-first-layout.js';
import type { Catalog } from '../catalog/types.js';
import { deleteCachedCatalog, readCachedBytes, storeCachedCatalog, type CachedCatalogBytes } from '../storage/catalog-cache.js';
import { CatalogError } from '../shared/errors.js';
import type { ProgressInfo } from '../shared/progress.js';
import { checkPin } from './integrity.js';

export interface LoadedCatalog {
  catalog: Catalog;
  url: string;
  source: 'network' | 'cache';
  /** `head`: only the head of a head-first file (its most popular items), serving while the rest downloads. */
  part?: 'head';
  etag?: string;
  /** The shop's pin this file was checked against: revalidations of the URL must match it too. */
  pin?: string;
  /**
   * A cached copy's SHA-256 check, not run yet (decodeVerifiedBefore): the worker runs it after
   * start-up. Rejects with CATALOG_CORRUPT, having deleted the cached copy.
   */
  verify?: () => Promise<void>;
  /** A download made before consent, not cached yet: caches it (grantConsent() calls it). */
  storeLater?: () => Promise<void>;
}

type Progress = (info: ProgressInfo) => void;

/** How a download retries network failures (never bad data): `attempts` in all, waits doubling from `baseDelayMs`. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  /** An attempt that receives no bytes for this long is aborted (and retried like a network failure). */
  stallMs?: number;
}
/** Four attempts, waiting 0.25 s, 0.5 s and 1 s between them: under 2 s lost to a dead network. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250 };
/** Statuses that say "try again later" rather than "this URL is wrong". */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** A failure worth another attempt; `error` is what the caller sees once attempts run out. */
class Transient {
  constructor(readonly error: CatalogError) {}
}

/** Bytes received so far, kept across attempts so a broken download resumes with a Range request. */
interface Received {
  chunks: Uint8Array[];
  loaded: number;
  total?: number;
  /** Validator of the response the chunks came from (If-Range); no resume without one. */
  validator?: string;
  etag?: string;
}

/**
 * Downloads a catalog with progress, verifies it completely, and only then caches it.
 * - Network errors, a body that breaks off and 408/429/5xx answers are retried with exponential
 *   backoff; a retry after a partial body asks for the rest (`Range` + `If-Range`) and restarts
 *   if the server sends the whole file. The SHA-256 check catches any bad splice.
 * - 404 and other answers, and corrupt data, fail at once: retrying cannot fix them.
 */
export async function downloadCatalog(
  url: string,
  onProgress: Progress,
  etag?: string,
  retry: RetryPolicy = DEFAULT_RETRY,
  /** SHA-256 of the whole file the shop pinned: anything else fails with CATALOG_INTEGRITY, uncached. */
  pin?: string,
  /**
   * False while consent is pending: nothing may be written to the device, so the file is kept
   * in memory and `LoadedCatalog.storeLater` caches it once consent is granted.
   */
  store = true,
  /**
   * Called with the head of a head-first file once it has arrived and been verified, while the
   * rest still downloads; never after this function has settled, never for a pinned file (the
   * pin covers the whole file, so nothing is trusted before all of it is in).
   */
  onHead?: (head: LoadedCatalog) => void,
): Promise<LoadedCatalog | 'not-modified'> {
  onProgress({ status: 'download', url });
  const partial: Received = { chunks: [], loaded: 0 };
  let settled = false;
  const watch = onHead && pin === undefined ? watchHead(url, (head) => settled || onHead(head)) : undefined;
  let received: { bytes: Uint8Array; etag?: string } | 'not-modified';
  for (let attempt = 1; ; attempt++) {
    try {
      received = await fetchOnce(url, onProgress, etag, partial, retry.stallMs, watch);
      break;
    } catch (failure) {
      settled ||= !(failure instanceof Transient);
      if (!(failure instanceof Transient)) throw failure;
      if (attempt >= retry.attempts) {
        settled = true;
        throw failure.error;
      }
      await new Promise((resolve) => setTimeout(resolve, retry.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  if (received === 'not-modified') return ((settled = true), received);
  onProgress({ status: 'verify', url });
  let catalog: Catalog;
  try {
    await checkPin(received.bytes, pin, url);
    catalog = await decodeCatalog(received.bytes, { owned: true });
  } finally {
    settled = true;
  }
  const loadedCatalog: LoadedCatalog = { catalog, url, source: 'network' };
  const { bytes, etag: receivedEtag } = received;
  if (store) await storeCachedCatalog(url, bytes, receivedEtag);
  else loadedCatalog.storeLater = () => storeCachedCatalog(url, bytes, receivedEtag);
  if (received.etag !== undefined) loadedCatalog.etag = received.etag;
  if (pin !== undefined) loadedCatalog.pin = pin;
  return loadedCatalog;
}

async function fetchOnce(
  url: string,
  onProgress: Progress,
  etag: string | undefined,
  partial: Received,
  stallMs?: number,
  watch?: (partial: Received) => void,
): Promise<{ bytes: Uint8Array; etag?: string } | 'not-modified'> {
  // A server that stops sending without closing would hang us forever: a watchdog, re-armed by
  // every chunk, aborts the attempt; the abort surfaces below as a retryable failure.
  const watchdog = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    if (stallMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => watchdog.abort(), stallMs);
  };
  const stalled = (): string => (watchdog.signal.aborted ? ` (stalled: no bytes for ${stallMs} ms)` : '');
  arm();
  try {
    return await fetchAttempt(url, onProgress, etag, partial, watchdog.signal, arm, stalled, watch);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchAttempt(
  url: string,
  onProgress: Progress,
  etag: string | undefined,
  partial: Received,
  signal: AbortSignal,
  arm: () => void,
  stalled: () => string,
  watch?: (partial: Received) => void,
): Promise<{ bytes: Uint8Array; etag?: string } | 'not-modified'> {
  const resuming = partial.loaded > 0 && partial.validator !== undefined;
  const headers: Record<string, string> = {};
  if (resuming) Object.assign(headers, { Range: `bytes=${partial.loaded}-`, 'If-Range': partial.validator! });
  else if (etag && partial.loaded === 0) headers['If-None-Match'] = etag;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal });
  } catch (cause) {
    throw new Transient(new CatalogError('CATALOG_FETCH_FAILED', `Could not download the catalog ${url}: ${String(cause)}${stalled()}.`, { cause }));
  }
  if (response.status === 304 && !resuming) return 'not-modified';
  if (!response.ok || !response.body) {
    const error = new CatalogError('CATALOG_FETCH_FAILED', `Downloading the catalog ${url} failed with HTTP ${response.status}.`);
    throw RETRYABLE_STATUS.has(response.status) ? new Transient(error) : error;
  }
  const resumed = response.status === 206 && resuming && rangeStart(response) === partial.loaded;
  if (response.status === 206 && !resumed) {
    // A range we did not ask for: drop what we have and ask for the whole file next time.
    await response.body.cancel();
    Object.assign(partial, { chunks: [], loaded: 0, validator: undefined });
    throw new Transient(new CatalogError('CATALOG_FETCH_FAILED', `The server sent an unexpected range of ${url}.`));
  }
  if (!resumed) {
    const lengthHeader = response.headers.get('content-length');
    // A compressed transfer's length is not the body's length: report progress without a total.
    const total = lengthHeader !== null && !response.headers.get('content-encoding') ? Number(lengthHeader) : undefined;
    Object.assign(partial, { chunks: [], loaded: 0, total, validator: strongValidator(response), etag: response.headers.get('etag') ?? undefined });
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arm();
      partial.chunks.push(value);
      partial.loaded += value.byteLength;
      const { loaded, total } = partial;
      onProgress(total !== undefined ? { status: 'progress', url, loaded, total } : { status: 'progress', url, loaded });
      watch?.(partial);
    }
  } catch (cause) {
    if (signal.aborted)
      throw new Transient(
        new CatalogError('CATALOG_FETCH_FAILED', `The catalog download from ${url} broke off after ${partial.loaded} bytes${stalled()}.`, { cause }),
      );
    throw new Transient(new CatalogError('CATALOG_TRUNCATED', `The catalog download from ${url} broke off after ${partial.loaded} bytes.`, { cause }));
  }
  const bytes = prefix(partial.chunks, partial.loaded);
  const out: { bytes: Uint8Array; etag?: string } = { bytes };
  if (partial.etag !== undefined) out.etag = partial.etag;
  return out;
}

/** The first `length` bytes of `chunks`, in one array. */
function prefix(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/**
 * Looks at the bytes as they arrive: once a head-first file's head is in, it is decoded and
 * verified (its own SHA-256) and handed to `serve`. An ordinary file, or a head that fails its
 * checks, is left alone: the whole file decides, as before.
 */
function watchHead(url: string, serve: (head: LoadedCatalog) => void): (partial: Received) => void {
  let wanted: number | undefined;
  let done = false;
  return (partial) => {
    if (done || partial.loaded < HEAD_FIRST_PREAMBLE) return;
    if (wanted === undefined) {
      let layout;
      try {
        layout = headFirstLayout(prefix(partial.chunks, HEAD_FIRST_PREAMBLE));
      } catch {
        layout = undefined;
      }
      if (!layout) {
        done = true;
        return;
      }
      wanted = HEAD_FIRST_PREAMBLE + layout.headLength;
    }
    if (partial.loaded < wanted) return;
    done = true;
    const head = headCatalogBytes(prefix(partial.chunks, wanted));
    if (!head) return;
    void decodeCatalog(head, { owned: true }).then(
      (catalog) => serve({ catalog, url, source: 'network', part: 'head' }),
      () => undefined,
    );
  };
}

/** `If-Range` needs a strong validator: a strong ETag, else Last-Modified. */
function strongValidator(response: Response): string | undefined {
  const tag = response.headers.get('etag');
  if (tag && !tag.startsWith('W/')) return tag;
  return response.headers.get('last-modified') ?? undefined;
}

function rangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The cached copy of `url`, checked structurally; a copy that fails is deleted. Its checksum,
 * checked when it was stored, is checked again by `verify()` later (or now, by the shop's pin).
 * `prefetched`: the copy the page read while this worker booted (null: the page found none).
 */
export async function readCachedCatalog(
  url: string,
  onProgress: Progress,
  pin?: string,
  prefetched?: CachedCatalogBytes | null,
): Promise<LoadedCatalog | undefined> {
  const cached = prefetched === undefined ? await readCachedBytes(url) : (prefetched ?? undefined);
  if (!cached) return undefined;
  const bytes = new Uint8Array(cached.bytes);
  // A cached copy the shop's pin does not match is not used (and not deleted: it is intact).
  if (
    pin !== undefined &&
    (await checkPin(bytes, pin, url).then(
      () => false,
      () => true,
    ))
  )
    return undefined;
  onProgress({ status: 'cached', url });
  try {
    const { catalog, verify } = decodeVerifiedBefore(bytes, { owned: true });
    const loaded: LoadedCatalog = { catalog, url, source: 'cache' };
    // A pinned file's whole SHA-256 matched just now: its body is the one the shop published.
    if (pin !== undefined) loaded.pin = pin;
    else {
      loaded.verify = () =>
        verify().catch(async (error: unknown) => {
          await deleteCachedCatalog(url);
          throw error;
        });
    }
    if (cached.etag) loaded.etag = cached.etag;
    return loaded;
  } catch {
    await deleteCachedCatalog(url);
    return undefined;
  }
}
