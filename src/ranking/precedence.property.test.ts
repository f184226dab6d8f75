import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemTable } from '../catalog/item-table.js';
import type { Catalog } from '../catalog/types.js';
import { type BusinessRule, type CatalogItem, type ItemFilters, type RuleTarget } from '../shared/api-types.js';
import { itemPassesFilters, type MaskSpec } from '../engine/mask.js';
import { referenceRecommend } from '../engine/reference-scorer.js';
import { compileRules } from './business-rules.js';
import { composeList, type Pin } from '../ranking/precedence.js';

// Random catalogs, histories, rules, filters, caps and exclusions through the worker's own
// pieces (compileRules → the scorer's mask → reference scorer → composeList), checked against
// an oracle written from the documented precedence (docs/rules.md), not from the code.
export const PROPERTY_RUNS = 10_000;
const DIM = 3;

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const num = fc.double({ min: -1, max: 1, noNaN: true });
const itemArb = fc.record({
  brand: maybe(fc.constantFrom('a', 'b', 'c')),
  category: maybe(fc.constantFrom('x', 'y', 'z')),
  price: maybe(fc.integer({ min: 1, max: 100 })),
  stock: maybe(fc.integer({ min: 0, max: 3 })),
  vector: fc.array(num, { minLength: DIM, maxLength: DIM }),
  bias: num,
});
const filtersArb: fc.Arbitrary<ItemFilters | undefined> = maybe(
  fc.record(
    {
      priceMin: fc.integer({ min: 0, max: 60 }),
      priceMax: fc.integer({ min: 40, max: 110 }),
      inStock: fc.boolean(),
      categories: fc.subarray(['x', 'y', 'z']),
      brands: fc.subarray(['a', 'b', 'c']),
    },
    { requiredKeys: [] },
  ),
);
const whereArb: fc.Arbitrary<RuleTarget> = fc.record(
  {
    categories: fc.subarray(['x', 'y', 'z'], { minLength: 1 }),
    brands: fc.subarray(['a', 'b', 'c'], { minLength: 1 }),
    priceMax: fc.integer({ min: 10, max: 100 }),
  },
  { requiredKeys: [] },
);

