import type { Catalog } from '../catalog/types.js';
import type { StoredEvent } from '../history/events.js';
import { graphAffinity, graphBoosts, type GraphBlend } from '../model/graph-affinity.js';
import { poolContributions, resolveProfileOptions, shopperVector } from '../model/pooling-encoder.js';
import { VitrineError } from '../shared/errors.js';
import { demote, ignoredImpressionDemotions, IGNORED_IMPRESSIONS_THRESHOLD } from '../worker/feedback.js';
import { maximalMarginalRelevance, type Candidate } from '../worker/post-rank.js';
import { topItems } from './metrics.js';
import type { RecommenderModel } from './protocols.js';

/** The on-device recommend() features the evaluator can switch on, as `recommend()` takes them. */
export interface OnDeviceSettings {
  /** MMR diversity, 0..1 (recommend's `diversity`). */
  diversity: number;
  /** 0..1: how much of the popularity prior is removed (recommend's `popularityDebias`). */
  popularityDebias: number;
  /**
   * Simulated feedback: the shopper was shown the top 10 for their history before the last
   * event IGNORED_IMPRESSIONS_THRESHOLD times and engaged with none but that last event.
   */
  feedback: boolean;
  /** The catalog's item-to-item graphs in the score (recommend() uses DEFAULT_GRAPH_BLEND). */
  graphs: GraphBlend;
}

/** Embeddings only, as the pooling encoder alone scores; `catalog:copurchase=1:transition=1` adds the graphs. */
const DEFAULT_SETTINGS: OnDeviceSettings = { diversity: 0, popularityDebias: 0, feedback: false, graphs: { copurchase: 0, transition: 0 } };
/** As recommend(): re-ranking looks at max(4k, 50) candidates, k = 10 here. */
const RERANK_CANDIDATES = 50;
const SHOWN = 10;
/** Offline logs have order but no clock: one event a day, the shopper back a minute after the last. */
const DAY_MS = 86_400_000;

/**
 * The shipped on-device scorer, offline: the weighted-pooling shopper vector over the catalog's
 * embeddings, u·vᵢ + (1 − debias)·bᵢ, ignored-impression penalties and MMR, using the worker's
 * own functions. The catalog must be trained without the evaluated targets (`vitrine train
 * --holdout test|valid`); `fit` only checks that it covers the log.
 */
export class CatalogModel implements RecommenderModel {
  readonly name: string;
  readonly #catalog: Catalog;
  readonly #catalogRow: Int32Array;
  readonly #settings: OnDeviceSettings;
  readonly #profile = resolveProfileOptions();
  #scores = new Float32Array(0);

  /** `catalogRowOf[evaluatorRow]` = the item's catalog row, or −1 when the catalog lacks it. */
  constructor(catalog: Catalog, catalogRowOf: Int32Array, settings: Partial<OnDeviceSettings> = {}, label = 'catalog') {
    this.#catalog = catalog;
    this.#catalogRow = catalogRowOf;
    this.#settings = { ...DEFAULT_SETTINGS, ...settings };
    const s = this.#settings;
    const knobs = [
      s.graphs.copurchase > 0 && `copurchase=${s.graphs.copurchase}`,
      s.graphs.transition > 0 && `transition=${s.graphs.transition}`,
      s.diversity > 0 && `diversity=${s.diversity}`,
      s.popularityDebias > 0 && `debias=${s.popularityDebias}`,
      s.feedback && 'feedback=1',
    ].filter(Boolean);
    this.name = [label, ...knobs].join(':');
  }

