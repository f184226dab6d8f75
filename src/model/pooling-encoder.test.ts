import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../shared/events.js';
import { poolContributions, resolveProfileOptions, shopperVector } from './pooling-encoder.js';

const HOUR = 3_600_000;
const NOW = 1_000 * HOUR;
const rows: Record<string, number> = { a: 0, b: 1, c: 2 };
const rowOf = (id: string): number | undefined => rows[id];
const event = (seq: number, type: StoredEvent['type'], itemId: string, ts: number, extra: Partial<StoredEvent> = {}): StoredEvent => ({
  seq,
  type,
  itemId,
  ts,
  ...extra,
});

describe('pooling encoder', () => {
  it('is empty without history, so scores fall back to the popularity prior', () => {
    expect(poolContributions([], rowOf, resolveProfileOptions(), NOW)).toEqual([]);
    expect(Array.from(shopperVector([], new Float32Array(6), 2))).toEqual([0, 0]);
  });

  it('weighs event types and halves an event per half-life (long-term profile only)', () => {
    const options = resolveProfileOptions({ halfLifeHours: 10, sessionWeight: 0 });
    const contributions = poolContributions([event(1, 'view', 'a', NOW - 10 * HOUR), event(2, 'purchase', 'b', NOW - 20 * HOUR)], rowOf, options, NOW);
    // raw weights: view 1 · 0.5 = 0.5, purchase 5 · 0.25 = 1.25; normalised to sum 1.
    expect(contributions.map((c) => c.itemId)).toEqual(['b', 'a']);
    const weight = Object.fromEntries(contributions.map((c) => [c.itemId, c.weight]));
    expect(weight.a).toBeCloseTo(0.5 / 1.75, 10);
    expect(weight.b).toBeCloseTo(1.25 / 1.75, 10);
  });

  it('blends the live session with the long-term profile', () => {
    const options = resolveProfileOptions({ sessionWeight: 0.6, sessionGapMinutes: 30 });
    const contributions = poolContributions([event(1, 'view', 'a', NOW - 48 * HOUR), event(2, 'view', 'c', NOW - 60_000)], rowOf, options, NOW);
    const weight = Object.fromEntries(contributions.map((c) => [c.itemId, c.weight]));
    expect(weight.a! + weight.c!).toBeCloseTo(1, 10);
    expect(weight.c).toBeGreaterThan(0.6); // the whole session share plus its long-term share
  });

  it('ignores skims and unknown items, and makes the vector the weighted sum of item vectors', () => {
    const options = resolveProfileOptions({ sessionWeight: 0 });
    const contributions = poolContributions(
      [event(1, 'dwell', 'a', NOW, { ms: 300 }), event(2, 'view', 'gone', NOW), event(3, 'click', 'c', NOW)],
      rowOf,
      options,
      NOW,
    );
    expect(contributions).toEqual([{ seq: 3, itemId: 'c', row: 2, weight: 1 }]);
    const vectors = Float32Array.from([1, 0, 0, 1, 0.5, 0.25]);
    expect(Array.from(shopperVector(contributions, vectors, 2))).toEqual([0.5, 0.25]);
  });
});
