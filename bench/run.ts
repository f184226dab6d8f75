// npm run bench [-- --items 10000,100000 --dims 64 --no-gpu --e2e-only --no-e2e]
// Serves the repo with vite (its own server, on 5180 or the next free port), drives Debian's
// Chromium headless through Playwright, and times every compute path in one browser session.
// Writes bench/results/<date>-<machine>.json, latest.json, latest.svg, latest.md and prints the
// Markdown table.
import { type Page } from '@playwright/test';
import { launchChromium } from './chromium.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import type { SimdBenchResult, Timing } from './page/bench-worker.js';
import { encodeCatalog } from '../src/catalog/codec.js';
import { syntheticCatalog } from '../test/fixtures/synthetic-catalog.js';
import { readLatest, writeLatest } from './latest.js';
import { svgChart, targetSummary, type BenchResult, type BenchRow, type DtypeLabel, type EndToEndRow, type PathName } from './report.js';

type Dtype = 'float32' | 'float16' | 'int8' | 'pq4';
const LABEL: Record<Dtype, DtypeLabel> = { float32: 'f32', float16: 'f16', int8: 'int8', pq4: 'pq4' };
type SimdResult = SimdBenchResult;
const BATCH = 32;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '10000,100000,1000000' },
    dims: { type: 'string', default: '32,64,128' },
    'no-gpu': { type: 'boolean', default: false },
    port: { type: 'string', default: '5180' },
    'e2e-only': { type: 'boolean', default: false },
    // Scoring rows only (a quick look while working; the results files are then partial).
    'no-e2e': { type: 'boolean', default: false },
    'browse-seconds': { type: 'string', default: '20' },
  },
});
/** End-to-end cases: the library as shipped, on a 100k × 64 catalog served by vite. */
const E2E_CASES: Array<{ items: number; dim: number; dtype: Dtype; backends: string[] }> = [
  { items: 100_000, dim: 64, dtype: 'int8', backends: ['auto', 'wasm'] },
  { items: 100_000, dim: 64, dtype: 'float32', backends: ['auto'] },
];
const ITEMS = args.items.split(',').map(Number);
const DIMS = args.dims.split(',').map(Number);

/** Repetitions by catalog size: enough for a stable median, the whole run well under 10 minutes. */
function plan(n: number): { simd: number; js: number; jsBatch: number; wasm: number; cpu: number; gpu: number; batch: number; copy: number; cpuBatch: number } {
  if (n <= 10_000) return { simd: 200, js: 40, jsBatch: 5, wasm: 40, cpu: 20, gpu: 8, batch: 20, copy: 30, cpuBatch: 3 };
  if (n <= 100_000) return { simd: 60, js: 15, jsBatch: 2, wasm: 15, cpu: 7, gpu: 0, batch: 8, copy: 10, cpuBatch: 2 };
  return { simd: 21, js: 5, jsBatch: 0, wasm: 7, cpu: 3, gpu: 0, batch: 4, copy: 5, cpuBatch: 0 };
}

const log = (line: string): void => console.log(line);
const fmt = (t: Timing): string => `p50 ${t.p50Ms.toFixed(2)} ms, p95 ${t.p95Ms.toFixed(2)} ms (${t.reps} reps)`;

async function callWorker<T>(page: Page, method: string, ...params: unknown[]): Promise<T> {
  return page.evaluate(([m, p]) => (window.bench.worker() as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m]!(...p), [
    method,
    params,
  ] as const) as Promise<T>;
}

