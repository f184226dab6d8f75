import * as tf from '@tensorflow/tfjs';
import { type ItemTable } from '../catalog/item-table.js';
import { itemTable } from '../catalog/catalog-table.js';
import type { Catalog } from '../catalog/types.js';
import { rowAttributes } from './row-attributes.js';
import { MASKED_SCORE, MASKED_THRESHOLD, type MaskSpec } from './mask.js';

import type { RankedRows, Scorer } from './scorer.js';

/**
 * The catalog, resident on the active tfjs backend, and the scoring calls over it.
 * - Uploaded once; every call runs in `tidy` and disposes what it reads back.
 * - Masks (exclusions and filters) are built on the accelerator, so top-k never has to be
 *   re-run or post-filtered on a short list.
 */
export class TensorScorer implements Scorer {
  readonly itemCount: number;
  readonly dim: number;
  readonly #vectors: tf.Tensor2D;
  readonly #bias: tf.Tensor1D;
  readonly #norms: tf.Tensor1D;
  #price: tf.Tensor1D;
  #hasPrice: tf.Tensor1D;
  #inStock: tf.Tensor1D;
  readonly #categoryIndex: tf.Tensor1D;
  readonly #categoryNames: ReadonlyMap<string, number>;
  readonly #brandIndex: tf.Tensor1D;
  readonly #brandNames: ReadonlyMap<string, number>;
  readonly #table: ItemTable;
  #disposed = false;

