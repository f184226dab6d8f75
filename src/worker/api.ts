import type { Catalog, CatalogItem } from '../catalog/types.js';
import { loseDevice, tensorMemory } from '../engine/backends.js';
import { Engine } from '../engine/engine.js';
import type { MaskSpec } from '../engine/mask.js';
import type { RankedRows } from '../engine/scorer.js';
import type { NewEvent, StoredEvent, TrackEvent } from '../history/events.js';
import { openHistory, type HistoryStore } from '../history/history-store.js';
import { validateEvent } from '../history/validate-event.js';
import { poolContributions, resolveProfileOptions, shopperVector, type ResolvedProfileOptions } from '../model/pooling-encoder.js';
import type {
  EngineInfo,
  EngineOptions,
  HistoryExport,
  Recommendation,
  RecommendOptions,
  RerankedItem,
  SimilarOptions,
} from '../shared/api-types.js';
import { CatalogError, EventError, VitrineError } from '../shared/errors.js';
import type { ProgressInfo } from '../shared/progress.js';
import { clearCatalogCache, downloadCatalog, readCachedCatalog, type LoadedCatalog } from './catalog-loader.js';
import { validateEngineOptions, validateRecommendOptions, validateSimilarOptions } from './validate-options.js';

type Progress = (info: ProgressInfo) => void;

interface Loaded {
  options: Required<Pick<EngineOptions, 'namespace'>> & EngineOptions;
  profile: ResolvedProfileOptions;
  current: LoadedCatalog;
  rowById: Map<string, number>;
  engine: Engine;
  history: HistoryStore;
  events: StoredEvent[];
  channel: BroadcastChannel | undefined;
  lastCatalogError?: { code: string; message: string };
}

type ChannelMessage = { kind: 'events' } | { kind: 'erased' };

const indexRows = (catalog: Catalog): Map<string, number> => new Map(catalog.items.map((item, row) => [item.id, row]));

