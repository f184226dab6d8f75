import { describe, expect, it } from 'vitest';
import { decodeCatalog, encodeCatalog, type CatalogInput } from './codec.js';
import { encodeHeadFirstCatalog, headRows } from './head-first.js';
import { fullCatalogBytes, headCatalogBytes, headFirstLayout, HEAD_FIRST_PREAMBLE } from './head-first-layout.js';
import type { EmbeddingDtype } from './types.js';

const N = 50;
const DIM = 8;
function input(dtype: EmbeddingDtype = 'int8'): CatalogInput {
  // Popularity not in row order, so the head is a real selection.
  const bias = Float32Array.from({ length: N }, (_, i) => Math.sin(i * 1.7));
  const offsets = Uint32Array.from({ length: N + 1 }, (_, i) => i * 2);
  const rows = Int32Array.from({ length: 2 * N }, (_, e) => (Math.floor(e / 2) * 7 + (e % 2) * 13 + 1) % N);
  return {
    ids: Array.from({ length: N }, (_, i) => `sku-${i}`),
    vectors: Float32Array.from({ length: N * DIM }, (_, i) => Math.cos(i * 0.31)),
    dim: DIM,
    bias,
    dtype,
    items: Array.from({ length: N }, (_, i) => ({ title: `Item ${i}`, price: i + 0.5 })),
    extras: {
      trending: Float32Array.from({ length: N }, (_, i) => i),
      interactions: Uint32Array.from({ length: N }, (_, i) => i % 4),
      graphs: { copurchase: { offsets, rows, weights: Float32Array.from(rows, (r) => r / N) } },
    },
    modelId: 'head-test',
  };
}

describe('head-first catalog files', () => {
  it('hold the most popular items first, as a complete catalog with its own checksum, then the full catalog', async () => {
    for (const dtype of ['float32', 'float16', 'int8'] as const) {
      const source = input(dtype);
      const file = await encodeHeadFirstCatalog(source, 10);
      const layout = headFirstLayout(file)!;
      expect(layout.fullOffset % 8).toBe(0);
      const head = await decodeCatalog(headCatalogBytes(file)!);
      const expected = headRows(source.bias, N, 10);
      expect(head.items.map((i) => i.id)).toEqual(Array.from(expected, (r) => `sku-${r}`));
      // The head's top item is the full catalog's most popular one.
      expect(head.items[0]!.id).toBe(`sku-${[...source.bias!.keys()].sort((a, b) => source.bias![b]! - source.bias![a]!)[0]}`);
      expect(head.header.dtype).toBe(dtype);
      // A decoder given the whole file gets the full catalog, as if it were an ordinary file.
      const full = await decodeCatalog(file);
      const plain = await decodeCatalog(await encodeCatalog(source));
      expect(full.header.itemCount).toBe(N);
      expect(Array.from(full.vectors)).toEqual(Array.from(plain.vectors));
      // Rows of head items are the same vectors in both parts.
      head.items.forEach((item, r) => {
        const row = full.items.findIndex((i) => i.id === item.id);
        expect(Array.from(head.vectors.subarray(r * DIM, r * DIM + DIM))).toEqual(Array.from(full.vectors.subarray(row * DIM, row * DIM + DIM)));
      });
    }
  });

  it('keeps only the graph edges among head items, renumbered', async () => {
    const source = input();
    const file = await encodeHeadFirstCatalog(source, 20);
    const head = await decodeCatalog(headCatalogBytes(file)!);
    const full = await decodeCatalog(file);
    const graph = head.extras.graphs!.copurchase!;
    const headIds = new Set(head.items.map((i) => i.id));
    let edges = 0;
    head.items.forEach((item, r) => {
      const fullRow = full.items.findIndex((i) => i.id === item.id);
      const fullGraph = full.extras.graphs!.copurchase!;
      const want = [];
      for (let e = fullGraph.offsets[fullRow]!; e < fullGraph.offsets[fullRow + 1]!; e++) {
        const to = full.items[fullGraph.rows[e]!]!.id;
        if (headIds.has(to)) want.push(to);
      }
      const got = [];
      for (let e = graph.offsets[r]!; e < graph.offsets[r + 1]!; e++) got.push(head.items[graph.rows[e]!]!.id);
      expect(got).toEqual(want);
      edges += got.length;
    });
    expect(edges).toBeGreaterThan(0);
    expect(Array.from(head.extras.interactions!)).toEqual(head.items.map((i) => Number(i.id.slice(4)) % 4));
  });

  it('rejects a corrupted full part while its head still decodes', async () => {
    const file = await encodeHeadFirstCatalog(input(), 10);
    const damaged = file.slice();
    damaged[damaged.length - 3]! ^= 0xff;
    await expect(decodeCatalog(damaged)).rejects.toMatchObject({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
    expect((await decodeCatalog(headCatalogBytes(damaged)!)).header.itemCount).toBe(10);
    await expect(decodeCatalog(damaged.subarray(0, headFirstLayout(damaged)!.fullOffset + 20))).rejects.toMatchObject({ code: 'CATALOG_TRUNCATED' });
  });

  it('is an ordinary file when the head would hold every item or none', async () => {
    const plain = await encodeCatalog({ ...input(), createdAt: 'x' });
    expect(await encodeHeadFirstCatalog({ ...input(), createdAt: 'x' }, 0)).toEqual(plain);
    expect(await encodeHeadFirstCatalog({ ...input(), createdAt: 'x' }, N)).toEqual(plain);
    expect(headFirstLayout(plain)).toBeUndefined();
    expect(fullCatalogBytes(plain)).toBe(plain);
  });

  it('refuses another container version', async () => {
    const file = await encodeHeadFirstCatalog(input(), 10);
    new DataView(file.buffer).setUint32(8, 2, true);
    expect(() => headFirstLayout(file)).toThrow(expect.objectContaining({ code: 'CATALOG_VERSION' }));
    const good = await encodeHeadFirstCatalog(input(), 10);
    expect(() => headCatalogBytes(good.subarray(0, HEAD_FIRST_PREAMBLE - 1))).toThrow(expect.objectContaining({ code: 'CATALOG_TRUNCATED' }));
    // Not all of the head yet: nothing to serve.
    expect(headCatalogBytes(good.subarray(0, HEAD_FIRST_PREAMBLE + 100))).toBeUndefined();
  });
});
