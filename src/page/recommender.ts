import { proxy, transfer, type Remote } from 'comlink';
import type { DebugHooks } from '../worker/debug-hooks.js';
import { readCachedBytes } from '../storage/catalog-cache.js';
import { DEFAULT_NAMESPACE, openTabsChannel, type TabsMessage } from '../shared/tabs-channel.js';
import type { AffinityScore, BuyItAgainOptions, CatalogItem, EngineInfo, EngineOptions, HistoryExport, ItemUpdate, PopularOptions, Recommendation, RecommendOptions, RerankedItem, SearchOptions, SimilarOptions } from '../shared/api-types.js';
import type { StoredEvent, TrackEvent } from '../shared/events.js';
import { EventError, fromWireError, VitrineError, WorkerError } from '../shared/errors.js';
import type { ProgressInfo } from '../shared/progress.js';
import { connectWorker, type WorkerRemote } from './connect.js';
import { watchLifeline } from './worker-lifeline.js';

export interface RecommenderOptions extends Omit<EngineOptions, 'catalog' | 'encoder'> {
  /** URL of a sequence encoder file trained with the catalog (see EngineOptions.encoder). */
  encoder?: string | URL;
  /** URL of the catalog file built by `vitrine build-catalog`. Relative URLs resolve against the page. */
  catalog: string | URL;
  /** Called with download, verification and start-up progress. */
  onProgress?: (info: ProgressInfo) => void;
  /**
   * The folder where you serve the files of `node_modules/vitrine/dist/` (`vitrine-worker.js`,
   * `vitrine-tfjs.js`) yourself, for a bundler that does not follow `new URL(…, import.meta.url)`
   * (esbuild, rollup without a plugin) or a CDN on the page's origin. Relative URLs resolve against
   * the page. Left out, the files are found beside the library's module, as vite and webpack place them.
   * @example createRecommender({ catalog: '/catalog.vcat', assetsBase: '/static/vitrine/' })
   */
  assetsBase?: string | URL;
  /** A worker you started yourself from `vitrine-worker.js` (`new Worker(url, { type: 'module' })`). */
  worker?: Worker;
}

