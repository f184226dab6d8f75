import { rowReader, type RowReader } from '../catalog/embedding-rows.js';
import { type ItemTable } from '../catalog/item-table.js';
import { itemTable } from '../catalog/catalog-table.js';
import type { AffinityScore, Because, BuyItAgainOptions, CatalogItem, EngineInfo, EngineOptions, HistoryExport, ItemUpdate, PopularOptions, ReasonCode, Recommendation, RecommendOptions, RerankedItem, SearchOptions, SimilarOptions } from '../shared/api-types.js';
import { openTabsChannel, type TabsMessage } from '../shared/tabs-channel.js';
import { clearCalibrationCache, indexedDbCalibrationCache } from '../storage/calibration-cache.js';
import { Engine } from '../engine/engine.js';
import { itemPassesFilters, type MaskSpec } from '../engine/mask.js';
import type { RankedRows } from '../engine/scorer.js';
import type { NewEvent, StoredEvent, TrackEvent } from '../shared/events.js';
import { eraseHistoryDatabases, openHistory, openMemoryHistory, type HistoryLimits, type HistoryStore } from '../storage/history-store.js';
import { validateEvent } from '../history/validate-event.js';
import {
  poolContributions,
  resolveProfileOptions,
  shopperVector,
  type Contribution,
  type ResolvedProfileOptions,
} from '../model/pooling-encoder.js';
import { clearCatalogCache, readLiveItems, storeLiveItems, type CachedCatalogBytes } from '../storage/catalog-cache.js';
import { LiveItems, validateItemUpdates } from './live-items.js';
import { CatalogError, EventError, toWireError, VitrineError, type WireError } from '../shared/errors.js';
import type { ProgressInfo } from '../shared/progress.js';
import { SearchIndex } from './search-index.js';
import { compileRules, type CompiledRules } from './business-rules.js';
import { demote, ignoredImpressionDemotions } from './feedback.js';
import { blendedQuery, DEFAULT_ENCODER_GRAPH_BLEND, DEFAULT_GRAPH_BLEND, graphAffinity, type GraphAffinity } from '../model/graph-affinity.js';
import { maximalMarginalRelevance, type Candidate } from './post-rank.js';
import { composeList, type Pin } from './precedence.js';
import { neighbours } from '../catalog/extras.js';
import { DEFAULT_RETRY, downloadCatalog, readCachedCatalog, type LoadedCatalog, type RetryPolicy } from './catalog-loader.js';
import { consentInfo, initialConsent, notStoringReason, type ConsentState } from './consent.js';
import { DEFAULT_STALL_TIMEOUT_MS, validatePin } from './integrity.js';
import { setTfjsPartUrl, tfjsPartStatus } from '../engine/tfjs-part-loader.js';
import { encoderShopperVector, loadEncoder, type LoadedEncoder } from './encoder-loader.js';
import { validateBuyItAgainOptions, validateEngineOptions, validateKOptions, validateRecommendOptions, validateSimilarOptions } from './validate-options.js';
import { buyAgainRows, buyItAgainInfo, DEFAULT_MIN_REPEAT_RATE } from './buy-again.js';

type Progress = (info: ProgressInfo) => void;

interface Loaded {
  options: Required<Pick<EngineOptions, 'namespace'>> & EngineOptions;
  profile: ResolvedProfileOptions;
  current: LoadedCatalog;
  /** The catalog's metadata columns and id → row lookup (`table.lookup`); item objects are made per row on demand. */
  table: ItemTable;
  /** Single embedding rows of the catalog serving (a quantised one is not expanded). */
  rows: RowReader;
  engine: Engine;
  history: HistoryStore;
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
}

/** Lexical candidates re-ranked by affinity in search(). */
const SEARCH_CANDIDATES = 200;
/** Weight of the shopper's affinity (u·v + b) against the normalised text score (0–1). */
export const SEARCH_AFFINITY_WEIGHT = 0.5;
/** How many history items an explanation names. */
const BECAUSE_COUNT = 3;

/**
 * Exact attribution for the pooling encoder: u·v = Σⱼ wⱼ (vⱼ·v), so history item j's share is
 * its positive term over the sum of positive terms (events of the same item are merged).
 */
function topAttribute(s: Loaded, events: readonly StoredEvent[], field: 'category' | 'brand', k: number): AffinityScore[] {
  const contributions = poolContributions(events, (id) => s.table.lookup.get(id), s.profile, Date.now());
  const totals = new Map<string, number>();
  for (const c of contributions) {
    const name = s.table[field](c.row);
    if (name !== undefined && c.weight > 0) totals.set(name, (totals.get(name) ?? 0) + c.weight);
  }
  const sum = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, w]) => ({ name, weight: w / sum }));
}

/** `sources[i]` is the embedding row of `contributions[i]` (read once per list, not per item). */
function explain(rows: RowReader, row: number, contributions: readonly Contribution[], sources: readonly Float32Array[], affinity?: GraphAffinity): Because[] {
  const terms = new Map<string, number>();
  const target = rows(row);
  for (const [i, c] of contributions.entries()) {
    let dot = 0;
    const source = sources[i]!;
    for (let j = 0; j < target.length; j++) dot += source[j]! * target[j]!;
    terms.set(c.itemId, (terms.get(c.itemId) ?? 0) + c.weight * dot);
  }
  // The item-to-item part of the score is a sum over history items too: exact as well.
  for (const [itemId, score] of affinity?.get(row) ?? []) terms.set(itemId, (terms.get(itemId) ?? 0) + score);
  const positive = [...terms].filter(([, t]) => t > 0);
  const total = positive.reduce((sum, [, t]) => sum + t, 0);
  return positive
    .sort((a, b) => b[1] - a[1])
    .slice(0, BECAUSE_COUNT)
    .map(([itemId, t]) => ({ itemId, weight: t / total }));
}




