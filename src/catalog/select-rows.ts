import type { CatalogInput } from './codec.js';
import { GRAPH_NAMES, type CatalogExtras, type ItemGraph } from './types.js';

// A catalog input cut down to, or reordered as, a list of its rows: the head of a head-first
// file (head-first.ts) and the list order of a clustered file (ivf-build.ts).

/**
 * The catalog input restricted to `rows` (in that order): vectors, bias, metadata, statistics,
 * graphs among them. A permutation of every row reorders the catalog. The clustered-rows index is
 * not carried: it describes one order.
 */
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