/** On-device recommendations for one shopper. Every method answers from the worker. */
export interface Recommender {
  /**
   * Records what the shopper did, on this device only. Rejects with `EVENT_INVALID` or
   * `ITEM_UNKNOWN` (and stores nothing) for a bad event.
   * @example await rec.track({ type: 'view', itemId: '85123A' });
   */
  track(event: TrackEvent): Promise<StoredEvent>;
  /**
   * The best `k` items for this shopper now; the popularity prior when there is no history.
   * @example const recs = await rec.recommend({ k: 8, filters: { inStock: true }, exclude: [currentId] });
   */
  recommend(options?: RecommendOptions): Promise<Recommendation[]>;
  /**
   * Items most like `itemId` (cosine similarity of their embeddings).
   * @example const alike = await rec.similar('85123A', { k: 6 });
   */
  similar(itemId: string, options?: SimilarOptions): Promise<Recommendation[]>;
  /**
   * Re-orders a list you already have (e.g. search results) by this shopper's affinity.
   * Ids the catalog does not know are kept, last, with `score: null`.
   * @example const ordered = await rec.rerank(searchResultIds);
   */
  rerank(itemIds: string[]): Promise<RerankedItem[]>;
  /**
   * The popularity prior alone: what a shopper with no history sees (best sellers).
   * @example const best = await rec.popular({ k: 8 });
   */
  popular(options?: PopularOptions): Promise<Recommendation[]>;
  /**
   * Items the shopper viewed or clicked, most recent first, each once.
   * @example const recent = await rec.recentlyViewed({ k: 6 });
   */
  recentlyViewed(options?: { k?: number }): Promise<Recommendation[]>;
  /**
   * Searches titles, brands and categories in any language (diacritics folded), ranked by text
   * match blended with this shopper's affinity; `personalize: false` for text match only.
   * @example const hits = await rec.search('lunch bag', { k: 20 });
   */
  search(query: string, options?: SearchOptions): Promise<Recommendation[]>;
  /**
   * Best sellers right now: popularity with a 14-day half-life at training time.
   * @example const hot = await rec.trending({ k: 8, filters: { inStock: true } });
   */
  trending(options?: PopularOptions): Promise<Recommendation[]>;
  /**
   * Items without interactions yet (embedded from their title, category, brand and price at
   * training time), ordered by this shopper's affinity.
   * @example const fresh = await rec.newArrivals({ k: 8 });
   */
  newArrivals(options?: PopularOptions): Promise<Recommendation[]>;
  /**
   * Frequently bought together with the given items (a product page, or the whole cart), from
   * co-purchase statistics; same-category substitutes are left out.
   * @example const addOns = await rec.complements(cartIds, { k: 4 });
   */
  complements(itemIds: string[], options?: PopularOptions): Promise<Recommendation[]>;
  /**
   * What this shopper bought before that shoppers do buy again: only items whose repeat-purchase
   * rate reaches `minRepeatRate` (default 0.1, option `buyItAgain.minRepeatRate`), most re-bought
   * first. Empty when the catalog has no repeat statistics (`info().buyItAgain.repeatRates`).
   * @example const again = await rec.buyItAgain({ k: 6 });
   */
  buyItAgain(options?: BuyItAgainOptions): Promise<Recommendation[]>;
  /**
   * The shopper's favourite categories and their share of interest, for navigation slots.
   * @example const [top] = await rec.topCategories({ k: 3 }); // { name: 'Tapes', weight: 0.42 }
   */
  topCategories(options?: { k?: number }): Promise<AffinityScore[]>;
  /** The shopper's favourite brands and their share of interest. */
  topBrands(options?: { k?: number }): Promise<AffinityScore[]>;
  /**
   * Catalog metadata for ids, in order; `null` for ids the catalog does not know.
   * @example const [item] = await rec.items(['85123A']); // { id, title, price, … }
   */
  items(itemIds: string[]): Promise<Array<CatalogItem | null>>;
  /**
   * Live price, stock and availability from data the page already has (your product API): every
   * filter, rule and rail respects them from the next call; `available: false` withdraws an item
   * from every rail. All or nothing: an unknown id rejects with `ITEM_UNKNOWN`, a bad value with
   * `ITEM_UPDATE_INVALID`, and nothing is applied. Kept across visits until the next catalog
   * (stored only with consent). No embedding work: 100,000 updates cost milliseconds.
   * @example await rec.updateItems([{ id: '85123A', price: 2.55, stock: 0 }, { id: '21733', available: false }]);
   */
  updateItems(updates: ItemUpdate[]): Promise<{ updated: number; withdrawn: number }>;
  /**
   * Switches to another catalog; on failure the current one keeps serving and the error is thrown.
   * `sha256` pins the file's hash (as the `catalogSha256` option does for the first catalog).
   */
  loadCatalog(url: string | URL, options?: { sha256?: string }): Promise<EngineInfo>;
  /**
   * The shopper agreed to be remembered: events are stored on the device from now on (with
   * `consent: 'required'`, or to opt in despite Global Privacy Control). Events tracked before
   * are not stored. Not remembered by Vitrine: call it on each page load once your consent
   * manager says yes.
   * @example if (cmp.hasConsent('personalisation')) await rec.grantConsent();
   */
  grantConsent(): Promise<EngineInfo>;
  /**
   * The shopper withdrew consent: storing stops and everything stored is erased (as
   * `eraseHistory()`); recommendations go on from this page's memory only.
   */
  revokeConsent(): Promise<EngineInfo>;
  /** Backend in use and why, catalog and history state. */
  info(): Promise<EngineInfo>;
  /** Everything stored about the shopper, as JSON they can keep. */
  exportHistory(): Promise<HistoryExport>;
  /** Deletes the shopper's history and everything else Vitrine stored on the device. */
  eraseHistory(): Promise<void>;
  /** Stops the worker. Safe to call more than once. */
  dispose(): Promise<void>;
}

const debugHandles = new WeakMap<Recommender, () => WorkerRemote>();
/**
 * @internal The worker's test hooks (tensor counts, simulated crash and device loss), present
 * where the worker is served from source (worker/debug-hooks.ts); not part of the public API.
 */
export function debugRemote(recommender: Recommender): Remote<DebugHooks> | undefined {
  // The worker in use now: a crashed worker is replaced by a new one.
  return debugHandles.get(recommender)?.() as Remote<DebugHooks> | undefined;
}

const notPlainOptions = (): VitrineError => new VitrineError('OPTIONS_INVALID', 'Arguments must be plain data: no functions, symbols or DOM objects.');
const notPlainEvent = (): VitrineError => new EventError('EVENT_INVALID', 'Event rejected: it holds a function, symbol or DOM object; nothing was stored.');

const resolveUrl = (url: string | URL): string => new URL(String(url), globalThis.location?.href).href;

