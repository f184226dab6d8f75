import type { StoredEvent } from '../shared/events.js';

/** Impressions without engagement after which an item starts to sink. */
export const IGNORED_IMPRESSIONS_THRESHOLD = 3;
/** Places an item drops per ignored impression from the threshold on, and the most it drops. */
const PLACES_PER_IMPRESSION = 2;
const MAX_PLACES = 10;
const ENGAGEMENT = new Set(['view', 'click', 'add_to_cart', 'purchase', 'favourite', 'dwell']);

/**
 * Items shown again and again without engagement sink for this shopper: from the
 * IGNORED_IMPRESSIONS_THRESHOLD-th impression since the last engagement, each one moves the
 * item PLACES_PER_IMPRESSION places down the list (at most MAX_PLACES). Any engagement resets
 * the count. Places, not score: the drop means the same whatever the scale of the scores.
 * Returns catalog row → places to drop.
 */
export function ignoredImpressionDemotions(events: readonly StoredEvent[], rowOf: (id: string) => number | undefined): Map<number, number> {
  const ignored = new Map<string, number>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts || a.seq - b.seq)) {
    if (!e.itemId) continue;
    if (e.type === 'impression') ignored.set(e.itemId, (ignored.get(e.itemId) ?? 0) + 1);
    else if (ENGAGEMENT.has(e.type)) ignored.delete(e.itemId);
  }
  const demotions = new Map<number, number>();
  for (const [itemId, count] of ignored) {
    const row = rowOf(itemId);
    if (row === undefined || count < IGNORED_IMPRESSIONS_THRESHOLD) continue;
    demotions.set(row, Math.min(MAX_PLACES, PLACES_PER_IMPRESSION * (count - IGNORED_IMPRESSIONS_THRESHOLD + 1)));
  }
  return demotions;
}

/** Moves each demoted candidate down by its places; the others keep their relative order. */
export function demote<T extends { row: number }>(ranked: readonly T[], demotions: ReadonlyMap<number, number>): T[] {
  if (demotions.size === 0) return [...ranked];
  // Demoted items sort after the items they should fall behind (ties: the undemoted first).
  return ranked
    .map((c, i) => ({ c, at: i + (demotions.get(c.row) ?? 0), demoted: demotions.has(c.row) ? 1 : 0, i }))
    .sort((a, b) => a.at - b.at || a.demoted - b.demoted || a.i - b.i)
    .map((x) => x.c);
}
