import { scratchRowReader, type RowReader } from '../../catalog/embedding-rows.js';
import type { Catalog } from '../../catalog/types.js';
import { MASKED_THRESHOLD, type MaskSpec } from '../mask.js';
import type { RankedRows, Scorer } from '../scorer.js';
import { writeQuery } from './encode.js';
import { writeCatalogBlock } from './write-block.js';
import { createMemory, instantiateKernel, loadSimdKernel, type KernelExports, type KernelMemory, type KernelModule, type ScanFn } from './kernel.js';
import {
  align64,
  BLOCK_BYTES,
  KIND,
  MAX_PAGES,
  planLayout,
  PQ_BLOCK_ROWS,
  ROWS_PER_STEP,
  SCRATCH_HEADROOM,
  WASM_PAGE,
  type Layout,
  type SimdDtype,
} from './layout.js';
import { centroidCatalog, IvfProbe, onlyExcludes } from './ivf-probe.js';
import { writePq4Query } from './pq4-block.js';
import type { Pq4Rows } from '../../catalog/pq.js';
import { readTopK, TOPK_HEADER, topkCapacity } from './top-k.js';
import { quantScale, storedRow, writeSimilarityScales, type StoredBlock } from './stored-rows.js';
import { candidateCount, collectBoosts, exactScores, mergeRanked, refineRecommend, refineSimilar, type Boosts } from './refine.js';
import { clearExcluded, encodeMask, excludeRows, writeRowAttributes } from './row-mask.js';
import { type ItemTable } from '../../catalog/item-table.js';
import { itemTable } from '../../catalog/catalog-table.js';
import { rowAttributes, type ValueIndexes } from '../row-attributes.js';

export interface SimdScorerOptions {
  /**
   * How the block is stored and scanned. Defaults to the catalog file's dtype: a shop that
   * ships an int8 catalog scans int8 (a quarter of float32's bytes), a float32 one scores exactly.
   */
  dtype?: SimdDtype;
  /** Score only the first `rows` items (calibration on a sample). */
  rows?: number;
  /**
   * Re-score the scan's best k + margin rows (refine.ts) from the catalog's float32 rows with the
   * reference's float64 arithmetic: quantised scans then rank as float32 does, and float32 scans
   * resolve near-ties (≈1e-8 apart) that float32 sums cannot. Default true; false: the raw scan.
   */
  refine?: boolean;
}

/**
 * The block's element type for a catalog: its file's, except that a clustered float32 file
 * (`--index ivf`, an approximate similar() already) is scanned as int8, a quarter of the bytes,
 * and its candidates re-ranked from the float32 rows (refine.ts), which int8 scans do not
 * otherwise have: the ranking stays float32's, the scan runs at int8's speed.
 */
export const scanDtype = (catalog: Catalog): SimdDtype => (catalog.header.dtype === 'float32' && catalog.extras.ivf ? 'int8' : catalog.header.dtype);

/** Queries that share one pass over the block in recommendBatch. */
export const BATCH_SLOTS = 32;
const EMPTY: RankedRows = { rows: new Int32Array(0), scores: new Float32Array(0) };

/**
 * The catalog in a WebAssembly memory of its own, scored by a SIMD kernel (kernel.wat) in one
 * pass: masks and the top-k inside the scan, no score vector materialised. Synchronous
 * underneath; the methods are async only to match `Scorer`.
 */
export class SimdScorer implements Scorer {
  readonly itemCount: number;
  readonly dim: number;
  readonly dtype: SimdDtype;
  readonly #layout: Layout;
  readonly #memory: KernelMemory;
  readonly #kernel: KernelExports;
  readonly #scan: ScanFn;
  readonly #indexes: ValueIndexes;
  /** The float32 rows (read one at a time: a quantised catalog is not expanded) and bias, for refining. */
  readonly #refine: { rowOf: RowReader; bias: Float32Array } | undefined;
  /** The float32 rows (decoded one at a time into a reused buffer): re-ranking, and the seed a clustered catalog probes with. */
  readonly #rowOf: RowReader;
  readonly #table: ItemTable;
  /** pq4 catalogs: codebooks (each query's lookup tables) and codes (similar()'s query rows). */
  readonly #pq: Pq4Rows | undefined;
  /** Clustered catalogs (`--index ivf`): the lists similar() probes. */
  readonly #ivf: IvfProbe | undefined;
  #normsReady = false;
  #disposed = false;

