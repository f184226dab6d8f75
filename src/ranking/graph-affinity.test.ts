import { describe, expect, it } from 'vitest';
import type { CatalogExtras } from '../catalog/types.js';
import type { Contribution } from '../model/pooling-encoder.js';
import { COOCCURRENCE_DECAY, graphAffinity, graphBoosts } from './graph-affinity.js';

// Rows 0 and 1 are in the history (0 first); the co-occurrence graph: 0 → 2 (0.4), 1 → 2 (0.2), 1 → 3 (0.5).
const extras: CatalogExtras = {
  graphs: {
    cooccurrence: { offsets: Uint32Array.from([0, 1, 3, 3, 3]), rows: Int32Array.from([2, 2, 3]), weights: Float32Array.from([0.4, 0.2, 0.5]) },
  },
};
const history: Contribution[] = [
  { seq: 0, itemId: 'a', row: 0, weight: 0.3 },
  { seq: 1, itemId: 'b', row: 1, weight: 0.7 },
];

describe('the co-occurrence term', () => {
  it('weighs each older engagement COOCCURRENCE_DECAY less, whatever its pooled weight, and scales the best target to the weight', () => {
    const affinity = graphAffinity(history, extras, { copurchase: 0, transition: 0, cooccurrence: 3 });
    const raw2 = 0.2 + COOCCURRENCE_DECAY * 0.4; // newest first: b at 1, a at 0.9
    const raw3 = 0.5;
    const max = Math.max(raw2, raw3);
    const boosts = new Map(graphBoosts(affinity).map((b) => [b.rows[0]!, b.weight]));
    expect(boosts.get(2)).toBeCloseTo((3 * raw2) / max, 6);
    expect(boosts.get(3)).toBeCloseTo((3 * raw3) / max, 6);
    expect(Math.max(...boosts.values())).toBeCloseTo(3, 6);
    // Explanations: item 2's share per source item.
    expect(affinity.get(2)!.get('a')).toBeCloseTo((3 * COOCCURRENCE_DECAY * 0.4) / max, 6);
  });

  it('is off by default and skips engagements that count against an item', () => {
    expect(graphAffinity(history, extras, { copurchase: 0, transition: 0 }).size).toBe(0);
    const removed = graphAffinity([history[0]!, { ...history[1]!, weight: -1 }], extras, { copurchase: 0, transition: 0, cooccurrence: 1 });
    expect([...removed.keys()]).toEqual([2]);
    expect(graphBoosts(removed)[0]!.weight).toBeCloseTo(1, 6);
  });
});