/**
 * Each pin with its real score, as the scorer would have scored it under `mask`
 * (u·v + biasWeight·b + boosts): a pin outside the ranked list is scored on its own.
 */
async function pinScores(s: Loaded, pins: CompiledRules['pins'], ranked: readonly Candidate[], u: Float32Array, mask: MaskSpec): Promise<Pin[]> {
  if (pins.length === 0) return [];
  const known = new Map(ranked.map((c) => [c.row, c.score]));
  const missing = Int32Array.from(new Set(pins.filter((p) => !known.has(p.row)).map((p) => p.row)));
  if (missing.length > 0) {
    const raw = await s.engine.run((scorer) => scorer.scoreRows(u, missing));
    const bias = s.current.catalog.bias;
    missing.forEach((row, i) => {
      let score = raw[i]! - (1 - (mask.biasWeight ?? 1)) * bias[row]!;
      for (const boost of mask.boosts ?? []) if (boost.rows.includes(row)) score += boost.weight;
      known.set(row, score);
    });
  }
  // A score that is not finite (it cannot be, short of a corrupt catalog) still never leaves as NaN.
  return pins.map((p) => ({ ...p, score: Number.isFinite(known.get(p.row)) ? known.get(p.row)! : 0 }));
}

const minRepeatRate = (s: Loaded): number => s.options.buyItAgain?.minRepeatRate ?? DEFAULT_MIN_REPEAT_RATE;

/** Whether a row may be shown at all (not withdrawn from sale by updateItems). */
const available = (s: Loaded, row: number): boolean => !s.live.withdrawn.has(row);

/** Exclusions plus the withdrawn rows: the hard constraint every rail applies. */
const unavailableAnd = (s: Loaded, rows: readonly number[]): number[] => (s.live.withdrawn.size === 0 ? [...rows] : [...rows, ...s.live.withdrawn]);

/** Validates (all or nothing), applies to the table and the scorer's masks, and persists if allowed. */
async function applyItemUpdates(s: Loaded, updates: unknown, persist: boolean): Promise<void> {
  const validated = validateItemUpdates(updates, s.table);
  const changed = s.live.apply(validated, s.table);
  if (changed.length > 0) await s.engine.run(async (scorer) => scorer.updateRows(changed));
  if (persist && s.consent === 'granted') await storeLiveItems(s.current.catalog.header.bodySha256, s.live.snapshot());
}

