// The end-to-end benchmark page: the library as a shop uses it (createRecommender → Comlink →
// worker), timed from the page. bench/run.ts drives it through `window.e2e`.
// run(): the sources through vite's dev server (the worker's modules load unbundled: start-up
// times include that); visitBuilt(): one start-up of the built library from dist/, as a shop ships it (bench/run.ts loads the page afresh for each visit).
import { createRecommender, debugRemote, type Recommender } from '../../src/page/recommender.js';

export interface Timing {
  p50Ms: number;
  p95Ms: number;
  reps: number;
}

export interface EndToEndResult {
  backend: string;
  reason: string;
  /** createRecommender → first recommend() resolved, nothing cached (download + verify + upload). */
  coldStartMs: number;
  /** The same with the catalog in the cache (a second visit). */
  warmStartMs: number;
  /** When each start-up step began in the warm start, ms after createRecommender was called. */
  warmSteps: Record<string, number>;
  /**
   * The same start-ups with the built library (dist/, as a shop ships it: one worker file
   * instead of vite's unbundled modules). Warm start: median of `warmStartRuns`.
   */
  built?: { coldStartMs: number; warmStartMs: number; warmStartRuns: number[]; warmSteps: Record<string, number> };
  /** recommend({ k: 10 }) through Comlink with 20 events of history. */
  recommend: Timing;
  /**
   * track(view) then recommend() (track not awaited, as a page does): the shopper's event to
   * results that reflect it (the worker applies an event at once; tests check the reflection).
   */
  eventToResults: Timing;
  /** The same events' track() promises: until the event is stored in IndexedDB. */
  eventStored: Timing;
  similar: Timing;
  /** updateItems() of 1,000 and of every item's price (a whole-catalog refresh), resolved through Comlink. */
  updateItems?: { thousand: Timing; all: Timing; items: number };
  /** Main-thread long tasks (> 50 ms) while a shopper browses: one action every 250 ms. */
  browsing: { actions: number; seconds: number; longTasks: number; longestTaskMs: number };
  memory: { pageHeapMB: number | null; tensors: number; tensorMB: number };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const timing = (xs: number[]): Timing => ({ p50Ms: quantile(xs, 0.5), p95Ms: quantile(xs, 0.95), reps: xs.length });

async function time(reps: number, run: (i: number) => Promise<unknown>): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  return timing(times);
}

type Library = { createRecommender: typeof createRecommender };
/** The built library, loaded as a shop's page loads it (npm run bench builds it first). */
const builtLibrary = (): Promise<Library> => import(/* @vite-ignore */ `${location.origin}/dist/index.js`) as Promise<Library>;

async function start(
  url: string,
  backend: string,
  namespace: string,
  library: Library = { createRecommender },
): Promise<{ rec: Recommender; ms: number; steps: Record<string, number> }> {
  const t0 = performance.now();
  const steps: Record<string, number> = {};
  const rec = await library.createRecommender({
    catalog: url,
    backend: backend as 'auto',
    namespace,
    onProgress: (p) => (steps[p.status] ??= Math.round(performance.now() - t0)),
  });
  steps.created = Math.round(performance.now() - t0);
  await rec.recommend({ k: 10 });
  return { rec, ms: performance.now() - t0, steps };
}

const e2e = {
  /**
   * One visit's start-up with the built library, in this fresh page (bench/run.ts loads the page
   * anew for each visit, as a shopper's second visit does): `cold` empties our caches first,
   * `erase` deletes the shopper's namespace after.
   */
  async visitBuilt(url: string, backend: string, options: { cold?: boolean; erase?: boolean } = {}): Promise<{ ms: number; steps: Record<string, number> }> {
    const library = await builtLibrary();
    const namespace = `bench-built-${backend}-${url.replace(/\W+/g, '-')}`;
    if (options.cold) for (const key of await caches.keys()) await caches.delete(key);
    const { rec, ms, steps } = await start(url, backend, namespace, library);
    if (options.erase) await rec.eraseHistory();
    await rec.dispose();
    return { ms, steps };
  },

  async run(url: string, backend: string, ids: string[], browseSeconds: number): Promise<EndToEndResult> {
    const namespace = `bench-${backend}-${url.replace(/\W+/g, '-')}`;
    // A cold start: nothing of ours cached from an earlier run.
    for (const key of await caches.keys()) await caches.delete(key);
    const cold = await start(url, backend, namespace);
    await cold.rec.dispose();
    const warm = await start(url, backend, namespace);
    const rec = warm.rec;
    const info = await rec.info();
    for (let i = 0; i < 20; i++) await rec.track({ type: 'view', itemId: ids[i]! });
    for (let i = 0; i < 10; i++) await rec.recommend({ k: 10 }); // warm-up
    const recommend = await time(200, () => rec.recommend({ k: 10 }));
    const toResults: number[] = [];
    const toStored: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const stored = rec.track({ type: i % 5 === 0 ? 'add_to_cart' : 'view', itemId: ids[(i * 7919) % ids.length]! }).then(() => performance.now() - t0);
      await rec.recommend({ k: 10 });
      toResults.push(performance.now() - t0);
      toStored.push(await stored);
    }
    const eventToResults = timing(toResults);
    const eventStored = timing(toStored);
    const similar = await time(100, (i) => rec.similar(ids[(i * 104_729) % ids.length]!, { k: 10 }));
    // Live item updates: price changes, validated and applied to the masks (synthetic ids are s0…).
    const allIds = Array.from({ length: info.catalog.items }, (_, i) => `s${i}`);
    const prices = (count: number, rep: number) => allIds.slice(0, count).map((id, i) => ({ id, price: 1 + ((i + rep) % 100) }));
    const updateItems = {
      thousand: await time(20, (i) => rec.updateItems(prices(1000, i))),
      all: await time(5, (i) => rec.updateItems(prices(allIds.length, i))),
      items: allIds.length,
    };

    // A browsing session: every 250 ms a view, then the page's rails (for you + similar).
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const started = performance.now();
    let actions = 0;
    while (performance.now() - started < browseSeconds * 1000) {
      const id = ids[(actions * 31_337) % ids.length]!;
      await rec.track({ type: 'view', itemId: id });
      await Promise.all([rec.recommend({ k: 12 }), rec.similar(id, { k: 6 })]);
      actions++;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();

    const stats = await debugRemote(rec)!.debugStats();
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    await rec.eraseHistory();
    await rec.dispose();
    return {
      backend: info.backend,
      reason: info.reason,
      coldStartMs: cold.ms,
      warmStartMs: warm.ms,
      warmSteps: warm.steps,
      recommend,
      eventToResults,
      eventStored,
      similar,
      updateItems,
      browsing: { actions, seconds: (performance.now() - started) / 1000, longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks) },
      memory: { pageHeapMB: heap ? heap.usedJSHeapSize / 2 ** 20 : null, tensors: stats.numTensors, tensorMB: stats.numBytes / 2 ** 20 },
    };
  },
};

declare global {
  interface Window {
    e2e: typeof e2e;
  }
}
window.e2e = e2e;
document.getElementById('status')!.textContent = 'ready';