/**
 * Starts the worker, loads (or reuses the cached) catalog, chooses the fastest backend and
 * opens the shopper's on-device history.
 * @example
 * const rec = await createRecommender({ catalog: '/catalog.vcat' });
 * await rec.track({ type: 'view', itemId: '85123A' });
 * console.log(await rec.recommend({ k: 4 })); // => [{ itemId, score, item: { title, price… } }, …]
 */
export async function createRecommender(options: RecommenderOptions): Promise<Recommender> {
  if (typeof options !== 'object' || options === null || options.catalog === undefined) {
    throw new VitrineError('OPTIONS_INVALID', 'createRecommender() needs { catalog: url }.');
  }
  if (typeof Worker === 'undefined') throw new VitrineError('OPTIONS_INVALID', 'This environment has no Web Workers.');
  const { onProgress, worker: injected, assetsBase, catalog, encoder, ...others } = options;
  const rest = encoder === undefined ? others : { ...others, encoder: resolveUrl(encoder) };
  let catalogUrl = resolveUrl(catalog);
  // A second visit's catalog comes from Cache Storage: read it while the worker boots (both take
  // ~30 ms) and hand the bytes over, rather than have the worker start reading once it is up.
  const prefetch = readCachedBytes(catalogUrl);
  let { worker, remote, release } = connectWorker({ worker: injected, assetsBase });

  let disposed = false;
  let crash: WorkerError | undefined;
  const crashListeners = new Set<(error: WorkerError) => void>();
  const crashed = (from: Worker, why: string): void => {
    if (from !== worker || crash) return;
    crash = new WorkerError('WORKER_CRASHED', `The recommender worker stopped: ${why}.`);
    for (const listener of crashListeners) listener(crash);
  };
  // A worker that throws fires `error`; one that ends (self.close(), killed) fires nothing, so it
  // holds a Web Lock for its life and we wait on the same lock (see worker-lifeline.ts).
  const watch = (): void => {
    const current = worker;
    current.addEventListener('error', (event) => crashed(current, event.message || 'its script could not be loaded or failed to start (is vitrine-worker.js served? README: Install and bundlers)'));
    watchLifeline(remote, () => crashed(current, 'the worker ended'));
  };
  watch();
  // Events tracked in one task travel in one message: a Comlink call costs ≈20 µs of page time,
  // which made a 10,000-event loop one 200 ms task. Any other call sends the queue first (order).
  let queued: Array<{ event: TrackEvent; resolve: (stored: StoredEvent) => void; reject: (error: unknown) => void }> = [];
  const uncloneable = notPlainOptions();
  const sendQueued = (): void => {
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    call(() => remote.trackBatch(batch.map((q) => q.event)), () => uncloneable).then(
      (results) => results.forEach((r, i) => ('stored' in r ? batch[i]!.resolve(r.stored) : batch[i]!.reject(fromWireError(r.error)))),
      (error: unknown) => {
        if (error !== uncloneable) return batch.forEach((q) => q.reject(error));
        // One event that cannot be cloned must not sink the others: send them one by one.
        for (const q of batch) call(() => remote.track(q.event), notPlainEvent).then(q.resolve, q.reject);
      },
    );
  };
  // Every call fails fast with a typed error once the worker is gone.
  const call = async <T>(run: () => Promise<T>, notPlainData: () => VitrineError = notPlainOptions): Promise<T> => {
    sendQueued();
    if (disposed) throw new WorkerError('DISPOSED', 'This recommender was disposed.');
    if (crash || restarting) await restart();
    let listener: ((error: WorkerError) => void) | undefined;
    try {
      return await Promise.race([run(), new Promise<never>((_, reject) => crashListeners.add((listener = reject)))]);
    } catch (error) {
      // postMessage refuses functions, symbols and DOM objects before anything reaches the worker.
      if (error instanceof DOMException && error.name === 'DataCloneError') throw notPlainData();
      throw error;
    } finally {
      if (listener) crashListeners.delete(listener);
    }
  };

  const progress = onProgress ? proxy(onProgress) : undefined;
  // What a restarted worker needs to pick up where the crashed one was (and catalogUrl above).
  let catalogPin = rest.catalogSha256;
  let consentCall: 'grant' | 'revoke' | undefined;
  // Live item updates since the catalog loaded, replayed into a restarted worker (without consent they are not stored).
  let liveUpdates: ItemUpdate[] = [];
  // A revoke in another tab stops our worker storing (it hears the same broadcast); a worker
  // restarted after a crash must then not replay this tab's older grant.
  const tabs = openTabsChannel(rest.namespace ?? DEFAULT_NAMESPACE);
  tabs?.addEventListener('message', (message: MessageEvent<TabsMessage>) => {
    if (message.data?.kind === 'revoked') consentCall = 'revoke';
  });
  let restarting: Promise<void> | undefined;
  /**
   * A crashed worker is replaced on the next call, with the same options, the catalog in use
   * (from Cache Storage) and the consent given; calls wait for it. Contract:
   * - calls pending at the crash (tracks included) reject with WORKER_CRASHED and are never
   *   replayed: an acknowledged event is stored once, and re-read from IndexedDB by the new worker;
   * - a worker the shop injected (`worker` option) cannot be re-created: calls keep rejecting.
   */
  const restart = (): Promise<void> => {
    if (injected) return Promise.reject(crash);
    restarting ??= (async () => {
      release();
      worker.terminate();
      ({ worker, remote, release } = connectWorker({ assetsBase }));
      crash = undefined;
      watch();
      let listener: ((error: WorkerError) => void) | undefined;
      const died = new Promise<never>((_, reject) => crashListeners.add((listener = reject)));
      try {
        await Promise.race([remote.init({ ...rest, catalog: catalogUrl, catalogSha256: catalogPin }, progress), died]);
        if (consentCall === 'grant') await Promise.race([remote.grantConsent(), died]);
        else if (consentCall === 'revoke') await Promise.race([remote.revokeConsent({ erase: false }), died]);
        if (liveUpdates.length > 0) await Promise.race([remote.updateItems(liveUpdates), died]);
      } catch (error) {
        // Leave it crashed: the next call tries again with a fresh worker.
        crash ??= new WorkerError('WORKER_CRASHED', `The recommender worker could not be restarted: ${error instanceof Error ? error.message : String(error)}.`);
        throw error;
      } finally {
        if (listener) crashListeners.delete(listener);
      }
    })().finally(() => {
      restarting = undefined;
    });
    return restarting;
  };
  try {
    const cached = await prefetch;
    await call(() => remote.init({ ...rest, catalog: catalogUrl }, progress, cached ? transfer(cached, [cached.bytes]) : null));
  } catch (error) {
    tabs?.close();
    release();
    worker.terminate();
    throw error;
  }

  const recommender: Recommender = {
    track: (event) =>
      new Promise<StoredEvent>((resolve, reject) => {
        if (queued.push({ event, resolve, reject }) === 1) queueMicrotask(sendQueued);
      }),
    recommend: (o) => call(() => remote.recommend(o)),
    similar: (itemId, o) => call(() => remote.similar(itemId, o)),
    rerank: (itemIds) => call(() => remote.rerank(itemIds)),
    popular: (o) => call(() => remote.popular(o)),
    recentlyViewed: (o) => call(() => remote.recentlyViewed(o)),
    search: (query, o) => call(() => remote.search(query, o)),
    items: (itemIds) => call(() => remote.items(itemIds)),
    trending: (o) => call(() => remote.trending(o)),
    newArrivals: (o) => call(() => remote.newArrivals(o)),
    complements: (itemIds, o) => call(() => remote.complements(itemIds, o)),
    buyItAgain: (o) => call(() => remote.buyItAgain(o)),
    topCategories: (o) => call(() => remote.topCategories(o)),
    topBrands: (o) => call(() => remote.topBrands(o)),
    updateItems: async (updates) => {
      const result = await call(() => remote.updateItems(updates));
      liveUpdates = [...liveUpdates, ...updates];
      return result;
    },
    loadCatalog: async (url, o) => {
      const next = resolveUrl(url);
      const info = await call(() => remote.loadCatalog(next, progress, o));
      liveUpdates = [];
      [catalogUrl, catalogPin] = [next, o?.sha256 ?? (next === catalogUrl ? catalogPin : undefined)];
      return info;
    },
    grantConsent: async () => {
      const info = await call(() => remote.grantConsent());
      consentCall = 'grant';
      return info;
    },
    revokeConsent: async () => {
      consentCall = 'revoke';
      return call(() => remote.revokeConsent());
    },
    info: () => call(() => remote.info()),
    exportHistory: () => call(() => remote.exportHistory()),
    eraseHistory: () => call(() => remote.eraseHistory()),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        // A crashed worker never answers: do not wait for it.
        if (!crash) await Promise.race([remote.dispose(), new Promise<never>((_, reject) => crashListeners.add(reject))]);
      } catch {
        // The worker may already be gone; terminating below is what matters.
      }
      tabs?.close();
      release();
      worker.terminate();
    },
  };
  debugHandles.set(recommender, () => remote);
  return recommender;
}
