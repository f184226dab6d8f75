// The public types, on the ground floor: this file imports nothing of ours but its neighbours in shared/.
import type { BackendName } from './backend-name.js';
import type { EventType } from './events.js';

/** Metadata of one catalog item. Only `id` is required. */
export interface CatalogItem {
  id: string;
  title?: string;
  price?: number;
  category?: string;
  brand?: string;
  /** Units in stock; 0 means out of stock. Absent means unknown (treated as in stock). */
  stock?: number;
  image?: string;
}

/** Metadata fields a catalog may carry besides `id`. */
export const ITEM_FIELDS = ['title', 'price', 'category', 'brand', 'stock', 'image'] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

/** Which items may be returned. Applied on the accelerator before top-k. */
export interface ItemFilters {
  /** Only items whose category is one of these. */
  categories?: string[];
  /** Only items with a known price ≥ priceMin. */
  priceMin?: number;
  /** Only items with a known price ≤ priceMax. */
  priceMax?: number;
  /** Only items in stock (unknown stock counts as in stock). */
  inStock?: boolean;
  /** Only items of these brands. */
  brands?: string[];
}

/** How the shopper's events are pooled into one intent vector. */
export interface ProfileOptions {
  /** Weight of each event type. Defaults: purchase 5 > add_to_cart 3 > favourite 2.5 > click 1.5 > view 1. */
  eventWeights?: Partial<Record<EventType, number>>;
  /** Half-life of an event's weight in the long-term profile, in hours (default 7 days). */
  halfLifeHours?: number;
  /** Half-life inside the current session, in minutes (default 10). */
  sessionHalfLifeMinutes?: number;
  /** A gap longer than this starts a new session, in minutes (default 30). */
  sessionGapMinutes?: number;
  /** Share of the session vector in the blend, 0..1 (default 0.6). */
  sessionWeight?: number;
}

/** Options the worker needs to start. Plain data: it crosses the worker boundary. */
export interface EngineOptions {
  /** URL of the catalog file (resolved against the page). */
  catalog: string;
  /**
   * URL of a sequence encoder file (`vitrine train --encoder sasrec`, docs/encoder-format.md)
   * trained with this catalog: the shopper vector becomes its output over the recent history.
   * Without it, the weighted-pooling encoder is used. A bad file fails with `ENCODER_INVALID`.
   */
  encoder?: string;
  /** Keeps histories of different shops (or catalogs) apart. Default `'default'`. */
  namespace?: string;
  /** `'auto'` (default) measures the device; a name forces that backend. */
  backend?: 'auto' | BackendName;
  history?: {
    /** Most events kept; the oldest are evicted beyond. Default 5,000. */
    maxEvents?: number;
    /** Events older than this many days are evicted. Default 180. */
    maxAgeDays?: number;
  };
  profile?: ProfileOptions;
  /**
   * "Buy it again" offers only items whose repeat-purchase rate (share of their buyers who
   * bought them again, from `vitrine train`) is at least `minRepeatRate`. Default 0.1.
   */
  buyItAgain?: { minRepeatRate?: number };
  /** Shop-wide business rules, applied to every `recommend()` (see BusinessRule). */
  rules?: BusinessRule[];
  /**
   * `'granted'` (default): the history is stored from the start. `'required'`: nothing at all is
   * written to the device until `grantConsent()` — no IndexedDB database, no Cache Storage entry
   * (the catalog is kept in memory and cached at grant), no live item updates; events tracked
   * before that live in worker memory for this page only and are never written. See docs/security.md.
   */
  consent?: 'granted' | 'required';
  /**
   * Honour the Global Privacy Control signal: when `navigator.globalPrivacyControl === true`,
   * storing is paused as if consent were not granted, until the shopper explicitly opts in
   * (`grantConsent()`). Default false.
   */
  respectGlobalPrivacyControl?: boolean;
  /**
   * SHA-256 (64 hex digits) of the whole catalog file as served (`sha256sum catalog.vcat`).
   * A catalog that hashes otherwise is refused with `CATALOG_INTEGRITY`; the last good one keeps serving.
   */
  catalogSha256?: string;
  /** A catalog download that receives no bytes for this long is aborted and retried. Default 30,000 ms. */
  catalogStallTimeoutMs?: number;
  /**
   * Store events AES-GCM encrypted with a non-extractable key generated on this device and kept
   * in IndexedDB (`vitrine-key:<namespace>`). Timestamps stay in clear (age eviction). Default false.
   */
  encryptHistory?: boolean;
  /**
   * A small file the shop publishes with live price, stock and availability (JSON: an array of
   * ItemUpdate, as `updateItems()` takes). Fetched at start-up and every `refreshSeconds` (default
   * 300), revalidated with `If-None-Match`, applied all or nothing; a failed or invalid file
   * keeps the last applied state and `info().itemUpdates.lastError` says why. Relative URLs
   * resolve against the page.
   * @example itemUpdates: { url: '/stock.json', refreshSeconds: 60 }
   */
  itemUpdates?: { url: string; refreshSeconds?: number };
}

