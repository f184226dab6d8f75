import { describe, expect, it } from 'vitest';
import { leaveOneOut } from './split.js';

describe('leaveOneOut', () => {
  const sequences = [
    [1, 2, 3, 4],
    [5, 6],
    [7, 8, 9],
  ];
  const split = leaveOneOut(sequences);

  it('holds out the last item for test and the one before for validation', () => {
    expect(split.test.map((c) => [c.user, c.history, c.target])).toEqual([
      [0, [1, 2, 3], 4],
      [2, [7, 8], 9],
    ]);
    expect(split.validation.map((c) => [c.user, c.history, c.target])).toEqual([
      [0, [1, 2], 3],
      [2, [7], 8],
    ]);
    expect(split.test[0]!.sequence).toEqual([1, 2, 3, 4]);
  });

  it('fits on items[:-2] for validation and items[:-1] for test; short users are kept whole but never scored', () => {
    expect(split.train).toEqual([[1, 2], [5, 6], [7]]);
    expect(split.trainValidation).toEqual([
      [1, 2, 3],
      [5, 6],
      [7, 8],
    ]);
  });

  it('never puts a target in the data its split is fitted on', () => {
    for (const c of split.validation) expect(split.train[c.user]).not.toContain(c.target);
    for (const c of split.test) expect(split.trainValidation[c.user]).not.toContain(c.target);
  });

  it('does not change the input', () => {
    expect(sequences).toEqual([
      [1, 2, 3, 4],
      [5, 6],
      [7, 8, 9],
    ]);
  });
});
