// Peer benchmark worker: hosts ONE on-device vector-search library (a fresh worker per peer and
// catalog size, so no peer inherits another's heap), builds its index from the vectors it is
// given and answers top-k queries. bench/peers.ts drives it through bench/page/peers.ts.
//
// Every peer gets the same unit-length float32 vectors, so inner product = cosine: the question is
// Vitrine's `similar(id, { k: 100 })` (cosine to the item's own vector, the item itself left out).
// Each peer is asked for k + 1 and the query item is dropped from its answer.
import { expose, transfer } from 'comlink';
import { defaultParams, IDBFS_STORE_NAME, loadHnswlib } from 'hnswlib-wasm';
import type { HierarchicalNSW } from 'hnswlib-wasm/dist/hnswlib-wasm';
import initEdgeVec, { EdgeVec, EdgeVecConfig } from 'edgevec';
import edgeVecWasmUrl from 'edgevec/edgevec_bg.wasm?url';
import * as voyBg from 'voy-search/voy_search_bg.js';
import voyWasmUrl from 'voy-search/voy_search_bg.wasm?url';
import { create, insertMultiple, search, type AnyOrama } from '@orama/orama';
import { loadSimdKernel } from '../../src/engine/simd/kernel.js';
import { SimdScorer } from '../../src/engine/simd/simd-scorer.js';
import { decodeCatalog } from '../../src/catalog/codec.js';

export type PeerName = 'hnswlib-wasm' | 'edgevec' | '@orama/orama' | 'voy-search' | 'vitrine-kernel-int8' | 'vitrine-kernel-f32';

export interface BuildResult {
  /** Load/instantiate the library (its WebAssembly) before any vector is seen. */
  initMs: number;
  buildMs: number;
  /** Vectors in the index when the build stopped. */
  built: number;
  complete: boolean;
  /** WebAssembly linear memory the peer holds after the build (null for pure-JS peers). */
  wasmBytes: number | null;
  error?: string;
}

interface Index {
  /** Rows of the top `k` neighbours of row `q`, best first, `q` itself left out. */
  query(q: number, k: number): Int32Array | Promise<Int32Array>;
  wasmBytes(): number | null;
  save?(): Promise<Uint8Array>;
}

let vectors: Float32Array = new Float32Array(0);
let dim = 0;
let index: Index | undefined;

const row = (r: number): Float32Array => vectors.subarray(r * dim, (r + 1) * dim);
const dropSelf = (ids: ArrayLike<number>, q: number, k: number): Int32Array =>
  Int32Array.from(
    Array.from(ids)
      .filter((r) => r !== q)
      .slice(0, k),
  );

/** Inserts rows [0, n) in chunks until done or `budgetMs` is spent. */
async function chunked(
  n: number,
  chunk: number,
  budgetMs: number,
  insert: (from: number, to: number) => void | Promise<void>,
): Promise<{ built: number; complete: boolean }> {
  const start = performance.now();
  let built = 0;
  while (built < n) {
    const to = Math.min(n, built + chunk);
    await insert(built, to);
    built = to;
    if (built < n && performance.now() - start > budgetMs) return { built, complete: false };
  }
  return { built, complete: true };
}

// hnswlib-wasm ships one build; every worker loads it once.
let hnswlib: Awaited<ReturnType<typeof loadHnswlib>> | undefined;
/** The package's own `defaultParams.initIndex` (M 32, efConstruction 128, seed 100); efSearch left at its default. */
const HNSW = { m: defaultParams.initIndex[0]!, efConstruction: defaultParams.initIndex[1]!, seed: defaultParams.initIndex[2]! };

// hnswlib-wasm saves and loads an index only through its Emscripten file system, mounted on
// IndexedDB (IDBFS, database and folder `/hnswlib-index`, store FILE_DATA): the way a shop gets a
// shipped index in is to put its bytes there and sync.
const IDBFS_DIR = '/hnswlib-index';
const syncFs = (populate: boolean): Promise<void> => new Promise((resolve) => void hnswlib!.EmscriptenFileSystemManager.syncFS(populate, () => resolve()));
function idbStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(IDBFS_DIR);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = run(open.result.transaction(IDBFS_STORE_NAME, mode).objectStore(IDBFS_STORE_NAME));
      request.onsuccess = () => {
        open.result.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    };
  });
}
const idbFile = async (name: string): Promise<Uint8Array> =>
  new Uint8Array((await idbStore<{ contents: Uint8Array }>('readonly', (s) => s.get(`${IDBFS_DIR}/${name}`))).contents);

