// The public shape of a recommender: its options and methods (createRecommender in recommender.ts).
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
import type { StoredEvent, TrackEvent } from '../shared/events.js';
import type { EngineInfo, HistoryExport } from '../shared/info-types.js';
import type { ProgressInfo } from '../shared/progress.js';

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
  similar(itemId: string, options?: SimilarOptions & { lean?: false }): Promise<Recommendation[]>;
  /**
   * The same items as ids and scores only: no item objects are made or copied between the worker
   * and the page (docs/api.md, "Lean results").
   * @example const { ids, scores } = await rec.similar('85123A', { k: 100, lean: true });
   */
  similar(itemId: string, options: SimilarOptions & { lean: true }): Promise<LeanResults>;
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
