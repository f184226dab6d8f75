// npm run bench:peers [-- --sets beauty,beauty-bert4rec,synthetic-100k,synthetic-1m --queries 50 --budget-s 120 --port 5490]
// Vitrine beside the on-device vector-search libraries a shop would pick instead, in one Chromium
// session, on the same vectors: top-100 by cosine (inner product of unit vectors), each item's
// own vector as the query and the item itself left out — what `similar(id, { k: 100 })` answers.
// Writes bench/results/peers.json, peers.md and peers.svg and prints the table.
import { type Page } from '@playwright/test';
import { launchChromium } from './chromium.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { createServer } from 'vite';
import { decodeCatalog, encodeCatalog } from '../src/catalog/codec.js';
import { withIvfIndex, type IvfReport } from '../src/catalog/ivf-build.js';
import { seededRandom } from '../src/shared/random.js';
import type { PeerName } from './page/peers-worker.js';
import { mergeLatest, type LatestPeerRow } from './latest.js';
import { peersMarkdown, peersSvg, type PeerRow, type PeersResult } from './peers-report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.VITRINE_DATA ?? join(root, '../shared/data');
const { values: args } = parseArgs({
  options: {
    sets: { type: 'string', default: 'beauty,beauty-bert4rec,synthetic-100k,synthetic-1m' },
    queries: { type: 'string', default: '50' },
    'budget-s': { type: 'string', default: '120' },
    port: { type: 'string', default: '5490' },
    peers: {
      type: 'string',
      default:
        'vitrine-int8,vitrine-int8-lean,vitrine-f32,vitrine-f32-lean,vitrine-int8-ivf-lean,vitrine-f32-ivf-lean,vitrine-kernel-int8,vitrine-kernel-f32,hnswlib-wasm,hnswlib-wasm-shipped,edgevec,@orama/orama,voy-search',
    },
  },
});
const K = 100;
const QUERIES = Number(args.queries);
const BUDGET_MS = Number(args['budget-s']) * 1000;
const PEERS = args.peers.split(',');
const OUT = join(root, 'public/bench/peers');
const t00 = Date.now();
const log = (line: string): void => console.log(`[${((Date.now() - t00) / 1000).toFixed(0).padStart(4)} s] ${line}`);

// ---------------------------------------------------------------------------------------------
// The vector sets. Real ones are catalogs trained by the CLI from ../shared/data (as a shop would,
// `vitrine train`); synthetic ones are clustered unit vectors (200 clusters), for sizes no public
// log here reaches. Everything is written under public/bench/peers/ (ignored by git).

interface VectorSet {
  name: string;
  source: string;
  ids: string[];
  /** Unit-length rows (what every peer indexes). */
  unit: Float32Array;
  dim: number;
  /** The catalog Vitrine loads, in each dtype, plain and clustered (`--index ivf`): the same vectors (unnormalised for trained sets). */
  catalogs: Record<CatalogKind, string>;
  /** What the clustered catalogs' index keeps (the CLI's calibration). */
  ivf?: IvfReport;
}

const DIM = 64;
type CatalogKind = 'int8' | 'float32' | 'int8-ivf' | 'float32-ivf';
const TRAINED: Record<string, { args: string[]; source: string }> = {
  beauty: {
    source: 'Amazon Beauty (S3-Rec files), `vitrine train` item2vec, d = 64',
    args: [
      'train',
      '--log',
      `${data}/amazon-beauty/Beauty.txt`,
      '--format',
      'sequences',
      '--metadata',
      `${data}/amazon-beauty/items.tsv`,
      '--columns',
      'id=item_id',
    ],
  },
  'beauty-bert4rec': {
    source: 'Amazon Beauty (BERT4Rec file, not 5-core), `vitrine train` item2vec, d = 64',
    // Its log is one `user item` pair per line; the CLI reads one line per shopper (`sequences`):
    // regrouped into a temporary file outside the repository.
    args: ['train', '--log', '<sequences>', '--format', 'sequences'],
  },
};

