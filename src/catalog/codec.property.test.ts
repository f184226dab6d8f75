import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordCounts } from '../../test/robustness/counts.js';
import { CatalogError } from '../shared/errors.js';
import { decodeCatalog, encodeCatalog, MAX_DIM, PREAMBLE_BYTES, readCatalogHeader } from './codec.js';
import { resealCatalog as reseal } from '../../test/fixtures/reseal-catalog.js';
import type { Catalog, EmbeddingDtype } from './types.js';

// Property: whatever bytes arrive, decodeCatalog returns a well-formed catalog or throws a
// CatalogError with a documented code — never another error type, never a hang.
const KNOWN_CODES = new Set(['CATALOG_CORRUPT', 'CATALOG_TRUNCATED', 'CATALOG_VERSION']);
const RUNS = 3_000;
const SEED = 20_240_607;
let tried = 0;

async function validCatalog(dtype: EmbeddingDtype, formatVersion: 2 | 3 = 3): Promise<Uint8Array> {
  const n = 12;
  const dim = 4;
  return encodeCatalog({
    ids: Array.from({ length: n }, (_, i) => `sku-${i}`),
    vectors: Float32Array.from({ length: n * dim }, (_, i) => Math.cos(i * 0.7)),
    dim,
    dtype,
    bias: Float32Array.from({ length: n }, (_, i) => i / 10),
    items: Array.from({ length: n }, (_, i) => ({ title: `Item ${i} ✓`, price: i + 0.25, category: i % 2 ? 'a' : 'b', stock: i % 3 })),
    // Format v2 extras, so that their section checks are fuzzed too.
    extras: {
      trending: Float32Array.from({ length: n }, (_, i) => n - i),
      interactions: Uint32Array.from({ length: n }, (_, i) => (i === 3 ? 0 : i * 5)),
      repeatRate: new Float32Array(n).fill(0.1),
      graphs: {
        copurchase: {
          offsets: Uint32Array.from({ length: n + 1 }, (_, i) => Math.min(i, n - 1)),
          rows: Int32Array.from({ length: n - 1 }, (_, i) => (i + 1) % n),
          weights: new Float32Array(n - 1).fill(0.5),
        },
      },
    },
    modelId: 'fuzz',
    createdAt: '2024-01-01T00:00:00.000Z',
    formatVersion,
  });
}
// Four v3 files (binary metadata columns, every dtype) and a v2 one (JSON metadata), which readers still take.
const FILES = await Promise.all([validCatalog('float32'), validCatalog('float16'), validCatalog('int8'), validCatalog('pq4'), validCatalog('float32', 2)]);
const WHICH = fc.nat(FILES.length - 1);
const SHORTEST_BODY = Math.min(...FILES.map((f) => f.length - readCatalogHeader(f).bodyOffset));

/** Decodes and classifies; fails the property on any other outcome. */
async function decodesOrThrowsTyped(bytes: Uint8Array): Promise<void> {
  tried++;
  let catalog: Catalog;
  try {
    catalog = await decodeCatalog(bytes);
  } catch (error) {
    if (!(error instanceof CatalogError) || !KNOWN_CODES.has(error.code)) throw new Error(`untyped failure: ${String(error)}`, { cause: error });
    return;
  }
  const { itemCount, dim } = catalog.header;
  // A decoded catalog must be servable: bounded shape, finite numbers, unique ids.
  expect(dim).toBeLessThanOrEqual(MAX_DIM);
  expect(catalog.vectors.length).toBe(itemCount * dim);
  expect(catalog.vectors.every(Number.isFinite)).toBe(true);
  expect(catalog.bias.length).toBe(itemCount);
  expect(new Set(catalog.items.map((i) => i.id)).size).toBe(itemCount);
  for (const item of catalog.items) {
    for (const field of ['price', 'stock'] as const) if (item[field] !== undefined) expect(Number.isFinite(item[field])).toBe(true);
    for (const field of ['title', 'category', 'brand', 'image'] as const) if (item[field] !== undefined) expect(typeof item[field]).toBe('string');
  }
}

const mutation = (size: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(size - 1), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(size - 1) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(size), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('splice' as const), at: fc.nat(size - 1), remove: fc.nat(64), bytes: fc.uint8Array({ maxLength: 16 }) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(size - 4), value: fc.constantFrom(0, 1, 7, 0x7fffffff, 0xffffffff, size, size * 2) }),
  );
