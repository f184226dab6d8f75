import { neighbours } from '../catalog/extras.js';
import { itemPassesFilters, type MaskSpec } from '../engine/mask.js';
import { buyAgainRows } from '../ranking/buy-again.js';
import { topAttribute } from '../ranking/explain.js';
import { blendSearch, SEARCH_CANDIDATES } from '../ranking/for-you.js';
import { SearchIndex } from '../ranking/search-index.js';
import { cosine, rankSimilar, similarPool } from '../ranking/similar-items.js';
import type {
  AffinityScore,
  BuyItAgainOptions,
  CatalogItem,
  LeanResults,
  PopularOptions,
  Recommendation,
  SearchOptions,
  SimilarOptions,
} from '../shared/api-types.js';
import { EventError, VitrineError } from '../shared/errors.js';
import type { EventLog } from './event-log.js';
import { available, minRepeatRate, rowsOf, unavailableAnd, type Session } from './session.js';
import { shopperProfile, toRecommendations, withReason } from './shopper.js';
import { validateBuyItAgainOptions, validateKOptions, validateListOptions } from './validate-options.js';

const unknownItem = (id: unknown): EventError => new EventError('ITEM_UNKNOWN', `Item "${String(id).slice(0, 80)}" is not in the catalog.`);

/** The popularity prior alone: what a shopper with no history would see. */
export async function popular(s: Session, options: PopularOptions): Promise<Recommendation[]> {
  const o = validateListOptions(options);
  const mask: MaskSpec = { ...o.filters, excludeRows: unavailableAnd(s, rowsOf(s, o.exclude ?? [])) };
  const u = new Float32Array(s.current.catalog.header.dim);
  return toRecommendations(s, await s.engine.run((scorer) => scorer.recommend(u, o.k ?? 10, mask)), 'popular');
}

/** Time-decayed best sellers at training time (catalog v2), or the popularity prior for v1. */
export async function trending(s: Session, options: PopularOptions): Promise<Recommendation[]> {
  const o = validateListOptions(options);
  const scores = s.current.catalog.extras.trending;
  if (!scores) return withReason(await popular(s, options), 'trending');
  s.trendingOrder ??= Int32Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const exclude = new Set(unavailableAnd(s, rowsOf(s, o.exclude ?? [])));
  const rows: number[] = [];
  for (const row of s.trendingOrder) {
    if (rows.length >= (o.k ?? 10)) break;
    if (!exclude.has(row) && itemPassesFilters(s.table.item(row), o.filters)) rows.push(row);
  }
  return withReason(toRecommendations(s, { rows: Int32Array.from(rows), scores: Float32Array.from(rows, (r) => scores[r]!) }, 'trending'), 'trending');
}

/**
 * Items the model has no interactions for (embedded from their metadata at training time),
 * ordered by this shopper's affinity, so new products can be recommended from day one.
 */
export async function newArrivals(s: Session, log: EventLog, options: PopularOptions): Promise<Recommendation[]> {
  const o = validateListOptions(options);
  const counts = s.current.catalog.extras.interactions;
  if (!counts) return [];
  const exclude = new Set(unavailableAnd(s, rowsOf(s, o.exclude ?? [])));
  const rows = Int32Array.from(counts.keys()).filter((r) => counts[r] === 0 && !exclude.has(r) && itemPassesFilters(s.table.item(r), o.filters));
  const { u, contributions } = await shopperProfile(s, log);
  const scores = await s.engine.run((scorer) => scorer.scoreRows(u, rows));
  const order = Array.from(rows.keys())
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, o.k ?? 10);
  const ranked = { rows: Int32Array.from(order, (i) => rows[i]!), scores: Float32Array.from(order, (i) => scores[i]!) };
  return withReason(toRecommendations(s, ranked, 'new', contributions), 'new');
}

/**
 * Frequently bought together with `itemIds` (a product page or a whole cart), from the
 * co-purchase statistics in the catalog — not embedding similarity, so a cake stand's
 * complements are tea sets, not more cake stands. Items sharing a seed's category are
 * substitutes and left out.
 */
export async function complements(s: Session, itemIds: string[], options: PopularOptions): Promise<Recommendation[]> {
  const o = validateListOptions(options);
  if (!Array.isArray(itemIds) || itemIds.length === 0 || itemIds.some((id) => typeof id !== 'string')) {
    throw new VitrineError('OPTIONS_INVALID', 'complements() takes a non-empty array of item ids.');
  }
  const seeds = itemIds.map((id) => s.table.lookup.get(id) ?? throwing(unknownItem(id)));
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
}

/**
 * What this shopper bought before and shoppers do buy again: items whose repeat-purchase rate
 * reaches `minRepeatRate` (option `buyItAgain.minRepeatRate`, default DEFAULT_MIN_REPEAT_RATE),
 * the most re-bought first, then the latest. Empty for a catalog without repeat statistics
 * (info().buyItAgain says so).
 */
export async function buyItAgain(s: Session, log: EventLog, options: BuyItAgainOptions): Promise<Recommendation[]> {
  const o = validateBuyItAgainOptions(options);
  const rows = buyAgainRows({
    events: log.eventsNow(s),
    rowOf: (id) => s.table.lookup.get(id),
    repeatRate: s.current.catalog.extras.repeatRate,
    minRepeatRate: o.minRepeatRate ?? minRepeatRate(s),
    k: o.k ?? 10,
    eligible: (row) => available(s, row),
  });
  return rows.map(({ row, rate }) => ({ itemId: s.table.id(row), score: rate, item: { ...s.table.item(row) }, reason: 'buy_again' as const }));
}

