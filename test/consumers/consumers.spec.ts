// The library as a shop gets it: the packed tarball installed into fresh fixture apps (vite build,
// vite dev server, webpack 5, esbuild, no bundler, Node SSR), each running the README's quick start
// in real Chromium with default options, with the wasm backend forced (tfjs reachable) and with
// the SASRec encoder. A packaging regression (a chunk the worker imports, a dependency the install
// lacks, a file a bundler does not copy) fails here.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startStaticServer, type StaticServer } from '../robustness/security-server.js';
import { buildApps, installShop, makeShopFolder, packLibrary, removeShopFolder, REPO, startVite, trainCatalog, vitrineCli, type Install } from './shop.js';

interface QuickStartResult {
  ok: boolean;
  code?: string;
  name?: string;
  message?: string;
  viewed: string;
  recommend: string[];
  scores: number[];
  similar: string[];
  search: string[];
  backend: string;
  parts: { tfjs: { status: string; url?: string; error?: { code: string; message: string } } };
  backends: Array<{ backend: string; status: string; reason: string }>;
}

test.describe.configure({ mode: 'serial' });

let shop: string;
let install: Install;
const servers: Array<{ stop: () => void | Promise<void> }> = [];
const origins: Record<string, string> = {};

test.beforeAll(async () => {
  test.setTimeout(900_000);
  shop = makeShopFolder();
  const tarball = packLibrary(shop);
  install = installShop(tarball, join(shop, 'shop'));
  const site = trainCatalog(join(shop, 'shop'));
  buildApps(join(shop, 'shop'), site);
  const app = (name: string): string => join(shop, 'shop', name);
  const vitePreview = await startVite(app('vite'), 'preview');
  const viteDev = await startVite(app('vite'), 'dev');
  const serve = (folder: string): Promise<StaticServer> => startStaticServer({ '/': app(folder) }, { 'cache-control': 'no-store' });
  // The vite build with the tfjs part missing, as when a deployment drops a file.
  cpSync(app('vite/dist'), app('vite/dist-without-part'), { recursive: true });
  for (const file of readdirSync(app('vite/dist-without-part/assets')).filter((f) => f.startsWith('vitrine-tfjs')))
    rmSync(app(`vite/dist-without-part/assets/${file}`));
  const statics = {
    webpack: await serve('webpack/dist'),
    esbuild: await serve('esbuild/dist'),
    plain: await serve('.'),
    withoutPart: await serve('vite/dist-without-part'),
  };
  servers.push(vitePreview, viteDev, ...Object.values(statics).map((s) => ({ stop: () => s.close() })));
  Object.assign(origins, {
    'vite build': `${vitePreview.origin}/index.html`,
    'vite dev': `${viteDev.origin}/index.html`,
    'webpack 5': `${statics.webpack.origin}/index.html`,
    esbuild: `${statics.esbuild.origin}/index.html`,
    'no bundler': `${statics.plain.origin}/plain/index.html`,
    'vite build, tfjs part missing': `${statics.withoutPart.origin}/index.html`,
  });
});

test.afterAll(async () => {
  for (const server of servers) await server.stop();
  if (shop) removeShopFolder(shop);
});

async function quickStart(page: Page, url: string): Promise<QuickStartResult> {
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[page error] ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => 'vitrineResult' in window, undefined, { timeout: 90_000 });
  return page.evaluate(() => (window as unknown as { vitrineResult: QuickStartResult }).vitrineResult);
}

test('a browser-only install is one package, light, without install scripts; the CLI runs from it', () => {
  const mb = install.bytes / 1e6;
  console.log(
    `browser-only install: ${install.packages} package(s), node_modules ${mb.toFixed(1)} MB (du -sh: ${execFileSync('du', ['-sh', join(shop, 'shop/node_modules')], { encoding: 'utf8' }).split('\t')[0]})`,
  );
  expect(install.installScripts).toEqual([]);
  expect(install.packages).toBeLessThanOrEqual(3);
  expect(mb).toBeLessThanOrEqual(15);
  const version = (
    JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: REPO, encoding: 'utf8' })) as { version: string }
  ).version;
  expect(vitrineCli(join(shop, 'shop'), '--version').trim()).toBe(version);
  expect(vitrineCli(join(shop, 'shop'), '--help')).toContain('train');
});

