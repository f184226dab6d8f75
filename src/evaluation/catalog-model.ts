import type { Catalog, CatalogExtras } from '../catalog/types.js';
import type { StoredEvent } from '../shared/events.js';
import { graphAffinity, graphBoosts, type GraphBlend } from '../ranking/graph-affinity.js';
import { poolContributions, resolveProfileOptions, shopperVector, type Contribution } from '../model/pooling-encoder.js';
import { historyRows, type SasrecEncoder } from '../model/sasrec/encoder.js';
import { cooccurrenceGraph } from '../training/cooccurrence.js';
import {
  COOCCURRENCE_NEIGHBOURS,
  COOCCURRENCE_SHRINKAGE,
  copurchaseGraph,
  SUPPORT_SHRINKAGE,
  transitionGraph,
  windowBaskets,
} from '../training/item-graphs.js';
import { demote, ignoredImpressionDemotions, IGNORED_IMPRESSIONS_THRESHOLD } from '../ranking/feedback.js';
import { defaultGraphBlend, rerankPool } from '../ranking/for-you.js';
import { maximalMarginalRelevance, type Candidate } from '../ranking/post-rank.js';
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
  /**
   * The catalog's item-to-item graphs in the score. Left out: what recommend() uses for this
   * encoder (defaultGraphBlend); `{ copurchase: 0, transition: 0 }` scores the embeddings alone.
   */
  graphs?: GraphBlend;
  /**
   * The shop's sequence encoder, as recommend() uses it when `encoder:` is given: u is the
   * encoder's output for the history (historyRows, newest maxLen items) instead of the pooled
   * embeddings; the graph terms still come from the pooled contributions.
   */
  encoder?: SasrecEncoder;
  /** The encoder's file, for the model's name (so the recorded command reruns it). */
  encoderFile?: string;
  /**
   * Rebuild the bought-together and bought-next graphs from the fit sequences (items[:-2] for
   * valid, items[:-1] for test) with `vitrine train`'s own functions, instead of reading the
   * catalog's: for catalogs trained on the whole log (e.g. with --encoder sasrec, no --holdout),
   * whose graphs would contain the evaluated items.
   */
  refitGraphs: boolean;
  /** With refitGraphs: the graphs' support shrinkage λ (default SUPPORT_SHRINKAGE, as `vitrine train` writes them). */
  shrinkage?: number;
  /** With refitGraphs: the co-occurrence graph's λ (default COOCCURRENCE_SHRINKAGE). */
  cooccurrenceShrinkage?: number;
}