async function buildHnsw(n: number, budgetMs: number): Promise<{ built: number; complete: boolean; index: Index }> {
  const lib = hnswlib!;
  const h: HierarchicalNSW = new lib.HierarchicalNSW('ip', dim, '');
  h.initIndex(n, HNSW.m, HNSW.efConstruction, HNSW.seed);
  const r = await chunked(n, 2000, budgetMs, (from, to) => {
    const items: Float32Array[] = [];
    const labels: number[] = [];
    for (let i = from; i < to; i++) {
      items.push(row(i));
      labels.push(i);
    }
    h.addPoints(items, labels, false);
  });
  return { ...r, index: hnswIndex(h) };
}

/** `shipped`: the index was loaded from a file, and the query item's vector is read from it. */
function hnswIndex(h: HierarchicalNSW, shipped = false): Index {
  const lib = hnswlib!;
  return {
    query: (q, k) => dropSelf(h.searchKnn(shipped ? h.getPoint(q) : row(q), k + 1, undefined).neighbors, q, k),
    wasmBytes: () => lib.HEAPU8.buffer.byteLength,
    save: async () => {
      await h.writeIndex('peer.idx');
      await syncFs(false);
      const bytes = await idbFile('peer.idx');
      await idbStore('readwrite', (store) => store.delete(`${IDBFS_DIR}/peer.idx`));
      return bytes;
    },
  };
}

let edgeVecMemory: WebAssembly.Memory | undefined;

async function buildEdgeVec(n: number, budgetMs: number): Promise<{ built: number; complete: boolean; index: Index }> {
  // Its defaults: HNSW, l2 (on unit vectors the l2 order is the cosine order). Its cosine and dot
  // metrics return the *least* similar first in 0.9.0, so l2 is the fair setting.
  const config = new EdgeVecConfig(dim);
  const db = new EdgeVec(config);
  // Its ids are its own (from 1): keep the map back to rows.
  const rowOfId = new Map<number, number>();
  const r = await chunked(n, 2000, budgetMs, (from, to) => {
    const ids = db.insertBatchFlat(vectors.slice(from * dim, to * dim), to - from);
    ids.forEach((id, i) => rowOfId.set(id, from + i));
  });
  return {
    ...r,
    index: {
      query: (q, k) =>
        dropSelf(
          (db.search(row(q), k + 1) as Array<{ id: number }>).map((x) => rowOfId.get(x.id) ?? -1),
          q,
          k,
        ),
      wasmBytes: () => edgeVecMemory?.buffer.byteLength ?? null,
    },
  };
}

let voyMemory: WebAssembly.Memory | undefined;

async function buildVoy(n: number): Promise<{ built: number; complete: boolean; index: Index }> {
  // voy takes the whole set at once (no incremental build), as plain arrays of numbers.
  const embeddings = Array.from({ length: n }, (_, i) => ({ id: String(i), title: '', url: '', embeddings: Array.from(row(i)) }));
  const voy = new voyBg.Voy({ embeddings });
  return {
    built: n,
    complete: true,
    index: {
      query: (q, k) =>
        dropSelf(
          voy.search(row(q), k + 1).neighbors.map((x: { id: string }) => Number(x.id)),
          q,
          k,
        ),
      wasmBytes: () => voyMemory?.buffer.byteLength ?? null,
    },
  };
}

async function buildOrama(n: number, budgetMs: number): Promise<{ built: number; complete: boolean; index: Index }> {
  const db: AnyOrama = create({ schema: { embedding: `vector[${dim}]` } as const });
  const r = await chunked(n, 5000, budgetMs, async (from, to) => {
    const docs = [];
    for (let i = from; i < to; i++) docs.push({ id: String(i), embedding: Array.from(row(i)) });
    await insertMultiple(db, docs, 5000);
  });
  return {
    ...r,
    index: {
      // Orama's vector search is exact (cosine), but keeps only hits above `similarity`
      // (default 0.8: recall 0.04 here); -1 keeps every item.
      query: (q, k) => {
        const res = search(db, {
          mode: 'vector',
          vector: { value: Array.from(row(q)), property: 'embedding' },
          similarity: -1,
          limit: k + 1,
          includeVectors: false,
        }) as { hits: Array<{ id: string }> };
        return dropSelf(
          res.hits.map((h) => Number(h.id)),
          q,
          k,
        );
      },
      wasmBytes: () => null,
    },
  };
}