async function main(): Promise<void> {
  const started = Date.now();
  // No HMR socket or file watcher: an edit elsewhere in the repo (or a late dependency
  // optimisation) must not reload the page mid-run. The worker's dependencies are pre-bundled
  // up front for the same reason.
  // The end-to-end catalogs are written to public/bench/ later: vite serves a public folder only
  // if it existed when the server started (a clean clone has no public/ yet).
  mkdirSync(join(root, 'public/bench'), { recursive: true });
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    server: { port: Number(args.port), host: '127.0.0.1', strictPort: false, hmr: false, ws: false, watch: null },
    optimizeDeps: { include: ['comlink', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'] },
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${args.port}/`;
  // expose-gc: the worker collects between phases, so one phase's garbage is not timed in the next.
  const browser = await launchChromium(['--enable-unsafe-webgpu', '--js-flags=--expose-gc']);
  const stop = async (): Promise<void> => {
    await browser.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`[page error] ${e.message}`));
    // The vite client's complaints about the HMR socket we turned off are expected.
    page.on('console', (m) => m.type() === 'error' && !/WebSocket|\[vite\]/.test(m.text()) && log(`[page error] ${m.text()}`));
    await page.goto(`${base}bench/page/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    await page.evaluate(() => window.bench.open());
    const environment = await callWorker<Record<string, unknown>>(page, 'environment');
    log(`browser: ${String(environment.userAgent)}; crossOriginIsolated ${String(environment.crossOriginIsolated)}`);

    const endToEnd = args['no-e2e'] ? [] : await runEndToEnd(browser, base);
    const rows: BenchRow[] = [];
    const notes: string[] = [
      'Times are the raw scoring call in a module worker (top-100, one query; batch rows: 32 queries in one call, p50 of the whole batch). SIMD rows are the path as shipped: scan + float64 re-scoring of the best k + margin rows (f32 +8, f16 +k/4+8, int8 +k/2+16, pq4 +k/2+16).',
      'pq4 rows: the same vectors as a pq4 catalog (4-bit codes, d/2 sub-spaces, learnt in the worker as vitrine train would), the fast scan (lookup tables in registers, i8x16.swizzle) and a re-ranking from the decoded rows; recall is against the exact float32 top-100 of the original vectors.',
      'GB/s = bytes of the embedding block read per query ÷ time per query; copy GB/s = TypedArray.set of a block of the same size in the same session (reads and writes it: the one-core memory floor).',
      'tfjs holds float32 tensors whatever the catalog dtype: its rows are measured once per items × d and repeated as the comparison for f16/int8.',
      'tfjs WebGL/WebGPU are measured only at 10k items: on this machine both run on SwiftShader (software), far slower than WASM; the engine skips them by design.',
      'Batch-32 for plain JS is measured at ≤ 100k only and for tfjs CPU at ≤ 100k only (at 1M each batch takes seconds); 1M cases use fewer repetitions (p95 of ≤ 7 samples is close to the max).',
    ];
    for (const items of args['e2e-only'] ? [] : ITEMS) {
      const reps = plan(items);
      for (const dim of DIMS) {
        const group = `${items} × ${dim}`;
        await page.evaluate(() => window.bench.open());
        const setup = await callWorker<{ ms: number }>(page, 'setup', items, dim);
        log(`\n== ${group} (catalog + warm-up ${setup.ms.toFixed(0)} ms)`);
        const copy: Partial<Record<Dtype, number>> = {};
        const js: Partial<Record<Dtype, { single: Timing; batch?: Timing }>> = {};
        const simd: Partial<Record<Dtype, SimdResult>> = {};
        for (const dtype of ['float32', 'float16', 'int8', 'pq4'] as const) {
          const c = await callWorker<{ gbps: number; bytes: number }>(page, 'copy', dtype, reps.copy);
          copy[dtype] = c.gbps;
          // No plain-JS pq4 loop: its rows compare with the int8 JS loop.
          if (dtype !== 'pq4') js[dtype] = await callWorker(page, 'js', dtype, reps.js, reps.jsBatch);
          simd[dtype] = await callWorker(page, 'simd', dtype, reps.simd, reps.batch);
          const s = simd[dtype]!;
          log(
            `${LABEL[dtype].padEnd(4)} copy ${c.gbps.toFixed(1)} GB/s | JS ${dtype === 'pq4' ? '—' : fmt(js[dtype]!.single)} | SIMD ${fmt(s.single)} = ${(s.blockBytes / s.single.p50Ms / 1e6).toFixed(1)} GB/s, masked p50 ${s.masked.p50Ms.toFixed(2)}${s.batch ? `, batch-32 ${(s.batch.p50Ms / BATCH).toFixed(2)} ms/query` : ''}, top-100 overlap with JS f32 ${s.overlapVsJs.toFixed(3)}${s.overlapVsOwn !== undefined ? `, with its decoded rows ${s.overlapVsOwn.toFixed(3)}, codes learnt in ${s.encodeMs!.toFixed(0)} ms` : ''}, build ${s.buildMs.toFixed(0)} ms`,
          );
        }
        log(`pq4 / int8 SIMD p50 (same run): ${(simd.pq4!.single.p50Ms / simd.int8!.single.p50Ms).toFixed(2)}`);
        type Tf = { uploadMs: number; single: Timing; batch?: Timing; adapter?: string } | { error: string };
        const tfjs: Partial<Record<PathName, Tf>> = {};
        const backends: Array<[PathName, string, number, number]> = [
          ['tfjs-wasm', 'wasm', reps.wasm, reps.batch],
          ['tfjs-cpu', 'cpu', reps.cpu, reps.cpuBatch],
        ];
        if (items <= 10_000 && !args['no-gpu']) backends.push(['tfjs-webgl', 'webgl', reps.gpu, 0], ['tfjs-webgpu', 'webgpu', reps.gpu, 0]);
        for (const [path, backend, r, b] of backends) {
          tfjs[path] = await callWorker<Tf>(page, 'tfjs', backend, r, b);
          const t = tfjs[path]!;
          log(
            `${path.padEnd(11)} ${'error' in t ? `failed: ${t.error}` : `${fmt(t.single)}${t.batch ? `, batch-32 ${(t.batch.p50Ms / BATCH).toFixed(2)} ms/query` : ''}, upload ${t.uploadMs.toFixed(0)} ms${t.adapter ? `, ${t.adapter}` : ''}`}`,
          );
        }
        await page.evaluate(() => window.bench.close());

        const wasm = tfjs['tfjs-wasm'];
        const wasmP50 = wasm && !('error' in wasm) ? wasm.single.p50Ms : null;
        const wasmBatch = wasm && !('error' in wasm) && wasm.batch ? wasm.batch.p50Ms : null;
        const row = (
          dtype: Dtype,
          path: PathName,
          batch: number,
          t: Timing,
          bytes: number | null,
          jsP50: number | null,
          tfP50: number | null,
          note?: string,
        ): BenchRow => {
          const perQuery = t.p50Ms / batch;
          const r: BenchRow = {
            items,
            dim,
            dtype: LABEL[dtype],
            path,
            batch,
            p50Ms: t.p50Ms,
            p95Ms: t.p95Ms,
            reps: t.reps,
            perQueryP50Ms: perQuery,
            gbps: bytes === null ? null : bytes / perQuery / 1e6,
            copyGBps: copy[dtype]!,
            jsBaselineP50Ms: jsP50,
            tfjsWasmP50Ms: tfP50,
            speedupVsJs: jsP50 === null ? null : jsP50 / t.p50Ms,
            speedupVsTfjsWasm: tfP50 === null ? null : tfP50 / t.p50Ms,
          };
          if (note) r.note = note;
          return r;
        };
        for (const dtype of ['float32', 'float16', 'int8', 'pq4'] as const) {
          const s = simd[dtype]!;
          if (dtype === 'pq4') {
            const j = js.int8!;
            const recall = `top-100 recall vs exact float32 ${s.overlapVsJs.toFixed(3)}, vs its decoded rows ${s.overlapVsOwn!.toFixed(3)} (${8} queries); JS baseline: the int8 loop`;
            rows.push({ ...row(dtype, 'simd', 1, s.single, s.blockBytes, j.single.p50Ms, wasmP50, recall), recallAt100: s.overlapVsJs });
            rows.push(
              row(
                dtype,
                'simd-masked',
                1,
                s.masked,
                s.blockBytes,
                j.single.p50Ms,
                wasmP50,
                'a third of the categories, in stock, a price cap, 10 excluded rows',
              ),
            );
            if (s.batch) rows.push(row(dtype, 'simd', BATCH, s.batch, s.blockBytes, j.batch?.p50Ms ?? null, wasmBatch));
            continue;
          }
          const j = js[dtype]!;
          const jsBatch = j.batch?.p50Ms ?? null;
          rows.push(row(dtype, 'simd', 1, s.single, s.blockBytes, j.single.p50Ms, wasmP50));
          rows.push(
            row(dtype, 'simd-masked', 1, s.masked, s.blockBytes, j.single.p50Ms, wasmP50, 'a third of the categories, in stock, a price cap, 10 excluded rows'),
          );
          if (s.batch) rows.push(row(dtype, 'simd', BATCH, s.batch, s.blockBytes, jsBatch, wasmBatch));
          const bytes = items * dim * { float32: 4, float16: 2, int8: 1 }[dtype];
          rows.push(row(dtype, 'js', 1, j.single, bytes, j.single.p50Ms, wasmP50));
          if (j.batch) rows.push(row(dtype, 'js', BATCH, j.batch, bytes, jsBatch, wasmBatch, '32 single-query loops'));
        }
        for (const [path, t] of Object.entries(tfjs) as Array<[PathName, Tf]>) {
          if ('error' in t) continue;
          const software = path === 'tfjs-webgl' || path === 'tfjs-webgpu' ? `software GPU: ${t.adapter ?? 'SwiftShader'}` : undefined;
          rows.push(row('float32', path, 1, t.single, items * dim * 4, js.float32!.single.p50Ms, wasmP50, software));
          if (t.batch)
            rows.push(
              row('float32', path, BATCH, t.batch, items * dim * 4, js.float32!.batch?.p50Ms ?? null, wasmBatch, 'one matMul [32 × d]·[d × N] + top-k'),
            );
        }
        for (const [path, t] of Object.entries(tfjs) as Array<[PathName, Tf]>) {
          if ('error' in t) notes.push(`${path} at ${group}: failed (${t.error}).`);
        }
      }
    }

    const date = new Date().toISOString().slice(0, 10);
    const cpu = cpus()[0]?.model ?? 'unknown cpu';
    const machineName = `${cpu}-${cpus().length}c`
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    const result: BenchResult = {
      date,
      machine: {
        cpu,
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        browser: environment.userAgent,
        crossOriginIsolated: environment.crossOriginIsolated,
      },
      settings: {
        k: 100,
        batch: BATCH,
        items: ITEMS,
        dims: DIMS,
        repetitions: Object.fromEntries(ITEMS.map((n) => [n, plan(n)])),
        wallSeconds: Math.round((Date.now() - started) / 1000),
      },
      notes,
      rows,
      endToEnd,
    };
    result.targets = targetSummary(result);
    const dir = join(root, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const json = `${JSON.stringify(result, null, 1)}\n`;
    writeFileSync(join(dir, `${date}-${machineName}.json`), json);
    // latest.json also holds the peers and first-visit sections their benches wrote: kept.
    const { peers, firstVisit } = readLatest(dir);
    const text = writeLatest(dir, { ...result, ...(peers ? { peers } : {}), ...(firstVisit ? { firstVisit } : {}) });
    writeFileSync(join(dir, 'latest.svg'), svgChart(result));
    log(`\n${text}`);
    log(`\nwrote bench/results/${date}-${machineName}.json, latest.json, latest.svg, latest.md in ${result.settings.wallSeconds} s`);
  } finally {
    await stop();
  }
}

/** Warm start-ups measured per case: each is a fresh page load, as a shopper's second visit. */
const WARM_VISITS = 7;

/** Cold, then WARM_VISITS warm start-ups of the built library, each in a freshly loaded page. */
async function startupBuilt(page: Page, base: string, url: string, backend: string): Promise<NonNullable<EndToEndRow['built']>> {
  const visit = async (options: { cold?: boolean; erase?: boolean }) => {
    await page.goto(`${base}bench/page/e2e.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return page.evaluate(([u, b, o]) => window.e2e.visitBuilt(u, b, o), [url, backend, options] as const);
  };
  const cold = await visit({ cold: true });
  const warm: Array<Awaited<ReturnType<typeof visit>>> = [];
  for (let i = 0; i < WARM_VISITS; i++) warm.push(await visit({}));
  await visit({ erase: true });
  const median = [...warm].sort((a, b) => a.ms - b.ms)[warm.length >> 1]!;
  return { coldStartMs: cold.ms, warmStartMs: median.ms, warmStartRuns: warm.map((w) => Math.round(w.ms)), warmSteps: median.steps };
}

/**
 * The library as a shop uses it: a catalog file served by vite, createRecommender in the page,
 * every call through Comlink. Catalog files are written under public/bench/ (not committed).
 */
async function runEndToEnd(browser: import('@playwright/test').Browser, base: string): Promise<EndToEndRow[]> {
  const dir = join(root, 'public/bench');
  mkdirSync(dir, { recursive: true });
  const out: EndToEndRow[] = [];
  for (const c of E2E_CASES) {
    const catalog = syntheticCatalog({ items: c.items, dim: c.dim, dtype: c.dtype, metadata: true });
    const bytes = await encodeCatalog({
      ids: catalog.items.map((i) => i.id),
      vectors: catalog.vectors,
      dim: c.dim,
      bias: catalog.bias,
      items: catalog.items,
      dtype: c.dtype,
      modelId: 'synthetic',
    });
    const name = `synthetic-${c.items}-${c.dim}-${c.dtype}.vcat`;
    writeFileSync(join(dir, name), bytes);
    const ids = catalog.items.slice(0, 5000).map((i) => i.id);
    for (const backend of c.backends) {
      // A fresh browser context per case: nothing cached, no worker or heap carried over.
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`[page error] ${e.message}`));
      await page.goto(`${base}bench/page/e2e.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const r = await page.evaluate(([url, b, list, seconds]) => window.e2e.run(url, b, list, seconds), [
        `/bench/${name}`,
        backend,
        ids,
        Number(args['browse-seconds']),
      ] as const);
      r.built = await startupBuilt(page, base, `/bench/${name}`, backend);
      const row: EndToEndRow = { items: c.items, dim: c.dim, dtype: LABEL[c.dtype], requested: backend, catalogBytes: bytes.length, ...r };
      log(
        `e2e ${name} ${backend}→${r.backend}: built library cold ${r.built.coldStartMs.toFixed(0)} ms, warm ${r.built.warmStartMs.toFixed(0)} ms (runs ${r.built.warmStartRuns.join(', ')}) ${JSON.stringify(r.built.warmSteps)}`,
      );
      log(
        `e2e ${name} ${backend}→${r.backend}: sources (vite dev) cold ${r.coldStartMs.toFixed(0)} ms, warm ${r.warmStartMs.toFixed(0)} ms ${JSON.stringify(r.warmSteps)}, recommend p50 ${r.recommend.p50Ms.toFixed(2)} ms, event→results p50 ${r.eventToResults.p50Ms.toFixed(2)} ms, stored p50 ${r.eventStored.p50Ms.toFixed(2)} ms, long tasks ${r.browsing.longTasks}`,
      );
      out.push(row);
      await context.close();
    }
    rmSync(join(dir, name));
  }
  return out;
}

await main();
