import * as tf from '@tensorflow/tfjs';

/** Shape of a SASRec encoder: what the weights alone do not say. */
export interface SasrecConfig {
  /** Rows of the shared item table (= catalog items). */
  itemCount: number;
  dim: number;
  /** The encoder reads at most the last `maxLen` items of a history. */
  maxLen: number;
  blocks: number;
  heads: number;
}

/** Names of the tensors of one transformer block, in file order. */
export const BLOCK_TENSORS = [
  'ln1.gamma',
  'ln1.beta',
  'wq',
  'bq',
  'wk',
  'bk',
  'wv',
  'bv',
  'wo',
  'bo',
  'ln2.gamma',
  'ln2.beta',
  'w1',
  'b1',
  'w2',
  'b2',
] as const;

/** Every tensor of the encoder except the shared item table and the item bias (those live in the catalog). */
export function encoderTensorShapes(config: SasrecConfig): Array<{ name: string; shape: number[] }> {
  const d = config.dim;
  const shapes: Array<{ name: string; shape: number[] }> = [{ name: 'positions', shape: [config.maxLen, d] }];
  for (let b = 0; b < config.blocks; b++) {
    const shape: Record<(typeof BLOCK_TENSORS)[number], number[]> = {
      'ln1.gamma': [d],
      'ln1.beta': [d],
      wq: [d, d],
      bq: [d],
      wk: [d, d],
      bk: [d],
      wv: [d, d],
      bv: [d],
      wo: [d, d],
      bo: [d],
      'ln2.gamma': [d],
      'ln2.beta': [d],
      w1: [d, d],
      b1: [d],
      w2: [d, d],
      b2: [d],
    };
    for (const name of BLOCK_TENSORS) shapes.push({ name: `block${b}.${name}`, shape: shape[name] });
  }
  shapes.push({ name: 'ln.gamma', shape: [d] }, { name: 'ln.beta', shape: [d] });
  return shapes;
}

/** The tensors the forward pass reads: `items` [itemCount, dim] is the shared item table. */
export type SasrecTensors = Record<string, tf.Tensor> & { items: tf.Tensor2D };

/** Dropout during training; `seed` makes the masks reproducible. */
export interface ForwardTraining {
  rate: number;
  seed: number;
}

/**
 * Embedding lookup whose gradient is a `scatterND` (sums duplicate rows), not tfjs's
 * `UnsortedSegmentSum`, which the wasm backend lacks and the cpu backend runs in O(vocabulary)
 * ops (platform notes, "tfjs gotchas").
 */
export function gatherRows<T extends tf.Tensor>(table: T, indices: tf.Tensor1D): T {
  const gather = tf.customGrad(((t: tf.Tensor, i: tf.Tensor, save: tf.GradSaveFunc) => {
    // customGrad may hand the indices over as float32: cast back.
    const rows = i.dtype === 'int32' ? i : tf.cast(i, 'int32');
    save([rows]);
    return {
      value: tf.gather(t, rows as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const ii = saved[0] as tf.Tensor1D;
        return [tf.scatterND(ii.expandDims(1), dy as tf.Tensor, t.shape), tf.zerosLike(ii)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return gather(table, indices) as T;
}

/** Swaps the last two axes. */
function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2]!, perm[perm.length - 1]!];
  return tf.transpose(t, perm);
}

/**
 * a · b (rank 2 or batched rank 3) whose gradients are computed with explicit transposes and
 * plain matMuls: tfjs-wasm's matMul with a transpose flag runs 5–20× slower than a transpose
 * followed by a plain matMul (measured here), and the default gradient uses those flags.
 */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  const product = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, y]);
    return {
      value: tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor, tf.Tensor];
        const g = dy as tf.Tensor2D;
        return [tf.matMul(g, swapLast(ys) as tf.Tensor2D), tf.matMul(swapLast(xs) as tf.Tensor2D, g)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return product(a, b) as T;
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-6))), gamma), beta);
}

/** x [rows, d] · w [d, d'] + b: the plain NN matMul is the fast path on wasm. */
function dense(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.add(matMul(x, w), b);
}

/**
 * The SASRec forward pass, written once in plain tfjs ops so that training (Node, wasm) and
 * the browser worker compute the same numbers.
 *
 * - `ids` [B, T] int32, left-padded with -1; T ≤ maxLen. The last column is the newest item.
 * - Pre-LN blocks: x += Drop(Attn(LN(x))), x += Drop(FFN(LN(x))), causal attention that never
 *   reads padding; a final LayerNorm.
 * - Position embeddings count back from the newest item, so padding a batch to a shorter T
 *   than maxLen gives exactly the same outputs.
 * Returns the hidden states [B, T, dim]; row t is the shopper vector after item t.
 */
