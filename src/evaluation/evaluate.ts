import { selfInformation } from './metrics.js';
import { runProtocol, type ProtocolName, type RecommenderModel } from './protocols.js';
import type { LeaveOneOutSplit } from '../training/split.js';

export const SPLITS = ['valid', 'test'] as const;
export type EvaluationSplit = (typeof SPLITS)[number];

/**
 * What the model is fitted on. `train` = items[:-2] of every user; `train+validation` =
 * items[:-1]. Testing normally refits on train+validation; fitting on train only for the test
 * split reproduces the published leak-free popularity check (README "Reproduction check").
 */
export const FIT_SETS = ['train', 'train+validation'] as const;
export type FitSet = (typeof FIT_SETS)[number];

export interface EvaluationOptions {
  protocols: readonly ProtocolName[];
  /** valid: history = items[:-2], target = items[-2]; test: history = items[:-1], target = items[-1]. */
  split: EvaluationSplit;
  /** Fixes the sampled negatives of loo-s99. */
  seed: number;
  /** Default: train for valid, train+validation for test. */
  fitOn?: FitSet;
}

export interface EvaluationResult {
  protocol: ProtocolName;
  split: EvaluationSplit;
  fitOn: FitSet;
  model: string;
  /** Users evaluated. */
  users: number;
  /** HR@5/10/20, NDCG@5/10/20, MRR, Coverage@10, Novelty@10. */
  metrics: Record<string, number>;
  trainSeconds: number;
  evaluateSeconds: number;
}

/** Fits the model once and scores it under each protocol. */
export function evaluateModel(model: RecommenderModel, data: LeaveOneOutSplit, itemCount: number, options: EvaluationOptions): EvaluationResult[] {
  const fitOn = options.fitOn ?? (options.split === 'valid' ? 'train' : 'train+validation');
  // The validation target sits in train+validation: fitting on it would leak the answer.
  if (options.split === 'valid' && fitOn !== 'train') throw new RangeError('the validation split must be fitted on train only');
  const fitStarted = performance.now();
  const fitSequences = fitOn === 'train' ? data.train : data.trainValidation;
  model.fit(fitSequences, itemCount);
  const trainSeconds = (performance.now() - fitStarted) / 1000;
  const cases = options.split === 'valid' ? data.validation : data.test;
  const information = selfInformation(fitSequences, itemCount);
  return options.protocols.map((protocol) => {
    const started = performance.now();
    const metrics = runProtocol(protocol, model, cases, itemCount, options.seed, information);
    return {
      protocol,
      split: options.split,
      fitOn,
      model: model.name,
      users: metrics.count,
      metrics: metrics.summary(),
      trainSeconds,
      evaluateSeconds: (performance.now() - started) / 1000,
    };
  });
}
