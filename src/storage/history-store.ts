import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import { StorageError } from '../shared/errors.js';
import { createEventCipher, HISTORY_KEY_DB_PREFIX, isSealed, type EventCipher } from './encryption.js';
import type { NewEvent, StoredEvent } from '../shared/events.js';
import { HISTORY_DB_PREFIX, HISTORY_SCHEMA_VERSION, MIGRATIONS, type HistoryDB } from './schema.js';

export interface HistoryLimits {
  /** Oldest events are evicted past this count. */
  maxEvents: number;
  /** Events older than this are evicted. */
  maxAgeMs: number;
}

/** The shopper's events on this device. One instance per worker. */
export interface HistoryStore {
  /** False when IndexedDB is unavailable and events live in memory only. */
  readonly persistent: boolean;
  readonly reason?: string;
  /** True when events are stored AES-GCM encrypted (see encryption.ts). */
  readonly encrypted?: boolean;
  /** Times the oldest events were evicted to make room under a full quota: a reader's copy is stale then. */
  readonly quotaEvictions: number;
  append(events: NewEvent[]): Promise<StoredEvent[]>;
  readAll(): Promise<StoredEvent[]>;
  /** Events written (by any tab) after `seq`, oldest first. */
  readAfter(seq: number): Promise<StoredEvent[]>;
  /** Deletes the database itself, so nothing of ours is left in IndexedDB. */
  erase(): Promise<void>;
  close(): void;
}

export function historyDbName(namespace: string): string {
  return HISTORY_DB_PREFIX + namespace;
}

/** Opens the IndexedDB history, or an in-memory one (with the reason) when IndexedDB fails. */
export async function openHistory(namespace: string, limits: HistoryLimits, options: { encrypt?: boolean } = {}): Promise<HistoryStore> {
  const store = new IdbHistory(historyDbName(namespace), limits, options.encrypt ? createEventCipher(namespace) : undefined);
  try {
    await store.connect();
    return store;
  } catch (error) {
    const reason = `IndexedDB unavailable (${error instanceof Error ? error.message : String(error)}); history is kept in memory for this session.`;
    return new MemoryHistory(limits, reason);
  }
}

/**
 * Deletes the history and key databases of `namespace` without opening them (deleting one that
 * does not exist creates nothing). A no-op where IndexedDB is missing or refuses.
 */
export async function eraseHistoryDatabases(namespace: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  for (const name of [historyDbName(namespace), HISTORY_KEY_DB_PREFIX + namespace]) {
    try {
      await deleteDB(name);
    } catch {
      // Storage blocked: there is nothing of ours in it either.
    }
  }
}

/** A history that writes nothing to the device (no consent yet, or Global Privacy Control). */
export function openMemoryHistory(limits: HistoryLimits, reason: string): HistoryStore {
  return new MemoryHistory(limits, reason);
}

function wrapStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'QuotaExceededError') return new StorageError('STORAGE_QUOTA_EXCEEDED', undefined, { cause: error });
  return new StorageError('STORAGE_FAILED', `IndexedDB failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

class IdbHistory implements HistoryStore {
  readonly persistent = true;
  quotaEvictions = 0;
  #db: Promise<IDBPDatabase<HistoryDB>> | undefined;
  readonly #name: string;
  readonly #limits: HistoryLimits;
  readonly #cipher: EventCipher | undefined;

  constructor(name: string, limits: HistoryLimits, cipher?: EventCipher) {
    this.#name = name;
    this.#limits = limits;
    this.#cipher = cipher;
  }

  get encrypted(): boolean {
    return this.#cipher !== undefined;
  }

  /** Plain rows as they are; sealed ones decrypted, or left out when the history is not encrypted. */
  async #open(rows: unknown[]): Promise<StoredEvent[]> {
    return this.#cipher ? this.#cipher.open(rows) : (rows.filter((row) => !isSealed(row)) as StoredEvent[]);
  }

  async connect(): Promise<IDBPDatabase<HistoryDB>> {
    if (typeof indexedDB === 'undefined') throw new Error('indexedDB is not defined');
    this.#db ??= openDB<HistoryDB>(this.#name, HISTORY_SCHEMA_VERSION, {
      upgrade: (db, oldVersion, _newVersion, tx) => {
        for (let v = oldVersion; v < HISTORY_SCHEMA_VERSION; v++) MIGRATIONS[v]!(db, tx);
      },
      // Another tab wants to upgrade or delete the database: let it, and reopen lazily.
      blocking: () => this.#drop(),
      terminated: () => {
        this.#db = undefined;
      },
    }).catch((error: unknown) => {
      this.#db = undefined;
      throw error;
    });
    return this.#db;
  }

  #drop(): void {
    const db = this.#db;
    this.#db = undefined;
    void db?.then(
      (d) => d.close(),
      () => undefined,
    );
  }

  async append(events: NewEvent[]): Promise<StoredEvent[]> {
    try {
      return await this.#write(events);
    } catch (error) {
      const wrapped = wrapStorageError(error);
      if (wrapped.code !== 'STORAGE_QUOTA_EXCEEDED') throw wrapped;
      // Make room by evicting the oldest tenth, then try once more. Eviction itself writes (and
      // can hit the quota): every failure leaves as a StorageError, never a bare DOMException.
      try {
        await this.#evictOldest(Math.max(events.length, Math.ceil(this.#limits.maxEvents / 10)));
        return await this.#write(events);
      } catch (retryError) {
        throw wrapStorageError(retryError);
      }
    }
  }

  async #write(events: NewEvent[]): Promise<StoredEvent[]> {
    // Encrypt before the transaction opens: awaiting WebCrypto inside it would auto-commit it.
    const records = this.#cipher ? await this.#cipher.seal(events) : events;
    const db = await this.connect();
    // One transaction for the batch and its eviction: about 1 ms per transaction here.
    const tx = db.transaction('events', 'readwrite');
    // Requests of one transaction run in order: issue the adds, the age check and the count at
    // once and wait for them together (each await is a round trip to IndexedDB's thread; this
    // is on the event → fresh recommendations path).
    const cutoff = Date.now() - this.#limits.maxAgeMs;
    const [seqs, expired, count] = await Promise.all([
      Promise.all(events.map((_, i) => tx.store.add(records[i] as StoredEvent))),
      tx.store.index('ts').openCursor(IDBKeyRange.upperBound(cutoff, true)),
      tx.store.count(),
    ]);
    const stored: StoredEvent[] = events.map((event, i) => ({ ...event, seq: seqs[i]! }));
    let excess = count - this.#limits.maxEvents;
    let cursor = expired;
    while (cursor) {
      await cursor.delete();
      excess--;
      cursor = await cursor.continue();
    }
    let oldest = excess > 0 ? await tx.store.openCursor() : null;
    while (oldest && excess > 0) {
      await oldest.delete();
      excess--;
      oldest = await oldest.continue();
    }
    await tx.done;
    return stored;
  }

  async #evictOldest(count: number): Promise<void> {
    const db = await this.connect();
    const tx = db.transaction('events', 'readwrite');
    let cursor = await tx.store.openCursor();
    while (cursor && count-- > 0) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
    this.quotaEvictions++;
  }

  async readAll(): Promise<StoredEvent[]> {
    try {
      return await this.#open(await (await this.connect()).getAll('events'));
    } catch (error) {
      throw wrapStorageError(error);
    }
  }

  async readAfter(seq: number): Promise<StoredEvent[]> {
    try {
      return await this.#open(await (await this.connect()).getAll('events', IDBKeyRange.lowerBound(seq, true)));
    } catch (error) {
      throw wrapStorageError(error);
    }
  }

  async erase(): Promise<void> {
    this.#drop();
    try {
      await deleteDB(this.#name);
      // The key goes too: nothing encrypted with it is left to read.
      await this.#cipher?.erase();
    } catch (error) {
      throw wrapStorageError(error);
    }
  }

  close(): void {
    this.#drop();
  }
}

/** Fallback when IndexedDB cannot be opened (private mode, blocked storage). */
class MemoryHistory implements HistoryStore {
  readonly persistent = false;
  readonly reason: string;
  readonly quotaEvictions = 0;
  #events: StoredEvent[] = [];
  #nextSeq = 1;
  readonly #limits: HistoryLimits;

  constructor(limits: HistoryLimits, reason: string) {
    this.#limits = limits;
    this.reason = reason;
  }

  async append(events: NewEvent[]): Promise<StoredEvent[]> {
    const stored = events.map((event) => ({ ...event, seq: this.#nextSeq++ }));
    const cutoff = Date.now() - this.#limits.maxAgeMs;
    this.#events = [...this.#events, ...stored].filter((e) => e.ts >= cutoff).slice(-this.#limits.maxEvents);
    return stored;
  }

  async readAll(): Promise<StoredEvent[]> {
    return [...this.#events];
  }

  async readAfter(seq: number): Promise<StoredEvent[]> {
    return this.#events.filter((e) => e.seq > seq);
  }

  async erase(): Promise<void> {
    this.#events = [];
  }

  close(): void {}
}