export function sasrecForward(w: SasrecTensors, config: SasrecConfig, ids: tf.Tensor2D, training?: ForwardTraining): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, length] = ids.shape;
    const d = config.dim;
    const heads = config.heads;
    const headDim = d / heads;
    let seed = training?.seed ?? 0;
    const drop = (x: tf.Tensor): tf.Tensor => (training && training.rate > 0 ? tf.dropout(x, training.rate, undefined, seed++) : x);

    const mask = tf.cast(tf.greaterEqual(ids, 0), 'float32'); // [B, T]
    const rows = tf.maximum(ids, 0).reshape([-1]) as tf.Tensor1D;
    const positions = tf.slice(w['positions']!, [config.maxLen - length, 0], [length, d]);
    const mask3 = mask.expandDims(2);
    let x = tf.mul(drop(tf.add(gatherRows(w.items, rows).reshape([batch, length, d]), positions)), mask3);

    // Additive attention bias [B, 1, T, T]: 0 where query t may read key s (s ≤ t, s not padding).
    const causal = tf.linalg.bandPart(tf.ones([length, length]), -1, 0);
    const allowed = tf.mul(causal.expandDims(0), mask.expandDims(1));
    const attentionBias = tf.mul(tf.sub(1, allowed), -1e9).expandDims(1);
    const splitHeads = (t: tf.Tensor2D): tf.Tensor4D => t.reshape([batch, length, heads, headDim]).transpose([0, 2, 1, 3]);

    for (let b = 0; b < config.blocks; b++) {
      const p = (name: string): tf.Tensor => w[`block${b}.${name}`]!;
      const h = layerNorm(x, p('ln1.gamma'), p('ln1.beta')).reshape([batch * length, d]) as tf.Tensor2D;
      const q = splitHeads(dense(h, p('wq'), p('bq')));
      const k = splitHeads(dense(h, p('wk'), p('bk')));
      const v = splitHeads(dense(h, p('wv'), p('bv')));
      const scores = tf.add(tf.mul(matMul(q, swapLast(k)), 1 / Math.sqrt(headDim)), attentionBias);
      const attended = matMul(tf.softmax(scores), v)
        .transpose([0, 2, 1, 3])
        .reshape([batch * length, d]) as tf.Tensor2D;
      x = tf.add(x, drop(dense(attended, p('wo'), p('bo')).reshape([batch, length, d])));
      const h2 = layerNorm(x, p('ln2.gamma'), p('ln2.beta')).reshape([batch * length, d]) as tf.Tensor2D;
      const ffn = dense(tf.relu(dense(h2, p('w1'), p('b1'))), p('w2'), p('b2'));
      x = tf.mul(tf.add(x, drop(ffn.reshape([batch, length, d]))), mask3);
    }
    return layerNorm(x, w['ln.gamma']!, w['ln.beta']!) as tf.Tensor3D;
  });
}

/** Left-pads the last `maxLen` items of each history with -1 to the longest one (at least 1). */
export function padHistories(histories: readonly (readonly number[])[], maxLen: number): { ids: Int32Array; length: number } {
  const length = Math.max(1, Math.min(maxLen, Math.max(0, ...histories.map((h) => h.length))));
  const ids = new Int32Array(histories.length * length).fill(-1);
  histories.forEach((history, i) => {
    const tail = history.slice(-length);
    ids.set(tail, i * length + length - tail.length);
  });
  return { ids, length };
}

/**
 * Shopper vectors for histories of item rows: the encoder output after each history's newest
 * item, [histories.length × dim]. An empty history gives the output of an all-padding input
 * (the popularity prior lives in the item bias).
 */
export async function encodeHistories(w: SasrecTensors, config: SasrecConfig, histories: readonly (readonly number[])[]): Promise<Float32Array> {
  if (histories.length === 0) return new Float32Array(0);
  const { ids, length } = padHistories(histories, config.maxLen);
  const last = tf.tidy(() => {
    const input = tf.tensor2d(ids, [histories.length, length], 'int32');
    const hidden = sasrecForward(w, config, input);
    return tf.slice(hidden, [0, length - 1, 0], [histories.length, 1, config.dim]).reshape([histories.length, config.dim]);
  });
  try {
    return (await last.data()) as Float32Array;
  } finally {
    last.dispose();
  }
}

/** `encodeHistories` read back synchronously (Node's cpu/wasm backends; not for GPU backends). */
export function encodeHistoriesSync(w: SasrecTensors, config: SasrecConfig, histories: readonly (readonly number[])[]): Float32Array {
  if (histories.length === 0) return new Float32Array(0);
  const { ids, length } = padHistories(histories, config.maxLen);
  const last = tf.tidy(() => {
    const hidden = sasrecForward(w, config, tf.tensor2d(ids, [histories.length, length], 'int32'));
    return tf.slice(hidden, [0, length - 1, 0], [histories.length, 1, config.dim]).reshape([histories.length, config.dim]);
  });
  try {
    return last.dataSync() as Float32Array;
  } finally {
    last.dispose();
  }
}