test('server-side rendering: importing in Node works; createRecommender rejects with a typed error', () => {
  const out = JSON.parse(execFileSync(process.execPath, ['node-ssr/ssr.mjs'], { cwd: join(shop, 'shop'), encoding: 'utf8' })) as {
    exports: string[];
    error?: { code: string; isVitrineError: boolean };
  };
  expect(out.exports).toContain('createRecommender');
  expect(out.error).toMatchObject({ code: 'OPTIONS_INVALID', isVitrineError: true });
});

test('the declarations type-check a strict consumer without the bundled dependencies', () => {
  const tsc = (): string =>
    execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'node-ssr/tsconfig.json'], {
      cwd: join(shop, 'shop'),
      encoding: 'utf8',
    });
  expect(() => tsc()).not.toThrow();
});

const reference: Record<string, QuickStartResult> = {};
for (const setup of ['no bundler', 'vite build', 'vite dev', 'webpack 5', 'esbuild']) {
  for (const variant of ['', '?backend=wasm', '?encoder']) {
    test(`${setup}: quick start with ${variant || 'default options'}`, async ({ page }) => {
      const result = await quickStart(page, origins[setup] + variant);
      expect(result, result.message).toMatchObject({ ok: true });
      expect(result.recommend).toHaveLength(5);
      expect(result.similar).toHaveLength(5);
      expect(result.similar).not.toContain(result.viewed);
      expect(result.search.length).toBeGreaterThan(0);
      expect(result.scores.every(Number.isFinite)).toBe(true);
      if (variant === '?backend=wasm') expect(result.backend).toBe('wasm');
      // Default options on a device without a real GPU (this one: SwiftShader) choose SIMD without downloading tfjs.
      const realGpuMeasured = result.backends.some((b) => (b.backend === 'webgpu' || b.backend === 'webgl') && b.status === 'measured');
      if (variant === '' && !realGpuMeasured) expect(result.parts.tfjs.status).toBe('idle');
      // tfjs is reachable: the forced backend and the encoder load the part.
      if (variant !== '') expect(result.parts.tfjs.status).toBe('loaded');
      // Every set-up ranks the same: the bundler changes where files are, never what they compute.
      reference[variant] ??= result;
      expect({ recommend: result.recommend, similar: result.similar, search: result.search }).toEqual({
        recommend: reference[variant].recommend,
        similar: reference[variant].similar,
        search: reference[variant].search,
      });
    });
  }
}

test("the escape hatch: files served from a folder of the shop's choosing (assetsBase)", async ({ page }) => {
  cpSync(join(shop, 'shop/node_modules/vitrine/dist'), join(shop, 'shop/static/vitrine'), { recursive: true });
  const result = await quickStart(page, `${origins['no bundler']}?backend=wasm&assetsBase=/static/vitrine/`);
  expect(result, result.message).toMatchObject({ ok: true, backend: 'wasm' });
  expect(result.parts.tfjs.url).toContain('/static/vitrine/vitrine-tfjs.js');
});

test('a tfjs part answering 404: default options never ask for it here; with an encoder the SIMD kernel and pooled history serve and info() names the failure', async ({
  page,
}) => {
  const plain = await quickStart(page, origins['vite build, tfjs part missing']!);
  expect(plain, plain.message).toMatchObject({ ok: true, backend: 'simd', parts: { tfjs: { status: 'idle' } } });
  const withEncoder = await quickStart(page, `${origins['vite build, tfjs part missing']}?encoder`);
  expect(withEncoder, withEncoder.message).toMatchObject({ ok: true, backend: 'simd' });
  expect(withEncoder.parts.tfjs).toMatchObject({ status: 'failed', error: { code: 'PART_UNAVAILABLE' } });
  expect(withEncoder.recommend).toHaveLength(5);
});

test('a tfjs part answering 404 with backend: wasm forced rejects with BACKEND_UNAVAILABLE, not a TypeError', async ({ page }) => {
  const result = await quickStart(page, `${origins['vite build, tfjs part missing']}?backend=wasm`);
  expect(result).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE', name: 'EngineError' });
  expect(result.message).toContain('PART_UNAVAILABLE');
});
