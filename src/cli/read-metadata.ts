import { readFileSync } from 'node:fs';
import type { CatalogItem } from '../shared/api-types.js';
import { CliError } from './cli-error.js';
import { readTable } from './read-table.js';

const FIELDS = ['id', 'title', 'price', 'category', 'brand', 'stock', 'image', 'bias', 'popularity'] as const;
type Field = (typeof FIELDS)[number];

export interface ItemMetadata {
  items: Map<string, Partial<CatalogItem>>;
  /** Per-item bias or popularity counts, when the file has them. */
  bias: Map<string, number>;
  popularity: Map<string, number>;
}

/** Parses `title=description,price=median_unit_price_gbp` into a field → column map. */
export function parseColumnMap(spec: string | undefined): Partial<Record<Field, string>> {
  const map: Partial<Record<Field, string>> = {};
  if (!spec) return map;
  for (const pair of spec.split(',')) {
    const [field, column] = pair.split('=').map((s) => s.trim());
    if (!field || !column || !(FIELDS as readonly string[]).includes(field)) {
      throw new CliError(`--columns: "${pair}" is not field=column with a field among ${FIELDS.join(', ')}`);
    }
    map[field as Field] = column;
  }
  return map;
}

/** Reads item metadata from CSV/TSV (optionally .gz) or JSON (an array of objects). */
export function readMetadata(path: string, columnSpec?: string, keep?: (row: Record<string, string>) => boolean): ItemMetadata {
  const map = parseColumnMap(columnSpec);
  const column = (field: Field): string => map[field] ?? field;
  const rows: Array<Record<string, unknown>> = path.endsWith('.json')
    ? (JSON.parse(readTableText(path)) as Array<Record<string, unknown>>)
    : readTable(path).filter((row) => keep?.(row) ?? true);
  const result: ItemMetadata = { items: new Map(), bias: new Map(), popularity: new Map() };
  rows.forEach((row, index) => {
    const id = row[column('id')];
    if (id === undefined || id === null || String(id).length === 0) throw new CliError(`${path}: row ${index + 1} has no ${column('id')}`);
    const item: Partial<CatalogItem> = {};
    const text = (field: 'title' | 'category' | 'brand' | 'image'): void => {
      const value = row[column(field)];
      if (value !== undefined && value !== null && String(value).trim() !== '') item[field] = String(value).trim();
    };
    const number = (field: 'price' | 'stock' | 'bias' | 'popularity'): number | undefined => {
      const value = row[column(field)];
      if (value === undefined || value === null || value === '') return undefined;
      const parsed = Number(value);
      if (!Number.isFinite(parsed)) throw new CliError(`${path}: ${field} of item ${String(id)} is not a number: ${String(value)}`);
      return parsed;
    };
    text('title');
    text('category');
    text('brand');
    text('image');
    const price = number('price');
    if (price !== undefined) item.price = price;
    const stock = number('stock');
    if (stock !== undefined) item.stock = stock;
    const bias = number('bias');
    if (bias !== undefined) result.bias.set(String(id), bias);
    const popularity = number('popularity');
    if (popularity !== undefined) result.popularity.set(String(id), popularity);
    result.items.set(String(id), item);
  });
  return result;
}

function readTableText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
  }
}
