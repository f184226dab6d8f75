import type { StoredEvent } from '../history/events.js';

/** Impressions without engagement after which an item starts to sink. */
export const IGNORED_IMPRESSIONS_THRESHOLD = 3;
/** Score removed per ignored impression beyond the threshold, and the most removed. */
const PENALTY_PER_IMPRESSION = 0.1;
const MAX_PENALTY = 0.5;
const ENGAGEMENT = new Set(['view', 'click', 'add_to_cart', 'purchase', 'favourite', 'dwell']);

/**
 * Items shown again and again without a click are down-weighted for this shopper: after
 * IGNORED_IMPRESSIONS_THRESHOLD impressions since the last engagement, each further one costs
 * PENALTY_PER_IMPRESSION (up to MAX_PENALTY). Any engagement resets the count.
 */
export function ignoredImpressionPenalties(events: readonly StoredEvent[], rowOf: (id: string) => number | undefined): Array<{ rows: number[]; weight: number }> {
  const ignored = new Map<string, number>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts || a.seq - b.seq)) {
    if (!e.itemId) continue;
    if (e.type === 'impression') ignored.set(e.itemId, (ignored.get(e.itemId) ?? 0) + 1);
    else if (ENGAGEMENT.has(e.type)) ignored.delete(e.itemId);
  }
  const penalties: Array<{ rows: number[]; weight: number }> = [];
  for (const [itemId, count] of ignored) {
    const row = rowOf(itemId);
    if (row === undefined || count < IGNORED_IMPRESSIONS_THRESHOLD) continue;
    penalties.push({ rows: [row], weight: -Math.min(MAX_PENALTY, PENALTY_PER_IMPRESSION * (count - IGNORED_IMPRESSIONS_THRESHOLD + 1)) });
  }
  return penalties;
}