/** The object the worker exposes through Comlink. Every method is async and takes plain data. */
export function createWorkerApi() {
  let state: Loaded | undefined;
  let pending: Array<{ event: NewEvent; resolve: (e: StoredEvent) => void; reject: (e: unknown) => void }> = [];
  let flushScheduled = false;

  const ready = (): Loaded => {
    if (!state) throw new CatalogError('CATALOG_NOT_LOADED', 'The recommender is not initialised; await createRecommender() first.');
    return state;
  };

  const rowsOf = (s: Loaded, ids: readonly string[]): number[] => ids.flatMap((id) => (s.rowById.has(id) ? [s.rowById.get(id)!] : []));

  const toRecommendations = (s: Loaded, ranked: RankedRows): Recommendation[] =>
    Array.from(ranked.rows, (row, i) => {
      const item: CatalogItem = s.current.catalog.items[row]!;
      return { itemId: item.id, score: ranked.scores[i]!, item: { ...item } };
    });

  const profileVector = (s: Loaded): Float32Array => {
    const contributions = poolContributions(s.events, (id) => s.rowById.get(id), s.profile, Date.now());
    return shopperVector(contributions, s.current.catalog.vectors, s.current.catalog.header.dim);
  };

  // Events arriving together are written in one IndexedDB transaction (≈1 ms each otherwise).
  const flush = async (): Promise<void> => {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    const s = ready();
    try {
      const stored = await s.history.append(batch.map((p) => p.event));
      s.events.push(...stored);
      trimMemory(s);
      s.channel?.postMessage({ kind: 'events' } satisfies ChannelMessage);
      stored.forEach((e, i) => batch[i]!.resolve(e));
    } catch (error) {
      batch.forEach((p) => p.reject(error));
    }
  };

  const trimMemory = (s: Loaded): void => {
    const maxEvents = s.options.history?.maxEvents ?? 5_000;
    if (s.events.length > maxEvents) s.events.splice(0, s.events.length - maxEvents);
  };

  const reloadEvents = async (s: Loaded): Promise<void> => {
    s.events = (await s.history.readAll()).sort((a, b) => a.seq - b.seq);
  };

  const api = {
    async init(rawOptions: EngineOptions, onProgress?: Progress): Promise<EngineInfo> {
      if (state) throw new VitrineError('OPTIONS_INVALID', 'init() was already called on this worker.');
      const options = validateEngineOptions(rawOptions);
      const progress: Progress = (info) => onProgress?.(info);
      const current = (await readCachedCatalog(options.catalog, progress)) ?? (await downloadOrThrow(options.catalog, progress));
      progress({ status: 'calibrate' });
      const engine = await Engine.start(current.catalog, options.backend ?? 'auto');
      const history = await openHistory(options.namespace, {
        maxEvents: options.history?.maxEvents ?? 5_000,
        maxAgeMs: (options.history?.maxAgeDays ?? 180) * 86_400_000,
      });
      const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(`vitrine:${options.namespace}`);
      const s: Loaded = {
        options,
        profile: resolveProfileOptions(options.profile),
        current,
        rowById: indexRows(current.catalog),
        engine,
        history,
        events: [],
        channel,
      };
      await reloadEvents(s);
      if (channel) {
        channel.onmessage = (message: MessageEvent<ChannelMessage>) => {
          if (message.data.kind === 'erased') s.events = [];
          else void reloadEvents(s).catch(() => undefined);
        };
      }
      state = s;
      progress({ status: 'ready', backend: engine.backend, items: current.catalog.header.itemCount, source: current.source });
      if (current.source === 'cache') void revalidate(s, progress);
      return api.info();
    },

    /** Replaces the catalog. On any failure the previous catalog keeps serving. */
    async loadCatalog(url: string, onProgress?: Progress): Promise<EngineInfo> {
      const s = ready();
      try {
        const next = await downloadOrThrow(url, (info) => onProgress?.(info));
        adopt(s, next);
        return api.info();
      } catch (error) {
        if (error instanceof VitrineError) s.lastCatalogError = { code: error.code, message: error.message };
        throw error;
      }
    },

    async track(event: TrackEvent): Promise<StoredEvent> {
      const s = ready();
      const valid = validateEvent(event, (id) => s.rowById.has(id));
      return new Promise<StoredEvent>((resolve, reject) => {
        pending.push({ event: valid, resolve, reject });
        if (!flushScheduled) {
          flushScheduled = true;
          setTimeout(() => void flush(), 0);
        }
      });
    },

    async recommend(options: RecommendOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateRecommendOptions(options);
      const excludeIds = [...(o.exclude ?? [])];
      if (o.excludePurchased !== false) for (const e of s.events) if (e.type === 'purchase' && e.itemId) excludeIds.push(e.itemId);
      const mask: MaskSpec = { ...o.filters, excludeRows: rowsOf(s, excludeIds) };
      const u = profileVector(s);
      return toRecommendations(s, await s.engine.run((scorer) => scorer.recommend(u, o.k ?? 10, mask)));
    },

    async similar(itemId: string, options: SimilarOptions = {}): Promise<Recommendation[]> {
      const s = ready();
      const o = validateSimilarOptions(options);
      const row = typeof itemId === 'string' ? s.rowById.get(itemId) : undefined;
      if (row === undefined) throw new EventError('ITEM_UNKNOWN', `Item "${String(itemId).slice(0, 80)}" is not in the catalog.`);
      const mask: MaskSpec = { ...o.filters, excludeRows: rowsOf(s, o.exclude ?? []) };
      return toRecommendations(s, await s.engine.run((scorer) => scorer.similar(row, o.k ?? 10, mask)));
    },

    async rerank(itemIds: string[]): Promise<RerankedItem[]> {
      const s = ready();
      if (!Array.isArray(itemIds) || itemIds.some((id) => typeof id !== 'string')) {
        throw new VitrineError('OPTIONS_INVALID', 'rerank() takes an array of item id strings.');
      }
      const known = itemIds.filter((id) => s.rowById.has(id));
      const unknown = itemIds.filter((id) => !s.rowById.has(id));
      const u = profileVector(s);
      const scores = await s.engine.run((scorer) => scorer.scoreRows(u, Int32Array.from(known, (id) => s.rowById.get(id)!)));
      const ranked = known.map((itemId, i) => ({ itemId, score: scores[i]!, position: i }));
      // Stable: equal scores keep the shop's order.
      ranked.sort((a, b) => b.score - a.score || a.position - b.position);
      return [...ranked.map(({ itemId, score }) => ({ itemId, score })), ...unknown.map((itemId) => ({ itemId, score: null }))];
    },

    async info(): Promise<EngineInfo> {
      const s = ready();
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
        history: { persistent: s.history.persistent, events: s.events.length },
      };
      if (s.engine.fallbackReason) info.fallback = s.engine.fallbackReason;
      if (s.lastCatalogError) info.catalog.lastError = s.lastCatalogError;
      if (s.history.reason) info.history.reason = s.history.reason;
      return info;
    },

    async exportHistory(): Promise<HistoryExport> {
      const s = ready();
      await reloadEvents(s);
      return { format: 'vitrine-history', version: 1, namespace: s.options.namespace, exportedAt: new Date().toISOString(), events: s.events };
    },

    /** Deletes the history database and our catalog cache; the catalog in memory keeps serving. */
    async eraseHistory(): Promise<void> {
      const s = ready();
      await s.history.erase();
      await clearCatalogCache();
      s.events = [];
      s.channel?.postMessage({ kind: 'erased' } satisfies ChannelMessage);
    },

    /** Diagnostics for tests: live tensors and bytes on the backend. */
    async debugStats(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
      return { ...tensorMemory(), backend: ready().engine.backend };
    },

    /** Test hook: destroys the GPU device under the engine, as a driver reset would. */
    async debugLoseDevice(): Promise<boolean> {
      ready();
      return loseDevice();
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

async function downloadOrThrow(url: string, progress: Progress): Promise<LoadedCatalog> {
  const loaded = await downloadCatalog(url, progress);
  if (loaded === 'not-modified') throw new CatalogError('CATALOG_FETCH_FAILED', `The server answered 304 for ${url} without a cached copy.`);
  return loaded;
}

function adopt(s: Loaded, next: LoadedCatalog): void {
  s.engine.replaceCatalog(next.catalog);
  s.current = next;
  s.rowById = indexRows(next.catalog);
  delete s.lastCatalogError;
}

/** Served from cache: check for a newer catalog in the background; keep the cached one on any failure. */
async function revalidate(s: Loaded, progress: Progress): Promise<void> {
  try {
    const result = await downloadCatalog(s.current.url, progress, s.current.etag);
    if (result !== 'not-modified' && result.catalog.header.bodySha256 !== s.current.catalog.header.bodySha256) adopt(s, result);
  } catch (error) {
    if (error instanceof VitrineError) s.lastCatalogError = { code: error.code, message: error.message };
  }
}

