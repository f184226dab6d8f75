import { describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';

describe('float16', () => {
  it('encodes known values bit-exactly', () => {
    expect(float32ToFloat16(1)).toBe(0x3c00);
    expect(float32ToFloat16(-2)).toBe(0xc000);
    expect(float32ToFloat16(65504)).toBe(0x7bff);
    expect(float32ToFloat16(1e6)).toBe(0x7c00);
    expect(float32ToFloat16(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16(0)).toBe(0);
  });
  it('round-trips every finite half value', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(float32ToFloat16(float16ToFloat32(h))).toBe(h === 0x8000 ? 0x8000 : h);
    }
  });
});