/** The object the worker exposes through Comlink. Every method is async and takes plain data. */
export function createWorkerApi() {
  let state: Loaded | undefined;
  let pending: Array<{ event: NewEvent; resolve: (e: StoredEvent) => void; reject: (e: unknown) => void }> = [];
  /** Events tracked and not stored yet (queued or being written): what reads see meanwhile. */
  let unsaved: NewEvent[] = [];
  let flushScheduled = false;

  const ready = (): Loaded => {
    if (!state) throw new CatalogError('CATALOG_NOT_LOADED', 'The recommender is not initialised; await createRecommender() first.');
    return state;
  };

  const rowsOf = (s: Loaded, ids: readonly string[]): number[] => ids.flatMap((id) => (s.table.lookup.has(id) ? [s.table.lookup.get(id)!] : []));

  const toRecommendations = (s: Loaded, ranked: RankedRows, reason: ReasonCode, contributions?: Contribution[], affinity?: GraphAffinity): Recommendation[] => {
    const sources = contributions?.map((c) => s.rows(c.row));
    return Array.from(ranked.rows, (row, i) => {
      const item: CatalogItem = s.table.item(row);
      const because = contributions ? explain(s.rows, row, contributions, sources!, affinity) : [];
      const recommendation: Recommendation = { itemId: item.id, score: ranked.scores[i]!, item: { ...item }, reason: because.length > 0 ? reason : 'popular' };
      if (because.length > 0) recommendation.because = because;
      return recommendation;
    });
  };

  /** u from the shop's encoder when it fits the catalog serving, else pooled; `encoded` says which. */
  const profile = async (s: Loaded): Promise<{ u: Float32Array; contributions: Contribution[]; encoded: boolean }> => {
    const events = eventsNow(s);
    const contributions = poolContributions(events, (id) => s.table.lookup.get(id), s.profile, Date.now());
    const encoded = await encoderShopperVector(s.encoder, s.current.catalog, events, (id) => s.table.lookup.get(id));
    return { u: encoded ?? shopperVector(contributions, s.rows, s.current.catalog.header.dim), contributions, encoded: encoded !== undefined };
  };

  /** Every write started so far, settled (writes never reject: their events' promises do). */
  let writing: Promise<void> = Promise.resolve();

  // Events arriving together are written in one IndexedDB transaction (≈1 ms each otherwise).
  const flush = (): Promise<void> => {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return writing;
    const write = writeBatch(batch);
    writing = Promise.all([writing, write]).then(() => undefined);
    return write;
  };

  /**
   * What reports the stored history (info(), exportHistory()) waits for the events tracked
   * before it; recommendations read eventsNow() instead and need not wait.
   */
  const readyAfterWrites = async (): Promise<Loaded> => {
    ready();
    await flushPending();
    return ready();
  };

  /**
   * The history as recommendations see it: the stored events plus those tracked and still being
   * written, so results reflect an event at once (the IndexedDB commit, ≈ 2–4 ms here, is not
   * waited for). An event whose write fails drops out again (its track() rejects).
   */
  const eventsNow = (s: Loaded): StoredEvent[] => {
    if (unsaved.length === 0) return s.events;
    const last = s.events.at(-1)?.seq ?? 0;
    return [...s.events, ...unsaved.map((e, i) => ({ ...e, seq: last + 1 + i }))];
  };

  const writeBatch = async (batch: typeof pending): Promise<void> => {
    const s = ready();
    try {
      const evictions = s.history.quotaEvictions;
      const stored = await s.history.append(batch.map((p) => p.event));
      // A full quota made the store evict its oldest events: re-read rather than keep them in memory.
      if (s.history.quotaEvictions !== evictions) await reloadEvents(s);
      else s.events.push(...stored);
      settled(batch);
      trimMemory(s);
      s.channel?.postMessage({ kind: 'events' } satisfies TabsMessage);
      stored.forEach((e, i) => batch[i]!.resolve(e));
    } catch (error) {
      settled(batch);
      batch.forEach((p) => p.reject(error));
    }
  };

  /** The batch's events are stored (in s.events, same tick) or failed: no longer unsaved. */
  const settled = (batch: typeof pending): void => {
    const done = new Set(batch.map((p) => p.event));
    unsaved = unsaved.filter((e) => !done.has(e));
  };

  /** Writes the events already tracked (and waits for earlier writes) to the store in use now. */
  const flushPending = async (): Promise<void> => {
    if (pending.length > 0) void flush();
    await writing;
  };

  const trimMemory = (s: Loaded): void => {
    const maxEvents = s.options.history?.maxEvents ?? 5_000;
    if (s.events.length > maxEvents) s.events.splice(0, s.events.length - maxEvents);
  };

  const reloadEvents = async (s: Loaded): Promise<void> => {
    s.events = (await s.history.readAll()).sort((a, b) => a.seq - b.seq);
  };

  const catchUp = async (s: Loaded): Promise<void> => {
    const last = s.events.at(-1)?.seq ?? 0;
    const later = await s.history.readAfter(last);
    const known = new Set(s.events.map((e) => e.seq));
    s.events.push(...later.filter((e) => !known.has(e.seq)));
    s.events.sort((a, b) => a.seq - b.seq);
    trimMemory(s);
  };

  const api = {
    /**
     * Where the page's bundler put the library's lazily loaded files (before init). Left out,
     * they are looked for beside the worker's own file.
     */
    useLibraryFiles(files: { tfjsPart?: string }): void {
      if (files.tfjsPart !== undefined && typeof files.tfjsPart !== 'string') throw new VitrineError('OPTIONS_INVALID', 'useLibraryFiles() takes URLs as strings.');
      setTfjsPartUrl(files.tfjsPart);
    },

    /**
     * `prefetched`: the cached catalog file the page read while this worker booted (null: it
     * found none); left out, the worker reads Cache Storage itself.
     */
    async init(rawOptions: EngineOptions, onProgress?: Progress, prefetched?: CachedCatalogBytes | null): Promise<EngineInfo> {
      if (state) throw new VitrineError('OPTIONS_INVALID', 'init() was already called on this worker.');
      const options = validateEngineOptions(rawOptions);
      if (prefetched != null && !(prefetched.bytes instanceof ArrayBuffer)) throw new VitrineError('OPTIONS_INVALID', 'init() takes the prefetched catalog as { bytes: ArrayBuffer }.');
      const progress: Progress = (info) => onProgress?.(info);
      const pin = validatePin(options.catalogSha256);
      // Without consent (or under GPC) not even a database is opened: nothing touches the disk.
      const consent = initialConsent(options);
      // IndexedDB works off this thread: open the history and read it while the catalog loads.
      const opening = consent === 'granted' ? openStoredHistory(options) : Promise.resolve(openMemoryHistory(historyLimits(options), notStoringReason(consent)));
      const reading = opening.then((h) => h.readAll()).catch(() => undefined);
      // The device's last calibration for this catalog shape is reused (kept only with consent).
      const calibrations = consent === 'granted' && (options.backend ?? 'auto') === 'auto' ? indexedDbCalibrationCache() : undefined;
      let current: LoadedCatalog;
      try {
        current = (await readCachedCatalog(options.catalog, progress, pin, prefetched)) ?? (await downloadOrThrow(options.catalog, progress, retryPolicy(options), pin, consent === 'granted'));
      } catch (error) {
        void opening.then((h) => h.close());
        throw error;
      }
      progress({ status: 'calibrate' });
      const engine = await Engine.start(current.catalog, options.backend ?? 'auto', calibrations);
      const history = await opening;
      const channel = openTabsChannel(options.namespace);
      const table = itemTable(current.catalog);
      const s: Loaded = {
        options,
        profile: resolveProfileOptions(options.profile),
        current,
        table,
        rows: rowReader(current.catalog),
        engine,
        history,
        events: [],
        channel,
        consent,
        live: new LiveItems(),
      };
      // Updates an earlier visit stored for this very catalog (a newer catalog drops them).
      const stored = (await readLiveItems<ItemUpdate>(current.catalog.header.bodySha256)).filter((u) => typeof u?.id === 'string' && table.lookup.has(u.id));
      if (stored.length > 0) await applyItemUpdates(s, stored, false).catch(() => undefined);
      if (options.encoder !== undefined) {
        await engine.prepareTfjs();
        s.encoder = await loadEncoder(options.encoder, current.catalog);
      }
      const early = await reading;
      if (early) s.events = early.sort((a, b) => a.seq - b.seq);
      else await reloadEvents(s);
      if (channel) {
        channel.onmessage = (message: MessageEvent<TabsMessage>) => {
          if (message.data.kind === 'erased') s.events = [];
          // The shopper withdrew consent in another tab: stop storing here too (it erased already).
          else if (message.data.kind === 'revoked') void api.revokeConsent({ erase: false }).catch(() => undefined);
          else void reloadEvents(s).catch(() => undefined);
        };
      }
      // Another tab may have written while the catalog loaded, before we listened: catch up.
      if (early) void catchUp(s).catch(() => undefined);
      state = s;
      progress({ status: 'ready', backend: engine.backend, items: current.catalog.header.itemCount, source: current.source });
      if (current.source === 'cache') void afterCachedStart(s, current, progress);
      return api.info();
    },

    /**
     * The shopper agreed: from now on events are written to the device (the database is created
     * now). Events tracked before are not written. Overrides a Global Privacy Control pause.
     */
    async grantConsent(): Promise<EngineInfo> {
      const s = ready();
      if (s.consent !== 'granted') {
        await flushPending();
        s.history.close();
        s.history = await openStoredHistory(s.options);
        s.consent = 'granted';
        // The catalog downloaded before consent was kept in memory only: cache it now.
        await s.current.storeLater?.();
        delete s.current.storeLater;
        if (s.live.size > 0) await storeLiveItems(s.current.catalog.header.bodySha256, s.live.snapshot());
        await reloadEvents(s);
      }
      return api.info();
    },

    /**
     * The shopper withdrew consent: storing stops and what was stored is erased (history, its
     * key, the catalog cache), as a shopper withdrawing consent expects. `erase: false` is for
     * the page's restart of a crashed worker, where it was erased already.
     */
    async revokeConsent(options: { erase?: boolean } = {}): Promise<EngineInfo> {
      const s = ready();
      await flushPending();
      if (options.erase !== false) {
        await s.history.erase();
        // Also what earlier visits stored, when this page never opened it (consent pending).
        await eraseHistoryDatabases(s.options.namespace);
        await clearCatalogCache();
        await clearCalibrationCache();
        s.channel?.postMessage({ kind: 'revoked' } satisfies TabsMessage);
      }
      s.history.close();
      s.consent = 'revoked';
      s.history = openMemoryHistory(historyLimits(s.options), notStoringReason('revoked'));
      s.events = [];
      return api.info();
    },

    /**
     * Holds a Web Lock named `name` for the worker's whole life. The browser releases it when
     * the worker ends (self.close(), terminate, a crash of its process), and the page, waiting on
     * the same lock, learns of it: no event tells the page that a worker closed itself.
     */
    async holdLifeline(name: string): Promise<boolean> {
      const locks = (globalThis.navigator as Navigator | undefined)?.locks;
      if (typeof name !== 'string' || !locks) return false;
      return new Promise<boolean>((resolve) => {
        void locks.request(name, () => {
          resolve(true);
          return new Promise<never>(() => undefined);
        });
      });
    },

    /**
     * Test hook: ends the worker as a crash would. `'close'` stops it at once (events tracked and
     * not yet written are lost, no answer goes out); `'throw'` raises an uncaught error in the
     * next task (the worker's `error` event; writes already started may still finish).
     */
    async debugCrash(mode: 'close' | 'throw'): Promise<void> {
      if (mode === 'close') self.close();
      else
        setTimeout(() => {
          throw new Error('debugCrash: simulated worker crash');
        }, 0);
    },

    /** Replaces the catalog. On any failure the previous catalog keeps serving. */
    async loadCatalog(url: string, onProgress?: Progress, options: { sha256?: string } = {}): Promise<EngineInfo> {
      const s = ready();
      try {
        // The option's pin holds for its URL; another URL is pinned only by this call's sha256.
        const pin = validatePin(options.sha256) ?? (url === s.options.catalog ? validatePin(s.options.catalogSha256) : undefined);
        const next = await downloadOrThrow(url, (info) => onProgress?.(info), retryPolicy(s.options), pin, s.consent === 'granted');
        await adopt(s, next);
        return api.info();
      } catch (error) {
        if (error instanceof VitrineError) s.lastCatalogError = { code: error.code, message: error.message };
        throw error;
      }
    },

    /**
     * Live price, stock and availability (see ItemUpdate), checked all or nothing, applied to the
     * masks, filters and rules at once (no embedding work), kept until the next catalog (stored on
     * the device only with consent). Returns how many items the catalog now has updated.
     */
    async updateItems(updates: ItemUpdate[]): Promise<{ updated: number; withdrawn: number }> {
      const s = ready();
      await applyItemUpdates(s, updates, true);
      return { updated: s.live.size, withdrawn: s.live.withdrawn.size };
    },

    async track(event: TrackEvent): Promise<StoredEvent> {
      const s = ready();
      // The age bound too: an event the store would evict on arrival is refused, not reported stored.
      const valid = validateEvent(event, (id) => s.table.lookup.has(id), Date.now(), (s.options.history?.maxAgeDays ?? 180) * 86_400_000);
      return new Promise<StoredEvent>((resolve, reject) => {
        pending.push({ event: valid, resolve, reject });
        unsaved.push(valid);
        if (!flushScheduled) {
          flushScheduled = true;
          queueMicrotask(() => void flush());
        }
      });
    },

    /** track() for the events a page sent in one task, in one message; each settles on its own. */
    async trackBatch(events: TrackEvent[]): Promise<Array<{ stored: StoredEvent } | { error: WireError }>> {
      if (!Array.isArray(events)) throw new VitrineError('OPTIONS_INVALID', 'trackBatch() takes an array of events.');
      return Promise.all(events.map((event) => api.track(event).then((stored) => ({ stored }), (error: unknown) => ({ error: toWireError(error) }))));
    },

    async recommend(options: RecommendOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateRecommendOptions(options);
      const k = o.k ?? 10;
      const excludeIds = [...(o.exclude ?? [])];
      if (o.excludePurchased !== false) for (const e of eventsNow(s)) if (e.type === 'purchase' && e.itemId) excludeIds.push(e.itemId);
      const rules = compileRules([...(s.options.rules ?? []), ...(o.rules ?? [])], s.table);
      const shopper = await profile(s);
      const { contributions } = shopper;
      // What shoppers bought together with this history, and went on to next: sparse, exact.
      // The graph weights were chosen for each encoder's score scale (graph-affinity.ts).
      const affinity = graphAffinity(contributions, s.current.catalog.extras, shopper.encoded ? DEFAULT_ENCODER_GRAPH_BLEND : DEFAULT_GRAPH_BLEND);
      const query = blendedQuery(shopper.u, 1 - (o.popularityDebias ?? 0), affinity);
      const u = query.u;
      // Hard constraints (precedence.ts): the scorer masks them; pins are checked against them.
      const excluded = new Set([...rowsOf(s, excludeIds), ...rules.excludeRows, ...s.live.withdrawn]);
      const eligible = (row: number): boolean => !excluded.has(row) && itemPassesFilters(s.table.item(row), o.filters);
      const mask: MaskSpec = {
        ...o.filters,
        excludeRows: [...excluded],
        boosts: [...query.boosts, ...rules.boosts],
        biasWeight: query.biasWeight,
      };
      // Ignored impressions, caps and diversity re-rank a longer list than they return.
      const demotions = ignoredImpressionDemotions(eventsNow(s), (id) => s.table.lookup.get(id));
      const reranks = o.cap !== undefined || (o.diversity ?? 0) > 0 || demotions.size > 0;
      const want = k + rules.pins.length;
      const ranked = await s.engine.run((scorer) => scorer.recommend(u, reranks ? Math.max(4 * want, 50) : want, mask));
      const candidates: Candidate[] = demote(Array.from(ranked.rows, (row, i) => ({ row, score: ranked.scores[i]! })), demotions);
      const pins = await pinScores(s, rules.pins, candidates, u, mask);
      const { list, pinned } = composeList({
        candidates,
        pins,
        k,
        eligible,
        table: s.table,
        cap: o.cap,
        diversify: (c, n) => maximalMarginalRelevance(c, n, o.diversity ?? 0, s.rows, s.current.catalog.header.dim),
      });
      const out = toRecommendations(
        s,
        { rows: Int32Array.from(list, (c) => c.row), scores: Float32Array.from(list, (c) => c.score) },
        'similar_to_viewed',
        contributions,
        affinity,
      );
      out.forEach((r, i) => {
        const row = list[i]!.row;
        if (pinned.has(row)) r.reason = 'pinned';
        else if (rules.boostedRows.has(row)) r.reason = 'boosted';
      });
      return out;
    },

    /** Time-decayed best sellers at training time (catalog v2), or the popularity prior for v1. */
    async trending(options: PopularOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateSimilarOptions(options);
      const trending = s.current.catalog.extras.trending;
      if (!trending) return (await api.popular(options)).map((r) => ({ ...r, reason: 'trending' as const }));
      s.trendingOrder ??= Int32Array.from(trending.keys()).sort((a, b) => trending[b]! - trending[a]! || a - b);
      const exclude = new Set(unavailableAnd(s, rowsOf(s, o.exclude ?? [])));
      const rows: number[] = [];
      for (const row of s.trendingOrder) {
        if (rows.length >= (o.k ?? 10)) break;
        if (!exclude.has(row) && itemPassesFilters(s.table.item(row), o.filters)) rows.push(row);
      }
      return toRecommendations(s, { rows: Int32Array.from(rows), scores: Float32Array.from(rows, (r) => trending[r]!) }, 'trending').map((r) => ({
        ...r,
        reason: 'trending' as const,
      }));
    },

    /**
     * Items the model has no interactions for (embedded from their metadata at training time),
     * ordered by this shopper's affinity, so new products can be recommended from day one.
     */
    async newArrivals(options: PopularOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateSimilarOptions(options);
      const counts = s.current.catalog.extras.interactions;
      if (!counts) return [];
      const exclude = new Set(unavailableAnd(s, rowsOf(s, o.exclude ?? [])));
      const rows = Int32Array.from(counts.keys()).filter((r) => counts[r] === 0 && !exclude.has(r) && itemPassesFilters(s.table.item(r), o.filters));
      const { u, contributions } = await profile(s);
      const scores = await s.engine.run((scorer) => scorer.scoreRows(u, rows));
      const order = Array.from(rows.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, o.k ?? 10);
      const ranked = { rows: Int32Array.from(order, (i) => rows[i]!), scores: Float32Array.from(order, (i) => scores[i]!) };
      return toRecommendations(s, ranked, 'new', contributions).map((r) => ({ ...r, reason: 'new' as const }));
    },

    /**
     * Frequently bought together with `itemIds` (a product page or a whole cart), from the
     * co-purchase statistics in the catalog — not embedding similarity, so a cake stand's
     * complements are tea sets, not more cake stands. Items sharing a seed's category are
     * substitutes and left out.
     */
    async complements(itemIds: string[], options: PopularOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateSimilarOptions(options);
      if (!Array.isArray(itemIds) || itemIds.length === 0 || itemIds.some((id) => typeof id !== 'string')) {
        throw new VitrineError('OPTIONS_INVALID', 'complements() takes a non-empty array of item ids.');
      }
      const seeds = itemIds.map((id) => {
        const row = s.table.lookup.get(id);
        if (row === undefined) throw new EventError('ITEM_UNKNOWN', `Item "${id.slice(0, 80)}" is not in the catalog.`);
        return row;
      });
      const graph = s.current.catalog.extras.graphs?.copurchase;
      if (!graph) return [];
      const { table } = s;
      const seedCategories = new Set(seeds.flatMap((r) => table.category(r) ?? []));
      const exclude = new Set(unavailableAnd(s, [...seeds, ...rowsOf(s, o.exclude ?? [])]));
      const scores = new Map<number, { score: number; because: Map<number, number> }>();
      for (const seed of seeds) {
        for (const { row, weight } of neighbours(graph, seed)) {
          const item = table.item(row);
          if (exclude.has(row) || (item.category !== undefined && seedCategories.has(item.category)) || !itemPassesFilters(item, o.filters)) continue;
          const entry = scores.get(row) ?? { score: 0, because: new Map<number, number>() };
          entry.score += weight;
          entry.because.set(seed, (entry.because.get(seed) ?? 0) + weight);
          scores.set(row, entry);
        }
      }
      const ranked = [...scores].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, o.k ?? 10);
      return ranked.map(([row, { score, because }]) => ({
        itemId: table.id(row),
        score,
        item: { ...table.item(row) },
        reason: 'bought_together' as const,
        because: [...because].sort((a, b) => b[1] - a[1]).map(([seed, w]) => ({ itemId: table.id(seed), weight: w / score })),
      }));
    },

    /**
     * What this shopper bought before and shoppers do buy again: items whose repeat-purchase rate
     * reaches `minRepeatRate` (option `buyItAgain.minRepeatRate`, default DEFAULT_MIN_REPEAT_RATE),
     * the most re-bought first, then the latest. Empty for a catalog without repeat statistics
     * (info().buyItAgain says so).
     */
    async buyItAgain(options: BuyItAgainOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateBuyItAgainOptions(options);
      const rows = buyAgainRows({
        events: eventsNow(s),
        rowOf: (id) => s.table.lookup.get(id),
        repeatRate: s.current.catalog.extras.repeatRate,
        minRepeatRate: o.minRepeatRate ?? minRepeatRate(s),
        k: o.k ?? 10,
        eligible: (row) => available(s, row),
      });
      return rows.map(({ row, rate }) => ({ itemId: s.table.id(row), score: rate, item: { ...s.table.item(row) }, reason: 'buy_again' as const }));
    },

    /** The shopper's favourite categories, from the same weights as their intent vector. */
    async topCategories(options: { k?: number } = {}): Promise<AffinityScore[]> {
      const s = ready();
      const o = validateKOptions(options);
      return topAttribute(s, eventsNow(s), 'category', o.k ?? 5);
    },

    /** The shopper's favourite brands, from the same weights as their intent vector. */
    async topBrands(options: { k?: number } = {}): Promise<AffinityScore[]> {
      const s = ready();
      const o = validateKOptions(options);
      return topAttribute(s, eventsNow(s), 'brand', o.k ?? 5);
    },

    /** The popularity prior alone: what a shopper with no history would see. */
    async popular(options: PopularOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateSimilarOptions(options);
      const mask: MaskSpec = { ...o.filters, excludeRows: unavailableAnd(s, rowsOf(s, o.exclude ?? [])) };
      const u = new Float32Array(s.current.catalog.header.dim);
      return toRecommendations(s, await s.engine.run((scorer) => scorer.recommend(u, o.k ?? 10, mask)), 'popular');
    },

    /** Items this shopper viewed or clicked, most recent first, each once. */
    async recentlyViewed(options: { k?: number } = {}): Promise<Recommendation[]> {
      const s = ready();
      validateKOptions(options);
      const seen = new Set<string>();
      const out: Recommendation[] = [];
      for (const e of [...eventsNow(s)].sort((a, b) => b.ts - a.ts || b.seq - a.seq)) {
        if ((e.type !== 'view' && e.type !== 'click') || !e.itemId || seen.has(e.itemId) || !s.table.lookup.has(e.itemId) || !available(s, s.table.lookup.get(e.itemId)!)) continue;
        seen.add(e.itemId);
        const item = s.table.item(s.table.lookup.get(e.itemId)!);
        out.push({ itemId: item.id, score: e.ts, item: { ...item }, reason: 'recently_viewed' });
        if (out.length >= (options.k ?? 10)) break;
      }
      return out;
    },

    /**
     * Searches titles, brands and categories (any language), then blends in this shopper's
     * affinity: score = text score / best text score + SEARCH_AFFINITY_WEIGHT · (u·v + b).
     */
    async search(query: string, options: SearchOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateSimilarOptions(options);
      if (typeof query !== 'string' || query.length > 500) throw new VitrineError('OPTIONS_INVALID', 'search() takes a query string of at most 500 characters.');
      if (options.personalize !== undefined && typeof options.personalize !== 'boolean') throw new VitrineError('OPTIONS_INVALID', 'personalize must be a boolean.');
      s.search ??= new SearchIndex(s.table.items());
      const hits = s.search.search(query, SEARCH_CANDIDATES).filter(({ row }) => available(s, row) && itemPassesFilters(s.table.item(row), o.filters));
      if (hits.length === 0) return [];
      const best = hits[0]!.score;
      const { u, contributions } = await profile(s);
      const personal = options.personalize !== false && contributions.length > 0;
      const affinity = personal ? await s.engine.run((scorer) => scorer.scoreRows(u, Int32Array.from(hits, (h) => h.row))) : undefined;
      const ranked = hits
        .map((hit, i) => ({ row: hit.row, score: hit.score / best + (affinity ? SEARCH_AFFINITY_WEIGHT * affinity[i]! : 0), position: i }))
        .sort((a, b) => b.score - a.score || a.position - b.position)
        .slice(0, o.k ?? 10);
      const result = toRecommendations(
        s,
        { rows: Int32Array.from(ranked, (r) => r.row), scores: Float32Array.from(ranked, (r) => r.score) },
        'search_match',
        personal ? contributions : undefined,
      );
      for (const r of result) if (!personal || r.reason === 'popular') r.reason = 'search_match';
      return result;
    },

    async similar(itemId: string, options: SimilarOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateSimilarOptions(options);
      const row = typeof itemId === 'string' ? s.table.lookup.get(itemId) : undefined;
      if (row === undefined) throw new EventError('ITEM_UNKNOWN', `Item "${String(itemId).slice(0, 80)}" is not in the catalog.`);
      const mask: MaskSpec = { ...o.filters, excludeRows: unavailableAnd(s, rowsOf(s, o.exclude ?? [])) };
      return toRecommendations(s, await s.engine.run((scorer) => scorer.similar(row, o.k ?? 10, mask)), 'similar_item').map((r) => ({
        ...r,
        reason: 'similar_item' as const,
      }));
    },

    async rerank(itemIds: string[]): Promise<RerankedItem[]> {
      const s = ready();
      if (!Array.isArray(itemIds) || itemIds.some((id) => typeof id !== 'string')) {
        throw new VitrineError('OPTIONS_INVALID', 'rerank() takes an array of item id strings.');
      }
      const known = itemIds.filter((id) => s.table.lookup.has(id));
      const unknown = itemIds.filter((id) => !s.table.lookup.has(id));
      const { u } = await profile(s);
      const scores = await s.engine.run((scorer) => scorer.scoreRows(u, Int32Array.from(known, (id) => s.table.lookup.get(id)!)));
      const ranked = known.map((itemId, i) => ({ itemId, score: scores[i]!, position: i }));
      // Stable: equal scores keep the shop's order.
      ranked.sort((a, b) => b.score - a.score || a.position - b.position);
      return [...ranked.map(({ itemId, score }) => ({ itemId, score })), ...unknown.map((itemId) => ({ itemId, score: null }))];
    },

    /** Catalog metadata for ids (null for ids the catalog does not know), e.g. to render a cart. */
    async items(itemIds: string[]): Promise<Array<CatalogItem | null>> {
      const s = ready();
      if (!Array.isArray(itemIds) || itemIds.length > 10_000) throw new VitrineError('OPTIONS_INVALID', 'items() takes an array of at most 10,000 ids.');
      return itemIds.map((id) => {
        const row = typeof id === 'string' ? s.table.lookup.get(id) : undefined;
        return row === undefined ? null : { ...s.table.item(row) };
      });
    },

    async info(): Promise<EngineInfo> {
      const s = await readyAfterWrites();
      const chosen = s.engine.reports.find((r) => r.backend === s.engine.backend);
      const { header } = s.current.catalog;
      const info: EngineInfo = {
        backend: s.engine.backend,
        reason: chosen?.reason ?? '',
        backends: s.engine.reports.map((r) => ({ ...r })),
        catalog: {
          url: s.current.url,
          items: header.itemCount,
          dim: header.dim,
          dtype: header.dtype,
          formatVersion: header.formatVersion,
          modelId: header.modelId,
          sha256: header.bodySha256,
          source: s.current.source,
        },
        history: { persistent: s.history.persistent, events: s.events.length, encrypted: s.history.encrypted === true },
        buyItAgain: buyItAgainInfo(s.current.catalog.extras.repeatRate, minRepeatRate(s)),
        consent: consentInfo(s.options, s.consent),
        parts: { tfjs: tfjsPartStatus() },
      };
      if (s.engine.fallbackReason) info.fallback = s.engine.fallbackReason;
      if (s.lastCatalogError) info.catalog.lastError = s.lastCatalogError;
      if (s.history.reason) info.history.reason = s.history.reason;
      return info;
    },

    async exportHistory(): Promise<HistoryExport> {
      const s = await readyAfterWrites();
      await reloadEvents(s);
      return { format: 'vitrine-history', version: 1, namespace: s.options.namespace, exportedAt: new Date().toISOString(), events: s.events };
    },

    /** Deletes the history database and our catalog cache; the catalog in memory keeps serving. */
    async eraseHistory(): Promise<void> {
      const s = ready();
      // Events tracked before the erase are erased too, not written after it.
      await flushPending();
      await s.history.erase();
      // Without consent (or under GPC) this page keeps events in memory: earlier visits' database
      // is deleted without being opened.
      await eraseHistoryDatabases(s.options.namespace);
      await clearCatalogCache();
      await clearCalibrationCache();
      s.events = [];
      s.channel?.postMessage({ kind: 'erased' } satisfies TabsMessage);
    },

    /** Diagnostics for tests: live tensors and bytes on the backend. */
    async debugStats(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
      return { ...(await ready().engine.tensorMemory()), backend: ready().engine.backend };
    },

    /** Test hook: destroys the GPU device under the engine, as a driver reset would. */
    async debugLoseDevice(): Promise<boolean> {
      ready();
      return ready().engine.loseDevice();
    },

    async dispose(): Promise<void> {
      const s = state;
      state = undefined;
      if (!s) return;
      s.channel?.close();
      s.history.close();
      s.engine.dispose();
    },
  };
  return api;
}

