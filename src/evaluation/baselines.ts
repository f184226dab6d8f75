import { cosineNeighbours, type SparseRows } from '../training/cooccurrence.js';
import type { RecommenderModel } from './protocols.js';

export type { SparseRows };

/** Ranks items by how often they occur in the fit sequences (the data it is given, nothing else). */
export class PopularityModel implements RecommenderModel {
  readonly name = 'popularity';
  private counts = new Float32Array(0);

  fit(train: number[][], itemCount: number): void {
    this.counts = new Float32Array(itemCount);
    for (const sequence of train) for (const item of sequence) this.counts[item]!++;
  }

  score(_history: number[], out: Float32Array): void {
    out.set(this.counts);
  }
}

/** Row-normalised first-order transitions: P(next = b | current = a) over consecutive items. */
export function transitionProbabilities(sequences: number[][], itemCount: number): SparseRows {
  const keys: number[] = [];
  for (const s of sequences) for (let i = 0; i + 1 < s.length; i++) if (s[i] !== s[i + 1]) keys.push(s[i]! * itemCount + s[i + 1]!);
  const sorted = Float64Array.from(keys).sort();
  const offsets = new Uint32Array(itemCount + 1);
  const columns: number[] = [];
  const counts: number[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const key = sorted[k]!;
    if (k > 0 && key === sorted[k - 1]) {
      counts[counts.length - 1]!++;
      continue;
    }
    offsets[Math.floor(key / itemCount) + 1]!++;
    columns.push(key % itemCount);
    counts.push(1);
  }
  for (let i = 0; i < itemCount; i++) offsets[i + 1]! += offsets[i]!;
  const weights = new Float32Array(counts.length);
  for (let a = 0; a < itemCount; a++) {
    let total = 0;
    for (let k = offsets[a]!; k < offsets[a + 1]!; k++) total += counts[k]!;
    for (let k = offsets[a]!; k < offsets[a + 1]!; k++) weights[k] = counts[k]! / total;
  }
  return { offsets, columns: Int32Array.from(columns), weights };
}

export interface ItemKnnOptions {
  /** Neighbours kept per item. */
  neighbours: number;
  /** Weight of the history item d steps before the last one is decay^d; 1 weighs the whole history equally. */
  decay: number;
}

/** Item-KNN: score(j) = Σ over history items h of weight(h) · cosine(h, j). */
export class ItemKnnModel implements RecommenderModel {
  readonly name: string;
  private similar: SparseRows = { offsets: new Uint32Array(1), columns: new Int32Array(0), weights: new Float32Array(0) };

  constructor(private readonly options: ItemKnnOptions) {
    this.name = options.decay === 1 ? `item-knn:neighbours=${options.neighbours}` : `item-knn-recency:neighbours=${options.neighbours}:decay=${options.decay}`;
  }

  fit(train: number[][], itemCount: number): void {
    this.similar = cosineNeighbours(train, itemCount, { neighbours: this.options.neighbours });
  }

  score(history: number[], out: Float32Array): void {
    out.fill(0);
    const { offsets, columns, weights } = this.similar;
    let w = 1;
    for (let p = history.length - 1; p >= 0; p--, w *= this.options.decay) {
      const item = history[p]!;
      if (item + 1 >= offsets.length) continue; // not seen in fitting
      for (let k = offsets[item]!; k < offsets[item + 1]!; k++) out[columns[k]!]! += w * weights[k]!;
    }
  }
}

export interface TransitionKnnOptions extends ItemKnnOptions {
  /** Share of the transition score; the rest goes to recency item-KNN. */
  alpha: number;
}

/**
 * What usually comes right after the last item, blended with recency item-KNN:
 * (1 − alpha) · knn / max(knn) + alpha · P(j | last item). Scaling item-KNN to [0, 1] makes
 * alpha mean the same for short and long histories.
 */
export class TransitionKnnModel implements RecommenderModel {
  readonly name: string;
  private readonly knn: ItemKnnModel;
  private next: SparseRows = { offsets: new Uint32Array(1), columns: new Int32Array(0), weights: new Float32Array(0) };

  constructor(private readonly options: TransitionKnnOptions) {
    this.knn = new ItemKnnModel(options);
    this.name = `transition-knn:alpha=${options.alpha}:neighbours=${options.neighbours}:decay=${options.decay}`;
  }

  fit(train: number[][], itemCount: number): void {
    this.knn.fit(train, itemCount);
    this.next = transitionProbabilities(train, itemCount);
  }

  score(history: number[], out: Float32Array): void {
    this.knn.score(history, out);
    let max = 0;
    for (let i = 0; i < out.length; i++) if (out[i]! > max) max = out[i]!;
    const scale = max > 0 ? (1 - this.options.alpha) / max : 0;
    for (let i = 0; i < out.length; i++) out[i]! *= scale;
    const last = history[history.length - 1];
    if (last === undefined || last + 1 >= this.next.offsets.length) return;
    const { offsets, columns, weights } = this.next;
    for (let k = offsets[last]!; k < offsets[last + 1]!; k++) out[columns[k]!]! += this.options.alpha * weights[k]!;
  }
}