/** What recommend() does by default: no diversity, no debias, no feedback, the default graph blend for the encoder. */
const DEFAULT_SETTINGS: Omit<OnDeviceSettings, 'graphs'> = { diversity: 0, popularityDebias: 0, feedback: false, refitGraphs: false };
/** Encoder outputs by encoder input (catalog rows joined), per encoder: models sharing an encoder share them. */
const encodedCache = new WeakMap<SasrecEncoder, Map<string, Float32Array>>();
const encodedBy = (encoder: SasrecEncoder): Map<string, Float32Array> => {
  let cache = encodedCache.get(encoder);
  if (!cache) encodedCache.set(encoder, (cache = new Map()));
  return cache;
};
/** Histories encoded per tfjs call by `prepare`. */
const ENCODE_BATCH = 512;
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
  readonly #settings: OnDeviceSettings & { graphs: GraphBlend };
  readonly #profile = resolveProfileOptions();
  #scores = new Float32Array(0);
  #extras: CatalogExtras;

  /** `catalogRowOf[evaluatorRow]` = the item's catalog row, or −1 when the catalog lacks it. */
  constructor(catalog: Catalog, catalogRowOf: Int32Array, settings: Partial<OnDeviceSettings> = {}, label = 'catalog') {
    this.#catalog = catalog;
    this.#catalogRow = catalogRowOf;
    const graphs = settings.graphs ?? { ...defaultGraphBlend(settings.encoder !== undefined) };
    this.#settings = { ...DEFAULT_SETTINGS, ...settings, graphs };
    this.#extras = catalog.extras;
    const s = this.#settings;
    const knobs = [
      s.encoder && `encoder=${s.encoderFile ?? 'given'}`,
      // The embeddings alone say so: a bare `catalog` means the default graph blend.
      s.graphs.copurchase === 0 && s.graphs.transition === 0 && !s.graphs.previous && !s.graphs.cooccurrence && 'copurchase=0:transition=0',
      s.graphs.copurchase > 0 && `copurchase=${s.graphs.copurchase}`,
      s.graphs.transition > 0 && `transition=${s.graphs.transition}`,
      (s.graphs.previous ?? 0) > 0 && `previous=${s.graphs.previous}`,
      (s.graphs.cooccurrence ?? 0) > 0 && `cooccurrence=${s.graphs.cooccurrence}`,
      s.diversity > 0 && `diversity=${s.diversity}`,
      s.popularityDebias > 0 && `debias=${s.popularityDebias}`,
      s.feedback && 'feedback=1',
      s.refitGraphs && 'graphs=fit',
      s.refitGraphs && s.shrinkage !== undefined && `shrink=${s.shrinkage}`,
    ].filter(Boolean);
    this.name = [label, ...knobs].join(':');
  }

  /** The settings this model scores with (as parsed from its spec). */
  get settings(): Readonly<OnDeviceSettings & { graphs: GraphBlend }> {
    return this.#settings;
  }

  fit(train: number[][], itemCount: number): void {
    if (itemCount !== this.#catalogRow.length) throw new RangeError('the catalog row map must cover every evaluated item');
    if (!this.#settings.refitGraphs) return;
    const shrinkage = this.#settings.shrinkage ?? SUPPORT_SHRINKAGE;
    // As `vitrine train` builds them, from the fit sequences in catalog rows.
    const sequences = train.map((s) => s.flatMap((i) => (this.#catalogRow[i]! >= 0 ? [this.#catalogRow[i]!] : [])));
    const n = this.#catalog.header.itemCount;
    this.#extras = {
      ...this.#catalog.extras,
      graphs: {
        copurchase: copurchaseGraph(windowBaskets(sequences), n, { shrinkage }),
        transition: transitionGraph(sequences, n, { shrinkage }),
        cooccurrence: cooccurrenceGraph(sequences, n, {
          neighbours: COOCCURRENCE_NEIGHBOURS,
          shrinkage: this.#settings.cooccurrenceShrinkage ?? COOCCURRENCE_SHRINKAGE,
        }),
      },
    };
  }

  /** Encodes many histories at once (much faster than one by one); score() then reads them. No-op without an encoder. */
  prepare(histories: ReadonlyArray<readonly number[]>): void {
    const encoder = this.#settings.encoder;
    if (!encoder) return;
    const cache = encodedBy(encoder);
    const todo = new Map<string, number[]>();
    for (const h of histories) {
      const rows = this.#encoderRows(h);
      const key = rows.join(',');
      if (!cache.has(key)) todo.set(key, rows);
    }
    const keys = [...todo.keys()];
    const dim = encoder.config.dim;
    for (let start = 0; start < keys.length; start += ENCODE_BATCH) {
      const part = keys.slice(start, start + ENCODE_BATCH);
      const u = encoder.encodeManySync(part.map((k) => todo.get(k)!));
      part.forEach((k, i) => cache.set(k, u.slice(i * dim, (i + 1) * dim)));
    }
  }

  /**
   * The parts of the score for one history, in catalog rows: `base` = u·vᵢ + (1 − debias)·bᵢ
   * (into `base`), and the graph terms with weight 1 each (bought-together, bought-next from the
   * newest item and from the one before), as graphAffinity and graphBoosts compute them. The
   * score is base + copurchase·C + transition·T + previous·P.
   */
  components(
    history: number[],
    base: Float32Array,
  ): Record<'copurchase' | 'transition' | 'previous' | 'cooccurrence', Array<{ rows: number[]; weight: number }>> {
    const contributions = this.#base(history, base);
    return {
      cooccurrence: graphBoosts(graphAffinity(contributions, this.#extras, { copurchase: 0, transition: 0, cooccurrence: 1 })),
      copurchase: graphBoosts(graphAffinity(contributions, this.#extras, { copurchase: 1, transition: 0 })),
      transition: graphBoosts(graphAffinity(contributions, this.#extras, { copurchase: 0, transition: 1 })),
      previous: graphBoosts(graphAffinity(contributions, this.#extras, { copurchase: 0, transition: 0, previous: 1 })),
    };
  }

  score(history: number[], out: Float32Array): void {
    const demotions = this.#settings.feedback && history.length > 1 ? this.#ignoredImpressions(history) : new Map<number, number>();
    this.#scoreAll(history, out);
    if (this.#settings.diversity <= 0 && demotions.size === 0) return;
    // Demotions and MMR over the best candidates the shopper has not had, as recommend() re-ranks its long list.
    const had = new Set(history);
    const masked = Float32Array.from(out, (s, i) => (had.has(i) ? -Infinity : s));
    const candidates: Candidate[] = topItems(masked, rerankPool(SHOWN)).map((i) => ({ row: i, score: out[i]! }));
    const picked = maximalMarginalRelevance(
      demote(
        candidates.map((c) => ({ row: this.#catalogRow[c.row]!, score: c.score })),
        demotions,
      ),
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

  /**
   * HR@10 and NDCG@10 (full ranking, earlier items masked, ties against the target) of
   * `base + copurchase·C + transition·T + previous·P + cooccurrence·K` for every set of graph weights in `grid`, from one
   * encoding per case: what choosing the weights on validation cases needs. Fit the model first.
   */
  graphWeightGrid(
    cases: ReadonlyArray<{ history: number[]; target: number }>,
    grid: readonly GraphBlend[],
  ): Array<GraphBlend & { 'HR@10': number; 'NDCG@10': number }> {
    const n = this.#catalog.header.itemCount;
    const base = new Float32Array(n);
    const copurchase = new Float32Array(n);
    const transition = new Float32Array(n);
    const previous = new Float32Array(n);
    const cooccurrence = new Float32Array(n);
    const totals = grid.map(() => ({ hits: 0, ndcg: 0 }));
    const masked = new Uint8Array(n);
    for (const c of cases) {
      const target = this.#catalogRow[c.target]!;
      if (target < 0) continue; // an item the catalog lacks is never recommended: a miss
      if (c.history.includes(c.target)) {
        // Masked as an earlier item, as the evaluator masks it: every other item ranks above it.
        if (n <= 10) for (const t of totals) ((t.hits += 1), (t.ndcg += 1 / Math.log2(n + 1)));
        continue;
      }
      const parts = this.components(c.history, base);
      const sparse = new Set<number>();
      for (const { rows, weight } of parts.copurchase) for (const r of rows) ((copurchase[r] = weight), sparse.add(r));
      for (const { rows, weight } of parts.transition) for (const r of rows) ((transition[r] = weight), sparse.add(r));
      for (const { rows, weight } of parts.previous) for (const r of rows) ((previous[r] = weight), sparse.add(r));
      for (const { rows, weight } of parts.cooccurrence) for (const r of rows) ((cooccurrence[r] = weight), sparse.add(r));
      for (const i of c.history) if (this.#catalogRow[i]! >= 0) masked[this.#catalogRow[i]!] = 1;
      grid.forEach((w, g) => {
        const p = w.previous ?? 0;
        const k = w.cooccurrence ?? 0;
        const score = (r: number): number => base[r]! + w.copurchase * copurchase[r]! + w.transition * transition[r]! + p * previous[r]! + k * cooccurrence[r]!;
        const t = score(target);
        let rank = 0;
        for (let r = 0; r < n && rank < 10; r++) if (r !== target && masked[r] === 0 && score(r) >= t) rank++;
        if (rank < 10) {
          totals[g]!.hits++;
          totals[g]!.ndcg += 1 / Math.log2(rank + 2);
        }
      });
      for (const r of sparse) copurchase[r] = transition[r] = previous[r] = cooccurrence[r] = 0;
      for (const i of c.history) if (this.#catalogRow[i]! >= 0) masked[this.#catalogRow[i]!] = 0;
    }
    return grid.map((w, g) => ({ ...w, 'HR@10': totals[g]!.hits / cases.length, 'NDCG@10': totals[g]!.ndcg / cases.length }));
  }

  /** u·vᵢ + (1 − debias)·bᵢ + graph terms for every evaluated item; −∞ where the catalog lacks it. */
  #scoreAll(history: number[], out: Float32Array): void {
    if (this.#scores.length !== this.#catalog.bias.length) this.#scores = new Float32Array(this.#catalog.bias.length);
    const scores = this.#scores;
    const contributions = this.#base(history, scores);
    const graph = this.#settings.graphs;
    const boosts =
      graph.copurchase > 0 || graph.transition > 0 || (graph.previous ?? 0) > 0 || (graph.cooccurrence ?? 0) > 0
        ? graphBoosts(graphAffinity(contributions, this.#extras, graph))
        : [];
    for (const { rows, weight } of boosts) for (const r of rows) scores[r]! += weight;
    for (let i = 0; i < out.length; i++) {
      const r = this.#catalogRow[i]!;
      out[i] = r < 0 ? -Infinity : scores[r]!;
    }
  }

  /** u·vᵢ + (1 − debias)·bᵢ per catalog row into `scores`; returns the pooled contributions (the graph terms read them). */
  #base(history: number[], scores: Float32Array): Contribution[] {
    const { vectors, bias, header } = this.#catalog;
    const dim = header.dim;
    const events = this.#events(history);
    const contributions = poolContributions(events, (id) => this.#catalogRowOfId(id), this.#profile, events.at(-1)!.ts + 60_000);
    const u = this.#settings.encoder ? this.#encode(history) : shopperVector(contributions, vectors, dim);
    const biasWeight = 1 - this.#settings.popularityDebias;
    for (let r = 0; r < bias.length; r++) {
      let dot = 0;
      for (let j = 0, base = r * dim; j < dim; j++) dot += u[j]! * vectors[base + j]!;
      scores[r] = dot + biasWeight * bias[r]!;
    }
    return contributions;
  }

  /** The encoder's input as the worker builds it (encoderShopperVector → historyRows). */
  #encoderRows(history: readonly number[]): number[] {
    return historyRows(this.#events(history), (id) => this.#catalogRowOfId(id), this.#settings.encoder!.config.maxLen);
  }

  #encode(history: number[]): Float32Array {
    const rows = this.#encoderRows(history);
    const key = rows.join(',');
    const cache = encodedBy(this.#settings.encoder!);
    let u = cache.get(key);
    if (!u) cache.set(key, (u = this.#settings.encoder!.encodeManySync([rows])));
    return u;
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

  #events(history: readonly number[]): StoredEvent[] {
    return history.map((i, n) => ({ seq: n, ts: (n - history.length) * DAY_MS, type: 'view', itemId: String(i) }));
  }

  /** Frees the encoder's tensors (if any; models that share it lose it too). */
  dispose(): void {
    this.#settings.encoder?.dispose();
  }

  #catalogRowOfId(id: string): number | undefined {
    const r = this.#catalogRow[Number(id)];
    return r === undefined || r < 0 ? undefined : r;
  }
}
