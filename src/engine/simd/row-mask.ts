import type { CatalogItem } from '../../catalog/types.js';
import type { MaskSpec } from '../mask.js';
import type { Layout } from './layout.js';

/** Flag bits of set_mask, as kernel.wat reads them. */
const EXCLUDED = 1;
const IN_STOCK = 2;
const PRICE_MIN = 4;
const PRICE_MAX = 8;
const CATEGORIES = 16;
const BRANDS = 32;

export interface ValueIndexes {
  categories: ReadonlyMap<string, number>;
  brands: ReadonlyMap<string, number>;
}

/** The per-row attributes the kernel's mask check reads, before they go into its memory. */
export interface RowAttributes {
  /** Category and brand value → index (1-based; 0 is "none"), in order of first appearance. */
  indexes: ValueIndexes;
  price: Float64Array;
  outOfStock: Uint8Array;
  category: Int32Array;
  brand: Int32Array;
}

/**
 * One pass over the first `rows` items: each value is looked up once (this is on the start-up
 * path; a catalog of 100k items spent ~70 ms here when indexing and encoding were two passes).
 */
export function encodeRowAttributes(items: readonly CatalogItem[], rows: number): RowAttributes {
  const categories = new Map<string, number>();
  const brands = new Map<string, number>();
  const price = new Float64Array(rows);
  const outOfStock = new Uint8Array(rows);
  const category = new Int32Array(rows);
  const brand = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const item = items[i];
    if (!item) {
      price[i] = Number.NaN;
      continue;
    }
    price[i] = item.price ?? Number.NaN;
    outOfStock[i] = item.stock !== undefined && item.stock <= 0 ? 1 : 0;
    if (item.category !== undefined) {
      let code = categories.get(item.category);
      if (code === undefined) categories.set(item.category, (code = categories.size + 1));
      category[i] = code;
    }
    if (item.brand !== undefined) {
      let code = brands.get(item.brand);
      if (code === undefined) brands.set(item.brand, (code = brands.size + 1));
      brand[i] = code;
    }
  }
  return { indexes: { categories, brands }, price, outOfStock, category, brand };
}

/** Copies the attributes into the kernel's memory at the layout's offsets. */
export function writeRowAttributes(buffer: ArrayBufferLike, layout: Layout, attributes: RowAttributes): void {
  const n = layout.rows;
  new Float64Array(buffer, layout.price, n).set(attributes.price.subarray(0, n));
  new Uint8Array(buffer, layout.attr, n).set(attributes.outOfStock.subarray(0, n));
  new Int32Array(buffer, layout.category, n).set(attributes.category.subarray(0, n));
  new Int32Array(buffer, layout.brand, n).set(attributes.brand.subarray(0, n));
}

/** What set_mask takes, plus the exclusion bits to clear afterwards. */
export interface EncodedMask {
  flags: number;
  priceMin: number;
  priceMax: number;
  /** Bytes of the exclusion bitset that were set. */
  touched: number[];
}

/**
 * Encodes `mask` for one call (flags, exclusion bits, allowed categories and brands). Only the
 * bytes it sets are cleared afterwards (clearExcluded), so no call pays for the whole bitset.
 */
export function encodeMask(buffer: ArrayBufferLike, layout: Layout, indexes: ValueIndexes, mask: MaskSpec): EncodedMask {
  const encoded: EncodedMask = { flags: 0, priceMin: mask.priceMin ?? 0, priceMax: mask.priceMax ?? 0, touched: [] };
  excludeRows(buffer, layout, encoded, mask.excludeRows);
  if (mask.inStock) encoded.flags |= IN_STOCK;
  if (mask.priceMin !== undefined) encoded.flags |= PRICE_MIN;
  if (mask.priceMax !== undefined) encoded.flags |= PRICE_MAX;
  const allow = (names: readonly string[], index: ReadonlyMap<string, number>, at: number): void => {
    const allowed = new Uint8Array(buffer, at, index.size + 1).fill(0);
    for (const name of names) {
      const i = index.get(name);
      if (i !== undefined) allowed[i] = 1;
    }
  };
  if (mask.categories !== undefined) {
    encoded.flags |= CATEGORIES;
    allow(mask.categories, indexes.categories, layout.allowedCategories);
  }
  if (mask.brands !== undefined) {
    encoded.flags |= BRANDS;
    allow(mask.brands, indexes.brands, layout.allowedBrands);
  }
  return encoded;
}

/** Sets the exclusion bits of `rows` (out-of-range rows are ignored, as the reference does). */
export function excludeRows(buffer: ArrayBufferLike, layout: Layout, encoded: EncodedMask, rows: Iterable<number>): void {
  const bits = new Uint8Array(buffer, layout.excluded, Math.ceil(layout.rows / 8));
  for (const row of rows) {
    if (!Number.isInteger(row) || row < 0 || row >= layout.rows) continue;
    bits[row >> 3]! |= 1 << (row & 7);
    encoded.touched.push(row >> 3);
    encoded.flags |= EXCLUDED;
  }
}

/** Clears what encodeMask/excludeRows set; takes the current buffer (growing memory detaches the old). */
export function clearExcluded(buffer: ArrayBufferLike, layout: Layout, encoded: EncodedMask): void {
  const bits = new Uint8Array(buffer, layout.excluded, Math.ceil(layout.rows / 8));
  for (const byte of encoded.touched) bits[byte] = 0;
}
