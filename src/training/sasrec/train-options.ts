// What the SASRec trainer takes and gives: options, defaults, checkpoints, the epoch log.
import type { NamedTensor } from '../../model/sasrec/format.js';
import type { SasrecConfig } from '../../model/sasrec/forward.js';

export interface SasrecTrainOptions {
  dim: number;
  maxLen: number;
  blocks: number;
  heads: number;
  dropout: number;
  learningRate: number;
  /** Sequences per step. */
  batchSize: number;
  /**
   * Most positions (sequences × padded length) per step: long-sequence batches are split, which
   * bounds a step's memory (256 × 50 positions with ≈2,500 candidates is ≈0.5 GB per logits
   * tensor) and its time.
   */
  maxTokens: number;
  /** Uniform negatives shared by a batch (sampled softmax); 0 = full softmax over every item. */
  negatives: number;
  /**
   * Also use the batch's other targets as negatives (popularity-distributed), with the logQ
   * correction of both samplers (Yi et al., RecSys 2019). Ignored for the full softmax.
   */
  inBatchNegatives: boolean;
  /** Most passes over the training sequences. */
  epochs: number;
  /** Stop after this many epochs without a better validation NDCG@10. */
  patience: number;
  seed: number;
  /** Validation users scored after each epoch (a fixed, seeded sample; 0 = all). */
  validationUsers: number;
  /**
   * Refit mode: train on every item of the given sequences for exactly `epochs` epochs, with no
   * validation split and no early stopping, and keep the last epoch. For a final model once the
   * epoch count was chosen on validation (e.g. `vitrine train --holdout test` for the test split).
   */
  fitAll: boolean;
  /** Start from these weights (items, bias and the encoder tensors, trained for this item count) instead of a random start. */
  initial?: NamedTensor[];
  /** Where to keep resumable state; resumes when it holds a checkpoint of the same run. */
  checkpoint?: CheckpointStore;
  onBatch?: (progress: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (log: EpochLog) => void;
}

export const SASREC_DEFAULTS: Omit<SasrecTrainOptions, 'checkpoint' | 'onBatch' | 'onEpoch' | 'initial'> = {
  dim: 64,
  maxLen: 50,
  blocks: 2,
  heads: 1,
  dropout: 0.3,
  learningRate: 1e-3,
  batchSize: 128,
  maxTokens: 4096,
  negatives: 1024,
  inBatchNegatives: true,
  epochs: 60,
  patience: 5,
  seed: 42,
  validationUsers: 0,
  fitAll: false,
};

/** Byte storage for checkpoints (a folder in the CLI, a Map in tests). */
export interface CheckpointStore {
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, bytes: Uint8Array): Promise<void>;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  /** Full-ranking HR@10 / NDCG@10 of the validation item, the user's earlier items masked. */
  validation: { 'HR@10': number; 'NDCG@10': number };
  seconds: number;
}

export interface TrainedSasrec {
  config: SasrecConfig;
  /** Encoder tensors plus `items` [itemCount, dim] and `bias` [itemCount]: the best epoch's. */
  tensors: Map<string, NamedTensor>;
  log: EpochLog[];
  bestEpoch: number;
  /** True when the run was picked up from a checkpoint. */
  resumed: boolean;
}
