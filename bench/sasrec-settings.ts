// The SASRec settings the accuracy benchmarks train with, in one place: bench/accuracy.ts (Node
// trainer), bench/pytorch-accuracy.ts and bench/pytorch-throughput.ts (both trainers) share them.

/** Architecture and optimiser, as `vitrine train` and train/python/train.py take them. */
export const SASREC_MODEL = [
  '--dim',
  '64',
  '--max-len',
  '50',
  '--blocks',
  '2',
  '--heads',
  '1',
  '--dropout',
  '0.3',
  '--learning-rate',
  '0.002',
  '--batch-size',
  '256',
  '--negatives',
  '1024',
];

/** Early stopping on the validation item: at most `epochs`, patience 3, 5,000 validation users. */
export const sasrecSchedule = (epochs: string): string[] => ['--encoder-epochs', epochs, '--patience', '3', '--validation-users', '5000'];
