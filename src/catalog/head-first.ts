import { CatalogError } from '../shared/errors.js';
import { encodeCatalog, type CatalogInput } from './codec.js';
import { joinHeadFirst } from './head-first-layout.js';
import { restrictInput } from './select-rows.js';

// Writes head-first files (layout in head-first-layout.ts, docs/catalog-format.md).

/**
 * Rows of the head: the `count` items with the highest popularity prior (what `popular()` ranks
 * by, and so what the first rail shows), best first; ties by row.
 */
export function headRows(bias: Float32Array | undefined, itemCount: number, count: number): Int32Array {
  const rows = Int32Array.from({ length: itemCount }, (_, i) => i);
  if (bias) rows.sort((a, b) => bias[b]! - bias[a]! || a - b);
  return rows.slice(0, Math.min(count, itemCount));
}

/**
 * Writes a head-first file whose head holds the `headItems` most popular items; an ordinary
 * catalog file when `headItems` is 0 or covers the whole catalog (a head would only add bytes).
 */
export async function encodeHeadFirstCatalog(input: CatalogInput, headItems: number): Promise<Uint8Array> {
  const full = await encodeCatalog(input);
  if (!Number.isInteger(headItems) || headItems < 0) throw new CatalogError('CATALOG_CORRUPT', `headItems must be a non-negative integer, got ${headItems}.`);
  if (headItems === 0 || headItems >= input.ids.length) return full;
  const rows = headRows(input.bias, input.ids.length, headItems);
  const head = await encodeCatalog({ ...restrictInput(input, rows), modelId: input.modelId ?? 'unknown' });
  return joinHeadFirst(head, full);
}