const historyLimits = (options: EngineOptions): HistoryLimits => ({
  maxEvents: options.history?.maxEvents ?? 5_000,
  maxAgeMs: (options.history?.maxAgeDays ?? 180) * 86_400_000,
});

const openStoredHistory = (options: EngineOptions & { namespace: string }): Promise<HistoryStore> =>
  openHistory(options.namespace, historyLimits(options), { encrypt: options.encryptHistory === true });

const retryPolicy = (options: EngineOptions): RetryPolicy => ({ ...DEFAULT_RETRY, stallMs: options.catalogStallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS });

/** `store`: whether the file may be cached now (consent); otherwise `storeLater` does it on grant. */
async function downloadOrThrow(url: string, progress: Progress, retry?: RetryPolicy, pin?: string, store = true): Promise<LoadedCatalog> {
  const loaded = await downloadCatalog(url, progress, undefined, retry, pin, store);
  if (loaded === 'not-modified') throw new CatalogError('CATALOG_FETCH_FAILED', `The server answered 304 for ${url} without a cached copy.`);
  return loaded;
}

async function adopt(s: Loaded, next: LoadedCatalog): Promise<void> {
  await s.engine.replaceCatalog(next.catalog);
  s.current = next;
  s.table = itemTable(next.catalog);
  s.rows = rowReader(next.catalog);
  delete s.lastCatalogError;
  delete s.search;
  delete s.trendingOrder;
  // Live updates hold until the next catalog, which carries the shop's fresh data.
  s.live = new LiveItems();
  if (s.consent === 'granted') await storeLiveItems(next.catalog.header.bodySha256, []);
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
async function afterCachedStart(s: Loaded, cached: LoadedCatalog, progress: Progress): Promise<void> {
  const revalidation = revalidate(s, progress);
  if (!cached.verify) return revalidation;
  await new Promise((resolve) => setTimeout(resolve, CACHED_CHECKSUM_DELAY_MS));
  try {
    await cached.verify();
  } catch (error) {
    await revalidation;
    // A newer file the revalidation found replaced the copy already.
    if (s.current !== cached) return;
    if (error instanceof VitrineError) s.lastCatalogError = { code: error.code, message: error.message };
    try {
      await adopt(s, await downloadOrThrow(cached.url, progress, retryPolicy(s.options), undefined, s.consent === 'granted'));
    } catch (failure) {
      if (failure instanceof VitrineError) s.lastCatalogError = { code: failure.code, message: failure.message };
    }
  }
}

/** Served from cache: check for a newer catalog in the background; keep the cached one on any failure. */
async function revalidate(s: Loaded, progress: Progress): Promise<void> {
  try {
    const result = await downloadCatalog(s.current.url, progress, s.current.etag, retryPolicy(s.options), s.current.pin, s.consent === 'granted');
    if (result !== 'not-modified' && result.catalog.header.bodySha256 !== s.current.catalog.header.bodySha256) await adopt(s, result);
  } catch (error) {
    if (error instanceof VitrineError) s.lastCatalogError = { code: error.code, message: error.message };
  }
}