function normalise(v: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += v[i + j]! * v[i + j]!;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[i + j] = v[i + j]! * inv;
  }
  return out;
}

function bert4recSequences(): string {
  const path = join(tmpdir(), 'vitrine-bench-beauty-bert4rec.sequences.txt');
  if (existsSync(path)) return path;
  const lines = readFileSync(`${data}/amazon-beauty-bert4rec/beauty.txt`, 'utf8').split('\n');
  const users = new Map<string, string[]>();
  for (const line of lines) {
    const [u, i] = line.trim().split(/\s+/);
    if (!u || !i) continue;
    let list = users.get(u);
    if (!list) users.set(u, (list = []));
    list.push(i);
  }
  writeFileSync(path, [...users].map(([u, items]) => `${u} ${items.join(' ')}`).join('\n') + '\n');
  return path;
}

async function trainedSet(name: string): Promise<VectorSet> {
  const spec = TRAINED[name]!;
  const trained = join(OUT, `${name}-trained.vcat`);
  if (!existsSync(trained)) {
    log(`vitrine ${spec.args.join(' ')} → ${trained} (once; later runs reuse it)`);
    const cli = spec.args.map((a) => (a === '<sequences>' ? bert4recSequences() : a));
    execFileSync(process.execPath, [join(root, 'bin/vitrine.js'), ...cli, '--quiet', '--out', trained], { stdio: 'inherit' });
  }
  const catalog = await decodeCatalog(new Uint8Array(readFileSync(trained)));
  const ids = catalog.items.map((i) => i.id);
  const items = catalog.items.map(({ id: _id, ...rest }) => rest);
  // Vector search only: without the co-occurrence graph similar() is the cosine every peer computes.
  const { graphs: _graphs, ...extras } = catalog.extras;
  const { catalogs, ivf } = await writeCatalogs(name, { ids, vectors: catalog.vectors, dim: catalog.header.dim, bias: catalog.bias, items, extras });
  return {
    name,
    source: `${spec.source}, ${ids.length.toLocaleString('en')} items`,
    ids,
    unit: normalise(catalog.vectors, catalog.header.dim),
    dim: catalog.header.dim,
    catalogs,
    ivf,
  };
}

function syntheticSet(name: string, n: number): Promise<VectorSet> {
  const random = seededRandom(n);
  const clusters = 200;
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = normalise(Float32Array.from({ length: clusters * DIM }, gauss), DIM);
  const v = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * clusters) * DIM;
    for (let j = 0; j < DIM; j++) v[i * DIM + j] = centres[c + j]! + 0.12 * gauss();
  }
  const unit = normalise(v, DIM);
  const ids = Array.from({ length: n }, (_, i) => `s${i}`);
  return writeCatalogs(name, { ids, vectors: unit, dim: DIM }).then(({ catalogs, ivf }) => ({
    name,
    source: `synthetic: ${n.toLocaleString('en')} unit vectors in ${clusters} clusters, d = ${DIM}, ids only`,
    ids,
    unit,
    dim: DIM,
    catalogs,
    ivf,
  }));
}

/** The set's catalog files (cached under public/bench/peers/): int8 and float32, plain and clustered as `--index ivf` writes them. */
async function writeCatalogs(name: string, input: Parameters<typeof encodeCatalog>[0]): Promise<{ catalogs: Record<CatalogKind, string>; ivf: IvfReport }> {
  const file = (kind: CatalogKind): string => `${name}-${kind}.vcat`;
  const write = async (kind: CatalogKind, source: typeof input): Promise<void> =>
    writeFileSync(join(OUT, file(kind)), await encodeCatalog({ ...source, dtype: kind.startsWith('int8') ? 'int8' : 'float32', modelId: `bench-${name}` }));
  for (const kind of ['int8', 'float32'] as const) if (!existsSync(join(OUT, file(kind)))) await write(kind, input);
  // The clustered pair shares one clustering; its report is kept beside the files.
  const reportPath = join(OUT, `${name}-ivf.json`);
  let ivf = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as IvfReport) : undefined;
  if (!ivf || !existsSync(join(OUT, file('int8-ivf'))) || !existsSync(join(OUT, file('float32-ivf')))) {
    const t0 = Date.now();
    const built = withIvfIndex(input);
    ivf = built.report;
    log(`${name}: --index ivf in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(ivf)}`);
    await write('int8-ivf', built.input);
    await write('float32-ivf', built.input);
    writeFileSync(reportPath, JSON.stringify(ivf));
  }
  const kinds = ['int8', 'float32', 'int8-ivf', 'float32-ivf'] as const;
  return { catalogs: Object.fromEntries(kinds.map((kind) => [kind, `/bench/peers/${file(kind)}`])) as Record<CatalogKind, string>, ivf };
}

