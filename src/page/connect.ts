import { releaseProxy, wrap, type Remote } from 'comlink';
import { installErrorTransfer } from '../shared/wire-errors.js';
import type { WorkerApi } from '../worker/worker.js';

export type WorkerRemote = Remote<WorkerApi>;

/** Starts the recommender worker (the only `new Worker` in the library) and wraps it. */
export function connectWorker(injected?: Worker): { worker: Worker; remote: WorkerRemote; release: () => void } {
  installErrorTransfer();
  // The literal `new Worker(new URL(…), { type: 'module' })` form lets bundlers emit the worker.
  const worker = injected ?? new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'vitrine' });
  const remote = wrap<WorkerApi>(worker);
  return { worker, remote, release: () => remote[releaseProxy]() };
}
