import { itemPassesFilters, type MaskSpec } from '../engine/mask.js';
import { compileRules, type CompiledRules } from '../ranking/business-rules.js';
import { demote, ignoredImpressionDemotions } from '../ranking/feedback.js';
import { forYouQuery, rerankPool } from '../ranking/for-you.js';
import { maximalMarginalRelevance, type Candidate } from '../ranking/post-rank.js';
import { composeList, type Pin } from '../ranking/precedence.js';
import type { Recommendation, RecommendOptions, RerankedItem } from '../shared/api-types.js';
import { VitrineError } from '../shared/errors.js';
import type { EventLog } from './event-log.js';
import { rowsOf, type Session } from './session.js';
import { shopperProfile, toRecommendations } from './shopper.js';
import { validateRecommendOptions } from './validate-options.js';

/**
 * Each pin with its real score, as the scorer would have scored it under `mask`
 * (u·v + biasWeight·b + boosts): a pin outside the ranked list is scored on its own.
 */
async function pinScores(s: Session, pins: CompiledRules['pins'], ranked: readonly Candidate[], u: Float32Array, mask: MaskSpec): Promise<Pin[]> {
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

/** The For-you rail: the shopper's query scored over the catalog, then rules, feedback, caps and diversity (ranking/). */
export async function recommend(s: Session, log: EventLog, options: RecommendOptions): Promise<Recommendation[]> {
  const o = validateRecommendOptions(options);
  const k = o.k ?? 10;
  const events = log.eventsNow(s);
  const excludeIds = [...(o.exclude ?? [])];
  if (o.excludePurchased !== false) for (const e of events) if (e.type === 'purchase' && e.itemId) excludeIds.push(e.itemId);
  const rules = compileRules([...(s.options.rules ?? []), ...(o.rules ?? [])], s.table);
  const shopper = await shopperProfile(s, log);
  const { affinity, query } = forYouQuery(shopper.u, shopper.contributions, s.current.catalog.extras, {
    encoded: shopper.encoded,
    popularityDebias: o.popularityDebias ?? 0,
  });
  // Hard constraints (precedence.ts): the scorer masks them; pins are checked against them.
  const excluded = new Set([...rowsOf(s, excludeIds), ...rules.excludeRows, ...s.live.withdrawn]);
  const eligible = (row: number): boolean => !excluded.has(row) && itemPassesFilters(s.table.item(row), o.filters);
  const mask: MaskSpec = { ...o.filters, excludeRows: [...excluded], boosts: [...query.boosts, ...rules.boosts], biasWeight: query.biasWeight };
  // Ignored impressions, caps and diversity re-rank a longer list than they return.
  const demotions = ignoredImpressionDemotions(events, (id) => s.table.lookup.get(id));
  const reranks = o.cap !== undefined || (o.diversity ?? 0) > 0 || demotions.size > 0;
  const want = k + rules.pins.length;
  const ranked = await s.engine.run((scorer) => scorer.recommend(query.u, reranks ? rerankPool(want) : want, mask));
  const candidates: Candidate[] = demote(
    Array.from(ranked.rows, (row, i) => ({ row, score: ranked.scores[i]! })),
    demotions,
  );
  const pins = await pinScores(s, rules.pins, candidates, query.u, mask);
  const { list, pinned } = composeList({
    candidates,
    pins,
    k,
    eligible,
    table: s.table,
    cap: o.cap,
    diversify: (c, n) => maximalMarginalRelevance(c, n, o.diversity ?? 0, s.rows, s.current.catalog.header.dim),
  });
  const rows = { rows: Int32Array.from(list, (c) => c.row), scores: Float32Array.from(list, (c) => c.score) };
  const out = toRecommendations(s, rows, 'similar_to_viewed', shopper.contributions, affinity);
  out.forEach((r, i) => {
    const row = list[i]!.row;
    if (pinned.has(row)) r.reason = 'pinned';
    else if (rules.boostedRows.has(row)) r.reason = 'boosted';
  });
  return out;
}

/** The shop's own list (e.g. search results) in this shopper's order; unknown ids last, score null. */
export async function rerank(s: Session, log: EventLog, itemIds: string[]): Promise<RerankedItem[]> {
  if (!Array.isArray(itemIds) || itemIds.some((id) => typeof id !== 'string')) {
    throw new VitrineError('OPTIONS_INVALID', 'rerank() takes an array of item id strings.');
  }
  const known = itemIds.filter((id) => s.table.lookup.has(id));
  const unknown = itemIds.filter((id) => !s.table.lookup.has(id));
  const { u } = await shopperProfile(s, log);
  const scores = await s.engine.run((scorer) =>
    scorer.scoreRows(
      u,
      Int32Array.from(known, (id) => s.table.lookup.get(id)!),
    ),
  );
  const ranked = known.map((itemId, i) => ({ itemId, score: scores[i]!, position: i }));
  // Stable: equal scores keep the shop's order.
  ranked.sort((a, b) => b.score - a.score || a.position - b.position);
  return [...ranked.map(({ itemId, score }) => ({ itemId, score })), ...unknown.map((itemId) => ({ itemId, score: null }))];
}
