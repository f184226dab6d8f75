import * as tf from '@tensorflow/tfjs';
import { readCatalogHeader } from '../catalog/codec.js';
import { decodeEncoder } from '../model/sasrec/format.js';
import { encodeHistoriesSync, type SasrecConfig, type SasrecTensors } from '../model/sasrec/forward.js';
import { VitrineError } from '../shared/errors.js';
import { ItemKnnModel, transitionProbabilities, type SparseRows } from './baselines.js';
import type { RecommenderModel } from './protocols.js';

/** What an encoder model scores with: the encoder file and the catalog's float32 item table and bias. */
export interface EncoderArtifacts {
  encoder: Uint8Array;
  vectors: Float32Array;
  bias: Float32Array;
}

/** The item table and bias of a float32 catalog, read synchronously (the evaluator is synchronous). */
export function readCatalogTable(bytes: Uint8Array): { vectors: Float32Array; bias: Float32Array; itemCount: number; dim: number } {
  const { header, bodyOffset } = readCatalogHeader(bytes);
  if (header.dtype !== 'float32') throw new VitrineError('OPTIONS_INVALID', `the encoder models need a float32 catalog, not ${header.dtype}`);
  // Uint8Array's slice copies; a Node Buffer's slice would be a view with a byte offset.
  const body = Uint8Array.prototype.slice.call(bytes, bodyOffset, bodyOffset + header.bodyLength);
  const { itemCount, dim, sections } = header;
  return {
    vectors: new Float32Array(body.buffer, sections.embeddings.offset, itemCount * dim).slice(),
    bias: new Float32Array(body.buffer, sections.bias.offset, itemCount).slice(),
    itemCount,
    dim,
  };
}

/**
 * The SASRec encoder as the worker runs it: score(i) = u·vᵢ + bᵢ with u the encoder output.
 * The encoder is trained once (`vitrine train --encoder sasrec`, on items[:-2] with early
 * stopping on item[-2]); `fit` does not retrain it, so the test item is never seen in training.
 * Shopper vectors are cached per history array, and `prepare` encodes many at once.
 */
export class SasrecModel implements RecommenderModel {
  readonly name: string;
  readonly config: SasrecConfig;
  #weights: SasrecTensors;
  #vectors: Float32Array;
  #bias: Float32Array;
  #cache = new WeakMap<readonly number[], Float32Array>();

  constructor(artifacts: EncoderArtifacts, name = 'sasrec') {
    ensureBackend();
    const dim = artifacts.vectors.length / artifacts.bias.length;
    const { header, tensors } = decodeEncoder(artifacts.encoder, { itemCount: artifacts.bias.length, dim });
    this.config = header.config;
    this.name = name;
    const weights: Record<string, tf.Tensor> = {};
    for (const [key, t] of tensors) weights[key] = tf.tensor(t.data, t.shape, 'float32');
    weights['items'] = tf.tensor2d(artifacts.vectors, [this.config.itemCount, this.config.dim]);
    this.#weights = weights as SasrecTensors;
    this.#vectors = artifacts.vectors;
    this.#bias = artifacts.bias;
  }

  fit(_train: number[][], itemCount: number): void {
    if (itemCount !== this.config.itemCount) {
      throw new VitrineError(
        'OPTIONS_INVALID',
        `the encoder was trained for ${this.config.itemCount} items but the log has ${itemCount}: train it on the same log`,
      );
    }
  }

