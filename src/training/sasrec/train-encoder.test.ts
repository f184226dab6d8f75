import { beautySlice } from './beauty-slice.js';
import { describe, expect, it } from 'vitest';
import { decodeEncoder } from '../../model/sasrec/format.js';
import { trainEncoder } from './train-encoder.js';
import { trainSasrec } from './train-sasrec.js';

const slice = beautySlice;

describe('trainEncoder: one run ships the best model', () => {
  const { sequences, itemCount } = slice(400);
  const options = {
    dim: 16,
    maxLen: 20,
    blocks: 1,
    heads: 1,
    dropout: 0.2,
    learningRate: 5e-3,
    batchSize: 128,
    negatives: 256,
    epochs: 3,
    patience: 3,
    seed: 7,
  };

  it('chooses the epoch count on validation, then ships a refit on every item for that many epochs', async () => {
    const shipped = await trainEncoder(sequences, itemCount, itemCount, options);
    expect(shipped.log.every((e) => Number.isFinite(e.validation['NDCG@10']))).toBe(true);
    expect(shipped.refit).toHaveLength(shipped.bestEpoch);
    expect(shipped.refit!.every((e) => Number.isNaN(e.validation['NDCG@10']))).toBe(true);
    // The shipped weights are the refit's: the same as training on every item for bestEpoch epochs.
    const refit = await trainSasrec(sequences, itemCount, { ...options, fitAll: true, epochs: shipped.bestEpoch });
    expect(Array.from(shipped.bias)).toEqual(Array.from(refit.tensors.get('bias')!.data));
    expect(decodeEncoder(shipped.bytes, { itemCount, dim: 16 }).header.config.dim).toBe(16);
  }, 180_000);

  it('refit: false ships the validation run', async () => {
    const validated = await trainEncoder(sequences, itemCount, itemCount, { ...options, refit: false });
    expect(validated.refit).toBeUndefined();
    const plain = await trainSasrec(sequences, itemCount, options);
    expect(Array.from(validated.bias)).toEqual(Array.from(plain.tensors.get('bias')!.data));
  }, 180_000);
});
