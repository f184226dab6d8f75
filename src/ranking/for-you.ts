import type { CatalogExtras } from '../catalog/types.js';
import type { Contribution } from '../model/pooling-encoder.js';
import { blendedQuery, DEFAULT_ENCODER_GRAPH_BLEND, DEFAULT_GRAPH_BLEND, graphAffinity, type GraphAffinity, type GraphBlend } from './graph-affinity.js';

/**
 * How many candidates recommend() re-ranks (ignored impressions, caps, diversity) to return
 * `want`: a longer list than it returns, so a demoted or capped item has replacements. The
 * evaluator re-ranks the same number for its top 10.
 */
export const rerankPool = (want: number): number => Math.max(4 * want, 50);

/**
 * The graph weights recommend() uses for a shopper vector from the pooling encoder, or from the
 * shop's encoder when `encoded` (graph-affinity.ts says how each was chosen). The evaluator's
 * `catalog` model with no graph weights given scores with this too.
 */
export function defaultGraphBlend(encoded: boolean): Readonly<GraphBlend> {
  return encoded ? DEFAULT_ENCODER_GRAPH_BLEND : DEFAULT_GRAPH_BLEND;
}

/**
 * The For-you query: the shopper vector `u` (pooled, or the shop's encoder's when `encoded`),
 * the catalog's item-to-item graphs at the weights chosen for that encoder's score scale
 * (graph-affinity.ts), and the popularity prior at `1 − popularityDebias`.
 */
export function forYouQuery(
  u: Float32Array,
  contributions: readonly Contribution[],
  extras: CatalogExtras,
  options: { encoded: boolean; popularityDebias: number },
): { affinity: GraphAffinity; query: ReturnType<typeof blendedQuery> } {
  const affinity = graphAffinity(contributions, extras, defaultGraphBlend(options.encoded));
  return { affinity, query: blendedQuery(u, 1 - options.popularityDebias, affinity) };
}

/** Weight of the shopper's affinity (u·v + b) against the normalised text score (0–1) in search(). */
export const SEARCH_AFFINITY_WEIGHT = 0.5;
/** Lexical candidates re-ranked by affinity in search(). */
export const SEARCH_CANDIDATES = 200;

/** Search hits re-ranked: text score / best text score + SEARCH_AFFINITY_WEIGHT · affinity (when personal); ties keep the text order. */
export function blendSearch(
  hits: ReadonlyArray<{ row: number; score: number }>,
  affinity: ArrayLike<number> | undefined,
  k: number,
): Array<{ row: number; score: number }> {
  const best = hits[0]?.score ?? 1;
  return hits
    .map((hit, i) => ({ row: hit.row, score: hit.score / best + (affinity ? SEARCH_AFFINITY_WEIGHT * affinity[i]! : 0), position: i }))
    .sort((a, b) => b.score - a.score || a.position - b.position)
    .slice(0, k)
    .map(({ row, score }) => ({ row, score }));
}
