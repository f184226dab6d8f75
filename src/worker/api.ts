import type {
  AffinityScore,
  BuyItAgainOptions,
  CatalogItem,
  EngineOptions,
  ItemUpdate,
  LeanResults,
  PopularOptions,
  Recommendation,
  RecommendOptions,
  RerankedItem,
  SearchOptions,
  SimilarOptions,
} from '../shared/api-types.js';
import { transfer } from 'comlink';
import type { EngineInfo, HistoryExport } from '../shared/info-types.js';
import { setTfjsPartUrl } from '../engine/tfjs-part-loader.js';
import { validateEvent } from '../history/validate-event.js';
import { toWireError, VitrineError, type WireError } from '../shared/errors.js';
import type { StoredEvent, TrackEvent } from '../shared/events.js';
import type { TabsMessage } from '../shared/tabs-channel.js';
import type { CachedCatalogBytes } from '../storage/catalog-cache.js';
import { applyItemUpdates, loadCatalog } from './catalog-updates.js';
import { debugHooks, type DebugHooks } from './debug-hooks.js';
import { EventLog } from './event-log.js';
import { recommend, rerank } from './for-you.js';
import { describeSession } from './info.js';
import { eraseHistory, grantConsent, revokeConsent } from './privacy.js';
import * as rails from './rails.js';
import { knowing, requireSession, type Progress, type Session } from './session.js';
import { startSession } from './start-session.js';

