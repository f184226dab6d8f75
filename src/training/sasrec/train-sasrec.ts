import * as tf from '@tensorflow/tfjs';
import { leaveOneOut } from '../split.js';
import { encoderTensorShapes, gatherRows, matMul, sasrecForward, type SasrecConfig, type SasrecTensors } from '../../model/sasrec/forward.js';
import { packTensors, unpackTensors, type NamedTensor } from '../../model/sasrec/format.js';
import { Rng } from './rng.js';
import { planBatches, sampleNegatives, type BatchNegatives } from './batches.js';
import { validate } from './validate.js';

import { SASREC_DEFAULTS, type EpochLog, type SasrecTrainOptions, type TrainedSasrec } from './train-options.js';

/** What a checkpoint holds besides the weights: where the run stands. */
interface CheckpointState {
  key: string;
  epoch: number;
  step: number;
  rng: number;
  best: number;
  bestEpoch: number;
  stale: number;
  log: EpochLog[];
}

function initialTensors(config: SasrecConfig, seed: number): NamedTensor[] {
  const d = config.dim;
  const shapes = [{ name: 'items', shape: [config.itemCount, d] }, { name: 'bias', shape: [config.itemCount] }, ...encoderTensorShapes(config)];
  return shapes.map(({ name, shape }, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const leaf = name.split('.').slice(-1)[0]!;
    let data: Float32Array;
    if (leaf === 'gamma') data = new Float32Array(size).fill(1);
    else if (leaf === 'beta' || name === 'bias' || /^b[qkvo12]$/.test(leaf)) data = new Float32Array(size);
    else {
      // Items start near zero: an item the sampled softmax rarely draws as a negative must not
      // keep a large random vector, or its random u·v outranks real candidates at full ranking.
      const std = name === 'items' ? 0.01 : name === 'positions' ? 0.02 : 1 / Math.sqrt(d);
      data = tf.tidy(() => tf.randomNormal(shape, 0, std, 'float32', seed * 1009 + i).dataSync() as Float32Array);
    }
    return { name, shape, data };
  });
}

/**
 * Trains a SASRec encoder with sampled (or full) softmax cross-entropy and Adam, on the
 * leave-one-out training part of `sequences` (items[:-2] of users with ≥ 3 items, everything of
 * shorter users); picks the epoch with the best validation NDCG@10 (item[-2]); never sees the
 * test item (item[-1]). Deterministic for a seed on one backend.
 */
