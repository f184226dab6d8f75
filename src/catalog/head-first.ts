import { CatalogError } from '../shared/errors.js';
import { encodeCatalog, type CatalogInput } from './codec.js';
import { joinHeadFirst } from './head-first-layout.js';
import { GRAPH_NAMES, type CatalogExtras, type ItemGraph } from './types.js';

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

/** The catalog input restricted to `rows` (in that order): vectors, bias, metadata, statistics, graphs among them. */
export function restrictInput(input: CatalogInput, rows: Int32Array): CatalogInput {
  const { dim } = input;
  const vectors = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => vectors.set(input.vectors.subarray(row * dim, row * dim + dim), i * dim));
  const pickF = (values: Float32Array): Float32Array => Float32Array.from(rows, (r) => values[r]!);
  const extras: CatalogExtras = {};
  const source = input.extras ?? {};
  if (source.trending) extras.trending = pickF(source.trending);
  if (source.interactions) extras.interactions = Uint32Array.from(rows, (r) => source.interactions![r]!);
  if (source.repeatRate) extras.repeatRate = pickF(source.repeatRate);
  const position = new Map<number, number>();
  rows.forEach((row, i) => position.set(row, i));
  for (const name of GRAPH_NAMES) {
    const graph = source.graphs?.[name];
    if (graph) (extras.graphs ??= {})[name] = restrictGraph(graph, rows, position);
  }
  const out: CatalogInput = { ...input, ids: Array.from(rows, (r) => input.ids[r]!), vectors, extras };
  if (input.bias) out.bias = pickF(input.bias);
  if (input.items) out.items = Array.from(rows, (r) => input.items![r] ?? {});
  return out;
}

/** A neighbour graph among `rows` only: edges to items outside the head are dropped, rows renumbered. */
function restrictGraph(graph: ItemGraph, rows: Int32Array, position: Map<number, number>): ItemGraph {
  const offsets = new Uint32Array(rows.length + 1);
  const kept: number[] = [];
  const weights: number[] = [];
  rows.forEach((row, i) => {
    for (let e = graph.offsets[row]!; e < graph.offsets[row + 1]!; e++) {
      const to = position.get(graph.rows[e]!);
      if (to === undefined) continue;
      kept.push(to);
      weights.push(graph.weights[e]!);
    }
    offsets[i + 1] = kept.length;
  });
  return { offsets, rows: Int32Array.from(kept), weights: Float32Array.from(weights) };
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
