import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { recordCounts } from './counts.js';
import { startStaticServer, type StaticServer } from './security-server.js';

// The built library as it ships (dist/index.js, dist/vitrine-worker.js, and dist/vitrine-tfjs.js
// with tfjs's wasm binaries inlined; `npm test` builds it first) under the strict CSP a shop would send, served with that header on every
// answer (page, scripts, worker) by a small server of our own: no 'unsafe-eval', no inline script.
// Violations are caught twice: the page's securitypolicyviolation listener, and report-uri, which
// also receives the worker's (a worker has its own CSP, from its own response, and its events do
// not reach the document). Controls drop one directive each and must see the break.
const STRICT = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'worker-src': "'self'",
  // data: for tfjs's wasm binaries, which the library build inlines as data: URLs and tfjs
  // fetch()es (no network: a data: URL never leaves the device). Add the catalog's CDN origin here.
  'connect-src': "'self' data:",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'object-src': "'none'",
  'base-uri': "'none'",
};
const policy = (directives: Record<string, string>): string =>
  [...Object.entries(directives).map(([k, v]) => `${k} ${v}`), 'report-uri /csp-report'].join('; ');

const dist = resolve('dist');
test.beforeAll(() => {
  if (!existsSync(join(dist, 'vitrine-worker.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does) first.');
});

type CspResult = {
  ok: boolean;
  error?: string;
  backend?: string;
  backends?: string[];
  recs?: number;
  personalised?: boolean;
  similar?: number;
  events?: number;
  violations: string[];
};
async function runUnder(
  page: Page,
  directives: Record<string, string>,
  backend: string,
): Promise<{ result: CspResult; reports: string[]; server: StaticServer }> {
  const server = await startStaticServer(
    // dist/ served as it ships: the worker and the tfjs part beside index.js.
    { '/dist/': dist, '/catalogs/': resolve('public/catalogs'), '/': resolve('test/fixtures/security') },
    { 'content-security-policy': policy(directives), 'cache-control': 'no-store' },
  );
  try {
    await page.goto(`${server.origin}/csp.html?backend=${backend}`);
    await expect(page.locator('#status')).toHaveText('done', { timeout: 100_000 });
    const result = await page.evaluate(() => (window as unknown as { cspResult: CspResult }).cspResult);
    // report-uri is sent asynchronously: give it a moment (the controls show it arrives within it).
    await page.waitForTimeout(1_500);
    return { result, reports: [...server.reports], server };
  } finally {
    await server.close();
  }
}

test('the built library contains no eval or new Function (so no unsafe-eval is needed)', () => {
  const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
  expect(files.sort()).toEqual(['index.js', 'vitrine-tfjs.js', 'vitrine-worker.js']);
  for (const file of files) {
    const code = readFileSync(join(dist, file), 'utf8');
    expect(code.match(/(^|[^\w$.])eval\s*\(|new\s+Function\s*\(|[^\w$.]Function\s*\(\s*["'`]/g), file).toBeNull();
    // setTimeout/setInterval with a string argument would need unsafe-eval too.
    expect(code.match(/set(Timeout|Interval)\(\s*["'`]/g), file).toBeNull();
  }
  recordCounts(test.info().title, { randomInputs: files.length });
});

for (const backend of ['auto', 'simd', 'wasm', 'webgl', 'webgpu', 'cpu']) {
  test(`strict CSP, backend ${backend}: createRecommender → track → recommend works with no violation`, async ({ page }) => {
    const { result, reports } = await runUnder(page, STRICT, backend);
    console.log(`CSP ${backend}: ${JSON.stringify({ ...result, violations: result.violations.length })}`);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, recs: 5, personalised: true, similar: 3, events: 2 });
    if (backend !== 'auto') expect(result.backend).toBe(backend);
    expect(result.violations).toEqual([]);
    expect(reports).toEqual([]);
    recordCounts(test.info().title, { eventsWritten: 2, eventsReadBack: result.events ?? 0 });
  });
}

test("controls: without 'wasm-unsafe-eval' or data: WebAssembly backends are refused; without worker-src or connect-src the library fails typed", async ({
  page,
}) => {
  // script-src without 'wasm-unsafe-eval': compiling our SIMD kernel is refused, in the worker.
  const noWasm = await runUnder(page, { ...STRICT, 'script-src': "'self'" }, 'simd');
  expect(noWasm.result.ok).toBe(false);
  expect(noWasm.result.error).toMatch(/BACKEND_UNAVAILABLE/);
  expect(noWasm.reports.join('\n')).toMatch(/"effective-directive":"script-src"/);
  expect(noWasm.reports.join('\n')).toMatch(/wasm-eval/);
  // 'auto' still works there: it falls back to the plain-JS cpu backend (and the refusals are reported).
  const autoNoWasm = await runUnder(page, { ...STRICT, 'script-src': "'self'" }, 'auto');
  expect(autoNoWasm.result).toMatchObject({ ok: true, backend: expect.stringMatching(/^(cpu|webgl|webgpu)$/) });
  expect(autoNoWasm.reports.length).toBeGreaterThan(0);

  // connect-src without data:: tfjs cannot fetch its inlined wasm binary; the wasm backend is
  // unavailable (our own SIMD kernel is compiled from bytes and does not fetch).
  const noData = await runUnder(page, { ...STRICT, 'connect-src': "'self'" }, 'wasm');
  expect(noData.result.error).toMatch(/BACKEND_UNAVAILABLE/);
  expect(noData.reports.join('\n')).toMatch(/"effective-directive":"connect-src"/);

  // worker-src 'none': the worker cannot start.
  const noWorker = await runUnder(page, { ...STRICT, 'worker-src': "'none'" }, 'cpu');
  expect(noWorker.result.ok).toBe(false);
  expect(noWorker.result.error).toMatch(/WORKER_CRASHED/);
  expect([...noWorker.result.violations, ...noWorker.reports].join('\n')).toMatch(/worker-src/);

  // connect-src 'none': the catalog cannot be fetched.
  const noConnect = await runUnder(page, { ...STRICT, 'connect-src': "'none'" }, 'cpu');
  expect(noConnect.result.ok).toBe(false);
  expect(noConnect.result.error).toMatch(/CATALOG_FETCH_FAILED/);
  expect(noConnect.reports.join('\n')).toMatch(/connect-src/);
  recordCounts(test.info().title, { faults: 5 });
});
