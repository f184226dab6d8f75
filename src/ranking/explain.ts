import type { RowReader } from '../catalog/embedding-rows.js';
import type { ItemTable } from '../catalog/item-table.js';
import { poolContributions, type Contribution, type ResolvedProfileOptions } from '../model/pooling-encoder.js';
import type { AffinityScore, Because } from '../shared/api-types.js';
import type { StoredEvent } from '../shared/events.js';
import type { GraphAffinity } from './graph-affinity.js';

/** How many history items an explanation names. */
export const BECAUSE_COUNT = 3;

/**
 * Exact attribution for the pooling encoder: u·v = Σⱼ wⱼ (vⱼ·v), so history item j's share is
 * its positive term over the sum of positive terms (events of the same item are merged); the
 * item-to-item graph part of the score is a sum over history items too, and is added exactly.
 * `sources[i]` is the embedding row of `contributions[i]` (read once per list, not per item).
 */
export function explain(
  rows: RowReader,
  row: number,
  contributions: readonly Contribution[],
  sources: readonly Float32Array[],
  affinity?: GraphAffinity,
): Because[] {
  const terms = new Map<string, number>();
  const target = rows(row);
  for (const [i, c] of contributions.entries()) {
    let dot = 0;
    const source = sources[i]!;
    for (let j = 0; j < target.length; j++) dot += source[j]! * target[j]!;
    terms.set(c.itemId, (terms.get(c.itemId) ?? 0) + c.weight * dot);
  }
  for (const [itemId, score] of affinity?.get(row) ?? []) terms.set(itemId, (terms.get(itemId) ?? 0) + score);
  const positive = [...terms].filter(([, t]) => t > 0);
  const total = positive.reduce((sum, [, t]) => sum + t, 0);
  return positive
    .sort((a, b) => b[1] - a[1])
    .slice(0, BECAUSE_COUNT)
    .map(([itemId, t]) => ({ itemId, weight: t / total }));
}

/** The shopper's favourite categories or brands, from the same weights as their intent vector. */
export function topAttribute(
  table: ItemTable,
  events: readonly StoredEvent[],
  profile: ResolvedProfileOptions,
  field: 'category' | 'brand',
  k: number,
  now: number,
): AffinityScore[] {
  const contributions = poolContributions(events, (id) => table.lookup.get(id), profile, now);
  const totals = new Map<string, number>();
  for (const c of contributions) {
    const name = table[field](c.row);
    if (name !== undefined && c.weight > 0) totals.set(name, (totals.get(name) ?? 0) + c.weight);
  }
  const sum = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, w]) => ({ name, weight: w / sum }));
}