  fit(_train: number[][], itemCount: number): void {
    if (itemCount !== this.#catalogRow.length) throw new RangeError('the catalog row map must cover every evaluated item');
  }

  score(history: number[], out: Float32Array): void {
    const demotions = this.#settings.feedback && history.length > 1 ? this.#ignoredImpressions(history) : new Map<number, number>();
    this.#scoreAll(history, out);
    if (this.#settings.diversity <= 0 && demotions.size === 0) return;
    // Demotions and MMR over the best candidates the shopper has not had, as recommend() re-ranks its long list.
    const had = new Set(history);
    const masked = Float32Array.from(out, (s, i) => (had.has(i) ? -Infinity : s));
    const candidates: Candidate[] = topItems(masked, RERANK_CANDIDATES).map((i) => ({ row: i, score: out[i]! }));
    const picked = maximalMarginalRelevance(
      demote(candidates.map((c) => ({ row: this.#catalogRow[c.row]!, score: c.score })), demotions),
      SHOWN,
      this.#settings.diversity,
      this.#catalog.vectors,
      this.#catalog.header.dim,
    );
    const evaluatorRow = new Map(candidates.map((c) => [this.#catalogRow[c.row]!, c.row]));
    // The re-ranked list goes first, in its order; everything else keeps its score below it.
    const top = picked.length > 0 ? Math.max(...candidates.map((c) => c.score)) : 0;
    picked.forEach((p, j) => (out[evaluatorRow.get(p.row)!] = top + (SHOWN - j)));
  }

  /** u·vᵢ + (1 − debias)·bᵢ + graph terms for every evaluated item; −∞ where the catalog lacks it. */
  #scoreAll(history: number[], out: Float32Array): void {
    const { vectors, bias, header } = this.#catalog;
    const dim = header.dim;
    const events = this.#events(history);
    const contributions = poolContributions(events, (id) => this.#catalogRowOfId(id), this.#profile, events.at(-1)!.ts + 60_000);
    const u = shopperVector(contributions, vectors, dim);
    const biasWeight = 1 - this.#settings.popularityDebias;
    if (this.#scores.length !== bias.length) this.#scores = new Float32Array(bias.length);
    const scores = this.#scores;
    for (let r = 0; r < bias.length; r++) {
      let dot = 0;
      for (let j = 0, base = r * dim; j < dim; j++) dot += u[j]! * vectors[base + j]!;
      scores[r] = dot + biasWeight * bias[r]!;
    }
    const graph = this.#settings.graphs;
    const boosts = graph.copurchase > 0 || graph.transition > 0 ? graphBoosts(graphAffinity(contributions, this.#catalog.extras, graph)) : [];
    for (const { rows, weight } of boosts) for (const r of rows) scores[r]! += weight;
    for (let i = 0; i < out.length; i++) {
      const r = this.#catalogRow[i]!;
      out[i] = r < 0 ? -Infinity : scores[r]!;
    }
  }

  /** The top 10 shown for history[:-1], ignored IGNORED_IMPRESSIONS_THRESHOLD times except the item then engaged with. */
  #ignoredImpressions(history: number[]): Map<number, number> {
    const before = history.slice(0, -1);
    const scores = new Float32Array(this.#catalogRow.length);
    this.#scoreAll(before, scores);
    for (const i of before) scores[i] = -Infinity;
    const shown = topItems(scores, SHOWN);
    const events: StoredEvent[] = [];
    let seq = 0;
    for (let n = 0; n < IGNORED_IMPRESSIONS_THRESHOLD; n++) for (const i of shown) events.push({ seq: seq++, ts: seq, type: 'impression', itemId: String(i) });
    events.push({ seq: seq++, ts: seq, type: 'view', itemId: String(history.at(-1)!) });
    return ignoredImpressionDemotions(events, (id) => (this.#catalogRow[Number(id)]! >= 0 ? this.#catalogRow[Number(id)] : undefined));
  }

  #events(history: number[]): StoredEvent[] {
    return history.map((i, n) => ({ seq: n, ts: (n - history.length) * DAY_MS, type: 'view', itemId: String(i) }));
  }

  #catalogRowOfId(id: string): number | undefined {
    const r = this.#catalogRow[Number(id)];
    return r === undefined || r < 0 ? undefined : r;
  }
}

/**
 * `catalog[:copurchase=1][:transition=1][:diversity=0.3][:debias=0.5][:feedback=1]` → a CatalogModel. `label` names the
 * catalog file in the results.
 */
export function createCatalogModel(spec: string, catalog: Catalog, catalogRowOf: Int32Array, label: string): CatalogModel {
  const [name, ...pairs] = spec.trim().split(':');
  if (name !== 'catalog') throw new VitrineError('OPTIONS_INVALID', `not a catalog model spec: "${spec}"`);
  const settings: Partial<OnDeviceSettings> = {};
  const graphs: GraphBlend = { copurchase: 0, transition: 0 };
  for (const pair of pairs) {
    const [key = '', value = ''] = pair.split('=');
    const n = Number(value);
    const max = key === 'copurchase' || key === 'transition' ? 100 : 1;
    if (value === '' || !Number.isFinite(n) || n < 0 || n > max) throw new VitrineError('OPTIONS_INVALID', `catalog: ${key} must be a number in [0, ${max}], got "${value}"`);
    if (key === 'diversity') settings.diversity = n;
    else if (key === 'debias') settings.popularityDebias = n;
    else if (key === 'feedback') settings.feedback = n > 0;
    else if (key === 'copurchase' || key === 'transition') graphs[key] = n;
    else throw new VitrineError('OPTIONS_INVALID', `catalog has no parameter "${key}"; choose copurchase, transition, diversity, debias or feedback`);
  }
  settings.graphs = graphs;
  return new CatalogModel(catalog, catalogRowOf, settings, label);
}