  /** Encodes many histories in batches (much faster than one by one). */
  prepare(histories: ReadonlyArray<readonly number[]>, batch = 512): void {
    const todo = histories.filter((h) => !this.#cache.has(h));
    for (let start = 0; start < todo.length; start += batch) {
      const part = todo.slice(start, start + batch);
      const u = encodeHistoriesSync(this.#weights, this.config, part);
      part.forEach((h, i) => this.#cache.set(h, u.slice(i * this.config.dim, (i + 1) * this.config.dim)));
    }
  }

  shopperVector(history: readonly number[]): Float32Array {
    let u = this.#cache.get(history);
    if (!u) {
      u = encodeHistoriesSync(this.#weights, this.config, [history]);
      this.#cache.set(history, u);
    }
    return u;
  }

  score(history: number[], out: Float32Array): void {
    const u = this.shopperVector(history);
    const d = this.config.dim;
    const v = this.#vectors;
    for (let i = 0; i < this.config.itemCount; i++) {
      let s = this.#bias[i]!;
      const base = i * d;
      for (let j = 0; j < d; j++) s += u[j]! * v[base + j]!;
      out[i] = s;
    }
  }

  dispose(): void {
    Object.values(this.#weights).forEach((t) => t.dispose());
  }
}

/**
 * The evaluator is synchronous: tfjs must already have a ready backend. Without the wasm
 * backend registered (vitrine evaluate does not load it) that is cpu, which starts at once;
 * bench/accuracy.ts awaits `useTrainingBackend('wasm')` first, for speed.
 */
function ensureBackend(): void {
  tf.backend();
}

export interface BlendWeights {
  /** Share of P(next | last item) from first-order transitions. */
  transition: number;
  /** Share of recency item-KNN (normalised to sum 1). */
  knn: number;
  /**
   * Transitions are also taken from the 2nd and 3rd most recent items, weighted decay^1 and
   * decay^2 against the last item's 1 (weights normalised to sum 1); 0 = the last item only.
   */
  decay: number;
}

/** How many recent items the transition term reads. */
const TRANSITION_STEPS = 3;

/** Chosen on the amazon-beauty validation split (bench/accuracy.ts), never on test. */
export const DEFAULT_BLEND: BlendWeights = { transition: 0.3, knn: 0.1, decay: 0 };

/**
 * The encoder mixed with item-to-item signals a catalog can carry:
 * (1 − t − k) · softmax(u·v + b) + t · P(j | recent items) + k · knn(j) / Σ knn, where
 * P(j | recent items) mixes the transitions from the last three items with weights 1, decay, decay².
 * All three are distributions over items, so the weights mean the same for every history.
 */
export class SasrecBlendModel implements RecommenderModel {
  readonly name: string;
  #next: SparseRows = { offsets: new Uint32Array(1), columns: new Int32Array(0), weights: new Float32Array(0) };
  readonly #knn = new ItemKnnModel({ neighbours: 500, decay: 0.6 });
  #knnScores = new Float32Array(0);

  constructor(
    readonly encoder: SasrecModel,
    readonly weights: BlendWeights = DEFAULT_BLEND,
  ) {
    this.name = `sasrec-blend:transition=${weights.transition}:knn=${weights.knn}:decay=${weights.decay}`;
  }

  fit(train: number[][], itemCount: number): void {
    this.encoder.fit(train, itemCount);
    this.#knn.fit(train, itemCount);
    this.#next = transitionProbabilities(train, itemCount);
    this.#knnScores = new Float32Array(itemCount);
  }

  score(history: number[], out: Float32Array): void {
    this.components(history, out, this.#knnScores);
    blendInto(out, this.#knnScores, this.#next, history, this.weights);
  }

  /** The encoder's log-softmax into `encoder`, raw item-KNN scores into `knn`. */
  components(history: number[], encoder: Float32Array, knn: Float32Array): void {
    this.encoder.score(history, encoder);
    logSoftmaxInPlace(encoder);
    this.#knn.score(history, knn);
  }

  get transitions(): SparseRows {
    return this.#next;
  }
}

function logSoftmaxInPlace(x: Float32Array): void {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i]! > max) max = x[i]!;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i]! - max);
  const shift = max + Math.log(sum);
  for (let i = 0; i < x.length; i++) x[i]! -= shift;
}

let restScratch = new Float64Array(0);

/**
 * out = log((1 − t − k) · p_enc + t · P(· | recent items) + k · knn / Σ knn), where `out` holds
 * the encoder's log-probabilities on entry. Working in logs keeps the encoder's ranking of
 * items that no neighbour mentions: their probabilities underflow float32 (they become 0 and
 * would all tie), their log-probabilities do not.
 */
export function blendInto(out: Float32Array, knn: Float32Array, next: SparseRows, history: readonly number[], w: BlendWeights): void {
  if (restScratch.length !== out.length) restScratch = new Float64Array(out.length);
  const rest = restScratch;
  rest.fill(0);
  let knnSum = 0;
  for (let i = 0; i < knn.length; i++) knnSum += knn[i]!;
  if (knnSum > 0 && w.knn > 0) for (let i = 0; i < knn.length; i++) rest[i] = (w.knn * knn[i]!) / knnSum;
  let norm = 0;
  for (let d = 0; d < TRANSITION_STEPS; d++) norm += w.decay ** d;
  for (let d = 0; d < TRANSITION_STEPS && d < history.length; d++) {
    const item = history[history.length - 1 - d]!;
    const share = (w.transition * w.decay ** d) / norm;
    if (share === 0 || item + 1 >= next.offsets.length) continue;
    for (let j = next.offsets[item]!; j < next.offsets[item + 1]!; j++) rest[next.columns[j]!]! += share * next.weights[j]!;
  }
  const own = 1 - w.transition - w.knn;
  const logOwn = own > 0 ? Math.log(own) : -Infinity;
  for (let i = 0; i < out.length; i++) {
    const r = rest[i]!;
    out[i] = r > 0 ? Math.log(own * Math.exp(out[i]!) + r) : logOwn + out[i]!;
  }
}

/**
 * Picks blend weights by NDCG@10 (full ranking, earlier items masked, ties against the target)
 * on validation cases: the caller passes validation cases and a model fitted on train only.
 */
export function selectBlendWeights(
  model: SasrecBlendModel,
  cases: ReadonlyArray<{ history: number[]; target: number }>,
  itemCount: number,
  grid: readonly BlendWeights[],
): Array<BlendWeights & { 'NDCG@10': number; 'HR@10': number }> {
  const totals = grid.map(() => ({ ndcg: 0, hits: 0 }));
  const encoder = new Float32Array(itemCount);
  const knn = new Float32Array(itemCount);
  const out = new Float32Array(itemCount);
  for (const c of cases) {
    model.components(c.history, encoder, knn);
    grid.forEach((w, g) => {
      out.set(encoder);
      blendInto(out, knn, model.transitions, c.history, w);
      for (const item of c.history) out[item] = -Infinity;
      const target = out[c.target]!;
      let rank = 0;
      for (let i = 0; i < itemCount && rank < 10; i++) if (i !== c.target && out[i]! >= target) rank++;
      if (rank < 10) {
        totals[g]!.hits++;
        totals[g]!.ndcg += 1 / Math.log2(rank + 2);
      }
    });
  }
  return grid.map((w, g) => ({ ...w, 'HR@10': totals[g]!.hits / cases.length, 'NDCG@10': totals[g]!.ndcg / cases.length }));
}

type NodeFs = { readFileSync(path: string): Uint8Array };
/** node:fs without Node types in this (browser-checked) folder; undefined in a browser. */
const nodeFs = (): NodeFs | undefined =>
  (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:fs') as NodeFs | undefined;

/**
 * `sasrec:catalog=PATH[:encoder=PATH]` or
 * `sasrec-blend:catalog=PATH[:encoder=PATH][:transition=0.3][:knn=0.1][:decay=0]`; the encoder defaults
 * to `<catalog>.encoder` (what `vitrine train --encoder sasrec` writes).
 */
export function createEncoderModel(spec: string): RecommenderModel {
  const [name = '', ...pairs] = spec.trim().split(':');
  const params = new Map(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
  for (const key of params.keys())
    if (!['catalog', 'encoder', 'transition', 'knn', 'decay'].includes(key)) throw invalid(`model ${name} has no parameter "${key}"`);
  const catalog = params.get('catalog');
  if (!catalog) throw invalid(`${name} needs catalog=PATH (a catalog trained with --encoder sasrec)`);
  const fs = nodeFs();
  if (!fs) throw invalid(`${name} reads files and runs in Node only`);
  const table = readCatalogTable(fs.readFileSync(catalog));
  const encoder = new SasrecModel({ encoder: fs.readFileSync(params.get('encoder') ?? `${catalog}.encoder`), vectors: table.vectors, bias: table.bias });
  if (name === 'sasrec') return encoder;
  const number = (key: keyof BlendWeights): number => {
    const raw = params.get(key);
    const n = raw === undefined ? DEFAULT_BLEND[key] : Number(raw);
    if (!(n >= 0 && n <= 1)) throw invalid(`${name}: ${key} must be in [0, 1]`);
    return n;
  };
  return new SasrecBlendModel(encoder, { transition: number('transition'), knn: number('knn'), decay: number('decay') });
}

const invalid = (message: string): VitrineError => new VitrineError('OPTIONS_INVALID', message);
