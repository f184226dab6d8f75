import type { CatalogExtras, ItemGraph } from '../catalog/types.js';
import type { Contribution } from '../model/pooling-encoder.js';

/** How much the catalog's item-to-item graphs add to `u·vᵢ + bᵢ`. */
export interface GraphBlend {
  /** × Σⱼ wⱼ · bought-together(j → i) over the pooled history (wⱼ sum to 1). */
  copurchase: number;
  /** × P(i follows the most recent item), from the bought-next graph. */
  transition: number;
  /** × P(i follows the item before the most recent one), from the same graph (default 0: not used). */
  previous?: number;
  /**
   * × Σⱼ COOCCURRENCE_DECAY^dⱼ · cooccurrence(j → i) / its largest value, d = how many engagements
   * came after j: what other shoppers had beside the items of this whole history (default 0: not used).
   */
  cooccurrence?: number;
}

/**
 * Each engagement further back counts this much less in the co-occurrence term. The pooled
 * weights (a week's half-life, most of the weight on the current session) suit the shopper
 * vector, but co-occurrence gains from the older items too: on the validation item of
 * amazon-scientific, the history at 0.9 per step gave NDCG@10 0.113 against 0.101 with the pooled
 * weights (bench/graph-shrinkage.ts).
 */
export const COOCCURRENCE_DECAY = 0.9;

/**
 * The graph weights for the pooling encoder, over graphs whose edges are shrunk by their support
 * (SUPPORT_SHRINKAGE, src/training/item-graphs.ts). Chosen on the validation item only (never on
 * test), one setting for amazon-beauty, amazon-toys and amazon-scientific, by the best mean of each
 * file's NDCG@10 over its best: first bought-together {0, 5, 10, 20, 40} × bought-next {3, 10, 30,
 * 60} × λ {0, 3, 10, 30} → ×40 / ×60, λ = 10; then with the co-occurrence term, bought-together
 * {20, 40, 100} × bought-next {60, 200, 400} × co-occurrence {1, 2, 3, 5} → ×40 / ×60 / ×3; then
 * with bought-next from the item before the newest, bought-together {30, 40, 60} × bought-next
 * {60, 80, 100, 150} × co-occurrence {3, 5} × that term {0, 5, …, 60} → ×40 / ×100 / ×3 / ×30
 * (bench/graph-shrinkage.ts: the numbers of `vitrine evaluate --split valid --models
 * catalog:graphs=fit:copurchase=…:transition=…:cooccurrence=…:previous=…`); see docs/accuracy.md.
 */
export const DEFAULT_GRAPH_BLEND: Readonly<GraphBlend> = { copurchase: 40, transition: 100, cooccurrence: 3, previous: 30 };

/**
 * How much more the graph terms weigh when the shop's SASRec encoder makes u: its logits u·v + b
 * spread far wider across the catalog than the pooled item2vec scores, so the same blend is
 * scaled up rather than re-tuned term by term. Chosen on the validation item only, one setting
 * for amazon-beauty, amazon-toys and amazon-scientific (scales {1, 2, 3, 4, 6, 10, 20}, the rule of
 * DEFAULT_GRAPH_BLEND; free per-term grids peaked at the same proportions): 6, 0.994 of each
 * file's best on average (bench/results/encoder-blend-valid.json; docs/accuracy.md).
 */
export const ENCODER_GRAPH_SCALE = 6;

/** The graph weights when the encoder makes u: DEFAULT_GRAPH_BLEND × ENCODER_GRAPH_SCALE. */
export const DEFAULT_ENCODER_GRAPH_BLEND: Readonly<GraphBlend> = {
  copurchase: DEFAULT_GRAPH_BLEND.copurchase * ENCODER_GRAPH_SCALE,
  transition: DEFAULT_GRAPH_BLEND.transition * ENCODER_GRAPH_SCALE,
  previous: (DEFAULT_GRAPH_BLEND.previous ?? 0) * ENCODER_GRAPH_SCALE,
  cooccurrence: (DEFAULT_GRAPH_BLEND.cooccurrence ?? 0) * ENCODER_GRAPH_SCALE,
};

/** Target row → (history item id → its share of the graph score). Sparse: only graph neighbours. */
export type GraphAffinity = Map<number, Map<string, number>>;

