import type { Rng } from './rng.js';

/** Candidate negatives of one batch and log E[times drawn] of every item involved (the logQ correction). */
export interface BatchNegatives {
  items: Int32Array;
  /** log of the expected number of times each candidate is drawn. */
  logQ: Float32Array;
  /** The same for each target in batch order (undefined when no correction is needed). */
  logQOf: (item: number) => number;
}

export function sampleNegatives(batch: number[][], count: number, itemCount: number, share: Float64Array | undefined, rng: Rng): BatchNegatives {
  const uniform = Array.from({ length: count }, () => rng.int(itemCount));
  const targets = new Set<number>();
  if (share) for (const s of batch) for (let k = 1; k < s.length; k++) targets.add(s[k]!);
  const drawn = batch.reduce((n, s) => n + s.length - 1, 0);
  const logQOf = (item: number): number => Math.log(count / itemCount + (share ? Math.min(1, drawn * share[item]!) : 0));
  const items = Int32Array.from([...uniform, ...[...targets].sort((a, b) => a - b)]);
  return { items, logQ: Float32Array.from(items, logQOf), logQOf };
}

/** Sequences per bucket: sorted by length inside a bucket so that a batch pads little. */
const BUCKET_BATCHES = 16;

/**
 * Shuffles, then sorts by length within buckets of BUCKET_BATCHES batches and shuffles the
 * batch order: a batch's cost grows with its longest sequence, and most are short.
 */
export function planBatches(train: number[][], batchSize: number, maxTokens: number, maxLen: number, rng: Rng): number[][] {
  const order = rng.shuffle(train.map((_, i) => i));
  const batches: number[][] = [];
  const bucket = batchSize * BUCKET_BATCHES;
  for (let start = 0; start < order.length; start += bucket) {
    const part = order.slice(start, start + bucket).sort((a, b) => train[a]!.length - train[b]!.length || a - b);
    let current: number[] = [];
    for (const i of part) {
      // Sorted by length: the newest sequence is the batch's longest.
      const padded = Math.min(maxLen, train[i]!.length - 1);
      if (current.length > 0 && (current.length >= batchSize || (current.length + 1) * padded > maxTokens)) {
        batches.push(current);
        current = [];
      }
      current.push(i);
    }
    if (current.length > 0) batches.push(current);
  }
  return rng.shuffle(batches);
}