  /** Whether the catalog fits one WebAssembly memory (4 GiB) in `options.dtype`; conservative. */
  static fits(catalog: Catalog, options: SimdScorerOptions = {}): boolean {
    const n = Math.min(options.rows ?? catalog.header.itemCount, catalog.header.itemCount);
    const layout = planLayout(options.dtype ?? scanDtype(catalog), n, catalog.header.dim, n, n, catalog.header.pqSubspaces);
    return Math.ceil((layout.scratch + SCRATCH_HEADROOM) / WASM_PAGE) <= MAX_PAGES;
  }

  /** Compiles the kernel (once per realm), then builds the scorer. */
  static async create(catalog: Catalog, options: SimdScorerOptions = {}): Promise<SimdScorer> {
    return new SimdScorer(await loadSimdKernel(), catalog, options);
  }

  /** Synchronous, given the compiled kernel (see loadSimdKernel), e.g. to swap catalogs. */
  constructor(kernel: KernelModule, catalog: Catalog, options: SimdScorerOptions = {}) {
    const n = Math.max(0, Math.min(options.rows ?? catalog.header.itemCount, catalog.header.itemCount));
    const dim = catalog.header.dim;
    this.itemCount = n;
    this.dim = dim;
    this.dtype = options.dtype ?? scanDtype(catalog);
    this.#pq = catalog.quantised?.dtype === 'pq4' ? catalog.quantised : undefined;
    this.#table = itemTable(catalog);
    const attributes = rowAttributes(this.#table, n);
    this.#indexes = attributes.indexes;
    // Rows for re-ranking, read one after another (refine.ts copies the one it keeps).
    this.#rowOf = scratchRowReader(catalog);
    this.#refine = options.refine !== false ? { rowOf: this.#rowOf, bias: catalog.bias } : undefined;
    // A scorer of the first rows only (calibration) scans them all.
    const ivf = catalog.extras.ivf;
    this.#ivf = ivf && n === catalog.header.itemCount ? new IvfProbe(ivf, new SimdScorer(kernel, centroidCatalog(ivf, dim), { refine: false })) : undefined;
    const layout = planLayout(this.dtype, n, dim, this.#indexes.categories.size, this.#indexes.brands.size, this.#pq?.subspaces);
    this.#layout = layout;
    const pages = Math.ceil((layout.scratch + SCRATCH_HEADROOM) / WASM_PAGE);
    if (pages > MAX_PAGES) throw new RangeError(`${n} × ${dim} ${this.dtype} does not fit the 4 GiB of a WebAssembly memory.`);
    this.#memory = createMemory(pages);
    this.#kernel = instantiateKernel(kernel, this.#memory);
    const scans = { float32: this.#kernel.scan_f32, float16: this.#kernel.scan_f16, int8: this.#kernel.scan_i8, pq4: this.#kernel.scan_pq4 };
    this.#scan = scans[this.dtype];

    writeCatalogBlock(this.#memory.buffer, layout, this.dtype, catalog, n, (rows, count, rowBytes) => this.#tileRows(rows, count, rowBytes));
    writeRowAttributes(this.#memory.buffer, layout, attributes);
    this.#kernel.set_rows(n, layout.price, layout.attr, layout.category, layout.brand);
  }

  /**
   * Row-major rows already in the block's element type → the tiled block: staged through the
   * scratch memory a chunk at a time (one native copy each) and tiled by the kernel.
   */
  #tileRows(rows: Float32Array | Uint16Array | Int8Array, n: number, rowBytes: number): void {
    const bytes = new Uint8Array(rows.buffer, rows.byteOffset, n * rowBytes);
    const chunkRows = Math.max(1, Math.floor(SCRATCH_HEADROOM / rowBytes));
    const { scratch, vec, rowBytes: paddedRowBytes } = this.#layout;
    for (let first = 0; first < n; first += chunkRows) {
      const count = Math.min(chunkRows, n - first);
      new Uint8Array(this.#memory.buffer, scratch, count * rowBytes).set(bytes.subarray(first * rowBytes, (first + count) * rowBytes));
      this.#kernel.tile_rows(scratch, vec, first, count, rowBytes, paddedRowBytes);
    }
  }

  /** Bytes of the embedding block the kernel streams per query (the bandwidth bound). */
  get blockBytes(): number {
    const l = this.#layout;
    return this.dtype === 'pq4' ? (l.paddedRows / PQ_BLOCK_ROWS) * l.rowBytes : l.paddedRows * l.rowBytes;
  }

  async recommend(u: Float32Array, k: number, mask: MaskSpec): Promise<RankedRows> {
    return this.recommendBatchSync([u], k, mask)[0]!;
  }

  /** One pass over the block for up to 32 queries at a time: the block is read once per group. */
  async recommendBatch(queries: readonly Float32Array[], k: number, mask: MaskSpec): Promise<RankedRows[]> {
    return this.recommendBatchSync(queries, k, mask);
  }

  /** recommendBatch without the promise: what the benchmark times. */
  recommendBatchSync(queries: readonly Float32Array[], k: number, mask: MaskSpec): RankedRows[] {
    this.#assertLive();
    for (const u of queries) this.#checkQuery(u);
    const out: RankedRows[] = [];
    const refine = this.#refine;
    const biasWeight = mask.biasWeight ?? 1;
    const boosts = collectBoosts(mask.boosts, this.itemCount);
    const scanK = refine ? candidateCount(this.dtype, k, this.itemCount) : k;
    for (let start = 0; start < queries.length; start += BATCH_SLOTS) {
      const group = queries.slice(start, start + BATCH_SLOTS);
      const found = this.#scanGroup(group, [], scanK, mask, { scale: this.#layout.recScale, bias: this.#layout.recBias, biasWeight, boosts });
      out.push(...(refine ? found.map((c, q) => refineRecommend(refine.rowOf, refine.bias, this.dim, group[q]!, c.rows, k, biasWeight, boosts)) : found));
    }
    return refine ? out : out.map((r) => ({ rows: r.rows.slice(0, k), scores: r.scores.slice(0, k) }));
  }

  async similar(row: number, k: number, mask: MaskSpec): Promise<RankedRows> {
    this.#assertLive();
    if (!Number.isInteger(row) || row < 0 || row >= this.itemCount) throw new RangeError(`Row ${row} is outside the catalog (0…${this.itemCount - 1}).`);
    const simScale = this.#ensureNorms();
    const query = storedRow(this.#block(), row);
    // cos = (q·vᵢ) / (‖q‖‖vᵢ‖): 1/‖vᵢ‖ is the per-row scale, 1/‖q‖ joins the query's factor.
    const invNorm = simScale[row]! / Math.abs(quantScale(this.#block(), row));
    // (A zero row: every cosine is 0, which refining computes; the scan's order is then moot.)
    // Cosine has no bias, so bias weight and boosts do not apply (as in the reference).
    const masked: MaskSpec = { ...mask, excludeRows: [...mask.excludeRows, row] };
    const refine = this.#refine;
    const scanK = refine ? candidateCount(this.dtype, k, this.itemCount) : k;
    const scan = (ranges?: Array<[number, number]>): RankedRows =>
      this.#scanGroup(
        [query],
        [Number.isFinite(invNorm) ? invNorm : 0],
        scanK,
        masked,
        { scale: this.#layout.simScale, bias: this.#layout.simBias, biasWeight: 1, boosts: new Map() },
        ranges,
      )[0]!;
    // A clustered catalog scans the lists nearest the seed; if they hold fewer than the candidates
    // wanted (a long exclusion list), every row.
    const ranges =
      this.#ivf && onlyExcludes(mask)
        ? this.#ivf.ranges(this.#rowOf(row), this.dtype === 'pq4' ? PQ_BLOCK_ROWS : ROWS_PER_STEP, this.#layout.paddedRows)
        : undefined;
    let found = scan(ranges);
    if (ranges && found.rows.length < scanK) found = scan();
    return refine ? refineSimilar(refine.rowOf, this.dim, row, found.rows, k) : found;
  }

  async scoreRows(u: Float32Array, rows: Int32Array): Promise<Float32Array> {
    this.#assertLive();
    this.#checkQuery(u);
    if (rows.length === 0) return new Float32Array(0);
    for (const r of rows) if (r < 0 || r >= this.itemCount) throw new RangeError(`Row ${r} is outside the catalog (0…${this.itemCount - 1}).`);
    // Refined scorers return the reference's scores from recommend(); rerank must agree with them.
    if (this.#refine) return Float32Array.from(exactScores(this.#refine.rowOf, this.#refine.bias, this.dim, u, rows));
    const l = this.#layout;
    const queryAt = l.scratch;
    const rowsAt = queryAt + align64(l.queryBytes);
    const outAt = rowsAt + align64(rows.length * 4);
    this.#ensureScratch(outAt + rows.length * 4 - l.scratch);
    const buffer = this.#memory.buffer;
    const g = this.#writeQuery(u, buffer, queryAt);
    new Int32Array(buffer, rowsAt, rows.length).set(rows);
    this.#kernel.set_mask(0, 0, 0, l.excluded, l.allowedCategories, l.allowedBrands, 1); // bias weight 1
    this.#kernel.score_rows(KIND[this.dtype], rowsAt, rows.length, l.vec, l.rowBytes, queryAt, g, l.recScale, l.recBias, outAt);
    return new Float32Array(buffer, outAt, rows.length).slice();
  }

  /** Writes the rows' live price and stock where the kernel's masks read them. */
  updateRows(rows: Int32Array): void {
    const { price, stock } = this.#table.columns;
    const n = this.itemCount;
    const prices = new Float64Array(this.#memory.buffer, this.#layout.price, n);
    const outOfStock = new Uint8Array(this.#memory.buffer, this.#layout.attr, n);
    for (const row of rows) {
      if (row < 0 || row >= n) continue;
      prices[row] = price ? price[row]! : Number.NaN;
      outOfStock[row] = stock && stock[row]! <= 0 ? 1 : 0; // NaN (unknown) counts as in stock
    }
  }

  dispose(): void {
    // Dropping the memory is all there is: nothing lives outside it.
    this.#disposed = true;
  }

  /**
   * Scans the block for each query of a group (≤ BATCH_SLOTS) with one top-k buffer each.
   * Boosted rows are left out of the scan and scored on their own (their boosts added), then
   * merged: every other row's score is unboosted, so the scan's best plus all boosted rows that
   * pass the mask contain the true top-k.
   */
  #scanGroup(
    queries: readonly ArrayLike<number>[],
    factors: readonly number[],
    k: number,
    mask: MaskSpec,
    terms: { scale: number; bias: number; biasWeight: number; boosts: Boosts },
    ranges: Array<[number, number]> = [[0, this.#layout.paddedRows]],
  ): RankedRows[] {
    const l = this.#layout;
    const kk = Math.min(Math.max(0, Math.floor(k)), this.itemCount);
    if (kk === 0 || queries.length === 0) return queries.map(() => EMPTY);
    const boosted = Int32Array.from(terms.boosts.keys());
    const queryStride = align64(l.queryBytes);
    const capacity = topkCapacity(kk);
    const topkStride = align64(TOPK_HEADER + 8 * capacity);
    const topkBase = l.scratch + queries.length * queryStride;
    // One query: a single call over the whole block. Several: blocks that stay in cache while
    // each query reads them, so memory is streamed once for the group. float16 blocks are widened
    // once into float32 scratch, since its scan is bound by the widening, not by memory.
    const widen = this.dtype === 'float16' && queries.length > 1;
    const blockRows =
      queries.length === 1
        ? l.paddedRows
        : this.dtype === 'pq4'
          ? Math.max(1, Math.floor(BLOCK_BYTES / l.rowBytes)) * PQ_BLOCK_ROWS
          : Math.max(4, Math.floor(BLOCK_BYTES / (l.rowBytes * (widen ? 2 : 1)) / 4) * 4);
    const boostedAt = align64(topkBase + queries.length * topkStride);
    const widened = align64(boostedAt + 8 * boosted.length);
    this.#ensureScratch(widened - l.scratch + (widen ? blockRows * l.rowBytes * 2 : 0));
    const buffer = this.#memory.buffer;
    const gs = queries.map((u, q) => this.#writeQuery(u, buffer, l.scratch + q * queryStride) * (factors[q] ?? 1));
    for (let q = 0; q < queries.length; q++) {
      const at = topkBase + q * topkStride;
      new Int32Array(buffer, at, 4).set([0, kk, 0, capacity]);
      new Float32Array(buffer, at + 8, 1)[0] = MASKED_THRESHOLD;
    }
    const m = encodeMask(buffer, l, this.#indexes, mask);
    const setMask = (): void => this.#kernel.set_mask(m.flags, m.priceMin, m.priceMax, l.excluded, l.allowedCategories, l.allowedBrands, terms.biasWeight);
    let extra = new Int32Array(0);
    try {
      setMask();
      if (boosted.length > 0) {
        extra = boosted.filter((r) => this.#kernel.allowed(r) === 1);
        excludeRows(buffer, l, m, boosted);
        setMask();
      }
      for (const [first, last] of ranges)
        for (let row = first; row < last; row += blockRows) {
          const end = Math.min(row + blockRows, last);
          let vec = l.vec;
          let rowBytes = l.rowBytes;
          let scan = this.#scan;
          if (widen) {
            this.#kernel.widen_f16(l.vec + row * l.rowBytes, widened, (end - row) * l.rowBytes);
            rowBytes = 2 * l.rowBytes;
            // The kernel addresses row r's tile at vec + r × rowBytes; i32 arithmetic wraps, so this
            // base puts row `row` at the start of the scratch.
            vec = (widened - row * rowBytes) | 0;
            scan = this.#kernel.scan_f32;
          }
          for (let q = 0; q < queries.length; q++)
            scan(row, end, vec, rowBytes, l.scratch + q * queryStride, gs[q]!, terms.scale, terms.bias, topkBase + q * topkStride);
        }
    } finally {
      clearExcluded(this.#memory.buffer, l, m);
    }
    const found = queries.map((_, q) => this.#readTopK(topkBase + q * topkStride));
    if (extra.length === 0) return found;
    // The boosted rows, scored with the scan's arithmetic plus their boosts, join each list.
    new Int32Array(buffer, boostedAt, extra.length).set(extra);
    return found.map((list, q) => {
      const out = boostedAt + 4 * extra.length;
      this.#kernel.score_rows(KIND[this.dtype], boostedAt, extra.length, l.vec, l.rowBytes, l.scratch + q * queryStride, gs[q]!, terms.scale, terms.bias, out);
      const scores = Array.from(new Float32Array(buffer, out, extra.length), (s, i) => (terms.boosts.get(extra[i]!) ?? []).reduce((sum, w) => sum + w, s));
      const rows = new Int32Array(list.rows.length + extra.length);
      rows.set(list.rows);
      rows.set(extra, list.rows.length);
      return mergeRanked(rows, [...list.scores, ...scores], list.rows.length + extra.length);
    });
  }

  /** The kept rows best first (score descending, then row ascending, as the reference). */
  #readTopK(at: number): RankedRows {
    this.#kernel.finish(at);
    return readTopK(this.#memory.buffer, at);
  }

  /** The query in the kernel's format at `at`; returns its factor g. */
  #writeQuery(u: ArrayLike<number>, buffer: ArrayBuffer, at: number): number {
    return this.#pq && this.dtype === 'pq4'
      ? writePq4Query(this.#pq, this.dim, u, buffer, at)
      : writeQuery(this.dtype as Exclude<SimdDtype, 'pq4'>, u, this.dim, buffer, at, this.#layout.queryBytes);
  }

  #ensureScratch(bytes: number): void {
    const needed = this.#layout.scratch + bytes;
    const have = this.#memory.buffer.byteLength;
    if (needed > have) this.#memory.grow(Math.ceil((needed - have) / WASM_PAGE));
  }

  /** The block as stored, for reading rows back. */
  #block(): StoredBlock {
    return {
      buffer: this.#memory.buffer,
      layout: this.#layout,
      dtype: this.dtype,
      dim: this.dim,
      itemCount: this.itemCount,
      ...(this.#pq ? { pq: this.#pq } : {}),
    };
  }

  /** simScale[i] = (int8 scale) / ‖vᵢ‖ of the stored row; computed on the first similar(). */
  #ensureNorms(): Float32Array {
    if (this.#normsReady) return new Float32Array(this.#memory.buffer, this.#layout.simScale, this.itemCount);
    this.#normsReady = true;
    return writeSimilarityScales(this.#block());
  }

  #checkQuery(u: Float32Array): void {
    if (u.length < this.dim) throw new RangeError(`The query has ${u.length} values; the catalog's dimension is ${this.dim}.`);
  }

  #assertLive(): void {
    if (this.#disposed) throw new Error('SimdScorer used after dispose');
  }
}