// ---------------------------------------------------------------------------------------------
// The exact answer: top-100 cosine (float64 sums over the unit rows), the query item left out.

function exactTopK(unit: Float32Array, dim: number, q: number, k: number): Int32Array {
  const n = unit.length / dim;
  const qv = unit.subarray(q * dim, (q + 1) * dim);
  const best: Array<[number, number]> = [];
  let floor = -Infinity;
  for (let r = 0; r < n; r++) {
    if (r === q) continue;
    let s = 0;
    const o = r * dim;
    for (let j = 0; j < dim; j++) s += qv[j]! * unit[o + j]!;
    if (best.length < k || s > floor) {
      best.push([s, r]);
      if (best.length > 4 * k) {
        best.sort((a, b) => b[0] - a[0]);
        best.length = k;
        floor = best[k - 1]![0];
      }
    }
  }
  best.sort((a, b) => b[0] - a[0]);
  return Int32Array.from(best.slice(0, k), (x) => x[1]);
}

const recall = (answers: Int32Array[], truth: Int32Array[]): number => {
  let hit = 0;
  let total = 0;
  answers.forEach((a, i) => {
    const t = new Set(truth[i]);
    for (const r of a) if (t.has(r)) hit++;
    total += truth[i]!.length;
  });
  return hit / total;
};

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

/** Sizes of a file as a static host serves it: raw, gzip -6, brotli quality 5 (on-the-fly levels). */
function wire(bytes: Uint8Array): { raw: number; gzip: number; brotli: number } {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 6 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
}
const wireOfFiles = (files: string[]): { raw: number; gzip: number; brotli: number } =>
  files
    .map((f) => wire(new Uint8Array(readFileSync(join(root, f)))))
    .reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }));

