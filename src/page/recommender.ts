import { transfer, type Remote } from 'comlink';
import type { DebugHooks } from '../worker/debug-hooks.js';
import { readCachedBytes } from '../storage/catalog-cache.js';
import { VitrineError } from '../shared/errors.js';
import type { SimilarOptions } from '../shared/api-types.js';
import type { Recommender, RecommenderOptions } from './recommender-types.js';
import { trackBatcher } from './track-batcher.js';
import type { WorkerRemote } from './connect.js';
import { WorkerSession, type Replay } from './worker-session.js';

export type { Recommender, RecommenderOptions } from './recommender-types.js';

const sessions = new WeakMap<Recommender, WorkerSession>();
/**
 * @internal The worker's test hooks (tensor counts, simulated crash and device loss), present
 * where the worker is served from source (worker/debug-hooks.ts); not part of the public API.
 */
export function debugRemote(recommender: Recommender): Remote<DebugHooks> | undefined {
  // The worker in use now: a crashed worker is replaced by a new one.
  return sessions.get(recommender)?.remote as Remote<DebugHooks> | undefined;
}

function resolveUrl(url: string | URL): string {
  try {
    return new URL(String(url), globalThis.location?.href).href;
  } catch (cause) {
    throw new VitrineError('OPTIONS_INVALID', `Not a valid URL: ${String(url).slice(0, 200)}.`, { cause });
  }
}
// Anything else is left for the worker's validation to refuse with OPTIONS_INVALID.
const isItemUpdates = (x: unknown): x is { url: string } =>
  typeof x === 'object' && x !== null && typeof (x as { url?: unknown }).url === 'string' && (x as { url: string }).url !== '';

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
  const { onProgress, worker, assetsBase, catalog, encoder, ...rest } = options;
  // URLs resolve against the page here: the worker would resolve them against its own script.
  const others = isItemUpdates(rest.itemUpdates) ? { ...rest, itemUpdates: { ...rest.itemUpdates, url: resolveUrl(rest.itemUpdates.url) } } : rest;
  const catalogUrl = resolveUrl(catalog);
  // A second visit's catalog comes from Cache Storage: read it while the worker boots (both take
  // ~30 ms) and hand the bytes over, rather than have the worker start reading once it is up.
  const prefetch = readCachedBytes(catalogUrl);
  const replay: Replay = {
    options: encoder === undefined ? others : { ...others, encoder: resolveUrl(encoder) },
    catalogUrl,
    catalogPin: others.catalogSha256,
    consent: undefined,
    liveUpdates: [],
  };
  const session = new WorkerSession({ worker, assetsBase }, replay, onProgress);
  const cached = await prefetch;
  await session.start(cached ? transfer(cached, [cached.bytes]) : null);
  const call = <T>(run: () => Promise<T>): Promise<T> => session.call(run);
  // The worker in use now: a crashed one is replaced on the next call.
  const remote = (): WorkerRemote => session.remote;

  const recommender: Recommender = {
    track: trackBatcher(session),
    recommend: (o) => call(() => remote().recommend(o)),
    similar: ((itemId: string, o?: SimilarOptions) => call(async () => remote().similar(itemId, o))) as Recommender['similar'],
    rerank: (itemIds) => call(() => remote().rerank(itemIds)),
    popular: (o) => call(() => remote().popular(o)),
    recentlyViewed: (o) => call(() => remote().recentlyViewed(o)),
    search: (query, o) => call(() => remote().search(query, o)),
    items: (itemIds) => call(() => remote().items(itemIds)),
    trending: (o) => call(() => remote().trending(o)),
    newArrivals: (o) => call(() => remote().newArrivals(o)),
    complements: (itemIds, o) => call(() => remote().complements(itemIds, o)),
    buyItAgain: (o) => call(() => remote().buyItAgain(o)),
    topCategories: (o) => call(() => remote().topCategories(o)),
    topBrands: (o) => call(() => remote().topBrands(o)),
    updateItems: async (updates) => {
      const result = await call(() => remote().updateItems(updates));
      replay.liveUpdates = [...replay.liveUpdates, ...updates];
      return result;
    },
    loadCatalog: async (url, o) => {
      const next = resolveUrl(url);
      const info = await call(() => remote().loadCatalog(next, session.progress, o));
      replay.liveUpdates = [];
      [replay.catalogUrl, replay.catalogPin] = [next, o?.sha256 ?? (next === replay.catalogUrl ? replay.catalogPin : undefined)];
      return info;
    },
    grantConsent: async () => {
      const info = await call(() => remote().grantConsent());
      replay.consent = 'grant';
      return info;
    },
    revokeConsent: async () => {
      replay.consent = 'revoke';
      return call(() => remote().revokeConsent());
    },
    info: () => call(() => remote().info()),
    exportHistory: () => call(() => remote().exportHistory()),
    eraseHistory: () => call(() => remote().eraseHistory()),
    dispose: () => session.dispose(),
  };
  sessions.set(recommender, session);
  return recommender;
}