/**
 * The item-to-item part of the score: what shoppers bought together with the items in this
 * history, what they went on to next from the most recent one (and from the one before it), and
 * what they had beside the whole history (co-occurrence). Exact per source item, so
 * explanations can name them. `contributions` in event order, as poolContributions gives them.
 */
export function graphAffinity(contributions: readonly Contribution[], extras: CatalogExtras, blend: GraphBlend = DEFAULT_GRAPH_BLEND): GraphAffinity {
  const out: GraphAffinity = new Map();
  for (const c of contributions) if (c.weight > 0) addEdges(out, extras.graphs?.copurchase, c, blend.copurchase * c.weight);
  if (blend.cooccurrence) addCooccurrence(out, contributions, extras.graphs?.cooccurrence, blend.cooccurrence);
  const last = contributions.at(-1);
  if (last && last.weight > 0) addEdges(out, extras.graphs?.transition, last, blend.transition);
  const before = contributions.at(-2);
  if (blend.previous && before && before.weight > 0) addEdges(out, extras.graphs?.transition, before, blend.previous);
  return out;
}

/** Adds `scale` × each edge from `source.row` to its target's share from `source.itemId`. */
function addEdges(into: GraphAffinity, graph: ItemGraph | undefined, source: Contribution, scale: number): void {
  if (!graph || scale === 0) return;
  for (let k = graph.offsets[source.row]!; k < graph.offsets[source.row + 1]!; k++) {
    const target = graph.rows[k]!;
    const sources = into.get(target) ?? new Map<string, number>();
    sources.set(source.itemId, (sources.get(source.itemId) ?? 0) + scale * graph.weights[k]!);
    into.set(target, sources);
  }
}

/**
 * The co-occurrence term: Σⱼ COOCCURRENCE_DECAY^dⱼ · cooccurrence(j → i) over the history, divided
 * by its largest value so that the best-supported item gets exactly `weight` however long or
 * short the history (on the validation item of amazon-beauty NDCG@10 0.066 against 0.064 for the
 * raw sum at its best weight). Each target keeps its share per source item, for explanations.
 */
function addCooccurrence(out: GraphAffinity, contributions: readonly Contribution[], graph: ItemGraph | undefined, weight: number): void {
  if (!graph) return;
  const term: GraphAffinity = new Map();
  let scale = 1;
  for (let j = contributions.length - 1; j >= 0; j--) {
    const c = contributions[j]!;
    if (c.weight <= 0) continue;
    addEdges(term, graph, c, scale);
    scale *= COOCCURRENCE_DECAY;
  }
  let max = 0;
  for (const sources of term.values()) max = Math.max(max, total(sources));
  if (max <= 0) return;
  for (const [target, sources] of term) {
    const into = out.get(target) ?? new Map<string, number>();
    for (const [id, w] of sources) into.set(id, (into.get(id) ?? 0) + (weight * w) / max);
    out.set(target, into);
  }
}

/** As scorer boosts: one per target row, the sum over its sources. */
export function graphBoosts(affinity: GraphAffinity): Array<{ rows: number[]; weight: number }> {
  return Array.from(affinity, ([row, sources]) => ({ rows: [row], weight: total(sources) }));
}

/** A target's graph term: the sum of its sources' shares. */
const total = (sources: ReadonlyMap<string, number>): number => {
  let sum = 0;
  for (const w of sources.values()) sum += w;
  return sum;
};

/**
 * The whole query for the scorer: `(u·vᵢ + w·bᵢ + graphᵢ) / S`, with S = 1 + the largest graph
 * term of this history. Dividing by one number leaves the ranking as it was, but keeps scores
 * on one scale (the best item near 1 whether or not the history has graph neighbours), so a
 * business rule's weight means the same for every shopper.
 */
export function blendedQuery(
  u: Float32Array,
  biasWeight: number,
  affinity: GraphAffinity,
): { u: Float32Array; biasWeight: number; boosts: Array<{ rows: number[]; weight: number }> } {
  const boosts = graphBoosts(affinity);
  const scale = 1 / (1 + boosts.reduce((max, b) => Math.max(max, b.weight), 0));
  return {
    u: Float32Array.from(u, (x) => x * scale),
    biasWeight: biasWeight * scale,
    boosts: boosts.map((b) => ({ rows: b.rows, weight: b.weight * scale })),
  };
}
