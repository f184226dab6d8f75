// Proves the page bundle carries no TensorFlow.js (it belongs to the worker only), that the worker
// starts without it (tfjs is a chunk the worker loads only when a tfjs path or the encoder needs
// it), and prints sizes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const page = readFileSync(join(dist, 'index.js'), 'utf8');
const assets = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
const read = (f) => readFileSync(join(dist, 'assets', f), 'utf8');
// Every tfjs kernel config names itself: a property minifiers keep.
const hasTfjs = (code) => (code.match(/kernelName/g) ?? []).length > 50;
const workerFile = assets.find((f) => /^worker-.*\.js$/.test(f));
const failures = [];
if (/@tensorflow|tfjs|registerKernel|WebGPUBackend/.test(page)) failures.push('dist/index.js contains TensorFlow.js code');
if (!workerFile) failures.push('no worker chunk in dist/assets');
else {
  if (!page.includes(workerFile)) failures.push('dist/index.js does not reference the worker chunk by URL');
  if (hasTfjs(read(workerFile))) failures.push('the worker entry chunk contains TensorFlow.js: it should load it on demand');
}
if (!assets.some((f) => f !== workerFile && hasTfjs(read(f)))) failures.push('no worker chunk contains TensorFlow.js');
const kb = (s) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} KiB (gzip ${(gzipSync(s).length / 1024).toFixed(1)} KiB)`;
console.log(`page bundle dist/index.js: ${kb(page)}`);
for (const f of assets) console.log(`worker chunk dist/assets/${f}: ${kb(read(f))}${hasTfjs(read(f)) ? ' (tfjs)' : ''}`);
if (failures.length > 0) {
  console.error(`Bundle check failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('Bundle check passed: no TensorFlow.js in the page bundle; the worker loads it on demand.');
