// Test fixtures shared by the SIMD scorer's Node tests (simd-scorer.test.ts, pq4-scan.test.ts):
// items whose metadata every mask kind can select on, and the masks they check. Not shipped.
import type { CatalogItem } from '../../shared/api-types.js';
import type { MaskSpec } from '../mask.js';

/** A seeded linear congruential stream in [0, 1): the tests' vectors, reproducible. */
export function lcg(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296;
}

/** `n` items in 7 categories and 13 brands, with prices and stock, some of each missing. */
export function caseItems(n: number): CatalogItem[] {
  return Array.from({ length: n }, (_, i) => {
    const item: CatalogItem = { id: `i${i}`, category: `c${i % 7}`, stock: i % 5 };
    if (i % 3 !== 0) item.brand = `b${i % 13}`;
    if (i % 11 !== 0) item.price = (i % 50) + 0.5;
    return item;
  });
}

/** No mask; exclusions (some out of range), categories, stock and a price range; brands, a bias weight and boosts. */
export const CASE_MASKS: readonly MaskSpec[] = [
  { excludeRows: [] },
  { excludeRows: [5, 9, 3000, -1, 99_999], categories: ['c1', 'c4', 'nope'], inStock: true, priceMin: 3, priceMax: 30 },
  {
    excludeRows: [],
    brands: ['b1', 'b2', 'b5'],
    biasWeight: 0.3,
    boosts: [
      { rows: [77, 77, 1234], weight: 2 },
      { rows: [1234, 5], weight: -1 },
    ],
  },
];
