import { describe, expect, it } from 'vitest';
import { encoderTensorShapes, type SasrecConfig } from './forward.js';
import { decodeEncoder, encodeEncoder, type NamedTensor } from './format.js';

const CONFIG: SasrecConfig = { itemCount: 5, dim: 4, maxLen: 3, blocks: 1, heads: 2 };
const tensors = (): Map<string, NamedTensor> =>
  new Map(
    encoderTensorShapes(CONFIG).map(({ name, shape }, k) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return [name, { name, shape, data: Float32Array.from({ length: size }, (_, i) => k + i / 8) }];
    }),
  );

describe('encoder file format', () => {
  it('round-trips every tensor bit for bit', () => {
    const bytes = encodeEncoder(CONFIG, tensors(), 'tiny');
    const { header, tensors: read } = decodeEncoder(bytes, { itemCount: 5, dim: 4 });
    expect(header.config).toEqual(CONFIG);
    expect(header.modelId).toBe('tiny');
    for (const [name, t] of tensors()) expect(read.get(name)!.data).toEqual(t.data);
  });

  it('reads a Node Buffer that is a view at an odd offset into a larger allocation', () => {
    const bytes = encodeEncoder(CONFIG, tensors());
    // Buffer#slice is a view, not a copy: reading must not assume the data starts at byte 0.
    const view = Buffer.concat([Buffer.alloc(3, 7), Buffer.from(bytes)]).subarray(3);
    const { tensors: read } = decodeEncoder(view);
    for (const [name, t] of tensors()) expect(read.get(name)!.data).toEqual(t.data);
  });

  it('refuses bad magic, a cut-off file, a non-finite weight and another catalog with ENCODER_INVALID', () => {
    const bytes = encodeEncoder(CONFIG, tensors());
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeEncoder(bad)).toThrow(expect.objectContaining({ code: 'ENCODER_INVALID' }));
    expect(() => decodeEncoder(bytes.slice(0, bytes.length - 8))).toThrow(expect.objectContaining({ code: 'ENCODER_INVALID' }));
    const nan = tensors();
    nan.get('positions')!.data[0] = Number.NaN;
    expect(() => decodeEncoder(encodeEncoder(CONFIG, nan))).toThrow(expect.objectContaining({ code: 'ENCODER_INVALID' }));
    expect(() => decodeEncoder(bytes, { itemCount: 6, dim: 4 })).toThrow(expect.objectContaining({ code: 'ENCODER_INVALID' }));
  });
});
