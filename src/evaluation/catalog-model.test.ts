import { describe, expect, it } from 'vitest';
import type { Catalog, ItemGraph } from '../catalog/types.js';
import { encodeEncoder, type NamedTensor } from '../model/sasrec/format.js';
import { createSasrecEncoder } from '../model/sasrec/encoder.js';
import { encoderTensorShapes, type SasrecConfig } from '../model/sasrec/forward.js';
import { defaultGraphBlend } from '../ranking/for-you.js';
import { SUPPORT_SHRINKAGE } from '../training/item-graphs.js';
import { CatalogModel } from './catalog-model.js';
import { createCatalogModel } from './model-specs.js';
import { MetricAccumulator, selfInformation, targetRank } from './metrics.js';

// Four items on two axes: 0 and 1 point along x, 2 and 3 along y; item 3 is the most popular.
function tinyCatalog(): Catalog {
  const vectors = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]);
  const bias = Float32Array.from([0, 0, 0, 0.5]);
  return {
    header: {
      formatVersion: 2,
      itemCount: 4,
      dim: 2,
      dtype: 'float32',
      fields: ['id'],
      modelId: 'tiny',
      createdAt: '',
      bodyLength: 0,
      bodySha256: '',
      sections: {} as Catalog['header']['sections'],
    },
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

  it("with no graph weights scores what recommend() ships: the default blend, the encoder's with encoder=", () => {
    const catalog = tinyCatalog();
    catalog.extras = {
      graphs: {
        transition: graph([
          [0, 2, 0.5],
          [0, 3, 0.25],
        ]),
        copurchase: graph([
          [1, 2, 0.4],
          [2, 1, 0.4],
        ]),
      },
    };
    const scores = (spec: string): number[] => {
      const out = new Float32Array(4);
      createCatalogModel(spec, catalog, rowOf, 'x').score([2, 3], out);
      return Array.from(out);
    };
    const shipped = defaultGraphBlend(false);
    expect(scores('catalog')).toEqual(scores(`catalog:copurchase=${shipped.copurchase}:transition=${shipped.transition}:previous=${shipped.previous ?? 0}`));
    expect(scores('catalog')).not.toEqual(scores('catalog:copurchase=0:transition=0'));
    expect(createCatalogModel('catalog', catalog, rowOf, 'x').settings.graphs).toEqual(shipped);
    expect(createCatalogModel('catalog:copurchase=0:transition=0', catalog, rowOf, 'x').name).toBe('x:copurchase=0:transition=0');
    expect(new CatalogModel(catalog, rowOf, { encoder: {} as never }).settings.graphs).toEqual(defaultGraphBlend(true));
    // One weight given: the others are 0, as before.
    expect(createCatalogModel('catalog:transition=5', catalog, rowOf, 'x').settings.graphs).toEqual({ copurchase: 0, transition: 5 });
  });

  it('rejects unknown knobs and out-of-range values', () => {
    expect(() => createCatalogModel('catalog:colour=1', tinyCatalog(), rowOf, 'x')).toThrow(/no parameter/);
    expect(() => createCatalogModel('catalog:diversity=2', tinyCatalog(), rowOf, 'x')).toThrow(/\[0, 1\]/);
  });
});

/** A random 1-block SASRec encoder file for the tiny catalog (4 items, d = 2). */
function tinyEncoder(): Uint8Array {
  const config: SasrecConfig = { itemCount: 4, dim: 2, maxLen: 3, blocks: 1, heads: 1 };
  let seed = 1;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const tensors = new Map<string, NamedTensor>(
    encoderTensorShapes(config).map(({ name, shape }) => [
      name,
      { name, shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, random) },
    ]),
  );
  return encodeEncoder(config, tensors, 'tiny');
}
/** CSR graph over 4 rows from [source, target, weight] triples. */
function graph(edges: Array<[number, number, number]>): ItemGraph {
  const offsets = new Uint32Array(5);
  const sorted = [...edges].sort((a, b) => a[0] - b[0]);
  for (const [source] of sorted) offsets[source + 1]!++;
  for (let r = 0; r < 4; r++) offsets[r + 1]! += offsets[r]!;
  return { offsets, rows: Int32Array.from(sorted, (e) => e[1]), weights: Float32Array.from(sorted, (e) => e[2]) };
}

