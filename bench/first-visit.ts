// npm run bench:first-visit [-- --port 5492]
// A shopper's first visit over a throttled mobile network: a static server (the built library,
// the page, the catalogs; brotli where a static host applies it) and Chromium throttled through
// the DevTools protocol (Network.emulateNetworkConditions, DevTools' own "Fast 4G" / "Slow 4G"
// presets). Reports when the first (popular) rail and the first personalised rail appear, when the
// catalog finished downloading, and the bytes the server sent. Writes bench/results/first-visit.{json,md}.
import { launchChromium } from './chromium.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { cpus } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants } from 'node:zlib';
import { decodeCatalog, encodeCatalog, readCatalogHeader, type CatalogInput } from '../src/catalog/codec.js';
import { encodeHeadFirstCatalog } from '../src/catalog/head-first.js';
import { fullCatalogBytes, headFirstLayout } from '../src/catalog/head-first-layout.js';
import { mergeLatest, type LatestFirstVisitRow } from './latest.js';
import { syntheticCatalog } from '../test/fixtures/synthetic-catalog.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '5492' },
    // Items in the head of the head-first catalogs (docs/first-visit.md says why 1,000).
    'head-items': { type: 'string', default: '1000' },
    // Only the cases whose catalog name contains one of these (comma-separated); all by default.
    only: { type: 'string', default: '' },
  },
});
const HEAD_ITEMS = Number(args['head-items']);
const OUT = join(root, 'public/bench/first-visit');
const log = (line: string): void => console.log(line);

/** Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts): nominal rates × 0.9, latency × 2.75 / 3.75. */
const PROFILES = {
  'Fast 4G': { latency: 60 * 2.75, downloadThroughput: ((9 * 1e6) / 8) * 0.9, uploadThroughput: ((1.5 * 1e6) / 8) * 0.9 },
  'Slow 4G': { latency: 150 * 3.75, downloadThroughput: ((1.6 * 1e6) / 8) * 0.9, uploadThroughput: ((750 * 1e3) / 8) * 0.9 },
} as const;
type Profile = keyof typeof PROFILES;

interface Case {
  profile: Profile;
  catalog: string;
  /** How the static host sends the catalog: as stored, or brotli-compressed on the fly. */
  catalogEncoding: 'identity' | 'br';
  backend?: string;
}

export interface FirstVisitRow {
  profile: Profile;
  catalog: string;
  items: number;
  dtype: string;
  catalogEncoding: 'identity' | 'br';
  layout: 'head-first' | 'plain';
  /** Items of the head serving at the first rail (0: the whole catalog served from the start). */
  headItems: number;
  backendAsked: string;
  backendUsed: string;
  catalogBytes: number;
  catalogBytesPerItem: Record<string, number>;
  /** Response bodies as sent (after compression) plus headers, counted at the server. */
  bytesOnWire: number;
  bytesByFile: Record<string, number>;
  bytesPerItem: number;
  /** ms after navigation start; totalMs: the catalog's last byte (its last progress event). */
  libraryImportedMs: number;
  downloadDoneMs: number | null;
  readyMs: number;
  firstRailMs: number;
  firstPersonalMs: number;
  /** The whole catalog downloaded, verified and serving (a head-first file: its full part swapped in). */
  totalMs: number;
  /** Set when the full part failed (then totalMs is when the head began serving). */
  catalogError?: string;
  steps: Record<string, number>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.vcat': 'application/octet-stream',
  '.json': 'application/json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.wasm', '.json']);

/** Static host: brotli (quality 5, as on-the-fly compression does) for text and wasm, and for catalogs when the case asks. */
function startServer(port: number, counter: Map<string, number>, catalogEncoding: () => 'identity' | 'br'): Promise<() => Promise<void>> {
  const cache = new Map<string, Buffer>();
  const server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root) || !existsSync(path) || !/^\/(dist|bench\/page|public\/bench\/first-visit)\//.test(url.pathname))
      return void res.writeHead(404).end();
    const ext = extname(path);
    let body: Buffer = readFileSync(path);
    const headers: Record<string, string> = { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-cache' };
    const accepts = /\bbr\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (accepts && (COMPRESSIBLE.has(ext) || (ext === '.vcat' && catalogEncoding() === 'br'))) {
      let c = cache.get(path);
      if (!c)
        cache.set(path, (c = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })));
      body = c;
      headers['content-encoding'] = 'br';
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    // Headers are small next to the bodies; counted at their serialised length.
    const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 17);
    counter.set(url.pathname, (counter.get(url.pathname) ?? 0) + body.length + headerBytes);
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(() => new Promise((r) => server.close(() => r())))));
}

