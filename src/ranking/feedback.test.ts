import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../shared/events.js';
import { demote, ignoredImpressionDemotions } from '../ranking/feedback.js';

const events = (list: Array<[StoredEvent['type'], string]>): StoredEvent[] => list.map(([type, itemId], seq) => ({ seq, ts: seq, type, itemId }));
const rowOf = (id: string): number => Number(id.slice(1));

describe('ignored impressions', () => {
  it('sink an item from the third impression without engagement, two places each, at most ten', () => {
    const d = ignoredImpressionDemotions(
      events([
        ...Array.from({ length: 2 }, (): [StoredEvent['type'], string] => ['impression', 'i1']),
        ...Array.from({ length: 5 }, (): [StoredEvent['type'], string] => ['impression', 'i2']),
        ...Array.from({ length: 20 }, (): [StoredEvent['type'], string] => ['impression', 'i3']),
      ]),
      rowOf,
    );
    expect([...d]).toEqual([
      [2, 6],
      [3, 10],
    ]);
  });

  it('an engagement resets the count', () => {
    const d = ignoredImpressionDemotions(
      events([
        ['impression', 'i1'],
        ['impression', 'i1'],
        ['impression', 'i1'],
        ['click', 'i1'],
        ['impression', 'i1'],
      ]),
      rowOf,
    );
    expect(d.size).toBe(0);
  });

  it('demote moves items down by places and keeps the others in order', () => {
    const ranked = [0, 1, 2, 3, 4, 5].map((row) => ({ row }));
    expect(demote(ranked, new Map([[0, 2]])).map((c) => c.row)).toEqual([1, 2, 0, 3, 4, 5]);
    expect(demote(ranked, new Map([[4, 10]])).map((c) => c.row)).toEqual([0, 1, 2, 3, 5, 4]);
    expect(demote(ranked, new Map()).map((c) => c.row)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
