import type { MaskSpec } from '../mask.js';
import type { RowAttributes, ValueIndexes } from '../row-attributes.js';
import type { Layout } from './layout.js';

/** Flag bits of set_mask, as kernel.wat reads them. */
const EXCLUDED = 1;
const IN_STOCK = 2;
const PRICE_MIN = 4;
const PRICE_MAX = 8;
const CATEGORIES = 16;
const BRANDS = 32;

/** Copies the attributes into the kernel's memory at the layout's offsets. */
export function writeRowAttributes(buffer: ArrayBufferLike, layout: Layout, attributes: RowAttributes): void {
  const n = layout.rows;
  new Float64Array(buffer, layout.price, n).set(attributes.price.subarray(0, n));
  new Uint8Array(buffer, layout.attr, n).set(attributes.outOfStock.subarray(0, n));
  new Uint32Array(buffer, layout.category, n).set(attributes.category.subarray(0, n));
  new Uint32Array(buffer, layout.brand, n).set(attributes.brand.subarray(0, n));
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
