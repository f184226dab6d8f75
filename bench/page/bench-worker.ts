// Benchmark worker: one per (items, dim) group, so every group starts with a fresh heap. Holds a
// synthetic catalog and times each compute path on it where the engine runs them: a module worker.
import { expose } from 'comlink';
import type { Catalog } from '../../src/catalog/types.js';
import { activateBackend } from '../../src/engine/backends.js';
import type { BackendName } from '../../src/shared/backend-name.js';
import type { MaskSpec } from '../../src/engine/mask.js';
import { halfToFloatTable, writeFloat16Rows, writeInt8Rows } from '../../src/engine/simd/encode.js';
import { loadSimdKernel } from '../../src/engine/simd/kernel.js';
import type { SimdDtype } from '../../src/engine/simd/layout.js';
import { BATCH_SLOTS, SimdScorer } from '../../src/engine/simd/simd-scorer.js';
import { TensorScorer } from '../../src/engine/tensor-scorer.js';
import * as tf from '@tensorflow/tfjs';
import { asPq4, syntheticCatalog } from '../../test/fixtures/synthetic-catalog.js';
import { jsFloat16, jsFloat32, jsInt8 } from './js-baseline.js';
import { seededRandom } from '../../src/shared/random.js';

export interface Timing {
  p50Ms: number;
  p95Ms: number;
  reps: number;
  /** Calls averaged per sample (> 1 only where one call is shorter than the clock can time). */
  callsPerSample: number;
}

/** One SIMD scorer's numbers in the bench (run.ts reads them). */
export interface SimdBenchResult {
  buildMs: number;
  blockBytes: number;
  single: Timing;
  masked: Timing;
  batch?: Timing;
  overlapVsJs: number;
  encodeMs?: number;
  overlapVsOwn?: number;
}

const K = 100;
const ELEMENT_BYTES: Record<SimdDtype, number> = { float32: 4, float16: 2, int8: 1, pq4: 0.5 };

let catalog: Catalog | undefined;
/** The catalog as a pq4 file (codes learnt from its rows in setup, as vitrine train would; seconds at 1M). */
let pqCatalog: { catalog: Catalog; encodeMs: number } | undefined;
let queries: Float32Array[] = [];
/** The embedding block in each element type, for the copy and plain-JS measurements. */
const blocks: Partial<Record<SimdDtype, { bytes: Uint8Array; halves?: Uint16Array; values?: Int8Array; scales?: Float32Array }>> = {};

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function ready(): Catalog {
  if (!catalog) throw new Error('setup() first');
  return catalog;
}

/**
 * Nearest-rank percentiles of `reps` samples after `warm` untimed calls. Without cross-origin
 * isolation the worker's clock ticks in 0.1 ms, so a sample shorter than MIN_SAMPLE_MS is the
 * mean of as many back-to-back calls as fill it.
 */
const MIN_SAMPLE_MS = 3;
async function time(reps: number, warm: number, call: (i: number) => unknown): Promise<Timing> {
  let i = 0;
  for (let w = 0; w < warm; w++) await call(i++);
  let calls = 0;
  const probeStart = performance.now();
  while (performance.now() - probeStart < MIN_SAMPLE_MS || calls === 0) {
    await call(i++);
    calls++;
  }
  const inner = Math.max(1, Math.ceil((MIN_SAMPLE_MS * calls) / (performance.now() - probeStart)));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    for (let j = 0; j < inner; j++) await call(i++);
    samples.push((performance.now() - start) / inner);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number): number => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!;
  return { p50Ms: at(0.5), p95Ms: at(0.95), reps, callsPerSample: inner };
}

/** Mask of the "masked" rows: a third of the categories, in stock, a price cap, ten exclusions. */
function benchMask(c: Catalog): MaskSpec {
  const categories = Array.from({ length: 40 }, (_, i) => `cat-${i}`).filter((_, i) => i % 3 === 0);
  return { excludeRows: Array.from({ length: 10 }, (_, i) => i * 7), categories, inStock: true, priceMax: 50 + (c.header.itemCount % 7) };
}