export async function trainSasrec(sequences: number[][], itemCount: number, partial: Partial<SasrecTrainOptions> = {}): Promise<TrainedSasrec> {
  const o: SasrecTrainOptions = { ...SASREC_DEFAULTS, ...partial };
  const config: SasrecConfig = { itemCount, dim: o.dim, maxLen: o.maxLen, blocks: o.blocks, heads: o.heads };
  if (o.dim % o.heads !== 0) throw new RangeError(`dim ${o.dim} is not a multiple of heads ${o.heads}`);
  const split = leaveOneOut(sequences);
  const train = (o.fitAll ? sequences : split.train).filter((s) => s.length >= 2).map((s) => s.slice(-(o.maxLen + 1)));
  if (train.length === 0) throw new RangeError('no sequence has two or more training items');
  const sampler = new Rng(o.seed ^ 0x5eed);
  let validation = o.fitAll ? [] : split.validation;
  if (o.validationUsers > 0 && validation.length > o.validationUsers) {
    validation = sampler
      .shuffle([...validation])
      .slice(0, o.validationUsers)
      .sort((a, b) => a.user - b.user);
  }

  const key = runKey({
    config,
    ...o,
    initial: o.initial !== undefined,
    checkpoint: undefined,
    onBatch: undefined,
    onEpoch: undefined,
    sequences: train.length,
  });
  let state: CheckpointState = { key, epoch: 0, step: 0, rng: o.seed >>> 0, best: -1, bestEpoch: 0, stale: 0, log: [] };
  let initial = o.initial ?? initialTensors(config, o.seed);
  if (o.initial) {
    const expected = initialTensors({ ...config, itemCount: 1 }, o.seed).map((t) => t.name);
    for (const name of expected) if (!o.initial.some((t) => t.name === name)) throw new RangeError(`the initial weights lack ${name}`);
    if (o.initial.find((t) => t.name === 'items')!.shape.join() !== `${itemCount},${o.dim}`)
      throw new RangeError(`the initial item table is not ${itemCount} × ${o.dim}`);
  }
  let best: NamedTensor[] = initial;
  let optimizerBytes: Uint8Array | undefined;
  let resumed = false;
  const saved = await o.checkpoint?.read('state.json');
  if (saved) {
    const s = JSON.parse(new TextDecoder().decode(saved)) as CheckpointState;
    const weights = await o.checkpoint!.read('weights.bin');
    const bestBytes = await o.checkpoint!.read('best.bin');
    optimizerBytes = await o.checkpoint!.read('optimizer.bin');
    if (runKey(JSON.parse(s.key) as Record<string, unknown>) === key && weights && bestBytes && optimizerBytes) {
      state = s;
      initial = [...unpackTensors(weights).tensors.values()];
      best = [...unpackTensors(bestBytes).tensors.values()];
      resumed = true;
    } else optimizerBytes = undefined;
  }

  const variables = new Map(initial.map((t) => [t.name, tf.variable(tf.tensor(t.data, t.shape, 'float32'), true)]));
  const weights = Object.fromEntries(variables) as unknown as SasrecTensors;
  const varList = [...variables.values()];
  const optimizer = tf.train.adam(o.learningRate, 0.9, 0.98);
  if (optimizerBytes) {
    const { tensors } = unpackTensors(optimizerBytes);
    const list = [...tensors.values()];
    await optimizer.setWeights(list.map((t) => ({ name: t.name, tensor: tf.tensor(t.data, t.shape, 'float32') })));
  }
  const snapshot = (): NamedTensor[] => [...variables].map(([name, v]) => ({ name, shape: v.shape, data: (v.dataSync() as Float32Array).slice() }));

  // Share of each item among training targets: the in-batch sampler's distribution.
  const targetShare = new Float64Array(itemCount);
  let targetCount = 0;
  for (const s of train) for (let k = 1; k < s.length; k++, targetCount++) targetShare[s[k]!]!++;
  for (let i = 0; i < itemCount; i++) targetShare[i]! /= targetCount;
  const rng = new Rng(state.rng);
  try {
    for (let epoch = state.epoch; epoch < o.epochs && (o.fitAll || state.stale < o.patience); epoch++) {
      const started = performance.now();
      const plan = planBatches(train, o.batchSize, o.maxTokens, o.maxLen, rng);
      const batches = plan.length;
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        const chosen = plan[b]!.map((i) => train[i]!);
        const negatives = o.negatives > 0 ? sampleNegatives(chosen, o.negatives, itemCount, o.inBatchNegatives ? targetShare : undefined, rng) : undefined;
        const loss = trainStep(weights, config, chosen, negatives, optimizer, varList, o.dropout, o.seed * 100_003 + state.step * 64);
        state.step++;
        const value = (await loss.data())[0]!;
        loss.dispose();
        lossSum += value;
        o.onBatch?.({ epoch, batch: b + 1, batches, loss: lossSum / (b + 1) });
      }
      const metrics = o.fitAll ? { 'HR@10': NaN, 'NDCG@10': NaN } : await validate(weights, config, validation);
      const items = weights.items.dataSync() as Float32Array;
      let largest = 0;
      for (let i = 0; i < items.length; i++) largest = Math.max(largest, Math.abs(items[i]!));
      if (!(largest < 1e4)) throw new Error(`training diverged or the tfjs heap was corrupted: an item weight is ${largest}`);
      const log: EpochLog = { epoch: epoch + 1, loss: lossSum / batches, validation: metrics, seconds: (performance.now() - started) / 1000 };
      state.log.push(log);
      if (o.fitAll || metrics['NDCG@10'] > state.best) {
        state.best = metrics['NDCG@10'];
        state.bestEpoch = epoch + 1;
        state.stale = 0;
        best = snapshot();
      } else state.stale++;
      state.epoch = epoch + 1;
      state.rng = rng.state;
      o.onEpoch?.(log);
      if (o.checkpoint) {
        const adam = await optimizer.getWeights();
        await o.checkpoint.write('weights.bin', packTensors({ kind: 'sasrec-weights' }, snapshot()));
        await o.checkpoint.write('best.bin', packTensors({ kind: 'sasrec-weights' }, best));
        await o.checkpoint.write(
          'optimizer.bin',
          packTensors(
            { kind: 'adam' },
            adam.map((w) => ({ name: w.name, shape: w.tensor.shape, data: Float32Array.from(w.tensor.dataSync()) })),
          ),
        );
        await o.checkpoint.write('state.json', new TextEncoder().encode(JSON.stringify(state)));
      }
    }
  } finally {
    varList.forEach((v) => v.dispose());
    optimizer.dispose();
  }
  return { config, tensors: new Map(best.map((t) => [t.name, t])), log: state.log, bestEpoch: state.bestEpoch, resumed };
}

