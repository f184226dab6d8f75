import { beautySlice } from './beauty-slice.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runProtocol } from '../../evaluation/protocols.js';
import { leaveOneOut } from '../split.js';
import { encodeEncoder } from '../../model/sasrec/format.js';
import { SasrecModel } from '../../evaluation/encoder-models.js';
import { useTrainingBackend } from './backend.js';
import { trainSasrec } from './train-sasrec.js';
import { type SasrecTrainOptions, type CheckpointStore } from './train-options.js';

const slice = beautySlice;

const TINY: Partial<SasrecTrainOptions> = {
  dim: 16,
  maxLen: 20,
  blocks: 1,
  heads: 1,
  dropout: 0.2,
  learningRate: 5e-3,
  batchSize: 128,
  negatives: 256,
  epochs: 4,
  patience: 4,
  seed: 7,
};

describe('trainSasrec on a slice of Amazon Beauty', () => {
  const { sequences, itemCount } = slice(1200);
  beforeAll(async () => {
    await useTrainingBackend('wasm');
  });

  it('lowers the loss, improves on validation, agrees with the evaluator, and is deterministic', async () => {
    const first = await trainSasrec(sequences, itemCount, TINY);
    const losses = first.log.map((e) => e.loss);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! - 0.3);
    const ndcg = first.log.map((e) => e.validation['NDCG@10']);
    expect(Math.max(...ndcg.slice(1))).toBeGreaterThan(ndcg[0]!);

    // `vitrine evaluate`'s path (encoder file + catalog table, one history at a time) scores the
    // best epoch like the trainer's batched validation did.
    const split = leaveOneOut(sequences);
    const model = new SasrecModel({
      encoder: encodeEncoder(first.config, first.tensors),
      vectors: first.tensors.get('items')!.data,
      bias: first.tensors.get('bias')!.data,
    });
    model.fit(split.train, itemCount);
    const ours = runProtocol('loo-full', model, split.validation, itemCount, 1).summary();
    model.dispose();
    const best = first.log[first.bestEpoch - 1]!.validation;
    expect(ours['HR@10']!).toBeCloseTo(best['HR@10'], 2);
    expect(ours['NDCG@10']!).toBeCloseTo(best['NDCG@10'], 2);
    // A learnt ranking, far from chance (10 / items ≈ 0.0014).
    expect(ours['HR@10']!).toBeGreaterThan(0.015);

    const again = await trainSasrec(sequences, itemCount, { ...TINY, epochs: 1 });
    expect(again.log.map((e) => e.loss)).toEqual(losses.slice(0, 1));
    expect(again.log[0]!.validation).toEqual(first.log[0]!.validation);
  }, 120_000);

  it('resumes from a checkpoint to the same result as an uninterrupted run', async () => {
    const files = new Map<string, Uint8Array>();
    const store: CheckpointStore = { read: async (n) => files.get(n), write: async (n, b) => void files.set(n, b) };
    const options = { ...TINY, epochs: 2, patience: 5 };
    const whole = await trainSasrec(sequences, itemCount, options);
    await trainSasrec(sequences, itemCount, { ...options, epochs: 1, checkpoint: store });
    // Stopped after one epoch; the same run with a larger epoch budget picks it up.
    const resumed = await trainSasrec(sequences, itemCount, { ...options, checkpoint: store });
    expect(resumed.resumed).toBe(true);
    // Adam's restored state agrees to float32 rounding, not bit for bit.
    resumed.log.forEach((e, i) => expect(e.loss).toBeCloseTo(whole.log[i]!.loss, 5));
    const a = resumed.tensors.get('items')!.data;
    const b = whole.tensors.get('items')!.data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);
});

describe('trainSasrec refit options', () => {
  const { sequences, itemCount } = slice(400);
  beforeAll(async () => {
    await useTrainingBackend('wasm');
  });

  it('fitAll trains exactly the epoch budget on every item, without validation; initial weights continue a run', async () => {
    const options = { ...TINY, epochs: 2, patience: 1 };
    const fresh = await trainSasrec(sequences, itemCount, options);
    const refit = await trainSasrec(sequences, itemCount, { ...options, fitAll: true });
    expect(refit.log).toHaveLength(2);
    expect(refit.bestEpoch).toBe(2);
    expect(refit.log.every((e) => Number.isNaN(e.validation['NDCG@10']))).toBe(true);
    // More training positions than items[:-2]: the last two items of each sequence are targets too.
    expect(refit.log[0]!.loss).not.toBe(fresh.log[0]!.loss);
    // Continuing from the refit weights starts where it left off, not from scratch.
    const continued = await trainSasrec(sequences, itemCount, { ...options, epochs: 1, fitAll: true, initial: [...refit.tensors.values()] });
    expect(continued.log[0]!.loss).toBeLessThan(refit.log[0]!.loss);
    await expect(trainSasrec(sequences, itemCount + 1, { ...options, initial: [...refit.tensors.values()] })).rejects.toThrow(/item table/);
  }, 120_000);
});
