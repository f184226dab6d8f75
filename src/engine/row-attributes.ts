import type { Dictionary, ItemTable } from '../catalog/item-table.js';

/** Category and brand name → code (1-based; 0 is "none"), as the attributes below use them. */
export interface ValueIndexes {
  categories: ReadonlyMap<string, number>;
  brands: ReadonlyMap<string, number>;
}

/** The per-row attributes the scorers' masks read (in-stock, price range, category, brand). */
export interface RowAttributes {
  indexes: ValueIndexes;
  /** NaN where the item has no price. */
  price: Float64Array;
  outOfStock: Uint8Array;
  category: Uint32Array;
  brand: Uint32Array;
}

const indexOf = (dictionary: Dictionary | undefined): Map<string, number> => new Map(dictionary?.names.map((name, i) => [name, i + 1]));

/**
 * The first `rows` rows' attributes, straight from the table's columns: the dictionary codes are
 * the codes the masks compare (this is on the start-up path; no item objects are made).
 */
export function rowAttributes(table: ItemTable, rows: number): RowAttributes {
  const { category, brand, price, stock } = table.columns;
  const outOfStock = new Uint8Array(rows);
  if (stock) for (let i = 0; i < rows; i++) outOfStock[i] = stock[i]! <= 0 ? 1 : 0; // NaN (unknown) counts as in stock
  return {
    indexes: { categories: indexOf(category), brands: indexOf(brand) },
    price: price ? price.subarray(0, rows) : new Float64Array(rows).fill(Number.NaN),
    outOfStock,
    category: category ? category.codes.subarray(0, rows) : new Uint32Array(rows),
    brand: brand ? brand.codes.subarray(0, rows) : new Uint32Array(rows),
  };
}
