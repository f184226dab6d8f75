import { describe, expect, it } from 'vitest';
import { IdIndex } from './id-index.js';

describe('IdIndex', () => {
  const ids = ['85123A', 'B00-ü', '商品-7', 's1', 's10', 's100', 'x'.repeat(300)];

  it('finds every id, and nothing else, from the joined text or from an array', () => {
    for (const index of [IdIndex.fromText(ids.join('\0'), ids.length), IdIndex.fromIds(ids)]) {
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
    const index = IdIndex.fromText(many.join('\0'), many.length);
    for (let row = 0; row < many.length; row += 997) expect(index.get(many[row]!)).toBe(row);
    expect(index.get('s100000')).toBeUndefined();
  });

  it('refuses a duplicate, an empty id, a wrong count and a NUL inside an id', () => {
    expect(() => IdIndex.fromText('a\0b\0a', 3)).toThrow(/duplicate id a/);
    expect(() => IdIndex.fromText('a\0\0b', 3)).toThrow(/empty/);
    expect(() => IdIndex.fromText('a\0b\0', 3)).toThrow(/empty/);
    expect(() => IdIndex.fromText('a\0b', 3)).toThrow(/2 ids for 3/);
    expect(() => IdIndex.fromText('a\0b\0c', 2)).toThrow(/more than 2/);
    expect(() => IdIndex.fromIds(['a', 'b\0c'])).toThrow(/NUL/);
    expect(IdIndex.fromText('', 0).get('a')).toBeUndefined();
  });
});
