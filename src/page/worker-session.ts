import { proxy } from 'comlink';
import type { EngineOptions, ItemUpdate } from '../shared/api-types.js';
import { VitrineError, WorkerError } from '../shared/errors.js';
import type { ProgressInfo } from '../shared/progress.js';
import { DEFAULT_NAMESPACE, openTabsChannel, type TabsMessage } from '../shared/tabs-channel.js';
import type { CachedCatalogBytes } from '../storage/catalog-cache.js';
import { connectWorker, type WorkerRemote } from './connect.js';
import { watchLifeline } from './worker-lifeline.js';

const notPlainOptions = (): VitrineError => new VitrineError('OPTIONS_INVALID', 'Arguments must be plain data: no functions, symbols or DOM objects.');

/** What the page remembers so that a restarted worker picks up where the crashed one was. */
export interface Replay {
  options: Omit<EngineOptions, 'catalog'>;
  catalogUrl: string;
  catalogPin: string | undefined;
  consent: 'grant' | 'revoke' | undefined;
  /** Live item updates since the catalog loaded (without consent they are not stored). */
  liveUpdates: ItemUpdate[];
}

/**
 * The page's hold on the worker: starts it, notices when it dies, fails calls fast with typed
 * errors, and replaces a crashed worker on the next call. Contract of a restart:
 * - the new worker gets the same options, the catalog in use (from Cache Storage), the consent
 *   given and the live item updates; calls wait for it;
 * - calls pending at the crash (tracks included) reject with WORKER_CRASHED and are never
 *   replayed: an acknowledged event is stored once, and re-read from IndexedDB by the new worker;
 * - a worker the shop injected (`worker` option) cannot be re-created: calls keep rejecting.
 */
export class WorkerSession {
  remote: WorkerRemote;
  readonly progress: ((info: ProgressInfo) => void) | undefined;
  readonly replay: Replay;
  #worker: Worker;
  #release: () => void;
  readonly #injected: boolean;
  readonly #assetsBase: string | URL | undefined;
  #disposed = false;
  #crash: WorkerError | undefined;
  readonly #crashListeners = new Set<(error: WorkerError) => void>();
  #restarting: Promise<void> | undefined;
  readonly #tabs: BroadcastChannel | undefined;
  /** Runs before every call (the track batcher sends its queue first, to keep the order). */
  beforeCall: () => void = () => undefined;

  constructor(source: { worker?: Worker | undefined; assetsBase?: string | URL | undefined }, replay: Replay, onProgress?: (info: ProgressInfo) => void) {
    ({ worker: this.#worker, remote: this.remote, release: this.#release } = connectWorker(source));
    this.#injected = source.worker !== undefined;
    this.#assetsBase = source.assetsBase;
    this.replay = replay;
    this.progress = onProgress ? proxy(onProgress) : undefined;
    this.#watch();
    // A revoke in another tab stops our worker storing (it hears the same broadcast); a worker
    // restarted after a crash must then not replay this tab's older grant.
    this.#tabs = openTabsChannel(replay.options.namespace ?? DEFAULT_NAMESPACE);
    this.#tabs?.addEventListener('message', (message: MessageEvent<TabsMessage>) => {
      if (message.data?.kind === 'revoked') this.replay.consent = 'revoke';
    });
  }

  /** Starts the first worker; on failure everything is released and the error thrown. */
  async start(prefetched: CachedCatalogBytes | null): Promise<void> {
    try {
      await this.call(() => this.remote.init({ ...this.replay.options, catalog: this.replay.catalogUrl }, this.progress, prefetched));
    } catch (error) {
      this.#close();
      throw error;
    }
  }

  /** Every call fails fast with a typed error once the worker is gone. */
  async call<T>(run: () => Promise<T>, notPlainData: () => VitrineError = notPlainOptions): Promise<T> {
    this.beforeCall();
    if (this.#disposed) throw new WorkerError('DISPOSED', 'This recommender was disposed.');
    if (this.#crash || this.#restarting) await this.#restart();
    let listener: ((error: WorkerError) => void) | undefined;
    try {
      return await Promise.race([run(), new Promise<never>((_, reject) => this.#crashListeners.add((listener = reject)))]);
    } catch (error) {
      // postMessage refuses functions, symbols and DOM objects before anything reaches the worker.
      if (error instanceof DOMException && error.name === 'DataCloneError') throw notPlainData();
      throw error;
    } finally {
      if (listener) this.#crashListeners.delete(listener);
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      // A crashed worker never answers: do not wait for it.
      if (!this.#crash) await Promise.race([this.remote.dispose(), new Promise<never>((_, reject) => this.#crashListeners.add(reject))]);
    } catch {
      // The worker may already be gone; terminating below is what matters.
    }
    this.#close();
  }

  #close(): void {
    this.#tabs?.close();
    this.#release();
    this.#worker.terminate();
  }

  #crashed(from: Worker, why: string): void {
    if (from !== this.#worker || this.#crash) return;
    this.#crash = new WorkerError('WORKER_CRASHED', `The recommender worker stopped: ${why}.`);
    for (const listener of this.#crashListeners) listener(this.#crash);
  }

  // A worker that throws fires `error`; one that ends (self.close(), killed) fires nothing, so it
  // holds a Web Lock for its life and we wait on the same lock (see worker-lifeline.ts).
  #watch(): void {
    const current = this.#worker;
    current.addEventListener('error', (event) =>
      this.#crashed(current, event.message || 'its script could not be loaded or failed to start (is vitrine-worker.js served? README: Install and bundlers)'),
    );
    watchLifeline(this.remote, () => this.#crashed(current, 'the worker ended'));
  }

  #restart(): Promise<void> {
    if (this.#injected) return Promise.reject(this.#crash);
    this.#restarting ??= (async () => {
      this.#release();
      this.#worker.terminate();
      ({ worker: this.#worker, remote: this.remote, release: this.#release } = connectWorker({ assetsBase: this.#assetsBase }));
      this.#crash = undefined;
      this.#watch();
      let listener: ((error: WorkerError) => void) | undefined;
      const died = new Promise<never>((_, reject) => this.#crashListeners.add((listener = reject)));
      const { options, catalogUrl, catalogPin, consent, liveUpdates } = this.replay;
      try {
        await Promise.race([this.remote.init({ ...options, catalog: catalogUrl, catalogSha256: catalogPin }, this.progress), died]);
        if (consent === 'grant') await Promise.race([this.remote.grantConsent(), died]);
        else if (consent === 'revoke') await Promise.race([this.remote.revokeConsent({ erase: false }), died]);
        if (liveUpdates.length > 0) await Promise.race([this.remote.updateItems(liveUpdates), died]);
      } catch (error) {
        // Leave it crashed: the next call tries again with a fresh worker.
        this.#crash ??= new WorkerError(
          'WORKER_CRASHED',
          `The recommender worker could not be restarted: ${error instanceof Error ? error.message : String(error)}.`,
        );
        throw error;
      } finally {
        if (listener) this.#crashListeners.delete(listener);
      }
    })().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }
}
