// The peer benchmark page: bench/peers.ts drives it through `window.peers`. Peers run in their own
// worker (peers-worker.ts, one per peer and size); Vitrine runs as a shop uses it: the built
// library (dist/, `npm run build`), createRecommender in this page, every call through Comlink.
import { transfer, wrap, type Remote } from 'comlink';
import type { PeersWorkerApi } from './peers-worker.js';
import type { Recommender, RecommenderOptions } from '../../src/index.js';

let worker: Worker | undefined;
let remote: Remote<PeersWorkerApi> | undefined;
let rec: Recommender | undefined;

type Library = { createRecommender(options: RecommenderOptions): Promise<Recommender> };
const builtLibrary = (): Promise<Library> => import(/* @vite-ignore */ `${location.origin}/dist/index.js`) as Promise<Library>;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Bytes of memory the page and its workers hold (cross-origin isolated pages only), after a GC. */
async function memoryBytes(): Promise<number | null> {
  const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
  if (!globalThis.crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
  return (await p.measureUserAgentSpecificMemory()).bytes;
}

const peers = {
  memoryBytes,
  open(): void {
    peers.close();
    worker = new Worker(new URL('./peers-worker.ts', import.meta.url), { type: 'module', name: 'vitrine-peer' });
    remote = wrap<PeersWorkerApi>(worker);
  },
  worker(): Remote<PeersWorkerApi> {
    if (!remote) throw new Error('peers.open() first');
    return remote;
  },
  close(): void {
    worker?.terminate();
    worker = undefined;
    remote = undefined;
  },

  /** Downloads `url` (timed: the shipped-index row counts its download) and hands it to the worker. */
  async fetchBytes(url: string): Promise<{ bytes: Uint8Array; ms: number }> {
    const t0 = performance.now();
    const bytes = new Uint8Array(await (await fetch(url, { cache: 'no-store' })).arrayBuffer());
    return { bytes, ms: performance.now() - t0 };
  },
  /** hnswlib from an index file built ahead: download, load; queries read the vectors from the index. */
  async hnswFromShipped(indexUrl: string, dim: number, n: number): Promise<{ downloadMs: number; initMs: number; loadMs: number; wasmBytes: number }> {
    const index = await peers.fetchBytes(indexUrl);
    const r = await peers.worker().loadIndex(transfer(index.bytes, [index.bytes.buffer]), dim, n);
    return { downloadMs: index.ms, ...r };
  },

  /**
   * Vitrine through its public API: createRecommender (download, decode, kernel ready: the
   * "build on the device") then `similar(id, { k })` for each id, one at a time.
   */
  async vitrine(
    url: string,
    ids: string[],
    k: number,
    warm: number,
    lean = false,
  ): Promise<{ startMs: number; times: number[]; answers: string[][]; backend: string }> {
    for (const key of await caches.keys()) await caches.delete(key);
    const { createRecommender } = await builtLibrary();
    const t0 = performance.now();
    rec = await createRecommender({ catalog: url, backend: 'simd', namespace: `peers-${url.replace(/\W+/g, '-')}` });
    await rec.similar(ids[0]!, { k });
    const startMs = performance.now() - t0;
    // lean: `{ ids, scores }` (docs/api.md); else the Recommendation objects.
    const ask = async (id: string): Promise<string[]> =>
      lean ? (await rec!.similar(id, { k, lean: true })).ids : (await rec!.similar(id, { k })).map((x) => x.itemId);
    for (let w = 0; w < warm; w++) await ask(ids[w % ids.length]!);
    const times: number[] = [];
    const answers: string[][] = [];
    for (const id of ids) {
      const s = performance.now();
      const r = await ask(id);
      times.push(performance.now() - s);
      answers.push(r);
    }
    return { startMs, times, answers, backend: (await rec.info()).backend };
  },

  /**
   * Where a `similar()` call's time goes, besides the kernel (timed in peers-worker.ts): a Comlink
   * round trip that does no work (`items([])`), and a structured clone of the 100 results (the
   * copy Comlink makes; here serialise + deserialise on one thread).
   */
  async vitrineOverheads(id: string, k: number, reps: number): Promise<{ roundTripMs: number; cloneMs: number; resultBytes: number }> {
    const r = rec!;
    const trips: number[] = [];
    for (let i = 0; i < reps; i++) {
      const s = performance.now();
      await r.items([]);
      trips.push(performance.now() - s);
    }
    const results = await r.similar(id, { k });
    const clones: number[] = [];
    for (let i = 0; i < reps; i++) {
      const s = performance.now();
      structuredClone(results);
      clones.push(performance.now() - s);
    }
    return { roundTripMs: median(trips), cloneMs: median(clones), resultBytes: new TextEncoder().encode(JSON.stringify(results)).length };
  },
  async vitrineClose(): Promise<void> {
    await rec?.dispose();
    rec = undefined;
  },
};

declare global {
  interface Window {
    peers: typeof peers;
  }
}
window.peers = peers;
document.getElementById('status')!.textContent = 'ready';