  constructor(catalog: Catalog, rows?: number) {
    const n = rows ?? catalog.header.itemCount;
    const dim = catalog.header.dim;
    this.itemCount = n;
    this.dim = dim;
    this.#table = itemTable(catalog);
    const attributes = rowAttributes(this.#table, n);
    this.#categoryNames = attributes.indexes.categories;
    this.#brandNames = attributes.indexes.brands;
    const price = Float32Array.from(attributes.price, (p) => (Number.isNaN(p) ? 0 : p));
    const hasPrice = Uint8Array.from(attributes.price, (p) => (Number.isNaN(p) ? 0 : 1));
    const inStock = attributes.outOfStock.map((out) => 1 - out);
    const categoryIndex = Int32Array.from(attributes.category);
    const brandIndex = Int32Array.from(attributes.brand);
    this.#vectors = tf.tensor2d(catalog.vectors.subarray(0, n * dim), [n, dim], 'float32');
    this.#bias = tf.tensor1d(catalog.bias.subarray(0, n), 'float32');
    this.#norms = tf.tidy(() => tf.norm(this.#vectors, 'euclidean', 1).maximum(1e-12) as tf.Tensor1D);
    this.#price = tf.tensor1d(price, 'float32');
    this.#hasPrice = tf.tensor1d(hasPrice, 'bool');
    this.#inStock = tf.tensor1d(inStock, 'bool');
    this.#categoryIndex = tf.tensor1d(categoryIndex, 'int32');
    this.#brandIndex = tf.tensor1d(brandIndex, 'int32');
  }

  /** Top `k` rows by `u·vᵢ + bᵢ` among unmasked items. */
  async recommend(u: Float32Array, k: number, mask: MaskSpec): Promise<RankedRows> {
    this.#assertLive();
    const scores = tf.tidy(() => {
      const bias = mask.biasWeight === undefined || mask.biasWeight === 1 ? this.#bias : this.#bias.mul(mask.biasWeight);
      let raw = tf
        .matMul(this.#vectors, tf.tensor2d(u, [this.dim, 1]))
        .reshape([this.itemCount])
        .add(bias) as tf.Tensor1D;
      const boosts = (mask.boosts ?? []).flatMap(({ rows, weight }) => rows.filter((r) => r >= 0 && r < this.itemCount).map((r) => [r, weight] as const));
      if (boosts.length > 0) {
        // scatterND sums duplicates: several rules on one item add up.
        raw = raw.add(
          tf.scatterND(
            tf.tensor2d(
              Int32Array.from(boosts, ([r]) => r),
              [boosts.length, 1],
              'int32',
            ),
            tf.tensor1d(Float32Array.from(boosts, ([, w]) => w)),
            [this.itemCount],
          ),
        );
      }
      return this.#applyMask(raw, mask);
    });
    return this.#topK(scores, k);
  }

  /** Top `k` rows by cosine similarity to row `row` (the row itself excluded). */
  async similar(row: number, k: number, mask: MaskSpec): Promise<RankedRows> {
    this.#assertLive();
    const scores = tf.tidy(() => {
      const query = tf.gather(this.#vectors, [row]).reshape([this.dim, 1]);
      const dots = tf.matMul(this.#vectors, query).reshape([this.itemCount]);
      const cosine = dots.div(this.#norms).div(tf.gather(this.#norms, [row]));
      return this.#applyMask(cosine as tf.Tensor1D, { ...mask, excludeRows: [...mask.excludeRows, row] });
    });
    return this.#topK(scores, k);
  }

  /** `u·vᵢ + bᵢ` for the given rows, in the given order. */
  async scoreRows(u: Float32Array, rows: Int32Array): Promise<Float32Array> {
    this.#assertLive();
    if (rows.length === 0) return new Float32Array(0);
    const scores = tf.tidy(() => {
      const index = tf.tensor1d(rows, 'int32');
      const picked = tf.gather(this.#vectors, index);
      return tf
        .matMul(picked, tf.tensor2d(u, [this.dim, 1]))
        .reshape([rows.length])
        .add(tf.gather(this.#bias, index));
    });
    try {
      return Float32Array.from(await scores.data());
    } finally {
      scores.dispose();
    }
  }

  #applyMask(scores: tf.Tensor1D, mask: MaskSpec): tf.Tensor1D {
    let valid: tf.Tensor1D | undefined;
    const and = (m: tf.Tensor1D): void => {
      valid = valid ? tf.logicalAnd(valid, m) : m;
    };
    if (mask.inStock) and(this.#inStock);
    if (mask.priceMin !== undefined) and(tf.logicalAnd(this.#hasPrice, tf.greaterEqual(this.#price, mask.priceMin)));
    if (mask.priceMax !== undefined) and(tf.logicalAnd(this.#hasPrice, tf.lessEqual(this.#price, mask.priceMax)));
    // allowed[c] says whether attribute index c passes; index 0 is "no value".
    const attribute = (names: string[], index: ReadonlyMap<string, number>, column: tf.Tensor1D): void => {
      const allowed = new Uint8Array(index.size + 1);
      for (const name of names) {
        const i = index.get(name);
        if (i !== undefined) allowed[i] = 1;
      }
      and(tf.gather(tf.tensor1d(allowed, 'bool'), column) as tf.Tensor1D);
    };
    if (mask.categories !== undefined) attribute(mask.categories, this.#categoryNames, this.#categoryIndex);
    if (mask.brands !== undefined) attribute(mask.brands, this.#brandNames, this.#brandIndex);
    const excluded = mask.excludeRows.filter((r) => r >= 0 && r < this.itemCount);
    if (excluded.length > 0) {
      // scatterND sums duplicate indices, so any count > 0 means excluded.
      const hits = tf.scatterND(tf.tensor2d(Int32Array.from(excluded), [excluded.length, 1], 'int32'), tf.ones([excluded.length], 'int32'), [this.itemCount]);
      and(tf.equal(hits, 0) as tf.Tensor1D);
    }
    return valid ? (tf.where(valid, scores, tf.fill([this.itemCount], MASKED_SCORE)) as tf.Tensor1D) : scores;
  }

  async #topK(scores: tf.Tensor1D, k: number): Promise<RankedRows> {
    const { values, indices } = tf.topk(scores, Math.min(k, this.itemCount));
    scores.dispose();
    try {
      const [top, rows] = await Promise.all([values.data(), indices.data()]);
      let count = 0;
      while (count < top.length && top[count]! > MASKED_THRESHOLD) count++;
      return { rows: Int32Array.from(rows.subarray(0, count)), scores: Float32Array.from(top.subarray(0, count)) };
    } finally {
      values.dispose();
      indices.dispose();
    }
  }

  #assertLive(): void {
    if (this.#disposed) throw new Error('TensorScorer used after dispose');
  }

  /** Live price and stock changed: the three mask tensors are uploaded again (n values, no embedding work). */
  updateRows(rows: Int32Array): void {
    if (rows.length === 0 || this.#disposed) return;
    const attributes = rowAttributes(this.#table, this.itemCount);
    const next = {
      price: tf.tensor1d(
        Float32Array.from(attributes.price, (p) => (Number.isNaN(p) ? 0 : p)),
        'float32',
      ),
      hasPrice: tf.tensor1d(
        Uint8Array.from(attributes.price, (p) => (Number.isNaN(p) ? 0 : 1)),
        'bool',
      ),
      inStock: tf.tensor1d(
        attributes.outOfStock.map((out) => 1 - out),
        'bool',
      ),
    };
    for (const t of [this.#price, this.#hasPrice, this.#inStock]) t.dispose();
    [this.#price, this.#hasPrice, this.#inStock] = [next.price, next.hasPrice, next.inStock];
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const t of [this.#vectors, this.#bias, this.#norms, this.#price, this.#hasPrice, this.#inStock, this.#categoryIndex, this.#brandIndex]) t.dispose();
  }
}
