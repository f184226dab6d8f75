// Proves the page bundle carries no TensorFlow.js (it belongs to the worker only) and prints sizes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const page = readFileSync(join(dist, 'index.js'), 'utf8');
const assets = readdirSync(join(dist, 'assets'));
const workerFile = assets.find((f) => /^worker-.*\.js$/.test(f));
const failures = [];
if (/@tensorflow|tfjs|registerKernel|WebGPUBackend/.test(page)) failures.push('dist/index.js contains TensorFlow.js code');
if (!workerFile) failures.push('no worker chunk in dist/assets');
const worker = workerFile ? readFileSync(join(dist, 'assets', workerFile), 'utf8') : '';
if (workerFile && !/registerKernel|tfjs/.test(worker)) failures.push('the worker chunk does not contain TensorFlow.js');
if (!page.includes(workerFile ?? '\u0000')) failures.push('dist/index.js does not reference the worker chunk by URL');
const kb = (s) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} KiB (gzip ${(gzipSync(s).length / 1024).toFixed(1)} KiB)`;
console.log(`page bundle dist/index.js: ${kb(page)}`);
if (workerFile) console.log(`worker dist/assets/${workerFile}: ${kb(worker)}`);
for (const f of assets.filter((f) => f.endsWith('.wasm'))) console.log(`wasm dist/assets/${f}: ${(readFileSync(join(dist, 'assets', f)).length / 1024).toFixed(0)} KiB`);
if (failures.length > 0) {
  console.error(`Bundle check failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('Bundle check passed: no TensorFlow.js in the page bundle.');
