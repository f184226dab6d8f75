import { poolContributions, shopperVector, type Contribution } from '../model/pooling-encoder.js';
import type { RankedRows } from '../engine/scorer.js';
import { explain } from '../ranking/explain.js';
import type { GraphAffinity } from '../ranking/graph-affinity.js';
import type { CatalogItem, ReasonCode, Recommendation } from '../shared/api-types.js';
import { encoderShopperVector } from './encoder-loader.js';
import type { EventLog } from './event-log.js';
import type { Session } from './session.js';

/** u from the shop's encoder when it fits the catalog serving, else pooled; `encoded` says which. */
export async function shopperProfile(s: Session, log: EventLog): Promise<{ u: Float32Array; contributions: Contribution[]; encoded: boolean }> {
  const events = log.eventsNow(s);
  const contributions = poolContributions(events, (id) => s.table.lookup.get(id), s.profile, Date.now());
  const encoded = await encoderShopperVector(s.encoder, s.current.catalog, events, (id) => s.table.lookup.get(id));
  return { u: encoded ?? shopperVector(contributions, s.rows, s.current.catalog.header.dim), contributions, encoded: encoded !== undefined };
}

/**
 * Ranked rows as results, each explained when `contributions` are given (the shopper's history
 * items behind it); an item nothing in the history explains has reason `popular`.
 */
export function toRecommendations(
  s: Session,
  ranked: RankedRows,
  reason: ReasonCode,
  contributions?: Contribution[],
  affinity?: GraphAffinity,
): Recommendation[] {
  const sources = contributions?.map((c) => s.rows(c.row));
  return Array.from(ranked.rows, (row, i) => {
    const item: CatalogItem = s.table.item(row);
    const because = contributions ? explain(s.rows, row, contributions, sources!, affinity) : [];
    const recommendation: Recommendation = { itemId: item.id, score: ranked.scores[i]!, item: { ...item }, reason: because.length > 0 ? reason : 'popular' };
    if (because.length > 0) recommendation.because = because;
    return recommendation;
  });
}

/** The same results with one reason for all (rails whose reason does not depend on the history). */
export const withReason = <R extends ReasonCode>(results: Recommendation[], reason: R): Recommendation[] => results.map((r) => ({ ...r, reason }));
