import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ID_INDEX_WAT_SHA256 } from './id-index-wasm.js';
import { IdIndex } from './id-index.js';

const fromText = (text: string, count: number): IdIndex => IdIndex.fromBytes(new TextEncoder().encode(text), count);

// Built by id-index.wat, and by the same loop in JavaScript where WebAssembly is not allowed.
describe.each([
  ['WebAssembly', false],
  ['JavaScript (no WebAssembly)', true],
])('IdIndex built by %s', (_, withoutWasm) => {
  beforeEach(() => {
    if (withoutWasm) vi.stubGlobal('WebAssembly', undefined);
  });
  afterEach(() => vi.unstubAllGlobals());

  const ids = ['85123A', 'B00-ü', '商品-7', 's1', 's10', 's100', 'x'.repeat(300)];

  it('finds every id, and nothing else, from the joined text or from an array', () => {
    for (const index of [IdIndex.fromBytes(new TextEncoder().encode(ids.join('\0')), ids.length), IdIndex.fromIds(ids)]) {
      expect(index.size).toBe(ids.length);
      ids.forEach((id, row) => {
        expect(index.get(id)).toBe(row);
        expect(index.id(row)).toBe(id);
      });
      for (const other of ['', 's', 's1000', '85123', '85123A ', 'x'.repeat(299), '商品']) expect(index.has(other)).toBe(false);
    }
  });

  it('holds 100k sequential ids without confusing any two', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `s${i}`);
    const index = IdIndex.fromBytes(new TextEncoder().encode(many.join('\0')), many.length);
    for (let row = 0; row < many.length; row += 997) expect(index.get(many[row]!)).toBe(row);
    expect(index.get('s100000')).toBeUndefined();
  });

  it('refuses a duplicate, an empty id, a wrong count and a NUL inside an id', () => {
    expect(() => fromText('a\0b\0a', 3)).toThrow(/duplicate id a/);
    expect(() => fromText('a\0\0b', 3)).toThrow(/empty/);
    expect(() => fromText('a\0b\0', 3)).toThrow(/empty/);
    expect(() => fromText('a\0b', 3)).toThrow(/2 ids for 3/);
    expect(() => fromText('a\0b\0c', 2)).toThrow(/3 ids for 2/);
    expect(() => IdIndex.fromIds(['a', 'b\0c'])).toThrow(/NUL/);
    expect(fromText('', 0).get('a')).toBeUndefined();
  });
});

describe('id-index-wasm.ts', () => {
  it('is assembled from the current id-index.wat', () => {
    const source = readFileSync(new URL('./id-index.wat', import.meta.url), 'utf8');
    expect(createHash('sha256').update(source).digest('hex'), 'run node scripts/build-wasm.mjs').toBe(ID_INDEX_WAT_SHA256);
  });
});
