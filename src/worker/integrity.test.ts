import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPin, validatePin } from './integrity.js';

describe('catalog pin', () => {
  const bytes = new TextEncoder().encode('VTRNCAT\u0000 any catalog bytes');
  const pin = createHash('sha256').update(bytes).digest('hex');

  it('accepts the SHA-256 of the whole file, in either case', async () => {
    expect(validatePin(pin.toUpperCase())).toBe(pin);
    await expect(checkPin(bytes, pin, '/c.vcat')).resolves.toBeUndefined();
    await expect(checkPin(bytes, undefined, '/c.vcat')).resolves.toBeUndefined();
  });

  it('refuses other bytes with CATALOG_INTEGRITY', async () => {
    const other = bytes.slice();
    other[other.length - 1]! ^= 1;
    await expect(checkPin(other, pin, '/c.vcat')).rejects.toMatchObject({ name: 'CatalogError', code: 'CATALOG_INTEGRITY' });
  });

  it('rejects a malformed pin with OPTIONS_INVALID', () => {
    for (const bad of ['', 'abc', 'z'.repeat(64), 42, pin + '0']) expect(() => validatePin(bad)).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID' }));
    expect(validatePin(undefined)).toBeUndefined();
  });
});
