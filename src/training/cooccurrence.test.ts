import { describe, expect, it } from 'vitest';
import { neighbours } from '../catalog/extras.js';
import { cooccurrenceGraph, cosineNeighbours, type SparseRows } from './cooccurrence.js';

const row = (m: SparseRows, item: number): Map<number, number> => {
  const out = new Map<number, number>();
  for (let k = m.offsets[item]!; k < m.offsets[item + 1]!; k++) out.set(m.columns[k]!, m.weights[k]!);
  return out;
};

// Users (n = how many contain the item): 0: 2, 1: 2, 2: 2, 3: 1.
// cos(0,1) = 2/√4 = 1, cos(0,2) = cos(1,2) = 1/√4 = 0.5, cos(2,3) = 1/√2.
const histories = [
  [0, 1],
  [0, 1, 2],
  [2, 3],
];

describe('cosineNeighbours', () => {
  it('is the user co-occurrence cosine, without self-similarity', () => {
    const m = cosineNeighbours(histories, 4, { neighbours: 10 });
    expect([...row(m, 0)]).toEqual(
      expect.arrayContaining([
        [1, 1],
        [2, 0.5],
      ]),
    );
    expect(row(m, 0).size).toBe(2);
    expect(row(m, 2).get(3)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(row(m, 3).get(2)).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('keeps only the top neighbours per item', () => {
    const m = cosineNeighbours(histories, 4, { neighbours: 2 });
    const two = row(m, 2);
    expect(two.size).toBe(2);
    expect(two.get(3)).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('counts a user once per item, whatever the repeats', () => {
    const m = cosineNeighbours([[0, 1, 0, 1], [0]], 2, { neighbours: 10 });
    expect(row(m, 0).get(1)).toBeCloseTo(1 / Math.sqrt(2), 6);
  });
});

describe('cooccurrenceGraph', () => {
  it('shrinks by the shoppers a pair shares before choosing the neighbours, best first', () => {
    // n(0) = 4, n(1) = 10, n(4) = 1. cos(0,1) = 3/√40 ≈ 0.474 over three shoppers; cos(0,4) = 1/√4 = 0.5 over one.
    const sequences = [...Array.from({ length: 3 }, () => [0, 1]), ...Array.from({ length: 7 }, () => [1]), [0, 4]];
    const plain = cooccurrenceGraph(sequences, 5, { neighbours: 1 });
    expect(neighbours(plain, 0)).toEqual([{ row: 4, weight: expect.closeTo(0.5, 6) }]);
    const shrunk = cooccurrenceGraph(sequences, 5, { neighbours: 5, shrinkage: 3 });
    const list = neighbours(shrunk, 0);
    expect(list.map((n) => n.row)).toEqual([1, 4]);
    expect(list[0]!.weight).toBeCloseTo((3 / Math.sqrt(40)) * (3 / 6), 6);
    expect(list[1]!.weight).toBeCloseTo(0.5 * (1 / 4), 6);
    expect(neighbours(cooccurrenceGraph(sequences, 5, { neighbours: 1, shrinkage: 3 }), 0).map((n) => n.row)).toEqual([1]);
  });
});
