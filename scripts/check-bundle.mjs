// Checks the built library's shape, which a shop's bundler depends on (README: Install and bundlers):
// - three self-contained ES modules that import nothing (no static imports, no chunks): a bundler
//   may copy, rename or re-bundle each and it still runs;
// - the page module references the other two by the literal `new URL('./file.js', import.meta.url)`
//   form vite and webpack follow, and carries no TensorFlow.js;
// - the worker carries no TensorFlow.js (it loads the part by URL when a tfjs path needs it).
// Prints sizes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const read = (f) => readFileSync(join(dist, f), 'utf8');
// Every tfjs kernel config names itself: a property minifiers keep.
const hasTfjs = (code) => (code.match(/kernelName/g) ?? []).length > 50;
const staticImports = (code) =>
  code.match(/(^|[;\n}])\s*(import\s*[\w{*][^;]*?from\s*["'`][^"'`]+["'`]|import\s*["'`][^"'`]+["'`]|export\s*[^;]*?from\s*["'`][^"'`]+["'`])/g) ?? [];
const failures = [];
const files = { page: 'index.js', worker: 'vitrine-worker.js', tfjs: 'vitrine-tfjs.js' };
for (const f of Object.values(files)) if (!existsSync(join(dist, f))) failures.push(`dist/${f} is missing`);
if (failures.length === 0) {
  const [page, worker, tfjs] = [read(files.page), read(files.worker), read(files.tfjs)];
  for (const [name, code] of Object.entries({ [files.page]: page, [files.worker]: worker, [files.tfjs]: tfjs })) {
    const imports = staticImports(code);
    if (imports.length > 0) failures.push(`dist/${name} imports other modules (${imports[0].trim().slice(0, 80)}): it must be self-contained`);
  }
  const chunks = readdirSync(dist).filter((f) => f.endsWith('.js') && !Object.values(files).includes(f));
  if (chunks.length > 0 || existsSync(join(dist, 'assets'))) failures.push(`unexpected chunks beside the three files: ${chunks.join(', ') || 'assets/'}`);
  if (/@tensorflow|registerKernel|WebGPUBackend/.test(page) || hasTfjs(page)) failures.push('dist/index.js contains TensorFlow.js code');
  if (!/new Worker\(new URL\("\.\/vitrine-worker\.js", import\.meta\.url\)/.test(page))
    failures.push('dist/index.js does not start the worker by new Worker(new URL("./vitrine-worker.js", import.meta.url))');
  if (!/new URL\("\.\/vitrine-tfjs\.js", import\.meta\.url\)/.test(page))
    failures.push('dist/index.js does not reference new URL("./vitrine-tfjs.js", import.meta.url)');
  if (hasTfjs(worker)) failures.push('dist/vitrine-worker.js contains TensorFlow.js: it should load the part on demand');
  if (!/import\(\s*\/\* @vite-ignore \*\/\s*\/\* webpackIgnore: true \*\//.test(worker))
    failures.push('dist/vitrine-worker.js does not import the tfjs part by URL (with the bundler-ignore comments)');
  if (!hasTfjs(tfjs)) failures.push('dist/vitrine-tfjs.js does not contain TensorFlow.js');
  const kb = (s) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} KiB (gzip ${(gzipSync(s).length / 1024).toFixed(1)} KiB)`;
  for (const [name, code] of Object.entries({ [files.page]: page, [files.worker]: worker, [files.tfjs]: tfjs })) console.log(`dist/${name}: ${kb(code)}`);
}
if (failures.length > 0) {
  console.error(`Bundle check failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('Bundle check passed: three self-contained files; no TensorFlow.js in the page or the worker.');
