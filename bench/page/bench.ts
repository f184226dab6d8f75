// The benchmark page: bench/run.ts drives it through `window.bench`. Each (items, dim) group
// gets a fresh module worker, ended afterwards, so no group inherits another's memory.
import { wrap, type Remote } from 'comlink';
import type { BenchWorkerApi } from './bench-worker.js';

let worker: Worker | undefined;
let remote: Remote<BenchWorkerApi> | undefined;

const bench = {
  open(): void {
    bench.close();
    worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module', name: 'vitrine-bench' });
    remote = wrap<BenchWorkerApi>(worker);
  },
  worker(): Remote<BenchWorkerApi> {
    if (!remote) throw new Error('bench.open() first');
    return remote;
  },
  close(): void {
    worker?.terminate();
    worker = undefined;
    remote = undefined;
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
document.getElementById('status')!.textContent = 'ready';