/** The object the worker exposes through Comlink: one line per method over modules with one job each. */
export function createWorkerApi() {
  let session: Session | undefined;
  const ready = (): Session => requireSession(session);
  const log = new EventLog(ready);
  /** What reports the stored history (info, export) waits for: the events tracked before it, written. */
  const readyAfterWrites = async (): Promise<Session> => (ready(), await log.flushPending(), ready());
  const onTabsMessage = (s: Session, message: TabsMessage): void => {
    if (message.kind === 'erased') s.events = [];
    // The shopper withdrew consent in another tab: stop storing here too (it erased already).
    else if (message.kind === 'revoked') void revokeConsent(s, log, false).catch(() => undefined);
    else void log.reload(s).catch(() => undefined);
  };

  const api = {
    /** Where the page's bundler put the lazily loaded tfjs file (before init); left out, it is looked for beside the worker. */
    useLibraryFiles(files: { tfjsPart?: string }): void {
      if (files.tfjsPart !== undefined && typeof files.tfjsPart !== 'string')
        throw new VitrineError('OPTIONS_INVALID', 'useLibraryFiles() takes URLs as strings.');
      setTfjsPartUrl(files.tfjsPart);
    },
    /** `prefetched`: the cached catalog file the page read while this worker booted (null: none); left out, the worker reads Cache Storage itself. */
    async init(options: EngineOptions, onProgress?: Progress, prefetched?: CachedCatalogBytes | null): Promise<EngineInfo> {
      if (session) throw new VitrineError('OPTIONS_INVALID', 'init() was already called on this worker.');
      if (prefetched != null && !(prefetched.bytes instanceof ArrayBuffer))
        throw new VitrineError('OPTIONS_INVALID', 'init() takes the prefetched catalog as { bytes: ArrayBuffer }.');
      session = await startSession(options, (info) => onProgress?.(info), prefetched, log, onTabsMessage);
      return api.info();
    },
    grantConsent: async (): Promise<EngineInfo> => (await grantConsent(ready(), log), api.info()),
    revokeConsent: async (options: { erase?: boolean } = {}): Promise<EngineInfo> => (await revokeConsent(ready(), log, options.erase !== false), api.info()),
    eraseHistory: (): Promise<void> => eraseHistory(ready(), log),
    holdLifeline,
    async loadCatalog(url: string, onProgress?: Progress, options: { sha256?: string } = {}): Promise<EngineInfo> {
      await loadCatalog(ready(), url, (info) => onProgress?.(info), options);
      return api.info();
    },
    async updateItems(updates: ItemUpdate[]): Promise<{ updated: number; withdrawn: number }> {
      const s = ready();
      await applyItemUpdates(s, updates, true);
      return { updated: s.live.size, withdrawn: s.live.withdrawn.size };
    },
    async track(event: TrackEvent): Promise<StoredEvent> {
      const s = await knowing(ready(), [(event as Partial<TrackEvent> | undefined)?.itemId]);
      // The age bound too: an event the store would evict on arrival is refused, not reported stored.
      return log.append(validateEvent(event, (id) => s.table.lookup.has(id), Date.now(), (s.options.history?.maxAgeDays ?? 180) * 86_400_000));
    },
    /** track() for the events a page sent in one task, in one message; each settles on its own. */
    async trackBatch(events: TrackEvent[]): Promise<Array<{ stored: StoredEvent } | { error: WireError }>> {
      if (!Array.isArray(events)) throw new VitrineError('OPTIONS_INVALID', 'trackBatch() takes an array of events.');
      return Promise.all(
        events.map((event) =>
          api.track(event).then(
            (stored) => ({ stored }),
            (error: unknown) => ({ error: toWireError(error) }),
          ),
        ),
      );
    },
    recommend: async (options: RecommendOptions = {}): Promise<Recommendation[]> => recommend(ready(), log, options),
    rerank: async (itemIds: string[]): Promise<RerankedItem[]> => rerank(await knowing(ready(), listed(itemIds)), log, itemIds),
    popular: async (options: PopularOptions = {}): Promise<Recommendation[]> => rails.popular(ready(), options),
    trending: async (options: PopularOptions = {}): Promise<Recommendation[]> => rails.trending(ready(), options),
    newArrivals: async (options: PopularOptions = {}): Promise<Recommendation[]> => rails.newArrivals(ready(), log, options),
    complements: async (itemIds: string[], options: PopularOptions = {}): Promise<Recommendation[]> =>
      rails.complements(await knowing(ready(), listed(itemIds)), itemIds, options),
    buyItAgain: async (options: BuyItAgainOptions = {}): Promise<Recommendation[]> => rails.buyItAgain(ready(), log, options),
    topCategories: async (options: { k?: number } = {}): Promise<AffinityScore[]> => rails.topAttributes(ready(), log, 'category', options),
    topBrands: async (options: { k?: number } = {}): Promise<AffinityScore[]> => rails.topAttributes(ready(), log, 'brand', options),
    recentlyViewed: async (options: { k?: number } = {}): Promise<Recommendation[]> => rails.recentlyViewed(ready(), log, options),
    search: async (query: string, options: SearchOptions = {}): Promise<Recommendation[]> => rails.search(ready(), log, query, options),
    async similar(itemId: string, options: SimilarOptions = {}): Promise<Recommendation[] | LeanResults> {
      const results = await rails.similar(await knowing(ready(), [itemId]), itemId, options);
      // Lean: the scores move to the page instead of being copied (a copy the call made for it).
      return Array.isArray(results) ? results : transfer(results, [results.scores.buffer]);
    },
    items: async (itemIds: string[]): Promise<Array<CatalogItem | null>> => rails.items(await knowing(ready(), listed(itemIds)), itemIds),
    info: async (): Promise<EngineInfo> => describeSession(await readyAfterWrites()),
    async exportHistory(): Promise<HistoryExport> {
      const s = await readyAfterWrites();
      await log.reload(s);
      return { format: 'vitrine-history', version: 1, namespace: s.options.namespace, exportedAt: new Date().toISOString(), events: s.events };
    },
    async dispose(): Promise<void> {
      const s = session;
      session = undefined;
      s?.itemFeed?.stop();
      s?.channel?.close();
      s?.history.close();
      s?.engine.dispose();
    },
    // Test hooks only where the worker is served from source (debug-hooks.ts).
    ...(import.meta.env.DEV ? debugHooks(ready) : ({} as Partial<DebugHooks>)),
  };
  return api;
}

/** The ids of an argument that should be a list (validated where it is used). */
const listed = (ids: unknown): unknown[] => (Array.isArray(ids) ? ids : []);

/**
 * Holds a Web Lock named `name` for the worker's whole life. The browser releases it when the
 * worker ends (self.close(), terminate, a crash of its process), and the page, waiting on the
 * same lock, learns of it: no event tells the page that a worker closed itself.
 */
async function holdLifeline(name: string): Promise<boolean> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (typeof name !== 'string' || !locks) return false;
  return new Promise<boolean>((resolve) => {
    void locks.request(name, () => {
      resolve(true);
      return new Promise<never>(() => undefined);
    });
  });
}
