/** Users need a training item, a validation item and a test item to be evaluated. */
export const MIN_EVALUATION_LENGTH = 3;

/** One ranking to score: the model sees `history` and should rank `target` high. */
export interface EvaluationCase {
  /** Index of the user's sequence in the input. */
  user: number;
  history: number[];
  target: number;
  /** Everything the user ever interacted with (for sampling negatives they never saw). */
  sequence: number[];
}

/**
 * Leave-one-out split: per user, last item = test, second-to-last = validation, the rest = train.
 * Users too short to evaluate keep their whole sequence in both fit sets: they are never
 * scored, so their items cannot leak into a target.
 */
export interface LeaveOneOutSplit {
  /** Per user: items[:-2] — what a model may see when validating. */
  train: number[][];
  /** Per user: items[:-1] — what a model may see when testing. */
  trainValidation: number[][];
  /** history = items[:-2], target = items[-2]. */
  validation: EvaluationCase[];
  /** history = items[:-1], target = items[-1]. */
  test: EvaluationCase[];
}

export function leaveOneOut(sequences: number[][]): LeaveOneOutSplit {
  const split: LeaveOneOutSplit = { train: [], trainValidation: [], validation: [], test: [] };
  sequences.forEach((sequence, user) => {
    const n = sequence.length;
    if (n < MIN_EVALUATION_LENGTH) {
      split.train.push(sequence);
      split.trainValidation.push(sequence);
      return;
    }
    const train = sequence.slice(0, n - 2);
    const trainValidation = sequence.slice(0, n - 1);
    split.train.push(train);
    split.trainValidation.push(trainValidation);
    split.validation.push({ user, history: train, target: sequence[n - 2]!, sequence });
    split.test.push({ user, history: trainValidation, target: sequence[n - 1]!, sequence });
  });
  return split;
}
