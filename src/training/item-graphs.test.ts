import { describe, expect, it } from 'vitest';
import { neighbours } from '../catalog/extras.js';
import { copurchaseGraph, shrinkBySupport, transitionGraph } from './item-graphs.js';

describe('support shrinkage of the item-to-item graphs', () => {
  it('multiplies a weight by n / (n + λ), and leaves it alone at λ = 0', () => {
    expect(shrinkBySupport(0.5, 1, 3)).toBeCloseTo(0.125, 10);
    expect(shrinkBySupport(0.5, 9, 1)).toBeCloseTo(0.45, 10);
    expect(shrinkBySupport(0.5, 1, 0)).toBe(0.5);
  });

  it('bought-next: an edge one shopper backs falls below one many back, though P(next) is equal', () => {
    // Item 0 → 1 seen 10 times out of 20 (P = 0.5); item 2 → 3 seen once out of 2 (P = 0.5).
    const sequences = [...Array.from({ length: 10 }, () => [0, 1]), ...Array.from({ length: 10 }, () => [0, 4]), [2, 3], [2, 4]];
    const plain = transitionGraph(sequences, 5, { shrinkage: 0 });
    const shrunk = transitionGraph(sequences, 5, { shrinkage: 3 });
    expect(neighbours(plain, 0)[0]!.weight).toBeCloseTo(neighbours(plain, 2)[0]!.weight, 6);
    expect(neighbours(shrunk, 0).find((n) => n.row === 1)!.weight).toBeCloseTo((0.5 * 10) / 13, 6);
    expect(neighbours(shrunk, 2).find((n) => n.row === 3)!.weight).toBeCloseTo((0.5 * 1) / 4, 6);
  });

  it('bought-together: the cosine weight is shrunk by the number of shared baskets', () => {
    const baskets = [
      [0, 1],
      [0, 1],
      [0, 1],
      [2, 3],
      [2, 3],
    ];
    const plain = copurchaseGraph(baskets, 4, { shrinkage: 0 });
    const shrunk = copurchaseGraph(baskets, 4, { shrinkage: 2 });
    expect(neighbours(plain, 0)[0]!.weight).toBeCloseTo(1, 6);
    expect(neighbours(shrunk, 0)[0]!.weight).toBeCloseTo(3 / 5, 6);
    expect(neighbours(shrunk, 2)[0]!.weight).toBeCloseTo(2 / 4, 6);
  });
});