const caseArb = fc.array(itemArb, { minLength: 1, maxLength: 24 }).chain((items) => {
  const id = fc.integer({ min: 0, max: items.length + 1 }).map((r) => `i${r}`); // two ids past the end: unknown
  return fc.record({
    items: fc.constant(items),
    u: fc.array(num, { minLength: DIM, maxLength: DIM }),
    k: fc.integer({ min: 1, max: 12 }),
    exclude: fc.array(id, { maxLength: 4 }),
    purchased: fc.array(id, { maxLength: 4 }),
    withdrawn: fc.array(id, { maxLength: 3 }),
    filters: filtersArb,
    filterRules: fc.array(whereArb, { maxLength: 1 }),
    boosts: fc.array(fc.record({ where: whereArb, weight: fc.double({ min: 0, max: 2, noNaN: true }), bury: fc.boolean() }), { maxLength: 2 }),
    pins: fc.array(fc.record({ itemId: id, position: fc.integer({ min: 0, max: 15 }), force: fc.boolean() }), { maxLength: 3 }),
    cap: maybe(fc.record({ perBrand: fc.integer({ min: 1, max: 3 }), perCategory: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] })),
  });
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const catalogItem = (x: Case['items'][number], row: number): CatalogItem => {
  const item: CatalogItem = { id: `i${row}` };
  if (x.brand) item.brand = x.brand;
  if (x.category) item.category = x.category;
  if (x.price !== undefined) item.price = x.price;
  if (x.stock !== undefined) item.stock = x.stock;
  return item;
};

/** The oracle's reading of a rule target. */
const matches = (item: CatalogItem, w: RuleTarget): boolean =>
  (!w.categories || (item.category !== undefined && w.categories.includes(item.category))) &&
  (!w.brands || (item.brand !== undefined && w.brands.includes(item.brand))) &&
  (w.priceMax === undefined || (item.price !== undefined && item.price <= w.priceMax));

function run(c: Case) {
  const items = c.items.map(catalogItem);
  const table = ItemTable.fromItems(items);
  const catalog = {
    header: { itemCount: items.length, dim: DIM },
    vectors: Float32Array.from(c.items.flatMap((x) => x.vector)),
    bias: Float32Array.from(c.items, (x) => x.bias),
    items,
  } as unknown as Catalog;
  const rules: BusinessRule[] = [
    ...c.filterRules.map((where): BusinessRule => ({ action: 'filter', where })),
    ...c.boosts.map((b): BusinessRule => ({ action: b.bury ? 'bury' : 'boost', where: b.where, weight: b.weight })),
    ...c.pins.map((p): BusinessRule => ({ action: 'pin', itemId: p.itemId, position: p.position, force: p.force })),
  ];
  const compiled = compileRules(rules, table);
  // As the worker builds it (api.ts recommend()).
  const rowsOf = (ids: string[]): number[] => ids.flatMap((id) => table.lookup.get(id) ?? []);
  const excluded = new Set([...rowsOf(c.exclude), ...rowsOf(c.purchased), ...rowsOf(c.withdrawn), ...compiled.excludeRows]);
  const mask: MaskSpec = { ...c.filters, excludeRows: [...excluded], boosts: compiled.boosts };
  const ranked = referenceRecommend(catalog, c.u, items.length, mask);
  const realScore = (row: number): number => {
    let s = catalog.bias[row]!;
    for (let j = 0; j < DIM; j++) s += c.u[j]! * catalog.vectors[row * DIM + j]!;
    for (const b of compiled.boosts) if (b.rows.includes(row)) s += b.weight;
    return s;
  };
  const pins: Pin[] = compiled.pins.map((p) => ({ ...p, score: realScore(p.row) }));
  const eligible = (row: number): boolean => !excluded.has(row) && itemPassesFilters(table.item(row), c.filters);
  const { list, pinned } = composeList({
    candidates: Array.from(ranked.rows, (row, i) => ({ row, score: ranked.scores[i]! })),
    pins,
    k: c.k,
    eligible,
    table,
    cap: c.cap,
  });
  return { items, list, pinned, realScore };
}

/** Hard constraints, from the case itself (not from the mask the code built). */
function oracleEligible(c: Case, items: CatalogItem[]): (row: number) => boolean {
  const banned = new Set([...c.exclude, ...c.purchased, ...c.withdrawn]);
  return (row) => {
    const item = items[row]!;
    return !banned.has(item.id) && itemPassesFilters(item, c.filters) && c.filterRules.every((w) => matches(item, w));
  };
}

function check(c: Case): void {
  const { items, list, pinned, realScore } = run(c);
  const hard = oracleEligible(c, items);
  const rows = list.map((x) => x.row);
  const forced = new Set(c.pins.filter((p) => p.force).flatMap((p) => (items.some((i) => i.id === p.itemId) ? [Number(p.itemId.slice(1))] : [])));
  // 1. Every item passes every hard constraint it did not explicitly override.
  for (const row of rows) expect(forced.has(row) || hard(row), `row ${row} breaks a hard constraint`).toBe(true);
  // 2. No duplicates. 3. At most k. 4. Finite scores, and a pin's is its real one.
  expect(new Set(rows).size).toBe(rows.length);
  expect(rows.length).toBeLessThanOrEqual(c.k);
  for (const x of list) expect(Number.isFinite(x.score)).toBe(true);
  for (const x of list) if (pinned.has(x.row)) expect(x.score).toBeCloseTo(realScore(x.row), 5);
  // 5. Order descending except where a pin sits.
  const free = list.filter((x) => !pinned.has(x.row));
  for (let i = 1; i < free.length; i++) expect(free[i - 1]!.score).toBeGreaterThanOrEqual(free[i]!.score);
  // 6. Caps count pins; only forced pins may exceed them.
  for (const [field, cap] of [
    ['brand', c.cap?.perBrand],
    ['category', c.cap?.perCategory],
  ] as const) {
    if (cap === undefined) continue;
    const counts = new Map<string, { forced: number; other: number }>();
    for (const row of rows) {
      const value = items[row]![field];
      if (value === undefined) continue;
      const n = counts.get(value) ?? { forced: 0, other: 0 };
      if (forced.has(row) && pinned.has(row)) n.forced++;
      else n.other++;
      counts.set(value, n);
    }
    for (const n of counts.values()) expect(n.other).toBeLessThanOrEqual(Math.max(0, cap - n.forced));
  }
  // 7. Length = min(k, eligible items) — under caps: nothing eligible left out could still fit.
  const fits = (row: number): boolean =>
    (['brand', 'category'] as const).every((field) => {
      const cap = field === 'brand' ? c.cap?.perBrand : c.cap?.perCategory;
      const value = items[row]![field];
      return cap === undefined || value === undefined || rows.filter((r) => items[r]![field] === value).length < cap;
    });
  const leftOut = items.map((_, r) => r).filter((r) => hard(r) && !rows.includes(r));
  if (rows.length < c.k) expect(leftOut.filter(fits), 'an eligible item was left out of a short list').toEqual([]);
  if (!c.cap) {
    const eligibleCount = items.filter((_, r) => hard(r) || forced.has(r)).length;
    expect(rows.length).toBe(Math.min(c.k, eligibleCount));
    // 8. The unpinned items are the best eligible ones.
    const worst = free.at(-1)?.score ?? Infinity;
    for (const r of leftOut) if (!c.pins.some((p) => p.itemId === items[r]!.id)) expect(realScore(r)).toBeLessThanOrEqual(worst + 1e-5);
  }
  // 9. Pins: an eligible (or forced) pin of the first rule is shown, at min(position, k − 1).
  const first = c.pins[0];
  const firstRow = first ? items.findIndex((i) => i.id === first.itemId) : -1;
  if (first && firstRow >= 0 && (first.force || (hard(firstRow) && !c.cap)) && !c.pins.slice(1).some((p) => p.force)) {
    const at = rows.indexOf(firstRow);
    // A full list puts it exactly there; a short one closes up, so it may sit earlier.
    expect(at).toBeGreaterThanOrEqual(0);
    if (rows.length === c.k) expect(at).toBe(Math.min(first.position, c.k - 1));
    else expect(at).toBeLessThanOrEqual(Math.min(first.position, c.k - 1));
  }
}

describe('rules precedence (docs/rules.md)', () => {
  it(`holds for ${PROPERTY_RUNS.toLocaleString('en')} random catalogs, histories, rules, filters, caps and exclusions`, () => {
    fc.assert(fc.property(caseArb, check), { numRuns: PROPERTY_RUNS, seed: 15 });
  });

  it('a pin at a position ≥ k takes the last slot; an excluded pin is dropped unless forced', () => {
    const c: Case = {
      items: Array.from({ length: 6 }, (_, i) => ({ brand: 'a', category: 'x', price: 10 * (i + 1), stock: 1, vector: [1 - i / 10, 0, 0], bias: 0 })),
      u: [1, 0, 0],
      k: 3,
      exclude: ['i5'],
      purchased: [],
      withdrawn: [],
      filters: undefined,
      filterRules: [],
      boosts: [],
      pins: [{ itemId: 'i4', position: 7, force: false }],
      cap: undefined,
    };
    expect(run(c).list.map((x) => x.row)).toEqual([0, 1, 4]);
    expect(run({ ...c, pins: [{ itemId: 'i5', position: 0, force: false }] }).list.map((x) => x.row)).toEqual([0, 1, 2]);
    expect(run({ ...c, pins: [{ itemId: 'i5', position: 0, force: true }] }).list.map((x) => x.row)).toEqual([5, 0, 1]);
    // Caps count the pin: perBrand 2 leaves room for one more item of brand a.
    expect(run({ ...c, cap: { perBrand: 2 } }).list.map((x) => x.row)).toEqual([0, 4]);
  });
});
