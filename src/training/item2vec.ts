import { seededRandom } from '../shared/random.js';

export interface Item2VecOptions {
  dim?: number;
  /** Items within this many positions in a shopper's sequence are context. */
  window?: number;
  negatives?: number;
  epochs?: number;
  learningRate?: number;
  seed?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Interaction steps item2vecEpochs spends at most on a small log (≈ 25 s on the 2-core machine). */
export const ITEM2VEC_STEP_BUDGET = 1_000_000;

/**
 * item2vec epochs for a log of `interactions`: at least 5, else as many as fit
 * ITEM2VEC_STEP_BUDGET (at most 50). Five passes leave the vectors of a small, sparse log's rare
 * items near their random start (amazon-scientific, 14k interactions: validation HR@10 / NDCG@10
 * 0.1407 / 0.0948 at 5 epochs, 0.1622 / 0.1041 at 20, 0.1626 / 0.1043 at 50; docs/accuracy.md),
 * while a large log already makes millions of updates in 5. A rule on the log's size, not a per-dataset setting.
 */
export function item2vecEpochs(interactions: number): number {
  return Math.min(50, Math.max(5, Math.ceil(ITEM2VEC_STEP_BUDGET / Math.max(1, interactions))));
}

/**
 * Item2vec (Barkan & Koenigstein, 2016): skip-gram with negative sampling over each shopper's
 * item sequence. Plain JS: per-step tfjs overhead dominates at these sizes (platform notes).
 * Returns L2-normalised input vectors, so that dot products are cosine similarities.
 */
export function trainItem2Vec(sequences: number[][], itemCount: number, options: Item2VecOptions = {}): Float32Array {
  const dim = options.dim ?? 64;
  const window = options.window ?? 5;
  const negatives = options.negatives ?? 5;
  const epochs = options.epochs ?? 5;
  const lr0 = options.learningRate ?? 0.025;
  const random = seededRandom(options.seed ?? 42);

  const input = new Float32Array(itemCount * dim).map(() => (random() - 0.5) / dim);
  const output = new Float32Array(itemCount * dim);

  // Negative-sampling table over unigram^0.75, as in word2vec.
  const counts = new Float64Array(itemCount);
  for (const seq of sequences) for (const item of seq) counts[item]!++;
  const tableSize = Math.max(1_000_000, itemCount * 20);
  const table = new Int32Array(tableSize);
  const powered = Array.from(counts, (c) => c ** 0.75);
  const total = powered.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let item = 0;
  for (let i = 0; i < tableSize; i++) {
    while (item < itemCount - 1 && (cumulative + powered[item]!) / total < i / tableSize) cumulative += powered[item++]!;
    table[i] = item;
  }

  const totalSteps = epochs * sequences.reduce((s, q) => s + q.length, 0);
  let step = 0;
  const grad = new Float32Array(dim);
  const sigmoid = (x: number): number => 1 / (1 + Math.exp(-Math.max(-20, Math.min(20, x))));
  for (let epoch = 0; epoch < epochs; epoch++) {
    let loss = 0;
    let pairs = 0;
    for (const seq of sequences) {
      for (let pos = 0; pos < seq.length; pos++, step++) {
        const lr = Math.max(lr0 * 1e-4, lr0 * (1 - step / totalSteps));
        const center = seq[pos]!;
        const span = 1 + Math.floor(random() * window);
        for (let c = Math.max(0, pos - span); c <= Math.min(seq.length - 1, pos + span); c++) {
          if (c === pos) continue;
          const inBase = seq[c]! * dim;
          grad.fill(0);
          for (let n = 0; n <= negatives; n++) {
            const target = n === 0 ? center : table[Math.floor(random() * tableSize)]!;
            if (n > 0 && target === center) continue;
            const outBase = target * dim;
            let dot = 0;
            for (let j = 0; j < dim; j++) dot += input[inBase + j]! * output[outBase + j]!;
            const p = sigmoid(dot);
            const label = n === 0 ? 1 : 0;
            loss -= Math.log(label ? p + 1e-7 : 1 - p + 1e-7);
            const g = (label - p) * lr;
            for (let j = 0; j < dim; j++) {
              grad[j]! += g * output[outBase + j]!;
              output[outBase + j]! += g * input[inBase + j]!;
            }
          }
          for (let j = 0; j < dim; j++) input[inBase + j]! += grad[j]!;
          pairs++;
        }
      }
    }
    options.onEpoch?.(epoch, loss / Math.max(1, pairs));
  }
  // Remove the common direction (mostly frequency) that SGNS shares across all items on small
  // logs; without it every pair looks alike ("all-but-the-top", Mu & Viswanath 2018).
  const mean = new Float64Array(dim);
  for (let i = 0; i < itemCount; i++) for (let j = 0; j < dim; j++) mean[j]! += input[i * dim + j]! / itemCount;
  for (let i = 0; i < itemCount; i++) for (let j = 0; j < dim; j++) input[i * dim + j]! -= mean[j]!;
  for (let i = 0; i < itemCount; i++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += input[i * dim + j]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < dim; j++) input[i * dim + j]! /= norm;
  }
  return input;
}