/** The shopper's favourite categories or brands, from the same weights as their intent vector. */
export async function topAttributes(s: Session, log: EventLog, field: 'category' | 'brand', options: { k?: number }): Promise<AffinityScore[]> {
  const o = validateKOptions(options);
  return topAttribute(s.table, log.eventsNow(s), s.profile, field, o.k ?? 5, Date.now());
}

/** Items this shopper viewed or clicked, most recent first, each once. */
export async function recentlyViewed(s: Session, log: EventLog, options: { k?: number }): Promise<Recommendation[]> {
  const k = validateKOptions(options).k ?? 10;
  const seen = new Set<string>();
  const out: Recommendation[] = [];
  for (const e of [...log.eventsNow(s)].sort((a, b) => b.ts - a.ts || b.seq - a.seq)) {
    if ((e.type !== 'view' && e.type !== 'click') || !e.itemId || seen.has(e.itemId)) continue;
    const row = s.table.lookup.get(e.itemId);
    if (row === undefined || !available(s, row)) continue;
    seen.add(e.itemId);
    const item = s.table.item(row);
    out.push({ itemId: item.id, score: e.ts, item: { ...item }, reason: 'recently_viewed' });
    if (out.length >= k) break;
  }
  return out;
}

/**
 * Searches titles, brands and categories (any language), then blends in this shopper's
 * affinity (ranking/for-you.ts blendSearch).
 */
export async function search(s: Session, log: EventLog, query: string, options: SearchOptions): Promise<Recommendation[]> {
  const o = validateListOptions(options);
  if (typeof query !== 'string' || query.length > 500) throw new VitrineError('OPTIONS_INVALID', 'search() takes a query string of at most 500 characters.');
  if (options.personalize !== undefined && typeof options.personalize !== 'boolean')
    throw new VitrineError('OPTIONS_INVALID', 'personalize must be a boolean.');
  s.search ??= new SearchIndex(s.table.items());
  const hits = s.search.search(query, SEARCH_CANDIDATES).filter(({ row }) => available(s, row) && itemPassesFilters(s.table.item(row), o.filters));
  if (hits.length === 0) return [];
  const { u, contributions } = await shopperProfile(s, log);
  const personal = options.personalize !== false && contributions.length > 0;
  const affinity = personal
    ? await s.engine.run((scorer) =>
        scorer.scoreRows(
          u,
          Int32Array.from(hits, (h) => h.row),
        ),
      )
    : undefined;
  const ranked = blendSearch(hits, affinity, o.k ?? 10);
  const rows = { rows: Int32Array.from(ranked, (r) => r.row), scores: Float32Array.from(ranked, (r) => r.score) };
  const result = toRecommendations(s, rows, 'search_match', personal ? contributions : undefined);
  for (const r of result) if (!personal || r.reason === 'popular') r.reason = 'search_match';
  return result;
}

/**
 * Items most like `itemId`: cosine similarity of their embeddings, and for catalogs trained from
 * the shop's log, the co-occurrence graph and the item's category too (ranking/similar-items.ts).
 * Lean: ids and scores only (the caller transfers the scores).
 */
export async function similar(s: Session, itemId: string, options: SimilarOptions): Promise<Recommendation[] | LeanResults> {
  const o = validateListOptions(options);
  if (o.lean !== undefined && typeof o.lean !== 'boolean') throw new VitrineError('OPTIONS_INVALID', 'lean must be a boolean.');
  const row = typeof itemId === 'string' ? s.table.lookup.get(itemId) : undefined;
  if (row === undefined) throw unknownItem(itemId);
  const excluded = unavailableAnd(s, rowsOf(s, o.exclude ?? []));
  const mask: MaskSpec = { ...o.filters, excludeRows: excluded };
  const k = o.k ?? 10;
  const graph = s.current.catalog.extras.graphs?.cooccurrence;
  let ranked = await s.engine.run((scorer) => scorer.similar(row, graph ? similarPool(k) : k, mask));
  if (graph) {
    const hidden = new Set(excluded);
    const seedRow = s.rows(row).slice();
    ranked = rankSimilar({
      seed: row,
      pool: ranked,
      graph,
      eligible: (r) => !hidden.has(r) && itemPassesFilters(s.table.item(r), o.filters),
      cosine: (r) => cosine(seedRow, s.rows(r)),
      category: (r) => s.table.category(r),
      k,
    });
  }
  // A copy: the scorer may hand out a shared or reused array, and this one is transferred.
  if (o.lean) return { ids: Array.from(ranked.rows, (r) => s.table.id(r)), scores: ranked.scores.slice() };
  return Array.from(ranked.rows, (r, i) => ({
    itemId: s.table.id(r),
    score: ranked.scores[i]!,
    item: { ...s.table.item(r) },
    reason: 'similar_item' as const,
  }));
}

/** Catalog metadata for ids (null for ids the catalog does not know), e.g. to render a cart. */
export function items(s: Session, itemIds: string[]): Array<CatalogItem | null> {
  if (!Array.isArray(itemIds) || itemIds.length > 10_000) throw new VitrineError('OPTIONS_INVALID', 'items() takes an array of at most 10,000 ids.');
  return itemIds.map((id) => {
    const row = typeof id === 'string' ? s.table.lookup.get(id) : undefined;
    return row === undefined ? null : { ...s.table.item(row) };
  });
}

function throwing(error: Error): never {
  throw error;
}