/**
 * What identifies a run for resuming: everything that shapes the trajectory. The stopping rules
 * (epochs, patience) are left out, so a run can be extended or cut short and still resume.
 */
function runKey(settings: Record<string, unknown>): string {
  const { epochs: _epochs, patience: _patience, ...rest } = settings;
  return JSON.stringify(rest);
}

/** One Adam step on a batch of sequences: each position predicts the next item. Returns the mean loss. */
export function trainStep(
  w: SasrecTensors,
  config: SasrecConfig,
  batch: number[][],
  sampled: BatchNegatives | undefined,
  optimizer: tf.Optimizer,
  varList: tf.Variable[],
  rate: number,
  seed: number,
): tf.Scalar {
  const length = Math.min(config.maxLen, Math.max(...batch.map((s) => s.length - 1)));
  const ids = new Int32Array(batch.length * length).fill(-1);
  const positions: number[] = [];
  const targets: number[] = [];
  batch.forEach((s, i) => {
    const input = s.slice(0, -1).slice(-length);
    const next = s.slice(1).slice(-length);
    const start = i * length + length - input.length;
    ids.set(input, start);
    next.forEach((t, k) => {
      positions.push(start + k);
      targets.push(t);
    });
  });
  return tf.tidy(() => {
    const idsT = tf.tensor2d(ids, [batch.length, length], 'int32');
    const positionsT = tf.tensor1d(positions, 'int32');
    const targetsT = tf.tensor1d(targets, 'int32');
    const negatives = sampled?.items;
    const negativesT = negatives ? tf.tensor1d(negatives, 'int32') : undefined;
    const logQT = sampled ? tf.tensor1d(sampled.logQ) : undefined;
    const targetLogQT = sampled ? tf.tensor1d(Float32Array.from(targets, sampled.logQOf)) : undefined;
    // A sampled "negative" that is the target is not a negative: an additive -1e9 mask, built in
    // JS (a broadcast tf.equal of [M,1] with [1,K] takes ≈0.4 s on tfjs-wasm).
    let hitsT: tf.Tensor2D | undefined;
    if (negatives) {
      const slot = new Map<number, number[]>();
      negatives.forEach((item, k) => slot.set(item, [...(slot.get(item) ?? []), k]));
      const hits = new Float32Array(targets.length * negatives.length);
      targets.forEach((t, m) => slot.get(t)?.forEach((k) => (hits[m * negatives.length + k] = -1e9)));
      hitsT = tf.tensor2d(hits, [targets.length, negatives.length]);
    }
    const bias = w['bias'] as tf.Tensor1D;
    const value = optimizer.minimize(
      () => {
        const hidden = sasrecForward(w, config, idsT, { rate, seed }).reshape([batch.length * length, config.dim]) as tf.Tensor2D;
        const h = gatherRows(hidden, positionsT);
        const positive = tf.add(tf.sum(tf.mul(h, gatherRows(w.items, targetsT)), 1), gatherRows(bias, targetsT));
        let negative: tf.Tensor2D;
        if (negativesT) {
          negative = tf.sub(tf.add(tf.add(matMul(h, tf.transpose(gatherRows(w.items, negativesT))), gatherRows(bias, negativesT)), hitsT!), logQT!);
        } else {
          negative = tf.add(matMul(h, tf.transpose(w.items)), bias);
          // The target's own logit sits in `negative` too: remove it with a one-hot -1e9.
          negative = tf.add(negative, tf.mul(tf.oneHot(targetsT, config.itemCount), -1e9));
        }
        const corrected = targetLogQT ? tf.sub(positive, targetLogQT) : positive;
        const logits = tf.concat([corrected.expandDims(1), negative], 1);
        return tf.mean(tf.sub(logSumExpRows(logits as tf.Tensor2D), corrected)) as tf.Scalar;
      },
      true,
      varList,
    );
    return value!;
  });
}

/**
 * log Σ exp over each row, with the softmax as its gradient: tfjs's own gradient goes through
 * `max`, whose broadcast `equal` takes ≈0.3–0.5 s per step on tfjs-wasm.
 */
const logSumExpRows = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.logSumExp(x, 1),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.mul((dy as tf.Tensor).expandDims(1), tf.softmax(saved[0]!)),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor1D;