interface CatalogFile {
  path: string;
  items: number;
  dtype: string;
  layout: 'head-first' | 'plain';
  bytes: number;
  /** Bytes per item of each section of the file (raw), and of the header + padding. */
  perItem: Record<string, number>;
}

/** Where a catalog's bytes go, per item: each section, and the header. */
function sectionsPerItem(file: Uint8Array, items: number): Record<string, number> {
  // A head-first file: its head (and preamble) as one entry, then the full part's sections.
  const layout = headFirstLayout(file);
  const bytes = fullCatalogBytes(file);
  const { header, bodyOffset } = readCatalogHeader(bytes);
  const out: Record<string, number> = { ...(layout ? { 'head part': layout.fullOffset / items } : {}), header: bodyOffset / items };
  for (const [name, section] of Object.entries(header.sections as Record<string, { length: number }>)) out[name] = section.length / items;
  return out;
}

async function prepareCatalogs(): Promise<Record<string, CatalogFile>> {
  mkdirSync(OUT, { recursive: true });
  const out: Record<string, CatalogFile> = {};
  const write = async (name: string, make: () => Promise<Uint8Array>, items: number, dtype: string): Promise<void> => {
    const path = join(OUT, `${name}.vcat`);
    if (!existsSync(path)) writeFileSync(path, await make());
    const bytes = new Uint8Array(readFileSync(path));
    const layout = headFirstLayout(bytes) ? 'head-first' : 'plain';
    out[name] = { path: `/public/bench/first-visit/${name}.vcat`, items, dtype, layout, bytes: bytes.length, perItem: sectionsPerItem(bytes, items) };
  };
  /** The same catalog as an ordinary file and as a head-first one (`<name>-head<N>`). */
  const writeBoth = async (name: string, input: CatalogInput, items: number, dtype: string): Promise<void> => {
    await write(name, () => encodeCatalog(input), items, dtype);
    await write(`${name}-head${HEAD_ITEMS}`, () => encodeHeadFirstCatalog(input, HEAD_ITEMS), items, dtype);
  };
  // A real catalog with real titles: Amazon Beauty, trained by `npm run bench:peers` (or here).
  const beauty = join(root, 'public/bench/peers/beauty-trained.vcat');
  if (existsSync(beauty)) {
    const c = await decodeCatalog(new Uint8Array(readFileSync(beauty)));
    const input = {
      ids: c.items.map((i) => i.id),
      vectors: c.vectors,
      dim: c.header.dim,
      bias: c.bias,
      items: c.items.map(({ id: _id, ...rest }) => rest),
      extras: c.extras,
      modelId: 'beauty',
    };
    await writeBoth('beauty-int8', { ...input, dtype: 'int8' }, c.header.itemCount, 'int8');
    // What a shop whose page shows its own titles can leave out (`vitrine train --omit title`).
    const untitled = { ...input, dtype: 'int8' as const, items: input.items.map(({ title: _title, ...rest }) => rest) };
    await write(`beauty-int8-notitle-head${HEAD_ITEMS}`, () => encodeHeadFirstCatalog(untitled, HEAD_ITEMS), c.header.itemCount, 'int8');
  } else log('(no public/bench/peers/beauty-trained.vcat: run `npm run bench:peers -- --sets beauty` first for the Beauty rows)');
  for (const dtype of ['int8', 'float16', 'float32'] as const) {
    const n = 100_000;
    const c = syntheticCatalog({ items: n, dim: 64, dtype, metadata: true });
    const input: CatalogInput = { ids: c.items.map((i) => i.id), vectors: c.vectors, dim: 64, bias: c.bias, items: c.items, dtype, modelId: 'synthetic' };
    await writeBoth(`synthetic-100k-${dtype}`, input, n, dtype);
  }
  // The floor of a progressive layout: a catalog of the 100 most popular items only (what a first
  // section with popular rows would hold); its start-up is the best a first rail could do.
  await write(
    'popular-100-int8',
    () => {
      const c = syntheticCatalog({ items: 100, dim: 64, dtype: 'int8', metadata: true });
      return encodeCatalog({ ids: c.items.map((i) => i.id), vectors: c.vectors, dim: 64, bias: c.bias, items: c.items, dtype: 'int8', modelId: 'synthetic' });
    },
    100,
    'int8',
  );
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const catalogs = await prepareCatalogs();
  const head = `-head${HEAD_ITEMS}`;
  const cases: Case[] = [];
  for (const profile of Object.keys(PROFILES) as Profile[]) {
    if (catalogs['beauty-int8'])
      cases.push({ profile, catalog: 'beauty-int8', catalogEncoding: 'br' }, { profile, catalog: `beauty-int8${head}`, catalogEncoding: 'br' });
    cases.push({ profile, catalog: 'synthetic-100k-int8', catalogEncoding: 'br' }, { profile, catalog: `synthetic-100k-int8${head}`, catalogEncoding: 'br' });
  }
  if (catalogs[`beauty-int8-notitle${head}`]) cases.push({ profile: 'Fast 4G', catalog: `beauty-int8-notitle${head}`, catalogEncoding: 'br' });
  // Bytes on the wire for each dtype, head-first, and the 100k int8 head-first file sent as stored.
  cases.push({ profile: 'Fast 4G', catalog: `synthetic-100k-float16${head}`, catalogEncoding: 'br' });
  cases.push({ profile: 'Fast 4G', catalog: `synthetic-100k-float32${head}`, catalogEncoding: 'br' });
  cases.push({ profile: 'Fast 4G', catalog: `synthetic-100k-int8${head}`, catalogEncoding: 'identity' });
  const only = args.only.split(',').filter((x) => x.length > 0);
  if (only.length > 0) cases.splice(0, cases.length, ...cases.filter((c) => only.some((o) => c.catalog.includes(o))));

  const counter = new Map<string, number>();
  let encoding: 'identity' | 'br' = 'br';
  const stop = await startServer(Number(args.port), counter, () => encoding);
  const browser = await launchChromium();
  const rows: FirstVisitRow[] = [];
  try {
    for (const c of cases) {
      encoding = c.catalogEncoding;
      counter.clear();
      // A fresh context: nothing cached, as on a first visit.
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`[page error] ${e.message}`));
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...PROFILES[c.profile] });
      const cat = catalogs[c.catalog]!;
      const query = new URLSearchParams({ catalog: cat.path, ...(c.backend ? { backend: c.backend } : {}) });
      await page.goto(`http://127.0.0.1:${args.port}/bench/page/first-visit.html?${query}`, { waitUntil: 'commit' });
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'done', undefined, { timeout: 300_000 });
      const r = (await page.evaluate(() => (window as unknown as { firstVisit: Record<string, unknown> }).firstVisit)) as Record<string, unknown> & {
        steps: Record<string, number>;
      };
      await context.close();
      if (!r.ok) {
        log(`${c.profile} ${c.catalog}: failed: ${String(r.error)}`);
        continue;
      }
      const bytesByFile = Object.fromEntries(counter);
      const bytesOnWire = [...counter.values()].reduce((a, b) => a + b, 0);
      const num = (k: string): number => Number(r[k]);
      const row: FirstVisitRow = {
        profile: c.profile,
        catalog: c.catalog,
        items: cat.items,
        dtype: cat.dtype,
        catalogEncoding: c.catalogEncoding,
        layout: cat.layout,
        headItems: Number(r.headItems) || 0,
        backendAsked: c.backend ?? 'auto (default)',
        backendUsed: String(r.backend),
        catalogBytes: cat.bytes,
        catalogBytesPerItem: cat.perItem,
        bytesOnWire,
        bytesByFile,
        bytesPerItem: (counter.get(cat.path) ?? 0) / cat.items,
        libraryImportedMs: num('libraryImported'),
        downloadDoneMs: num('downloadDoneMs') || null,
        readyMs: num('readyMs'),
        firstRailMs: num('firstRailMs'),
        firstPersonalMs: num('firstPersonalMs'),
        totalMs: num('fullServingMs') || num('readyMs'),
        steps: r.steps,
      };
      if (r.catalogError) row.catalogError = String(r.catalogError);
      rows.push(row);
      log(
        `${c.profile.padEnd(8)} ${c.catalog.padEnd(24)} catalog ${c.catalogEncoding.padEnd(8)} ${row.backendAsked}→${row.backendUsed}: wire ${(bytesOnWire / 1e6).toFixed(2)} MB (${row.bytesPerItem.toFixed(1)} B/item for the catalog), library ${row.libraryImportedMs.toFixed(0)} ms, catalog downloaded ${row.downloadDoneMs?.toFixed(0) ?? '?'} ms, first rail ${row.firstRailMs.toFixed(0)} ms, first personalised ${row.firstPersonalMs.toFixed(0)} ms (head ${row.headItems}), whole catalog serving ${row.totalMs.toFixed(0)} ms${row.catalogError ? ` FAILED ${row.catalogError}` : ''} ${JSON.stringify(bytesByFile)}`,
      );
    }
  } finally {
    await browser.close().catch(() => undefined);
    await stop();
  }
  const result = {
    date: new Date().toISOString().slice(0, 10),
    command: 'npm run bench:first-visit',
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, shared: true },
    profiles: PROFILES,
    notes: [
      `Times are ms after the navigation started, in a fresh browser context (nothing cached). A plain catalog downloads in full before the first answer: first rail = catalog downloaded + verified + decoded + backend chosen + one popular() call. A head-first catalog (-head${HEAD_ITEMS}: its ${HEAD_ITEMS} most popular items first, docs/catalog-format.md) answers from its head as soon as the head has arrived and been verified; "whole catalog serving" is when its full part has landed, been verified and swapped in. "Catalog downloaded" is the worker's last progress event.`,
      'The first personalised rail: the shopper views the first item of the first (popular) rail, as a shopper would, then recommend({ k: 12 }).',
      'Bytes are counted at the server: response bodies as sent plus headers. JS, HTML and wasm are sent brotli (quality 5); the catalog as stored (identity) or brotli where the row says so.',
      "Throttling: Network.emulateNetworkConditions on the page target through Playwright's CDP session; the dedicated worker's catalog fetch is throttled with it (the download times match the rates).",
    ],
    rows,
    wallSeconds: Math.round((Date.now() - started) / 1000),
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/first-visit.json'), `${JSON.stringify(result, null, 1)}\n`);
  const md = [
    `Made by \`${result.command}\` on ${result.date} (${result.machine.cpu}, ${result.machine.cores} cores, shared VM). Profiles: ${Object.entries(PROFILES)
      .map(
        ([k, p]) =>
          `${k} = ${((p.downloadThroughput * 8) / 1e6).toFixed(2)} Mbit/s down, ${((p.uploadThroughput * 8) / 1e6).toFixed(2)} up, ${p.latency} ms latency`,
      )
      .join('; ')}.`,
    '',
    '| profile | catalog | dtype | catalog sent as | backend asked → used | bytes on the wire (all files) | catalog bytes / item on the wire | library imported | first rail (popular) | first personalised rail (after one view) | served from | catalog downloaded (last byte) | whole catalog serving |',
    '|---|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.profile} | ${r.catalog} (${r.items.toLocaleString('en')} items) | ${r.dtype} | ${r.catalogEncoding} | ${r.backendAsked} → ${r.backendUsed} | ${(r.bytesOnWire / 1e6).toFixed(2)} MB | ${r.bytesPerItem.toFixed(1)} B | ${r.libraryImportedMs.toFixed(0)} ms | **${r.firstRailMs.toFixed(0)} ms** | **${r.firstPersonalMs.toFixed(0)} ms** | ${r.headItems > 0 ? `head (${r.headItems.toLocaleString('en')} items)` : 'whole catalog'} | ${r.downloadDoneMs?.toFixed(0) ?? '?'} ms | ${r.totalMs.toFixed(0)} ms${r.catalogError ? ` (failed: ${r.catalogError})` : ''} |`,
    ),
    '',
    "Where a catalog's bytes go, per item, as stored (before compression):",
    '',
    '| catalog | items | file | per item | ' + 'sections (bytes per item) |',
    '|---|---:|---:|---:|---|',
    ...Object.entries(catalogs).map(
      ([name, c]) =>
        `| ${name} | ${c.items.toLocaleString('en')} | ${(c.bytes / 1e6).toFixed(2)} MB | ${(c.bytes / c.items).toFixed(1)} B | ${Object.entries(c.perItem)
          .filter(([, v]) => v >= 0.05)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')} |`,
    ),
    '',
    ...result.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  writeFileSync(join(root, 'bench/results/first-visit.md'), md);
  const latestRows: LatestFirstVisitRow[] = rows
    .filter((r) => r.catalogEncoding === 'br')
    .map((r) => ({
      profile: r.profile,
      catalog: r.catalog,
      layout: r.layout,
      items: r.items,
      dtype: r.dtype,
      bytesOnWire: r.bytesOnWire,
      firstRailMs: Math.round(r.firstRailMs),
      firstPersonalMs: Math.round(r.firstPersonalMs),
      totalMs: Math.round(r.totalMs),
    }));
  mergeLatest(join(root, 'bench/results'), 'firstVisit', { date: result.date, command: result.command, rows: latestRows });
  log(`\n${md}\nwrote bench/results/first-visit.json, first-visit.md (and the firstVisit rows of latest.json) in ${result.wallSeconds} s`);
}

await main();