/** Which items a business rule applies to: listed ids, or all items matching every predicate given. */
export interface RuleTarget {
  itemIds?: string[];
  categories?: string[];
  brands?: string[];
  priceMin?: number;
  priceMax?: number;
}

/**
 * A rule declared by the shop, applied on the accelerator before top-k (pins afterwards):
 * - `boost` / `bury`: add / subtract `weight` (default 0.3) to the matching items' scores;
 * - `filter`: only matching items may be returned (a hard constraint, like `filters`);
 * - `pin`: put `itemId` at `position` (0-based; a position ≥ k takes the last slot).
 * A pin obeys the hard constraints (`exclude`, purchased items, `filters`, `filter` rules,
 * withdrawn items) and counts against caps; `force: true` makes it override them. Full
 * precedence: docs/rules.md.
 */
export interface BusinessRule {
  action: 'boost' | 'bury' | 'filter' | 'pin';
  where?: RuleTarget;
  weight?: number;
  itemId?: string;
  position?: number;
  /** `pin` only: show the item even where a hard constraint or a cap would leave it out. Default false. */
  force?: boolean;
}

export interface RecommendOptions {
  /** How many items, 1–1000. Default 10. */
  k?: number;
  filters?: ItemFilters;
  /** Item ids never to return (e.g. the product on screen). */
  exclude?: string[];
  /** Leave out items this shopper already bought. Default true. */
  excludePurchased?: boolean;
  /** Business rules for this call, applied after the shop-wide `rules` option. */
  rules?: BusinessRule[];
  /** At most this many items per brand / per category. */
  cap?: { perBrand?: number; perCategory?: number };
  /** 0 (default) ranks by relevance only; up to 1 trades relevance for variety (MMR). */
  diversity?: number;
  /** 0 (default) keeps the popularity prior; 1 removes it, surfacing the long tail. */
  popularityDebias?: number;
}

export interface SimilarOptions {
  k?: number;
  /**
   * `true`: answer with {@link LeanResults} (ids and scores in two arrays, the scores transferred
   * from the worker, no item objects) instead of `Recommendation[]`: for a page that renders
   * from its own data, or feeds the ids on. Default false.
   */
  lean?: boolean;
  filters?: ItemFilters;
  exclude?: string[];
}

/** What `similar(id, { lean: true })` answers: `ids[i]` scored `scores[i]`, best first. */
export interface LeanResults {
  ids: string[];
  scores: Float32Array;
}

/** Why an item was recommended. */
export type ReasonCode =
  | 'similar_to_viewed'
  | 'popular'
  | 'trending'
  | 'new'
  | 'bought_together'
  | 'buy_again'
  | 'boosted'
  | 'pinned'
  | 'similar_item'
  | 'search_match'
  | 'recently_viewed';

/** One history item's share in a recommendation's score. */
export interface Because {
  itemId: string;
  /** Share of the positive affinity this history item contributed (0–1). */
  weight: number;
}

export interface Recommendation {
  itemId: string;
  /** Always a finite number; a pinned item carries its real score (it may sit above better ones). */
  score: number;
  /** The item's catalog metadata: plain data, never markup to inject. */
  item: CatalogItem;
  reason: ReasonCode;
  /**
   * The history items behind the item, largest share first. For `recommend`, `search` and
   * `newArrivals`: each item's exact share of the pooled score (`u·v = Σ wⱼ vⱼ·v`, plus the
   * bought-together/next terms); with a sequence `encoder` the same pooled shares explain it,
   * not the encoder's own score. For `complements`: the seed items it is bought with. Absent
   * when nothing in the history explains the item (`reason: 'popular'`).
   */
  because?: Because[];
}

/**
 * A live change to one catalog item (`updateItems()`): only the fields given change.
 * - `price`: a finite number ≥ 0;
 * - `stock`: units in stock, a finite number ≥ 0 (0 = out of stock, for `filters.inStock`);
 * - `available: false` withdraws the item from sale: it vanishes from every rail at once
 *   (a hard constraint that only a `force: true` pin overrides); `true` puts it back.
 */
export interface ItemUpdate {
  id: string;
  price?: number;
  stock?: number;
  available?: boolean;
}
export interface BuyItAgainOptions {
  k?: number;
  /** Overrides the `buyItAgain.minRepeatRate` option for this call (0–1). */
  minRepeatRate?: number;
}
export interface SearchOptions {
  k?: number;
  filters?: ItemFilters;
  /** Order by text match only (false) or blend in this shopper's affinity (true, default). */
  personalize?: boolean;
}

/** A brand or category and its share of this shopper's interest. */
export interface AffinityScore {
  name: string;
  weight: number;
}

export interface PopularOptions {
  k?: number;
  filters?: ItemFilters;
  exclude?: string[];
}

export interface RerankedItem {
  itemId: string;
  /** This shopper's affinity; null for ids the catalog does not know (kept last, in input order). */
  score: number | null;
}