/** Vitrine's kernel alone (no worker API, no Comlink): the same catalog file, `similar()` on the scorer. */
async function buildKernel(catalogBytes: Uint8Array, dtype: 'int8' | 'float32'): Promise<{ built: number; complete: boolean; index: Index }> {
  const catalog = await decodeCatalog(catalogBytes);
  const scorer = new SimdScorer(await loadSimdKernel(), catalog, { dtype });
  return {
    built: catalog.header.itemCount,
    complete: true,
    index: {
      query: async (q, k) => (await scorer.similar(q, k, { excludeRows: [] })).rows,
      wasmBytes: () => null,
    },
  };
}

const api = {
  async init(peer: PeerName): Promise<number> {
    const start = performance.now();
    if (peer === 'hnswlib-wasm') hnswlib ??= await loadHnswlib();
    if (peer === 'edgevec') edgeVecMemory = (await initEdgeVec({ module_or_path: edgeVecWasmUrl })).memory;
    if (peer === 'voy-search') {
      const { instance } = await WebAssembly.instantiateStreaming(fetch(voyWasmUrl), { './voy_search_bg.js': voyBg as unknown as WebAssembly.ModuleImports });
      voyBg.__wbg_set_wasm(instance.exports);
      voyMemory = instance.exports.memory as WebAssembly.Memory;
    }
    if (peer.startsWith('vitrine-kernel')) await loadSimdKernel();
    return performance.now() - start;
  },

  /** Builds `peer`'s index over `n` unit vectors (rows of `data`); stops after `budgetMs`. */
  async build(peer: PeerName, data: Float32Array, d: number, budgetMs: number, catalogBytes?: Uint8Array): Promise<BuildResult> {
    vectors = data;
    dim = d;
    const n = data.length / d;
    const initMs = await api.init(peer);
    const start = performance.now();
    try {
      const r =
        peer === 'hnswlib-wasm'
          ? await buildHnsw(n, budgetMs)
          : peer === 'edgevec'
            ? await buildEdgeVec(n, budgetMs)
            : peer === 'voy-search'
              ? await buildVoy(n)
              : peer === '@orama/orama'
                ? await buildOrama(n, budgetMs)
                : await buildKernel(catalogBytes!, peer === 'vitrine-kernel-int8' ? 'int8' : 'float32');
      const buildMs = performance.now() - start;
      index = r.index;
      return { initMs, buildMs, built: r.built, complete: r.complete, wasmBytes: r.index.wasmBytes() };
    } catch (error) {
      return {
        initMs,
        buildMs: performance.now() - start,
        built: 0,
        complete: false,
        wasmBytes: null,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  },

  /** hnswlib only: the built index as the file a shop would ship. */
  async saveIndex(): Promise<Uint8Array> {
    const bytes = await index!.save!();
    return transfer(bytes, [bytes.buffer]);
  },

  /** hnswlib only: loads a shipped index file (the download is timed by the page). */
  async loadIndex(bytes: Uint8Array, d: number, n: number): Promise<{ initMs: number; loadMs: number; wasmBytes: number }> {
    dim = d;
    const initMs = await api.init('hnswlib-wasm');
    const start = performance.now();
    const lib = hnswlib!;
    // The file as the package's own save would have left it in IDBFS, then synced into its memory.
    await idbStore('readwrite', (store) => store.put({ timestamp: new Date(), mode: 33206, contents: bytes }, `${IDBFS_DIR}/shipped.idx`));
    await syncFs(true);
    const h: HierarchicalNSW = new lib.HierarchicalNSW('ip', d, '');
    await h.readIndex('shipped.idx', n);
    await idbStore('readwrite', (store) => store.delete(`${IDBFS_DIR}/shipped.idx`));
    index = hnswIndex(h, true);
    return { initMs, loadMs: performance.now() - start, wasmBytes: lib.HEAPU8.buffer.byteLength };
  },

  /**
   * Answers each query row once after `warm` untimed ones; returns per-query times (ms) and the
   * answers (rows, best first) for recall.
   */
  async queries(rows: number[], k: number, warm: number): Promise<{ times: number[]; answers: Int32Array[] }> {
    const ix = index!;
    for (let w = 0; w < warm; w++) await ix.query(rows[w % rows.length]!, k);
    const times: number[] = [];
    const answers: Int32Array[] = [];
    for (const q of rows) {
      const t0 = performance.now();
      const a = await ix.query(q, k);
      times.push(performance.now() - t0);
      answers.push(a);
    }
    return { times, answers };
  },
};

export type PeersWorkerApi = typeof api;
expose(api);
