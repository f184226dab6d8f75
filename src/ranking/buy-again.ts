import type { StoredEvent } from '../shared/events.js';

/**
 * Default floor of "buy it again": an item is offered only if at least this share of the
 * shoppers who bought it bought it again (the catalog's `repeatRate`, from `vitrine train`).
 * One buyer in ten: consumables pass, a 3D printer or a humidity monitor nobody re-bought does not.
 */
export const DEFAULT_MIN_REPEAT_RATE = 0.1;

export interface BuyAgainInput {
  events: readonly StoredEvent[];
  rowOf: (id: string) => number | undefined;
  /** Per row; undefined when the catalog carries no repeat statistics (then nothing is offered). */
  repeatRate: Float32Array | undefined;
  minRepeatRate: number;
  k: number;
  /** Hard constraints (withdrawn items). */
  eligible: (row: number) => boolean;
}

/**
 * Rows this shopper bought whose repeat rate reaches the floor: the most re-bought first, then
 * the latest purchase first. A catalog without repeat rates gives an empty rail, never a list
 * of everything ever bought.
 */
export function buyAgainRows(input: BuyAgainInput): Array<{ row: number; rate: number }> {
  const { repeatRate } = input;
  if (!repeatRate) return [];
  const last = new Map<number, number>();
  for (const e of input.events) {
    if (e.type !== 'purchase' || !e.itemId) continue;
    const row = input.rowOf(e.itemId);
    if (row === undefined || !(repeatRate[row]! >= input.minRepeatRate) || !input.eligible(row)) continue;
    last.set(row, Math.max(last.get(row) ?? 0, e.ts));
  }
  return [...last]
    .sort((a, b) => repeatRate[b[0]]! - repeatRate[a[0]]! || b[1] - a[1] || a[0] - b[0])
    .slice(0, input.k)
    .map(([row]) => ({ row, rate: repeatRate[row]! }));
}

/** What info() reports: whether the catalog can say what is re-bought, and how many items pass. */
export function buyItAgainInfo(repeatRate: Float32Array | undefined, minRepeatRate: number): { repeatRates: boolean; minRepeatRate: number; items: number } {
  let items = 0;
  if (repeatRate) for (const rate of repeatRate) if (rate >= minRepeatRate) items++;
  return { repeatRates: repeatRate !== undefined, minRepeatRate, items };
}