describe('CatalogModel with the SASRec encoder (catalog:encoder=…)', () => {
  const file = tinyEncoder();
  const readFile = (path: string): Uint8Array => {
    if (path !== 'tiny.encoder') throw new Error(`unexpected ${path}`);
    return file;
  };

  it("scores u·v + b + copurchase·C + transition·T, u from the worker's encoder over historyRows", async () => {
    const catalog = tinyCatalog();
    // Bought next: a → c (0.5), a → d (0.25); bought together: b ↔ c (0.4).
    catalog.extras = {
      graphs: {
        transition: graph([
          [0, 2, 0.5],
          [0, 3, 0.25],
        ]),
        copurchase: graph([
          [1, 2, 0.4],
          [2, 1, 0.4],
        ]),
      },
    };
    const model = createCatalogModel('catalog:encoder=tiny.encoder:copurchase=20:transition=50', catalog, rowOf, 'tiny', readFile);
    expect(model.name).toBe('tiny:encoder=tiny.encoder:copurchase=20:transition=50');
    model.fit([], 4);
    // Evaluator rows 2, 2, 3 = catalog rows b, b, a: the encoder reads [b, a] (a repeat collapses).
    const history = [2, 2, 3];
    const out = new Float32Array(4);
    model.score(history, out);
    const encoder = createSasrecEncoder(file, catalog.vectors, catalog.header);
    const u = await encoder.encode([1, 0]); // what the worker's encoderShopperVector computes
    encoder.dispose();
    model.dispose();
    // Pooled weights over the events b, b, a (a day apart, shopper back a minute later) for bought-together.
    const dot = (r: number): number => u[0]! * catalog.vectors[2 * r]! + u[1]! * catalog.vectors[2 * r + 1]! + catalog.bias[r]!;
    const transition = [0, 0, 50 * 0.5, 50 * 0.25];
    for (const r of [0, 1, 3]) expect(out[rowOf.indexOf(r)]).toBeCloseTo(dot(r) + transition[r]!, 4);
    // c gets bought-together from b: 20 · 0.4 · (b's pooled share) on top; that share is in (0, 1).
    const cExtra = out[rowOf.indexOf(2)]! - dot(2) - transition[2]!;
    expect(cExtra).toBeGreaterThan(0);
    expect(cExtra).toBeLessThan(20 * 0.4);
  });

  it("graphs=fit rebuilds the graphs from the fit sequences, ignoring the catalog's", () => {
    const catalog = tinyCatalog();
    catalog.extras = { graphs: { transition: graph([[0, 3, 1]]), copurchase: graph([]) } };
    const fromCatalog = new Float32Array(4);
    const refit = new Float32Array(4);
    const plain = new Float32Array(4);
    createCatalogModel('catalog:transition=1', catalog, rowOf, 'x').score([3], fromCatalog);
    const model = createCatalogModel('catalog:transition=1:graphs=fit', catalog, rowOf, 'x');
    model.fit([[3, 2], [3, 2], [1]], 4); // evaluator 3 → 2 = catalog a → b, always
    model.score([3], refit);
    new CatalogModel(catalog, rowOf, { graphs: { copurchase: 0, transition: 0 } }).score([3], plain);
    expect(fromCatalog[0]! - plain[0]!).toBeCloseTo(1, 6); // catalog: a → d
    expect(refit[0]! - plain[0]!).toBeCloseTo(0, 6);
    // refit: a → b with P = 1, seen twice: shrunk by its support as `vitrine train` writes it
    expect(refit[2]! - plain[2]!).toBeCloseTo(2 / (2 + SUPPORT_SHRINKAGE), 6);
    const shrunk = new Float32Array(4);
    const shrinking = createCatalogModel('catalog:transition=1:graphs=fit:shrink=1', catalog, rowOf, 'x');
    expect(shrinking.name).toBe('x:transition=1:graphs=fit:shrink=1');
    shrinking.fit([[3, 2], [3, 2], [1]], 4);
    shrinking.score([3], shrunk);
    expect(shrunk[2]! - plain[2]!).toBeCloseTo(2 / 3, 6); // seen twice: × 2 / (2 + 1)
  });

  it('previous=… adds bought-next from the item before the newest one', () => {
    const catalog = tinyCatalog();
    catalog.extras = {
      graphs: {
        transition: graph([
          [1, 3, 0.5],
          [0, 2, 1],
        ]),
        copurchase: graph([]),
      },
    };
    const without = new Float32Array(4);
    const withPrevious = new Float32Array(4);
    const model = createCatalogModel('catalog:transition=1:previous=10', catalog, rowOf, 'x');
    expect(model.name).toBe('x:transition=1:previous=10');
    createCatalogModel('catalog:transition=1', catalog, rowOf, 'x').score([2, 3], without); // b, then a
    model.score([2, 3], withPrevious);
    const d = rowOf.indexOf(3);
    expect(withPrevious[d]! - without[d]!).toBeCloseTo(10 * 0.5, 5); // b → d, from the item before a
    for (const r of [0, 1, 2].map((c) => rowOf.indexOf(c))) expect(withPrevious[r]).toBeCloseTo(without[r]!, 6);
  });

  it('prepare() encodes in batches to the same scores as one at a time', () => {
    const one = createCatalogModel('catalog:encoder=tiny.encoder', tinyCatalog(), rowOf, 'x', readFile);
    const batched = createCatalogModel('catalog:encoder=tiny.encoder', tinyCatalog(), rowOf, 'x', readFile);
    const histories = [[3], [2, 1], [0, 1, 2, 3]];
    batched.prepare(histories);
    for (const h of histories) {
      const a = new Float32Array(4);
      const b = new Float32Array(4);
      one.score(h, a);
      batched.score(h, b);
      a.forEach((x, i) => expect(b[i]).toBeCloseTo(x, 5));
    }
  });

  it('rejects a bad encoder or graphs value', () => {
    expect(() => createCatalogModel('catalog:encoder=tiny.encoder', tinyCatalog(), rowOf, 'x')).toThrow(/Node only/);
    expect(() => createCatalogModel('catalog:encoder=', tinyCatalog(), rowOf, 'x', readFile)).toThrow(/needs a file/);
    expect(() => createCatalogModel('catalog:graphs=all', tinyCatalog(), rowOf, 'x')).toThrow(/fit or catalog/);
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

describe('CatalogModel.graphWeightGrid', () => {
  it('gives the metrics the evaluator gives for each pair of graph weights', () => {
    const catalog = tinyCatalog();
    catalog.extras = {
      graphs: {
        transition: graph([
          [0, 2, 0.5],
          [0, 3, 0.25],
          [1, 0, 1],
        ]),
        copurchase: graph([
          [1, 2, 0.4],
          [2, 1, 0.4],
          [0, 3, 0.9],
        ]),
      },
    };
    const cases = [
      { history: [3], target: 1 },
      { history: [2, 3], target: 0 },
      { history: [1], target: 0 },
      { history: [2, 3], target: 1 },
      { history: [1, 3], target: 1 }, // bought again: masked as an earlier item
    ];
    const grid = [
      { copurchase: 0, transition: 0 },
      { copurchase: 1, transition: 3 },
      { copurchase: 5, transition: 0.5 },
      { copurchase: 1, transition: 1, previous: 4 },
    ];
    const rows = createCatalogModel('catalog', catalog, rowOf, 'x').graphWeightGrid(cases, grid);
    grid.forEach((w, g) => {
      const model = createCatalogModel(`catalog:copurchase=${w.copurchase}:transition=${w.transition}:previous=${w.previous ?? 0}`, catalog, rowOf, 'x');
      const metrics = new MetricAccumulator(4);
      const out = new Float32Array(4);
      for (const c of cases) {
        model.score(c.history, out);
        for (const i of c.history) out[i] = -Infinity;
        metrics.add(targetRank(out, c.target), []);
      }
      expect(rows[g]!['HR@10']).toBeCloseTo(metrics.summary()['HR@10']!, 10);
      expect(rows[g]!['NDCG@10']).toBeCloseTo(metrics.summary()['NDCG@10']!, 10);
    });
  });
});
