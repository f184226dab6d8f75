import { describe, expect, it } from 'vitest';
import { ItemKnnModel, PopularityModel, transitionProbabilities, TransitionKnnModel, type SparseRows } from './baselines.js';
import { createModel } from './model-specs.js';
import { evaluateModel } from './evaluate.js';
import type { RecommenderModel } from './protocols.js';
import { leaveOneOut } from '../training/split.js';

const row = (m: SparseRows, item: number): Map<number, number> => {
  const out = new Map<number, number>();
  for (let k = m.offsets[item]!; k < m.offsets[item + 1]!; k++) out.set(m.columns[k]!, m.weights[k]!);
  return out;
};
const scores = (model: RecommenderModel, history: number[], itemCount: number): number[] => {
  const out = new Float32Array(itemCount);
  model.score(history, out);
  return Array.from(out);
};

// Users (n = how many contain the item): 0: 2, 1: 2, 2: 2, 3: 1.
const histories = [
  [0, 1],
  [0, 1, 2],
  [2, 3],
];

describe('transitionProbabilities', () => {
  it('row-normalises next-item counts and ignores self-transitions', () => {
    const m = transitionProbabilities(
      [
        [0, 1, 2],
        [0, 1],
        [0, 2],
        [1, 1, 0],
      ],
      3,
    );
    expect(row(m, 0).get(1)).toBeCloseTo(2 / 3, 6);
    expect(row(m, 0).get(2)).toBeCloseTo(1 / 3, 6);
    expect([...row(m, 1)].sort()).toEqual([
      [0, 0.5],
      [2, 0.5],
    ]);
    expect(row(m, 2).size).toBe(0);
  });
});

describe('item-KNN models', () => {
  it('sums similarities to the history, weighting recent items more', () => {
    const plain = new ItemKnnModel({ neighbours: 10, decay: 1 });
    plain.fit(histories, 4);
    const s = scores(plain, [0, 2], 4);
    expect(s[1]).toBeCloseTo(1.5, 6);
    expect(s[3]).toBeCloseTo(Math.SQRT1_2, 6);

    const recent = new ItemKnnModel({ neighbours: 10, decay: 0.5 });
    recent.fit(histories, 4);
    const r = scores(recent, [0, 2], 4); // item 0 is one step back: weight 0.5
    expect(r[1]).toBeCloseTo(0.5 * 1 + 0.5, 6);
    expect(r[2]).toBeCloseTo(0.5 * 0.5, 6);
    expect(r[3]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('blends transitions from the last item with scaled item-KNN', () => {
    const model = new TransitionKnnModel({ neighbours: 10, decay: 1, alpha: 0.5 });
    model.fit(
      [
        [0, 1],
        [0, 1, 2],
        [0, 2],
      ],
      3,
    );
    // knn([0]) = cos(0, ·) = [0, 2/√6, 2/√6], scaled by its max → [0, 1, 1];
    // P(· | 0) = [0, 2/3, 1/3] (0→1 twice, 0→2 once). Half and half:
    const blended = scores(model, [0], 3);
    expect(blended[0]).toBe(0);
    expect(blended[1]).toBeCloseTo(0.5 + 0.5 * (2 / 3), 6);
    expect(blended[2]).toBeCloseTo(0.5 + 0.5 * (1 / 3), 6);
  });

  it('scores an empty history as all zero', () => {
    const model = new TransitionKnnModel({ neighbours: 10, decay: 0.8, alpha: 0.5 });
    model.fit(histories, 4);
    expect(scores(model, [], 4)).toEqual([0, 0, 0, 0]);
  });
});

describe('popularity', () => {
  it('counts only the data it is fitted on: no validation or test item leaks in', () => {
    // Item 9 is only ever a test target, item 8 only a validation target.
    const data = leaveOneOut([
      [0, 1, 8, 9],
      [1, 2, 8, 9],
      [2, 0, 8, 9],
    ]);
    const pop = new PopularityModel();
    evaluateModel(pop, data, 10, { protocols: ['loo-full'], split: 'valid', seed: 1 });
    expect(scores(pop, [], 10).slice(8)).toEqual([0, 0]);
    evaluateModel(pop, data, 10, { protocols: ['loo-full'], split: 'test', seed: 1 });
    expect(scores(pop, [], 10).slice(8)).toEqual([3, 0]);
    evaluateModel(pop, data, 10, { protocols: ['loo-full'], split: 'test', seed: 1, fitOn: 'train' });
    expect(scores(pop, [], 10).slice(8)).toEqual([0, 0]);
  });

  it('refuses to validate a model fitted on the validation items', () => {
    const data = leaveOneOut([[0, 1, 2]]);
    expect(() => evaluateModel(new PopularityModel(), data, 3, { protocols: ['loo-full'], split: 'valid', seed: 1, fitOn: 'train+validation' })).toThrow(
      /train only/,
    );
  });
});

describe('createModel', () => {
  it('reads name[:key=value…] with defaults', () => {
    expect(createModel('popularity').name).toBe('popularity');
    expect(createModel('item-knn:neighbours=50').name).toBe('item-knn:neighbours=50');
    expect(createModel('transition-knn:alpha=0.3').name).toMatch(/^transition-knn:alpha=0\.3:/);
  });

  it('rejects unknown models, parameters and bad values', () => {
    expect(() => createModel('ease')).toThrow(/unknown model/);
    expect(() => createModel('popularity:decay=0.5')).toThrow(/no parameter/);
    expect(() => createModel('item-knn:toString=1')).toThrow(/no parameter/);
    expect(() => createModel('item-knn-recency:decay=2')).toThrow(/decay/);
    expect(() => createModel('item-knn:neighbours=x')).toThrow(/number/);
  });
});
