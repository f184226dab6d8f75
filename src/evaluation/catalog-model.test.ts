import { describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/types.js';
import { CatalogModel, createCatalogModel } from './catalog-model.js';
import { MetricAccumulator, selfInformation } from './metrics.js';

// Four items on two axes: 0 and 1 point along x, 2 and 3 along y; item 3 is the most popular.
function tinyCatalog(): Catalog {
  const vectors = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]);
  const bias = Float32Array.from([0, 0, 0, 0.5]);
  return {
    header: { formatVersion: 2, itemCount: 4, dim: 2, dtype: 'float32', fields: ['id'], modelId: 'tiny', createdAt: '', bodyLength: 0, bodySha256: '', sections: {} as Catalog['header']['sections'] },
    vectors,
    bias,
    items: ['a', 'b', 'c', 'd'].map((id) => ({ id })),
    extras: {},
  };
}
// The evaluator's rows are the catalog's rows in reverse order, to prove the mapping is used.
const rowOf = Int32Array.from([3, 2, 1, 0]);

describe('CatalogModel', () => {
  it('scores u·v + b with the pooling encoder, through the row mapping', () => {
    const model = new CatalogModel(tinyCatalog(), rowOf);
    model.fit([], 4);
    const out = new Float32Array(4);
    model.score([3], out); // evaluator row 3 = catalog item a = (1, 0): u = (1, 0)
    expect(Array.from(out)).toEqual([0.1 + 0.5, 0, 0.9, 1].map((x) => Math.fround(x)));
  });

  it('popularity debias removes the prior in proportion', () => {
    const out = new Float32Array(4);
    createCatalogModel('catalog:debias=1', tinyCatalog(), rowOf, 'tiny').score([3], out);
    expect(out[0]).toBeCloseTo(0.1, 6); // item d without its 0.5 prior
  });

  it('diversity puts a different kind of item second (MMR)', () => {
    const plain = new Float32Array(4);
    const diverse = new Float32Array(4);
    new CatalogModel(tinyCatalog(), rowOf).score([3], plain);
    createCatalogModel('catalog:diversity=0.9', tinyCatalog(), rowOf, 'tiny').score([3], diverse);
    const order = (s: Float32Array): number[] => [0, 1, 2].sort((x, y) => s[y]! - s[x]!); // row 3 is the history
    expect(order(plain)[0]).toBe(2); // b, like a
    expect(order(diverse)[1]).not.toBe(order(plain)[1]);
  });

  it('rejects unknown knobs and out-of-range values', () => {
    expect(() => createCatalogModel('catalog:colour=1', tinyCatalog(), rowOf, 'x')).toThrow(/no parameter/);
    expect(() => createCatalogModel('catalog:diversity=2', tinyCatalog(), rowOf, 'x')).toThrow(/\[0, 1\]/);
  });
});

describe('Novelty@10', () => {
  it('is the mean self-information of the items shown, worked out by hand', () => {
    // 4 users: item 0 seen by all (0 bits), item 1 by one (2 bits), item 2 by two (1 bit).
    const info = selfInformation([[0, 1], [0, 2], [0, 2], [0]], 3);
    expect(Array.from(info)).toEqual([0, 2, 1]);
    const metrics = new MetricAccumulator(3, info);
    metrics.add(1, [1, 2]); // (2 + 1) / 2 = 1.5
    metrics.add(1, [0]); // 0
    expect(metrics.summary()['Novelty@10']).toBeCloseTo(0.75, 10);
  });
});