/** The code each peer makes a page download: its browser build's files (Orama: bundled below). */
const LIBRARY_FILES: Record<string, string[]> = {
  vitrine: ['dist/index.js', 'dist/vitrine-worker.js'],
  'hnswlib-wasm': ['node_modules/hnswlib-wasm/dist/hnswlib.js', 'node_modules/hnswlib-wasm/dist/hnswlib-317962d7.js'],
  edgevec: [
    'node_modules/edgevec/edgevec.js',
    'node_modules/edgevec/edgevec_bg.wasm',
    'node_modules/edgevec/snippets/edgevec-d2ba0e32c31531f9/src/js/storage.js',
  ],
  'voy-search': ['node_modules/voy-search/voy_search.js', 'node_modules/voy-search/voy_search_bg.js', 'node_modules/voy-search/voy_search_bg.wasm'],
};

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(OUT, { recursive: true });
  const sets: VectorSet[] = [];
  for (const name of args.sets.split(',')) {
    if (TRAINED[name]) sets.push(await trainedSet(name));
    else if (name === 'synthetic-100k') sets.push(await syntheticSet(name, 100_000));
    else if (name === 'synthetic-1m') sets.push(await syntheticSet(name, 1_000_000));
    else throw new Error(`unknown set ${name}`);
  }

  // Cross-origin isolated, so the page can measure its own and its workers' memory
  // (performance.measureUserAgentSpecificMemory) and its clock ticks finer than 0.1 ms.
  // The shipped-index row uploads the index a peer built through a small POST endpoint.
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    server: {
      port: Number(args.port),
      host: '127.0.0.1',
      strictPort: false,
      hmr: false,
      ws: false,
      watch: null,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
    optimizeDeps: { include: ['comlink', 'hnswlib-wasm', 'edgevec', '@orama/orama'] },
    plugins: [
      {
        name: 'peers-upload',
        configureServer(s) {
          s.middlewares.use('/__peers/upload', (req, res) => {
            const name = new URL(req.url ?? '', 'http://x').searchParams.get('name') ?? '';
            if (!/^[\w.-]+$/.test(name)) return void res.writeHead(400).end();
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => {
              writeFileSync(join(OUT, name), Buffer.concat(chunks));
              res.writeHead(204).end();
            });
          });
        },
      },
    ],
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${args.port}/`;
  const browser = await launchChromium(['--js-flags=--expose-gc', '--enable-blink-features=ForceEagerMeasureMemory']);
  const rows: PeerRow[] = [];
  const notes: string[] = [];
  let breakdown: PeersResult['breakdown'] = null;
  try {
    // A fresh page for each peer: its workers end with it, and the memory it measures is its own
    // (a terminated hnswlib worker, its IndexedDB file system open, held up the next measurement 60 s).
    const openPage = async (): Promise<Page> => {
      const p = await browser.newPage();
      p.on('pageerror', (e) => log(`[page error] ${e.message}`));
      p.on('console', (m) => m.type() === 'error' && !/WebSocket|\[vite\]/.test(m.text()) && log(`[page error] ${m.text()}`));
      await p.goto(`${base}bench/page/peers.html`);
      await p.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      return p;
    };
    let page = await openPage();
    const env = await page.evaluate(() => ({ userAgent: navigator.userAgent, crossOriginIsolated: globalThis.crossOriginIsolated }));
    log(`browser: ${env.userAgent}; crossOriginIsolated ${String(env.crossOriginIsolated)}`);
    const libraries = Object.fromEntries(Object.entries(LIBRARY_FILES).map(([p, files]) => [p, wireOfFiles(files)]));
    // Orama ships unbundled modules: what a page downloads is a bundle of the three calls used.
    const orama = await build({
      stdin: { contents: "export { create, insertMultiple, search } from '@orama/orama';", resolveDir: root },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
    });
    libraries['@orama/orama'] = wire(orama.outputFiles[0]!.contents);

    for (const set of sets) {
      const n = set.ids.length;
      const random = seededRandom(7 + n);
      const queryRows = Array.from({ length: QUERIES }, () => Math.floor(random() * n));
      const t0 = Date.now();
      const truth = queryRows.map((q) => exactTopK(set.unit, set.dim, q, K));
      log(`\n== ${set.name}: ${set.source}; exact answers for ${QUERIES} queries in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const unitFile = `${set.name}.unit.f32`;
      const unitBytes = new Uint8Array(set.unit.buffer, set.unit.byteOffset, set.unit.byteLength);
      writeFileSync(join(OUT, unitFile), unitBytes);
      // What a peer's shop must ship besides the library: the vectors (float32) and the ids.
      const idsBytes = new TextEncoder().encode(JSON.stringify(set.ids));
      const vectorsWire = wire(unitBytes);
      const idsWire = wire(idsBytes);
      const peerData = { raw: vectorsWire.raw + idsWire.raw, gzip: vectorsWire.gzip + idsWire.gzip, brotli: vectorsWire.brotli + idsWire.brotli };
      const rowOf = new Map(set.ids.map((id, i) => [id, i]));
      rmSync(join(OUT, `${set.name}.hnsw`), { force: true }); // only this run's build is shipped
      const base = { set: set.name, items: n, dim: set.dim, queries: QUERIES };

      for (const peer of PEERS) {
        await page.close();
        page = await openPage();
        const before = await page.evaluate(() => window.peers.memoryBytes());
        if (/^vitrine-(int8|f32)(-ivf)?(-lean)?$/.test(peer)) {
          const dtype = peer.startsWith('vitrine-int8') ? 'int8' : 'float32';
          const lean = peer.endsWith('-lean');
          const clustered = peer.includes('-ivf');
          const url = set.catalogs[clustered ? (`${dtype}-ivf` as const) : dtype];
          const r = await page.evaluate(([u, ids, k, l]) => window.peers.vitrine(u, ids, k, 10, l), [url, queryRows.map((q) => set.ids[q]!), K, lean] as const);
          const after = await page.evaluate(() => window.peers.memoryBytes());
          const answers = r.answers.map((a) => Int32Array.from(a, (id) => rowOf.get(id)!));
          const catalogWire = wire(new Uint8Array(readFileSync(join(root, 'public', url))));
          const row: PeerRow = {
            ...base,
            peer: `vitrine ${dtype === 'int8' ? 'int8' : 'f32'}${clustered ? ' ivf' : ''}${lean ? ' lean' : ''}`,
            kind:
              (clustered
                ? `clustered rows (--index ivf: ${set.ivf!.probe} of ${set.ivf!.lists} lists probed, ≈ ${Math.round(set.ivf!.rowsScanned).toLocaleString('en')} rows), SIMD scan`
                : 'exact scan (SIMD)') +
              (lean ? ', public API through Comlink, lean results (similar(id, { k, lean: true }): ids + transferred scores)' : ', public API through Comlink'),
            queryP50Ms: quantile(r.times, 0.5),
            queryP95Ms: quantile(r.times, 0.95),
            buildMs: r.startMs,
            buildWhat: 'createRecommender → first answer (catalog download from localhost, decode, kernel)',
            complete: true,
            recallAt100: recall(answers, truth),
            memoryBytes: before !== null && after !== null ? after - before : null,
            shipBytes: { library: libraries.vitrine!, data: catalogWire },
          };
          if (r.backend !== 'simd') row.note = `backend ${r.backend}`;
          rows.push(row);
          log(fmtRow(row));
          // (A cast: TypeScript does not see the assignment below, in an earlier pass of this loop.)
          const sofar = breakdown as PeersResult['breakdown'];
          if (n === 100_000 && dtype === 'int8' && lean && !clustered && sofar?.set === set.name) sofar.leanP50Ms = row.queryP50Ms!;
          if (n === 100_000 && dtype === 'int8' && !lean && !clustered) {
            const o = await page.evaluate(([id, k]) => window.peers.vitrineOverheads(id, k, 200), [set.ids[queryRows[0]!]!, K] as const);
            breakdown = {
              set: set.name,
              items: n,
              dtype: 'int8',
              totalP50Ms: row.queryP50Ms!,
              kernelP50Ms: null,
              roundTripP50Ms: o.roundTripMs,
              cloneP50Ms: o.cloneMs,
              resultJsonBytes: o.resultBytes,
            };
          }
          await page.evaluate(() => window.peers.vitrineClose());
          continue;
        }
        await page.evaluate(() => window.peers.open());
        if (peer === 'hnswlib-wasm-shipped') {
          const file = `${set.name}.hnsw`;
          if (!existsSync(join(OUT, file))) {
            rows.push({
              ...base,
              peer: 'hnswlib-wasm, shipped index',
              kind: 'HNSW',
              queryP50Ms: null,
              queryP95Ms: null,
              buildMs: null,
              buildWhat: '',
              complete: false,
              recallAt100: null,
              memoryBytes: null,
              shipBytes: null,
              note: 'no index: the on-device build did not finish within the budget',
            });
            continue;
          }
          const r = await page.evaluate(([u, d, count]) => window.peers.hnswFromShipped(u, d, count), [`/bench/peers/${file}`, set.dim, n] as const);
          const q = await page.evaluate(([rs, k]) => window.peers.worker().queries(rs, k, 10), [queryRows, K] as const);
          const after = await page.evaluate(() => window.peers.memoryBytes());
          const indexWire = wire(new Uint8Array(readFileSync(join(OUT, file))));
          const row: PeerRow = {
            ...base,
            peer: 'hnswlib-wasm, shipped index',
            kind: 'HNSW (its defaults), index built ahead (this run) and downloaded',
            queryP50Ms: quantile(q.times, 0.5),
            queryP95Ms: quantile(q.times, 0.95),
            buildMs: r.initMs + r.loadMs + r.downloadMs,
            buildWhat: `download (localhost) ${r.downloadMs.toFixed(0)} ms + wasm init ${r.initMs.toFixed(0)} ms + readIndex ${r.loadMs.toFixed(0)} ms`,
            complete: true,
            recallAt100: recall(
              q.answers.map((a) => Int32Array.from(a)),
              truth,
            ),
            memoryBytes: before !== null && after !== null ? after - before : null,
            shipBytes: {
              library: libraries['hnswlib-wasm']!,
              data: { raw: indexWire.raw + idsWire.raw, gzip: indexWire.gzip + idsWire.gzip, brotli: indexWire.brotli + idsWire.brotli },
            },
          };
          rows.push(row);
          log(fmtRow(row));
          continue;
        }
        const catalogUrl = peer.startsWith('vitrine-kernel') ? set.catalogs[peer.endsWith('int8') ? 'int8' : 'float32'] : undefined;
        const b = await page.evaluate(
          async ([p, u, d, budget, c]) => {
            const [vectors, catalog] = await Promise.all([window.peers.fetchBytes(u), c ? window.peers.fetchBytes(c) : Promise.resolve(undefined)]);
            return window.peers.worker().build(p as PeerName, new Float32Array(vectors.bytes.buffer), d, budget, catalog?.bytes);
          },
          [peer, `/bench/peers/${unitFile}`, set.dim, BUDGET_MS, catalogUrl] as const,
        );
        const label = peer.startsWith('vitrine-kernel') ? `vitrine kernel ${peer.endsWith('int8') ? 'int8' : 'f32'} (no API)` : peer;
        if (b.error || !b.complete) {
          const reason = b.error
            ? `build failed: ${b.error.slice(0, 120)}`
            : `build not done in the ${BUDGET_MS / 1000} s budget: ${b.built.toLocaleString('en')} of ${n.toLocaleString('en')} inserted (≈ ${((b.buildMs * n) / b.built / 1000).toFixed(0)} s at that rate, slower as the graph grows)`;
          const row: PeerRow = {
            ...base,
            peer: label,
            kind: KIND[peer] ?? '',
            queryP50Ms: null,
            queryP95Ms: null,
            buildMs: null,
            buildWhat: '',
            complete: false,
            recallAt100: null,
            memoryBytes: null,
            shipBytes: null,
            note: reason,
          };
          rows.push(row);
          log(`${label.padEnd(30)} — ${reason}`);
          continue;
        }
        const q = await page.evaluate(([rs, k, warm]) => window.peers.worker().queries(rs, k, warm), [
          queryRows,
          K,
          n >= 1_000_000 && peer === '@orama/orama' ? 1 : 10,
        ] as const);
        const after = await page.evaluate(() => window.peers.memoryBytes());
        if (peer === 'vitrine-kernel-int8' && breakdown && breakdown.set === set.name) breakdown.kernelP50Ms = quantile(q.times, 0.5);
        const row: PeerRow = {
          ...base,
          peer: label,
          kind: KIND[peer] ?? '',
          queryP50Ms: quantile(q.times, 0.5),
          queryP95Ms: quantile(q.times, 0.95),
          buildMs: b.buildMs + b.initMs,
          buildWhat: `wasm/library init ${b.initMs.toFixed(0)} ms + index build ${b.buildMs.toFixed(0)} ms (vectors already in the worker)`,
          complete: true,
          recallAt100: recall(
            q.answers.map((a) => Int32Array.from(a)),
            truth,
          ),
          memoryBytes: before !== null && after !== null ? after - before : null,
          shipBytes: peer.startsWith('vitrine-kernel') ? null : { library: libraries[peer]!, data: peerData },
        };
        if (b.wasmBytes !== null) row.wasmBytes = b.wasmBytes;
        rows.push(row);
        log(fmtRow(row));
        if (peer === 'hnswlib-wasm' && PEERS.includes('hnswlib-wasm-shipped')) {
          await page.evaluate(async (name) => {
            const bytes = await window.peers.worker().saveIndex();
            await fetch(`/__peers/upload?name=${name}`, { method: 'POST', body: bytes as Uint8Array<ArrayBuffer> });
          }, `${set.name}.hnsw`);
        }
      }
    }

    const cpu = cpus()[0]?.model ?? 'unknown cpu';
    const result: PeersResult = {
      date: new Date().toISOString().slice(0, 10),
      command: `npm run bench:peers${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: {
        cpu,
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        browser: env.userAgent,
        crossOriginIsolated: env.crossOriginIsolated,
        shared: true,
      },
      settings: { k: K, queries: QUERIES, buildBudgetS: BUDGET_MS / 1000, wallSeconds: Math.round((Date.now() - started) / 1000) },
      sets: sets.map((s) => ({ name: s.name, items: s.ids.length, dim: s.dim, source: s.source })),
      notes,
      rows,
      breakdown,
      versions: Object.fromEntries(
        ['hnswlib-wasm', 'edgevec', '@orama/orama', 'voy-search'].map((p) => [
          p,
          JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version as string,
        ]),
      ),
    };
    const dir = join(root, 'bench/results');
    writeFileSync(join(dir, 'peers.json'), `${JSON.stringify(result, null, 1)}\n`);
    writeFileSync(join(dir, 'peers.svg'), peersSvg(result));
    const md = peersMarkdown(result);
    writeFileSync(join(dir, 'peers.md'), md);
    mergeLatest(dir, 'peers', { date: result.date, command: result.command, rows: rows.map(latestPeerRow) });
    log(`\n${md}\nwrote bench/results/peers.json, peers.md, peers.svg (and the peers rows of latest.json) in ${result.settings.wallSeconds} s`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
}

/** A latest.json row: our exact path is the peer `vitrine` (its variant says which), a shipped index a variant of its library. */
function latestPeerRow(r: PeerRow): LatestPeerRow {
  const vitrine = /^vitrine (kernel )?(int8|f32)( ivf)?( lean)?/.exec(r.peer);
  const [peer, variant] = vitrine
    ? ['vitrine', `${vitrine[2]}${vitrine[3] ? ' --index ivf' : ''} ${vitrine[1] ? 'kernel, no API' : vitrine[4] ? 'public API, lean results' : 'public API'}`]
    : r.peer === 'hnswlib-wasm, shipped index'
      ? ['hnswlib-wasm', 'shipped index (download + load as build)']
      : [r.peer, r.kind];
  const row: LatestPeerRow = {
    peer,
    variant,
    set: r.set,
    items: r.items,
    dim: r.dim,
    queryP50Ms: r.queryP50Ms,
    buildMs: r.buildMs,
    recallAt100: r.recallAt100,
  };
  if (r.note) row.note = r.note;
  return row;
}

const KIND: Record<string, string> = {
  'vitrine-kernel-int8': 'exact scan (SIMD kernel called directly in a worker)',
  'vitrine-kernel-f32': 'exact scan (SIMD kernel called directly in a worker)',
  'hnswlib-wasm': 'HNSW, inner product, its defaults (M 32, efConstruction 128)',
  edgevec: 'HNSW, its defaults (l2 on unit vectors)',
  '@orama/orama': 'exact scan in JS (cosine, similarity: -1)',
  'voy-search': 'k-d tree (WASM)',
};

function fmtRow(r: PeerRow): string {
  const mb = (b: number | null | undefined): string => (b == null ? '?' : `${(b / 2 ** 20).toFixed(1)} MB`);
  return `${r.peer.padEnd(30)} p50 ${r.queryP50Ms!.toFixed(2)} ms, p95 ${r.queryP95Ms!.toFixed(2)} ms, build ${r.buildMs!.toFixed(0)} ms, recall@100 ${r.recallAt100!.toFixed(3)}, memory ${mb(r.memoryBytes)}${r.wasmBytes ? ` (wasm ${mb(r.wasmBytes)})` : ''}`;
}

await main();
