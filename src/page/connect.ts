import { releaseProxy, wrap, type Remote } from 'comlink';
import { VitrineError } from '../shared/errors.js';
import { installErrorTransfer } from '../shared/wire-errors.js';
import type { WorkerApi } from '../worker/worker.js';
import { defaultTfjsPartUrl, startDefaultWorker } from './library-files.js';

export type WorkerRemote = Remote<WorkerApi>;

/** Where to start the worker from: the shop's own, a folder the shop serves, or the default. */
export interface WorkerSource {
  worker?: Worker | undefined;
  /** A folder holding dist/vitrine-worker.js and dist/vitrine-tfjs.js as the package ships them. */
  assetsBase?: string | URL | undefined;
}

function folderUrl(assetsBase: string | URL): URL {
  if (typeof assetsBase !== 'string' && !(assetsBase instanceof URL)) throw new VitrineError('OPTIONS_INVALID', 'assetsBase must be a URL (string or URL).');
  try {
    const url = new URL(String(assetsBase), globalThis.location?.href);
    // A folder: 'vitrine-worker.js' resolves inside it, not beside it.
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return url;
  } catch (cause) {
    throw new VitrineError('OPTIONS_INVALID', `assetsBase is not a valid URL: ${String(assetsBase)}.`, { cause });
  }
}

/** Starts the recommender worker (the only `new Worker` in the library) and wraps it. */
export function connectWorker(source: WorkerSource = {}): { worker: Worker; remote: WorkerRemote; release: () => void } {
  installErrorTransfer();
  const base = source.assetsBase === undefined ? undefined : folderUrl(source.assetsBase);
  const worker = source.worker ?? (base ? new Worker(new URL('vitrine-worker.js', base), { type: 'module', name: 'vitrine' }) : startDefaultWorker());
  const remote = wrap<WorkerApi>(worker);
  const tfjsPart = base ? new URL('vitrine-tfjs.js', base).href : defaultTfjsPartUrl();
  // Sent before init(): messages on one port arrive in order.
  if (tfjsPart !== undefined) void remote.useLibraryFiles({ tfjsPart }).catch(() => undefined);
  return { worker, remote, release: () => remote[releaseProxy]() };
}
