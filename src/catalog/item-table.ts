import { IdIndex, type RowLookup } from './id-index.js';
import { ITEM_FIELDS, type CatalogItem, type ItemField } from '../shared/api-types.js';

/** A string column stored as a dictionary: `codes[row]` is 0 for "none", else `names[code − 1]`. */
export interface Dictionary {
  names: readonly string[];
  codes: Uint32Array;
}

/** A string per row, `undefined` where the item has none. */
export type TextColumn = (row: number) => string | undefined;

/** The columns an ItemTable is made of; numbers are NaN where the item has no value. */
export interface ItemColumns {
  /** The ids, and the id → row lookup (building it checked they are unique). */
  ids: IdIndex;
  /** Metadata fields present besides `id`, in the order items list them. */
  fields: readonly ItemField[];
  title?: TextColumn;
  image?: TextColumn;
  category?: Dictionary;
  brand?: Dictionary;
  price?: Float64Array;
  stock?: Float64Array;
}

/**
 * Item metadata by row, kept as columns. Start-up and the scorer's masks read the columns; an
 * item object is made only when something asks for that row (a recommendation, a filter check),
 * then kept. A catalog of 100k items spent ≈ 100 ms building every object from JSON before.
 */
export class ItemTable {
  readonly size: number;
  readonly columns: Readonly<ItemColumns>;
  /** Item id → row. */
  readonly lookup: RowLookup;
  readonly #items: Array<CatalogItem | undefined>;

  constructor(columns: ItemColumns, items?: readonly CatalogItem[]) {
    this.size = columns.ids.size;
    this.columns = columns;
    this.lookup = columns.ids;
    this.#items = items ? [...items] : new Array<CatalogItem | undefined>(this.size);
  }

  /**
   * Columns of objects the caller already has (a catalog built in memory, a v1/v2 file).
   * @throws {Error} on an empty, duplicate or NUL-holding id (callers wrap it in their own error type).
   */
  static fromItems(items: readonly CatalogItem[]): ItemTable {
    const n = items.length;
    const present = (field: ItemField): boolean => items.some((item) => item[field] !== undefined);
    const fields = ITEM_FIELDS.filter(present);
    const columns: ItemColumns = { ids: IdIndex.fromIds(items.map((item) => item.id)), fields };
    const numbers = (field: 'price' | 'stock'): Float64Array => Float64Array.from(items, (item) => item[field] ?? Number.NaN);
    const text =
      (field: 'title' | 'image'): TextColumn =>
      (row) =>
        items[row]?.[field];
    if (fields.includes('price')) columns.price = numbers('price');
    if (fields.includes('stock')) columns.stock = numbers('stock');
    if (fields.includes('title')) columns.title = text('title');
    if (fields.includes('image')) columns.image = text('image');
    if (fields.includes('category')) columns.category = dictionaryOf(items, 'category', n);
    if (fields.includes('brand')) columns.brand = dictionaryOf(items, 'brand', n);
    return new ItemTable(columns, items);
  }

  id(row: number): string {
    return this.columns.ids.id(row);
  }

  category(row: number): string | undefined {
    return nameAt(this.columns.category, row);
  }

  brand(row: number): string | undefined {
    return nameAt(this.columns.brand, row);
  }

  /** Row `row`'s metadata: made on first request, then the same object. Treat it as read-only. */
  item(row: number): CatalogItem {
    const cached = this.#items[row];
    if (cached) return cached;
    if (!Number.isInteger(row) || row < 0 || row >= this.size) throw new RangeError(`Row ${row} is outside the catalog (0…${this.size - 1}).`);
    const item = this.#build(row);
    this.#items[row] = item;
    return item;
  }

  /**
   * Live price or stock of `rows` (updateItems): NaN clears a value. The column is copied on the
   * first write (a v3 column is a view into the catalog file, which must stay as published, and
   * is cached), or made when the catalog had none; the rows' item objects are made again.
   */
  setNumbers(field: 'price' | 'stock', rows: ArrayLike<number>, values: ArrayLike<number>): void {
    const columns = this.columns as ItemColumns;
    if (!this.#owned.has(field)) {
      columns[field] = columns[field] ? Float64Array.from(columns[field]) : new Float64Array(this.size).fill(Number.NaN);
      if (!columns.fields.includes(field)) columns.fields = ITEM_FIELDS.filter((f) => f === field || columns.fields.includes(f));
      this.#owned.add(field);
    }
    const column = columns[field]!;
    for (let i = 0; i < rows.length; i++) {
      column[rows[i]!] = values[i]!;
      this.#items[rows[i]!] = undefined;
    }
  }

  readonly #owned = new Set<'price' | 'stock'>();

  /** Every item, in row order (makes the objects not made yet). */
  items(): CatalogItem[] {
    return Array.from({ length: this.size }, (_, row) => this.item(row));
  }

  #build(row: number): CatalogItem {
    const c = this.columns;
    const item: CatalogItem = { id: c.ids.id(row) };
    for (const field of c.fields) {
      let value: string | number | undefined;
      if (field === 'price' || field === 'stock') {
        const x = c[field]![row]!;
        value = Number.isNaN(x) ? undefined : x;
      } else if (field === 'category' || field === 'brand') value = nameAt(c[field], row);
      else value = c[field]!(row);
      if (value !== undefined) (item as unknown as Record<string, unknown>)[field] = value;
    }
    return item;
  }
}

function nameAt(dictionary: Dictionary | undefined, row: number): string | undefined {
  const code = dictionary?.codes[row];
  return code ? dictionary.names[code - 1] : undefined;
}

/** Codes in order of first appearance. */
export function dictionaryOf(items: readonly Partial<CatalogItem>[], field: 'category' | 'brand', n: number = items.length): Dictionary {
  const index = new Map<string, number>();
  const codes = new Uint32Array(n);
  for (let row = 0; row < n; row++) {
    const name = items[row]?.[field];
    if (name === undefined || name === '') continue;
    let code = index.get(name);
    if (code === undefined) index.set(name, (code = index.size + 1));
    codes[row] = code;
  }
  return { names: [...index.keys()], codes };
}
