import type { RowReader } from '../catalog/embedding-rows.js';
import type { ItemTable } from '../catalog/item-table.js';
import type { Engine } from '../engine/engine.js';
import type { ResolvedProfileOptions } from '../model/pooling-encoder.js';
import type { SearchIndex } from '../ranking/search-index.js';
import type { EngineOptions } from '../shared/api-types.js';
import { CatalogError, VitrineError } from '../shared/errors.js';
import type { StoredEvent } from '../shared/events.js';
import type { ProgressInfo } from '../shared/progress.js';
import { openHistory, type HistoryLimits, type HistoryStore } from '../storage/history-store.js';
import { DEFAULT_MIN_REPEAT_RATE } from '../ranking/buy-again.js';
import { DEFAULT_RETRY, downloadCatalog, type LoadedCatalog, type RetryPolicy } from './catalog-loader.js';
import type { ConsentState } from './consent.js';
import type { LoadedEncoder } from './encoder-loader.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './integrity.js';
import type { LiveItems } from './live-items.js';

export type Progress = (info: ProgressInfo) => void;

/** Everything the worker holds for one shopper once started. */
export interface Session {
  options: Required<Pick<EngineOptions, 'namespace'>> & EngineOptions;
  profile: ResolvedProfileOptions;
  current: LoadedCatalog;
  /**
   * While the head of a head-first file serves: settles once the full catalog has taken over
   * (or failed to, see lastCatalogError). Calls naming an item the head lacks wait for it.
   */
  pendingFull?: Promise<void>;
  /** The catalog's metadata columns and id → row lookup (`table.lookup`); item objects are made per row on demand. */
  table: ItemTable;
  /** Single embedding rows of the catalog serving (a quantised one is not expanded). */
  rows: RowReader;
  engine: Engine;
  history: HistoryStore;
  /** The stored events, oldest first (eventsNow() adds those still being written). */
  events: StoredEvent[];
  channel: BroadcastChannel | undefined;
  /** Whether the history is written to the device (consent.ts). */
  consent: ConsentState;
  lastCatalogError?: { code: string; message: string };
  /** Built on first search, dropped when the catalog changes. */
  search?: SearchIndex;
  /** Rows by trending score, built on first use, dropped when the catalog changes. */
  trendingOrder?: Int32Array;
  /** The shop's sequence encoder (options.encoder); without it the pooling encoder makes u. */
  encoder?: LoadedEncoder;
  /** Live price, stock and availability since this catalog was loaded (updateItems). */
  live: LiveItems;
  /** The shop's item updates file (options.itemUpdates, item-feed.ts), refreshed on its schedule. */
  itemFeed?: {
    readonly url: string;
    readonly lastAppliedAt: string | undefined;
    readonly lastError: { code: string; message: string } | undefined;
    stop(): void;
  };
}

/** The started session, or CATALOG_NOT_LOADED. */
export function requireSession(session: Session | undefined): Session {
  if (!session) throw new CatalogError('CATALOG_NOT_LOADED', 'The recommender is not initialised; await createRecommender() first.');
  return session;
}

/** Catalog rows of the ids the catalog knows (unknown ids are skipped). */
export const rowsOf = (s: Session, ids: readonly string[]): number[] => ids.flatMap((id) => (s.table.lookup.has(id) ? [s.table.lookup.get(id)!] : []));

/** Whether a row may be shown at all (not withdrawn from sale by updateItems). */
export const available = (s: Session, row: number): boolean => !s.live.withdrawn.has(row);

/** Exclusions plus the withdrawn rows: the hard constraint every rail applies. */
export const unavailableAnd = (s: Session, rows: readonly number[]): number[] => (s.live.withdrawn.size === 0 ? [...rows] : [...rows, ...s.live.withdrawn]);

export const minRepeatRate = (s: Session): number => s.options.buyItAgain?.minRepeatRate ?? DEFAULT_MIN_REPEAT_RATE;

export const historyLimits = (options: EngineOptions): HistoryLimits => ({
  maxEvents: options.history?.maxEvents ?? 5_000,
  maxAgeMs: (options.history?.maxAgeDays ?? 180) * 86_400_000,
});

export const openStoredHistory = (options: EngineOptions & { namespace: string }): Promise<HistoryStore> =>
  openHistory(options.namespace, historyLimits(options), { encrypt: options.encryptHistory === true });

export const retryPolicy = (options: EngineOptions): RetryPolicy => ({ ...DEFAULT_RETRY, stallMs: options.catalogStallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS });

/** `store`: whether the file may be cached now (consent); otherwise `storeLater` does it on grant. */
export async function downloadOrThrow(
  url: string,
  progress: Progress,
  retry?: RetryPolicy,
  pin?: string,
  store = true,
  onHead?: (head: LoadedCatalog) => void,
): Promise<LoadedCatalog> {
  const loaded = await downloadCatalog(url, progress, undefined, retry, pin, store, onHead);
  if (loaded === 'not-modified') throw new CatalogError('CATALOG_FETCH_FAILED', `The server answered 304 for ${url} without a cached copy.`);
  return loaded;
}

/**
 * The session once every id is known to the catalog serving, or known not to be: while only a
 * head serves, an id it lacks waits for the full catalog (whose failure leaves the head serving).
 */
export async function knowing(s: Session, ids: readonly unknown[]): Promise<Session> {
  const pending = s.pendingFull;
  if (pending && ids.some((id) => typeof id === 'string' && !s.table.lookup.has(id))) await pending;
  return s;
}

/** The one place a failed catalog load is recorded for info().catalog.lastError. */
export function recordCatalogError(s: Session, error: unknown): void {
  if (error instanceof VitrineError) s.lastCatalogError = { code: error.code, message: error.message };
}
