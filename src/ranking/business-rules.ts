import type { ItemTable } from '../catalog/item-table.js';
import type { BusinessRule, RuleTarget } from '../shared/api-types.js';
import { VitrineError } from '../shared/errors.js';

/** Default score added by a boost (subtracted by a bury): shopper affinities lie in about [-1, 1]. */
export const DEFAULT_RULE_WEIGHT = 0.3;

export interface CompiledRules {
  boosts: Array<{ rows: number[]; weight: number }>;
  /** Rows a `filter` rule leaves out. */
  excludeRows: number[];
  /** In rule order; precedence.ts places them. */
  pins: Array<{ row: number; position: number; force: boolean }>;
  boostedRows: Set<number>;
}

const invalid = (why: string): VitrineError => new VitrineError('OPTIONS_INVALID', `Invalid business rule: ${why}.`);
const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

export function validateRules(rules: unknown): BusinessRule[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules) || rules.length > 100) throw invalid('rules must be an array of at most 100 rules');
  return rules.map((rule: BusinessRule, i) => {
    if (typeof rule !== 'object' || rule === null) throw invalid(`rule ${i} is not an object`);
    if (!['boost', 'bury', 'filter', 'pin'].includes(rule.action)) throw invalid(`rule ${i}: action must be boost, bury, filter or pin`);
    if (rule.action === 'pin') {
      if (typeof rule.itemId !== 'string') throw invalid(`rule ${i}: pin needs an itemId`);
      if (!Number.isInteger(rule.position) || rule.position! < 0) throw invalid(`rule ${i}: pin needs a position ≥ 0`);
      if (rule.force !== undefined && typeof rule.force !== 'boolean') throw invalid(`rule ${i}: force must be a boolean`);
      return rule;
    }
    const w = rule.where;
    if (typeof w !== 'object' || w === null) throw invalid(`rule ${i}: ${rule.action} needs a where`);
    if (w.itemIds !== undefined && !isStrings(w.itemIds)) throw invalid(`rule ${i}: where.itemIds must be strings`);
    if (w.categories !== undefined && !isStrings(w.categories)) throw invalid(`rule ${i}: where.categories must be strings`);
    if (w.brands !== undefined && !isStrings(w.brands)) throw invalid(`rule ${i}: where.brands must be strings`);
    for (const key of ['priceMin', 'priceMax'] as const)
      if (w[key] !== undefined && !Number.isFinite(w[key])) throw invalid(`rule ${i}: where.${key} must be finite`);
    if (rule.weight !== undefined && !(Number.isFinite(rule.weight) && rule.weight >= 0)) throw invalid(`rule ${i}: weight must be a number ≥ 0`);
    return rule;
  });
}

/** Reads the table's columns: a rule over every row makes no item objects. */
function matches(table: ItemTable, row: number, where: RuleTarget): boolean {
  if (where.categories) {
    const category = table.category(row);
    if (category === undefined || !where.categories.includes(category)) return false;
  }
  if (where.brands) {
    const brand = table.brand(row);
    if (brand === undefined || !where.brands.includes(brand)) return false;
  }
  // NaN (no price) fails both comparisons, as an item without a price should.
  const price = table.columns.price?.[row] ?? Number.NaN;
  if (where.priceMin !== undefined && !(price >= where.priceMin)) return false;
  if (where.priceMax !== undefined && !(price <= where.priceMax)) return false;
  return true;
}

/** Catalog rows a rule's `where` selects: its item ids, or every item matching all predicates. */
function targetRows(where: RuleTarget, table: ItemTable): number[] {
  const hasPredicates = where.categories || where.brands || where.priceMin !== undefined || where.priceMax !== undefined;
  if (where.itemIds) {
    const rows = where.itemIds.flatMap((id) => table.lookup.get(id) ?? []);
    return hasPredicates ? rows.filter((r) => matches(table, r, where)) : rows;
  }
  const rows: number[] = [];
  for (let row = 0; row < table.size; row++) if (matches(table, row, where)) rows.push(row);
  return rows;
}

/** Turns the shop's rules into score boosts and masks for the scorer, plus pins for afterwards. */
export function compileRules(rules: readonly BusinessRule[], table: ItemTable): CompiledRules {
  const compiled: CompiledRules = { boosts: [], excludeRows: [], pins: [], boostedRows: new Set() };
  for (const rule of rules) {
    if (rule.action === 'pin') {
      const row = table.lookup.get(rule.itemId!);
      if (row !== undefined) compiled.pins.push({ row, position: rule.position!, force: rule.force === true });
      continue;
    }
    const rows = targetRows(rule.where!, table);
    if (rule.action === 'filter') {
      const keep = new Set(rows);
      for (let row = 0; row < table.size; row++) if (!keep.has(row)) compiled.excludeRows.push(row);
      continue;
    }
    const weight = (rule.weight ?? DEFAULT_RULE_WEIGHT) * (rule.action === 'bury' ? -1 : 1);
    compiled.boosts.push({ rows, weight });
    if (weight > 0) for (const r of rows) compiled.boostedRows.add(r);
  }
  return compiled;
}
