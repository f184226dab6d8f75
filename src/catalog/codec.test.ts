import { describe, expect, it } from 'vitest';
import { editSection } from '../../test/fixtures/reseal-catalog.js';
import { decodeCatalog, encodeCatalog, readCatalogHeader, type CatalogInput } from './codec.js';

const N = 40;
const DIM = 8;
function input(overrides: Partial<CatalogInput> = {}): CatalogInput {
  const vectors = Float32Array.from({ length: N * DIM }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 5)));
  return {
    ids: Array.from({ length: N }, (_, i) => `sku-${i}`),
    vectors,
    dim: DIM,
    bias: Float32Array.from({ length: N }, (_, i) => i / 100),
    items: Array.from({ length: N }, (_, i) => ({ title: `Item ${i} — ünïcode 商品`, price: i + 0.5, category: i % 2 ? 'odd' : 'even', stock: i % 3 })),
    modelId: 'test',
    ...overrides,
  };
}
const errorOf = async (bytes: Uint8Array) =>
  decodeCatalog(bytes).then(
    () => null,
    (e: { name: string; code: string }) => ({ name: e.name, code: e.code }),
  );

describe('catalog codec', () => {
  it('round-trips float32 exactly, with metadata and bias', async () => {
    const source = input();
    const catalog = await decodeCatalog(await encodeCatalog(source));
    expect(catalog.header).toMatchObject({ formatVersion: 3, itemCount: N, dim: DIM, dtype: 'float32', fields: ['id', 'title', 'price', 'category', 'stock'] });
    expect(Array.from(catalog.vectors)).toEqual(Array.from(source.vectors));
    expect(Array.from(catalog.bias)).toEqual(Array.from(source.bias!));
    expect(catalog.items[7]).toEqual({ id: 'sku-7', title: 'Item 7 — ünïcode 商品', price: 7.5, category: 'odd', stock: 1 });
  });

  it('round-trips float16 within half precision and int8 within its per-row scale', async () => {
    const source = input();
    const half = await decodeCatalog(await encodeCatalog({ ...source, dtype: 'float16' }));
    const int8 = await decodeCatalog(await encodeCatalog({ ...source, dtype: 'int8' }));
    for (let row = 0; row < N; row++) {
      let max = 0;
      for (let j = 0; j < DIM; j++) max = Math.max(max, Math.abs(source.vectors[row * DIM + j]!));
      for (let j = 0; j < DIM; j++) {
        const v = source.vectors[row * DIM + j]!;
        expect(Math.abs(half.vectors[row * DIM + j]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7);
        expect(Math.abs(int8.vectors[row * DIM + j]! - v)).toBeLessThanOrEqual(max / 127 / 2 + 1e-6);
      }
    }
  });

  it('starts the body 8-byte aligned and documents its sections', async () => {
    const bytes = await encodeCatalog({ ...input(), dtype: 'int8' });
    const { header, bodyOffset } = readCatalogHeader(bytes);
    expect(bodyOffset % 8).toBe(0);
    expect(header.sections.scales).toEqual({ offset: N * DIM, length: N * 4 });
    expect(bodyOffset + header.bodyLength).toBe(bytes.byteLength);
  });

  it('reports truncation at every section boundary as CATALOG_TRUNCATED', async () => {
    const bytes = await encodeCatalog({ ...input(), dtype: 'int8' });
    const { header, bodyOffset } = readCatalogHeader(bytes);
    const s = header.sections;
    const cuts = [
      8,
      12,
      15,
      16,
      bodyOffset - 1,
      bodyOffset,
      bodyOffset + s.embeddings.length,
      bodyOffset + s.scales!.offset + 4,
      bodyOffset + s.bias.offset,
      bodyOffset + s['meta.id']!.offset + 10,
      bytes.byteLength - 1,
    ];
    for (const cut of cuts) expect(await errorOf(bytes.subarray(0, cut)), `cut at ${cut}`).toEqual({ name: 'CatalogError', code: 'CATALOG_TRUNCATED' });
    expect(await errorOf(bytes.subarray(0, 3))).toEqual({ name: 'CatalogError', code: 'CATALOG_TRUNCATED' });
  });

  it('detects a flipped byte in any section, a wrong magic, a trailing byte and another version', async () => {
    const bytes = await encodeCatalog(input());
    const { header, bodyOffset } = readCatalogHeader(bytes);
    for (const section of Object.values(header.sections)) {
      const damaged = bytes.slice();
      damaged[bodyOffset + section!.offset + 1]! ^= 0x40;
      expect(await errorOf(damaged)).toEqual({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
    }
    const magic = bytes.slice();
    magic[0] = 0x50;
    expect(await errorOf(magic)).toEqual({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
    const headerJson = bytes.slice();
    headerJson[17] = 0x7b;
    expect(await errorOf(headerJson)).toMatchObject({ code: 'CATALOG_CORRUPT' });
    const longer = new Uint8Array(bytes.byteLength + 1);
    longer.set(bytes);
    expect(await errorOf(longer)).toMatchObject({ code: 'CATALOG_CORRUPT' });
    const version = bytes.slice();
    new DataView(version.buffer).setUint32(8, 4, true);
    expect(await errorOf(version)).toEqual({ name: 'CatalogError', code: 'CATALOG_VERSION' });
  });

  it('refuses to write NaN embeddings, duplicate ids or a wrong vector count', async () => {
    const nan = input();
    nan.vectors[5] = Number.NaN;
    await expect(encodeCatalog(nan)).rejects.toMatchObject({ code: 'CATALOG_CORRUPT' });
    await expect(encodeCatalog(input({ ids: Array.from({ length: N }, () => 'same') }))).rejects.toMatchObject({ code: 'CATALOG_CORRUPT' });
    await expect(encodeCatalog(input({ dim: DIM + 1 }))).rejects.toMatchObject({ code: 'CATALOG_CORRUPT' });
  });
});

describe('catalog format v2 extras', () => {
  const extras = {
    trending: Float32Array.from({ length: N }, (_, i) => N - i),
    interactions: Uint32Array.from({ length: N }, (_, i) => (i === 3 ? 0 : i + 1)),
    graphs: {
      copurchase: {
        offsets: Uint32Array.from({ length: N + 1 }, (_, i) => Math.min(i, 2) * 2),
        rows: Int32Array.from([5, 6, 7, 8]),
        weights: Float32Array.from([0.9, 0.5, 0.8, 0.1]),
      },
    },
  };

  it('round-trips trending, interaction counts and neighbour graphs', async () => {
    const catalog = await decodeCatalog(await encodeCatalog({ ...input(), extras }));
    expect(catalog.header.formatVersion).toBe(3);
    expect(Array.from(catalog.extras.trending!)).toEqual(Array.from(extras.trending));
    expect(Array.from(catalog.extras.interactions!)).toEqual(Array.from(extras.interactions));
    expect(Array.from(catalog.extras.graphs!.copurchase!.rows)).toEqual([5, 6, 7, 8]);
    expect(catalog.extras.graphs!.transition).toBeUndefined();
  });

  it('rejects a graph naming a row outside the catalog', async () => {
    const bad = { graphs: { copurchase: { ...extras.graphs.copurchase, rows: Int32Array.from([5, 6, 7, N + 3]) } } };
    expect(await errorOf(await encodeCatalog({ ...input(), extras: bad }))).toEqual({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
  });

  it('still reads version 1 files (no extras)', async () => {
    const bytes = await encodeCatalog(input({ formatVersion: 2 }));
    const v1 = bytes.slice();
    new DataView(v1.buffer).setUint32(8, 1, true);
    const { bodyOffset } = readCatalogHeader(bytes);
    const json = new TextDecoder().decode(v1.subarray(16, bodyOffset)).replace('"formatVersion":2', '"formatVersion":1');
    v1.set(new TextEncoder().encode(json), 16);
    const catalog = await decodeCatalog(v1);
    expect(catalog.header.formatVersion).toBe(1);
    expect(catalog.extras).toEqual({});
    expect(catalog.items.length).toBe(N);
  });
});

describe('catalog format v3 metadata columns', () => {
  const sparse = input({
    items: Array.from({ length: N }, (_, i) =>
      i % 4 === 0
        ? {}
        : {
            title: i % 3 ? `T${i}` : '',
            price: i % 5 ? i * 1.25 : undefined,
            category: i % 2 ? 'odd' : undefined,
            brand: `b${i % 3}`,
            stock: i % 7,
            image: `/img/${i}.jpg`,
          },
    ),
  });

  it('decodes the same items as a v2 (JSON) file, absent values absent', async () => {
    const v3 = await decodeCatalog(await encodeCatalog(sparse));
    const v2 = await decodeCatalog(await encodeCatalog({ ...sparse, formatVersion: 2 }));
    expect(v2.header.formatVersion).toBe(2);
    expect(v3.header.fields).toEqual(v2.header.fields);
    // An empty title is written as "no title" in v3 (v2 keeps the empty string).
    const v2Items = v2.items.map((item) => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== '')));
    expect(v3.items).toEqual(v2Items);
    expect(v3.items[0]).toEqual({ id: 'sku-0' });
    expect(v3.items[5]).toEqual({ id: 'sku-5', title: 'T5', category: 'odd', brand: 'b2', stock: 5, image: '/img/5.jpg' });
    expect(v3.table!.lookup.get('sku-17')).toBe(17);
    expect(v3.table!.lookup.get('nope')).toBeUndefined();
    expect(v3.table!.category(7)).toBe('odd');
  });

  it('makes no item objects while decoding: items are built from the columns when read', async () => {
    const catalog = await decodeCatalog(await encodeCatalog(sparse));
    expect(typeof Object.getOwnPropertyDescriptor(catalog, 'items')!.get).toBe('function');
    expect(catalog.table!.item(9)).toEqual({ id: 'sku-9', price: 11.25, category: 'odd', brand: 'b0', stock: 2, image: '/img/9.jpg' });
    expect(catalog.table!.item(10)).toEqual({ id: 'sku-10', title: 'T10', brand: 'b1', stock: 3, image: '/img/10.jpg' });
    expect(catalog.items[9]).toBe(catalog.table!.item(9));
    expect(Object.getOwnPropertyDescriptor(catalog, 'items')!.value).toHaveLength(N);
  });

  it('rejects damaged columns behind a matching checksum as CATALOG_CORRUPT', async () => {
    const file = await encodeCatalog(sparse);
    const damage: Array<[string, string, (b: Uint8Array) => void]> = [
      ['duplicate id', 'meta.id', (b) => b.set(new TextEncoder().encode('sku-0'), 'sku-0\0'.length)],
      ['one id too few', 'meta.id', (b) => (b[b.indexOf(0)] = 0x78)],
      ['an empty id', 'meta.id', (b) => b.set([0], b.indexOf(0) - 1)],
      ['ids not UTF-8', 'meta.id', (b) => (b[0] = 0xff)],
      ['a category code naming no category', 'meta.category.codes', (b) => new DataView(b.buffer, b.byteOffset).setUint32(4, 9, true)],
      ['an infinite price', 'meta.price', (b) => new DataView(b.buffer, b.byteOffset).setFloat64(8, Infinity, true)],
      ['one title too many', 'meta.title', (b) => (b[b.indexOf(0x54)] = 0)],
      ['a duplicate brand name', 'meta.brand.names', (b) => b.set(new TextEncoder().encode('b0'), 3)],
    ];
    for (const [what, section, edit] of damage) {
      const error = await errorOf(await editSection(file, section, edit));
      expect(error, what).toEqual({ name: 'CatalogError', code: 'CATALOG_CORRUPT' });
    }
  });

  it('refuses to write a NUL inside an id or a title, and an empty id', async () => {
    await expect(encodeCatalog(input({ ids: Array.from({ length: N }, (_, i) => (i === 2 ? 'a\0b' : `x${i}`)) }))).rejects.toMatchObject({
      code: 'CATALOG_CORRUPT',
    });
    await expect(encodeCatalog(input({ items: [{ title: 'x\0y' }] }))).rejects.toMatchObject({ code: 'CATALOG_CORRUPT' });
    await expect(encodeCatalog(input({ ids: Array.from({ length: N }, (_, i) => (i === 2 ? '' : `x${i}`)) }))).rejects.toMatchObject({
      code: 'CATALOG_CORRUPT',
    });
  });
});

describe('decodeCatalog of bytes handed over (owned)', () => {
  it('views them where aligned, copies where not, and decodes the same either way', async () => {
    const bytes = await encodeCatalog({ ...input(), dtype: 'int8' });
    for (const at of [0, 8, 3]) {
      const holder = new Uint8Array(bytes.length + 16);
      holder.set(bytes, at);
      const catalog = await decodeCatalog(holder.subarray(at, at + bytes.length), { owned: true });
      expect((catalog.quantised as { values: Int8Array }).values.buffer === holder.buffer, `offset ${at}`).toBe(at % 8 === 0);
      expect(Array.from(catalog.vectors)).toEqual(Array.from((await decodeCatalog(bytes)).vectors));
      expect(catalog.items[4]).toEqual({ id: 'sku-4', title: 'Item 4 — ünïcode 商品', price: 4.5, category: 'even', stock: 1 });
    }
  });
});

describe('decodeCatalog on a Node Buffer', () => {
  it('reads a file handed over as a pooled Buffer view (readFileSync of a small file) correctly', async () => {
    const bytes = await encodeCatalog(input());
    // Small Buffers share one pool: byteOffset ≠ 0, and Buffer#slice returns a view, not a copy.
    const pooled = Buffer.from(bytes);
    const catalog = await decodeCatalog(pooled);
    expect(Array.from(catalog.vectors)).toEqual(Array.from(input().vectors));
    expect(catalog.items[3]!.id).toBe('sku-3');
  });
});