const RECALL_QUERIES = 8;
const meanOverlap = (scorer: SimdScorer, exact: Catalog): number => {
  let sum = 0;
  for (let q = 0; q < RECALL_QUERIES; q++) {
    const got = scorer.recommendBatchSync([queries[q]!], K, { excludeRows: [] })[0]!.rows;
    sum += overlap(got, jsFloat32(exact.vectors, exact.bias, exact.header.itemCount, exact.header.dim, queries[q]!, K));
  }
  return sum / RECALL_QUERIES;
};

const overlap = (a: Int32Array, b: Int32Array): number => {
  const set = new Set(b);
  return b.length === 0 ? 1 : a.filter((r) => set.has(r)).length / b.length;
};

const api = {
  async environment(): Promise<Record<string, unknown>> {
    return {
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      float16Array: 'Float16Array' in globalThis,
      gcExposed: 'gc' in globalThis,
    };
  },

  /** Builds the catalog and the queries, and warms the kernel up to its optimised tier. */
  async setup(items: number, dim: number): Promise<{ ms: number }> {
    const start = performance.now();
    catalog = syntheticCatalog({ items, dim, seed: items + dim });
    // Learnt here, not in the pq4 measurement: its allocations and garbage stay out of every timing.
    const begin = performance.now();
    pqCatalog = { catalog: asPq4(catalog), encodeMs: 0 };
    pqCatalog.encodeMs = performance.now() - begin;
    const random = seededRandom(dim);
    queries = Array.from({ length: BATCH_SLOTS }, () => {
      const u = new Float32Array(dim);
      for (let e = 0; e < 3; e++) {
        const row = Math.floor(random() * items);
        for (let j = 0; j < dim; j++) u[j]! += (1 + random()) * catalog!.vectors[row * dim + j]!;
      }
      return u;
    });
    const warm = syntheticCatalog({ items: 4096, dim, seed: 9 });
    const kernel = await loadSimdKernel();
    const warmPq = asPq4(warm);
    for (const dtype of ['float32', 'float16', 'int8', 'pq4'] as const) {
      const s = new SimdScorer(kernel, dtype === 'pq4' ? warmPq : warm, { dtype });
      for (let i = 0; i < 300; i++) s.recommendBatchSync([queries[i % queries.length]!], K, i % 2 ? benchMask(warm) : { excludeRows: [] });
      s.recommendBatchSync(queries, K, { excludeRows: [] });
      s.dispose();
    }
    gc();
    return { ms: performance.now() - start };
  },

  /** TypedArray.set of the block in `dtype` (the bytes each scan reads), in GB/s. */
  async copy(dtype: SimdDtype, reps: number): Promise<Timing & { bytes: number; gbps: number }> {
    const c = ready();
    const bytes = c.header.itemCount * c.header.dim * ELEMENT_BYTES[dtype];
    const source = new Uint8Array(c.vectors.buffer, 0, bytes);
    const target = new Uint8Array(bytes);
    const t = await time(reps, 1, () => target.set(source));
    return { ...t, bytes, gbps: bytes / t.p50Ms / 1e6 };
  },

  /** The plain-JS loop over the block in `dtype`; `batch` runs the 32 queries one after another. */
  async js(dtype: SimdDtype, reps: number, batchReps: number): Promise<{ single: Timing; batch?: Timing }> {
    const c = ready();
    const { itemCount: n, dim } = c.header;
    if (!blocks[dtype]) {
      if (dtype === 'float32') blocks.float32 = { bytes: new Uint8Array(c.vectors.buffer) };
      if (dtype === 'float16') {
        const halves = new Uint16Array(n * dim);
        writeFloat16Rows(c.vectors, n, dim, halves, dim);
        blocks.float16 = { bytes: new Uint8Array(halves.buffer), halves };
      }
      if (dtype === 'int8') {
        const values = new Int8Array(n * dim);
        const scales = new Float32Array(n);
        writeInt8Rows(c.vectors, n, dim, values, dim, scales);
        blocks.int8 = { bytes: new Uint8Array(values.buffer), values, scales };
      }
    }
    const b = blocks[dtype]!;
    const table = halfToFloatTable();
    const one = (u: Float32Array): Int32Array =>
      dtype === 'float32'
        ? jsFloat32(c.vectors, c.bias, n, dim, u, K)
        : dtype === 'float16'
          ? jsFloat16(b.halves!, table, c.bias, n, dim, u, K)
          : jsInt8(b.values!, b.scales!, c.bias, n, dim, u, K);
    const single = await time(reps, 2, (i) => one(queries[i % queries.length]!));
    const out: { single: Timing; batch?: Timing } = { single };
    if (batchReps > 0) out.batch = await time(batchReps, 0, () => queries.map(one));
    return out;
  },

  /** The SIMD scorer as shipped (scan + float64 re-scoring of the candidates). */
  async simd(dtype: SimdDtype, reps: number, batchReps: number): Promise<SimdBenchResult> {
    const original = ready();
    const c = dtype === 'pq4' ? pqCatalog!.catalog : original;
    const start = performance.now();
    const scorer = new SimdScorer(await loadSimdKernel(), c, { dtype });
    const buildMs = performance.now() - start;
    try {
      const single = await time(reps, 3, (i) => scorer.recommendBatchSync([queries[i % queries.length]!], K, { excludeRows: [] }));
      const mask = benchMask(c);
      const masked = await time(reps, 1, (i) => scorer.recommendBatchSync([queries[i % queries.length]!], K, mask));
      const out: SimdBenchResult = {
        buildMs,
        blockBytes: scorer.blockBytes,
        single,
        masked,
        // The same question to the plain-JS float32 loop on the original rows: how much of its
        // top-100 this path keeps (pq4: what its codes lose as well as what the scan does).
        // Mean over the first RECALL_QUERIES queries.
        overlapVsJs: meanOverlap(scorer, original),
      };
      if (dtype === 'pq4') {
        out.encodeMs = pqCatalog!.encodeMs;
        // Against the exact top-100 of the decoded rows: what the scan and its re-ranking lose.
        out.overlapVsOwn = meanOverlap(scorer, c);
      }
      if (batchReps > 0) out.batch = await time(batchReps, 1, () => scorer.recommendBatchSync(queries, K, { excludeRows: [] }));
      return out;
    } finally {
      scorer.dispose();
      gc();
    }
  },

  /**
   * TensorScorer (the engine's tfjs path) on `backend`: recommend() end to end (matMul, bias, top-k,
   * read back). The batch is one matMul against 32 queries and a top-k per query.
   */
  async tfjs(
    backend: BackendName,
    reps: number,
    batchReps: number,
  ): Promise<{ uploadMs: number; single: Timing; batch?: Timing; adapter?: string } | { error: string }> {
    const c = ready();
    const probe = await activateBackend(backend);
    if (!probe.ok) return { error: probe.error ?? `${backend} unavailable` };
    let scorer: TensorScorer | undefined;
    try {
      const start = performance.now();
      scorer = new TensorScorer(c);
      await scorer.recommend(queries[0]!, K, { excludeRows: [] }); // upload happens lazily on some backends
      const uploadMs = performance.now() - start;
      const s = scorer;
      const single = await time(reps, 2, (i) => s.recommend(queries[i % queries.length]!, K, { excludeRows: [] }));
      const out: { uploadMs: number; single: Timing; batch?: Timing; adapter?: string } = { uploadMs, single };
      if (probe.adapter) out.adapter = probe.adapter;
      if (batchReps > 0) {
        const { itemCount: n, dim } = c.header;
        const matrix = tf.tensor2d(c.vectors, [n, dim]);
        const bias = tf.tensor2d(c.bias, [1, n]);
        const u = new Float32Array(dim * queries.length);
        queries.forEach((q, i) => u.set(q, i * dim));
        const batchOnce = async (): Promise<void> => {
          const { values, indices } = tf.tidy(() => tf.topk(tf.matMul(tf.tensor2d(u, [queries.length, dim]), matrix, false, true).add(bias), K));
          await Promise.all([values.data(), indices.data()]);
          values.dispose();
          indices.dispose();
        };
        try {
          out.batch = await time(batchReps, 1, batchOnce);
        } finally {
          matrix.dispose();
          bias.dispose();
        }
      }
      return out;
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    } finally {
      scorer?.dispose();
      gc();
    }
  },
};

export type BenchWorkerApi = typeof api;
expose(api);
