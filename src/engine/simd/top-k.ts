import type { RankedRows } from '../scorer.js';

/** Bytes before a top-k buffer's entries: kept count, k (kernel.wat). */
export const TOPK_HEADER = 16;
/** Top-k buffer size: a selection runs each time it fills (kernel.wat). */
export const topkCapacity = (k: number): number => 2 * k + 16;

/**
 * A finished top-k buffer at `at` as ranked rows, best first. One native sort of the i64 keys
 * (ascending): high word = the score's bits made monotonic, low word = ~row (see kernel.wat),
 * so the best is last.
 */
export function readTopK(buffer: ArrayBuffer, at: number): RankedRows {
  const [kept, k] = new Int32Array(buffer, at, 2) as unknown as [number, number];
  const count = Math.min(kept, k);
  const sorted = new BigUint64Array(buffer, at + TOPK_HEADER, count).slice().sort();
  const words = new Uint32Array(sorted.buffer);
  const rows = new Int32Array(count);
  const scores = new Float32Array(count);
  const bits = new Uint32Array(scores.buffer);
  for (let rank = 0; rank < count; rank++) {
    const i = count - 1 - rank;
    const high = words[2 * i + 1]!;
    rows[rank] = ~words[2 * i]!;
    bits[rank] = high & 0x8000_0000 ? high ^ 0x8000_0000 : ~high;
  }
  return { rows, scores };
}