type Mutation = ReturnType<typeof mutation> extends fc.Arbitrary<infer M> ? M : never;

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.min(m.at, Math.max(0, bytes.length - 1));
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice();
      if (out.length > 0) out[at]! ^= m.mask;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
    case 'splice':
      return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at + m.remove)]);
    case 'u32': {
      const out = bytes.slice();
      if (out.length >= at + 4) new DataView(out.buffer).setUint32(at, m.value, true);
      return out;
    }
  }
}

/** Re-encodes the file with `header` (any JSON) in place of its own. */
function withHeader(file: Uint8Array, header: unknown): Uint8Array {
  const { bodyOffset } = readCatalogHeader(file);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(PREAMBLE_BYTES + json.length + file.length - bodyOffset);
  out.set(file.subarray(0, PREAMBLE_BYTES));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, PREAMBLE_BYTES);
  out.set(file.subarray(bodyOffset), PREAMBLE_BYTES + json.length);
  return out;
}

const HEADER_PATHS = [
  ['formatVersion'],
  ['itemCount'],
  ['dim'],
  ['dtype'],
  ['fields'],
  ['modelId'],
  ['createdAt'],
  ['bodyLength'],
  ['bodySha256'],
  ['sections'],
  ['sections', 'embeddings'],
  ['sections', 'embeddings', 'offset'],
  ['sections', 'embeddings', 'length'],
  ['sections', 'scales'],
  ['sections', 'bias', 'offset'],
  ['sections', 'bias', 'length'],
  ['sections', 'metadata', 'offset'],
  ['sections', 'metadata', 'length'],
  ['sections', 'trending'],
  ['sections', 'interactions', 'length'],
  ['sections', 'repeatRate', 'offset'],
  ['sections', 'copurchase.offsets', 'length'],
  ['sections', 'copurchase.rows', 'offset'],
  ['sections', 'copurchase.weights'],
  ['sections', 'transition.rows'],
  ['sections', 'unknown'],
  ['sections', 'meta.id'],
  ['sections', 'meta.id', 'length'],
  ['sections', 'meta.title', 'offset'],
  ['sections', 'meta.price', 'offset'],
  ['sections', 'meta.stock', 'length'],
  ['sections', 'meta.category.names', 'length'],
  ['sections', 'meta.category.codes'],
  ['sections', 'meta.brand.codes'],
] as const;
const headerValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(-1, 0, 1, 2, 0.5, 1e300, 2 ** 31, 2 ** 32, 2 ** 53, 'int8', 'float16', 'float32', ['id'], ['id', 'title', 'title']),
);

const opts = { seed: SEED, numRuns: RUNS, timeout: 2_000 } as const;

describe('decodeCatalog under random damage (fast-check)', () => {
  it('random flips, truncations, insertions and splices of a valid file give a catalog or a typed CatalogError', async () => {
    await fc.assert(
      fc.asyncProperty(WHICH, fc.array(mutation(FILES[0]!.length), { minLength: 1, maxLength: 4 }), async (which, mutations) => {
        await decodesOrThrowsTyped(mutations.reduce(apply, FILES[which]!));
      }),
      opts,
    );
  });

  it('body damage re-sealed with a matching SHA-256 reaches the section and metadata checks, still typed', async () => {
    await fc.assert(
      fc.asyncProperty(WHICH, fc.array(mutation(SHORTEST_BODY), { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const file = FILES[which]!;
        const body = file.slice(readCatalogHeader(file).bodyOffset);
        await decodesOrThrowsTyped(await reseal(file, mutations.reduce(apply, body)));
      }),
      opts,
    );
  });

  it('any JSON in any header field gives a catalog or a typed CatalogError', async () => {
    await fc.assert(
      fc.asyncProperty(WHICH, fc.constantFrom(...HEADER_PATHS), headerValue, async (which, path, value) => {
        const file = FILES[which]!;
        const header = structuredClone(readCatalogHeader(file).header) as unknown as Record<string, unknown>;
        let target = header;
        for (const key of path.slice(0, -1)) target = (target[key] ?? {}) as Record<string, unknown>;
        target[path.at(-1)!] = value;
        await decodesOrThrowsTyped(withHeader(file, header));
      }),
      opts,
    );
    recordCounts('codec.property: random catalog bytes', { randomInputs: tried });
  });
});
