// What the recommender reports about itself (info(), exportHistory()): public types on the ground floor.
import type { BackendName } from './backend-name.js';
import type { StoredEvent } from './events.js';

/** What happened to one backend when the engine chose where to run. */
export interface BackendReport {
  backend: BackendName;
  status: 'chosen' | 'measured' | 'unavailable' | 'skipped' | 'lost';
  reason: string;
  /** Median ms of the real scoring call on a sample of the catalog. */
  medianMs?: number;
  software?: boolean;
  adapter?: string;
}

/** Where storing stands. `storing` is false in every state but `granted`. */
export interface ConsentInfo {
  /** The `consent` option. */
  mode: 'granted' | 'required';
  /**
   * - `granted`: events are stored (default mode, or `grantConsent()` was called);
   * - `pending`: `consent: 'required'` and `grantConsent()` not called yet;
   * - `revoked`: `revokeConsent()` was called (the stored history was erased);
   * - `gpc`: paused by the Global Privacy Control signal (`respectGlobalPrivacyControl`).
   */
  state: 'granted' | 'pending' | 'revoked' | 'gpc';
  storing: boolean;
  /** `navigator.globalPrivacyControl` as the worker sees it (undefined where the browser has no GPC). */
  globalPrivacyControl: boolean | undefined;
  /** Whether the shop asked to honour GPC. */
  respectGlobalPrivacyControl: boolean;
}

export interface EngineInfo {
  backend: BackendName;
  /** Why this backend: the measurement or the option that decided it. */
  reason: string;
  /** Every backend considered, with why it was or was not chosen. */
  backends: BackendReport[];
  /** Set when a GPU device was lost and the engine moved on. */
  fallback?: string;
  catalog: {
    url: string;
    items: number;
    dim: number;
    dtype: string;
    formatVersion: number;
    modelId: string;
    sha256: string;
    source: 'network' | 'cache';
    /**
     * `head`: only the head of a head-first catalog serves (its most popular items, `items` of
     * them) while the rest downloads; `full`: the whole catalog.
     */
    serving: 'head' | 'full';
    /** The last failed attempt to load a newer catalog, while the previous one kept serving. */
    lastError?: { code: string; message: string };
  };
  history: {
    /** False when IndexedDB is unavailable and events are kept in memory only. */
    persistent: boolean;
    reason?: string;
    events: number;
    /** True when stored events are AES-GCM encrypted (`encryptHistory`). */
    encrypted: boolean;
  };
  consent: ConsentInfo;
  /**
   * `repeatRates: false`: the catalog carries no repeat-purchase statistics (a catalog built
   * from bare embeddings, or trained by an older Vitrine), so `buyItAgain()` is always empty.
   * `items`: how many catalog items reach `minRepeatRate`.
   */
  buyItAgain: { repeatRates: boolean; minRepeatRate: number; items: number };
  /** The `itemUpdates` file, when one is set: when it was last applied, and the last failure. */
  itemUpdates?: { url: string; lastAppliedAt?: string; lastError?: { code: string; message: string } };
  /** The library's lazily loaded files: `tfjs` (TensorFlow.js, its backends, the sequence encoder). */
  parts: { tfjs: PartStatus };
}

/** Where a lazily loaded file of the library stands. */
export interface PartStatus {
  /** `idle`: not needed yet (e.g. the SIMD kernel serves and there is no encoder). */
  status: 'idle' | 'loaded' | 'failed';
  /** The URL it is (or was) loaded from. */
  url?: string;
  /** Why it failed to load: then its backends are unavailable and the SIMD kernel serves. */
  error?: { code: 'PART_UNAVAILABLE'; message: string };
}

/** What `exportHistory()` returns: everything stored about the shopper, as JSON. */
export interface HistoryExport {
  format: 'vitrine-history';
  version: 1;
  namespace: string;
  exportedAt: string;
  events: StoredEvent[];
}
