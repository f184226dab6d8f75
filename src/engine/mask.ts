import type { CatalogItem, ItemFilters } from '../shared/api-types.js';

export interface MaskSpec extends ItemFilters {
  /** Catalog rows never to return (already bought, the current item…). */
  excludeRows: number[];
  /** Added to the scores of the given rows before top-k (business rules, feedback). */
  boosts?: Array<{ rows: number[]; weight: number }>;
  /** Multiplies the popularity bias (1 − popularity debias). Default 1. */
  biasWeight?: number;
}

/** Score given to masked items; anything at or below MASKED_THRESHOLD is dropped from results. */
export const MASKED_SCORE = -1e30;
export const MASKED_THRESHOLD = -1e29;

/** The filters, item by item: the plain-JS oracle for the tensor masks, and search's post-filter. */
export function itemPassesFilters(item: CatalogItem, filters: ItemFilters | undefined): boolean {
  if (!filters) return true;
  if (filters.inStock && item.stock !== undefined && item.stock <= 0) return false;
  if (filters.priceMin !== undefined && (item.price === undefined || item.price < filters.priceMin)) return false;
  if (filters.priceMax !== undefined && (item.price === undefined || item.price > filters.priceMax)) return false;
  if (filters.categories !== undefined && (item.category === undefined || !filters.categories.includes(item.category))) return false;
  if (filters.brands !== undefined && (item.brand === undefined || !filters.brands.includes(item.brand))) return false;
  return true;
}
