import type { ProfileOptions } from '../shared/api-types.js';
import { asRowReader, type RowReader } from '../catalog/embedding-rows.js';
import type { EventType, StoredEvent } from '../shared/events.js';

export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<EventType, number>> = {
  purchase: 5,
  add_to_cart: 3,
  favourite: 2.5,
  click: 1.5,
  view: 1,
  dwell: 1,
  remove_from_cart: -2,
  search: 0,
  impression: 0,
};

/** An engagement reached through a recommendation counts this much more. */
export const FROM_RECOMMENDATION_BOOST = 1.5;
/** A view of the same item again within this time is the same look, counted once. */
export const REVIEW_DEDUP_MS = 10_000;
/** Dwell shorter than this is a skim, not interest. */
const MIN_DWELL_MS = 2_000;
/** Dwell weight saturates at this length. */
const FULL_DWELL_MS = 30_000;

export interface ResolvedProfileOptions {
  eventWeights: Record<EventType, number>;
  halfLifeMs: number;
  sessionHalfLifeMs: number;
  sessionGapMs: number;
  sessionWeight: number;
}

export function resolveProfileOptions(options: ProfileOptions = {}): ResolvedProfileOptions {
  return {
    eventWeights: { ...DEFAULT_EVENT_WEIGHTS, ...options.eventWeights },
    halfLifeMs: (options.halfLifeHours ?? 24 * 7) * 3_600_000,
    sessionHalfLifeMs: (options.sessionHalfLifeMinutes ?? 10) * 60_000,
    sessionGapMs: (options.sessionGapMinutes ?? 30) * 60_000,
    sessionWeight: options.sessionWeight ?? 0.6,
  };
}

/** One event's share of the shopper vector, before normalisation. */
export interface Contribution {
  seq: number;
  itemId: string;
  row: number;
  weight: number;
}

function typeWeight(event: StoredEvent, weights: Record<EventType, number>): number {
  if (event.type === 'dwell') {
    const ms = event.ms ?? 0;
    return ms < MIN_DWELL_MS ? 0 : weights.dwell * Math.min(1, ms / FULL_DWELL_MS);
  }
  return weights[event.type] * (event.fromRecommendation ? FROM_RECOMMENDATION_BOOST : 1);
}

/** Drops re-views of an item within REVIEW_DEDUP_MS of its previous view (a reload, a back button). */
function withoutRepeatViews(events: StoredEvent[]): StoredEvent[] {
  const lastView = new Map<string, number>();
  return events.filter((e) => {
    if (e.type !== 'view') return true;
    const previous = lastView.get(e.itemId!);
    lastView.set(e.itemId!, e.ts);
    return previous === undefined || e.ts - previous > REVIEW_DEDUP_MS;
  });
}

/**
 * Pools the history into per-event weights: `typeWeight · decay`, for a long-term profile
 * (half-life in days) and a session profile (events since the last long gap, half-life in
 * minutes), each normalised to sum 1 and blended with `sessionWeight`. Since the shopper
 * vector is the weighted sum of item vectors, these weights are also exact attributions.
 */
export function poolContributions(
  events: readonly StoredEvent[],
  rowOf: (itemId: string) => number | undefined,
  options: ResolvedProfileOptions,
  now: number,
): Contribution[] {
  const itemEvents = withoutRepeatViews(
    events.filter((e) => e.itemId !== undefined && rowOf(e.itemId) !== undefined).sort((a, b) => a.ts - b.ts || a.seq - b.seq),
  );
  if (itemEvents.length === 0) return [];

  let sessionStart = itemEvents.length - 1;
  while (sessionStart > 0 && itemEvents[sessionStart]!.ts - itemEvents[sessionStart - 1]!.ts <= options.sessionGapMs) sessionStart--;
  const sessionIsLive = now - itemEvents[itemEvents.length - 1]!.ts <= options.sessionGapMs;

  const long = itemEvents.map((e) => typeWeight(e, options.eventWeights) * 0.5 ** (Math.max(0, now - e.ts) / options.halfLifeMs));
  const session = itemEvents.map((e, i) =>
    sessionIsLive && i >= sessionStart ? typeWeight(e, options.eventWeights) * 0.5 ** (Math.max(0, now - e.ts) / options.sessionHalfLifeMs) : 0,
  );
  const positiveSum = (xs: number[]): number => xs.reduce((s, x) => s + Math.max(0, x), 0);
  const longSum = positiveSum(long);
  const sessionSum = positiveSum(session);
  const sessionShare = sessionSum > 0 ? options.sessionWeight : 0;

  const contributions: Contribution[] = [];
  itemEvents.forEach((e, i) => {
    const weight = (longSum > 0 ? ((1 - sessionShare) * long[i]!) / longSum : 0) + (sessionSum > 0 ? (sessionShare * session[i]!) / sessionSum : 0);
    if (weight !== 0) contributions.push({ seq: e.seq, itemId: e.itemId!, row: rowOf(e.itemId!)!, weight });
  });
  return contributions;
}

/** The shopper vector: Σ weight · v(row). All zeros for an empty history (popularity prior only). */
export function shopperVector(contributions: readonly Contribution[], vectors: Float32Array | RowReader, dim: number): Float32Array {
  const u = new Float32Array(dim);
  const rowOf = asRowReader(vectors, dim);
  for (const { row, weight } of contributions) {
    const v = rowOf(row);
    for (let j = 0; j < dim; j++) u[j]! += weight * v[j]!;
  }
  return u;
}
