import { deleteDB, openDB, type DBSchema } from 'idb';
import type { NewEvent, StoredEvent } from '../shared/events.js';

/**
 * Encryption at rest of the stored history (`encryptHistory: true`).
 * - The key is an AES-GCM 256 `CryptoKey` generated on the device with `extractable: false`: its
 *   bytes can never be read by script, only used. It is stored as a `CryptoKey` object (they are
 *   structured-cloneable) in its own database, `vitrine-key:<namespace>`, so the history schema
 *   is unchanged and erasing deletes both databases.
 * - Each event is sealed separately with a fresh 96-bit IV; its `ts` stays in clear (the age
 *   eviction uses the `ts` index) and is bound to the ciphertext as additional data, so a record
 *   cannot be moved in time without failing to decrypt.
 * - A record that does not decrypt (key deleted by another tab, tampering) is skipped, not thrown:
 *   one bad record must not make the whole history unreadable.
 * This protects against reading the disk or the profile folder; it does not hide anything from
 * script running in the shop's origin, which can use the key as the library does.
 */
export const HISTORY_KEY_DB_PREFIX = 'vitrine-key:';
const KEY_NAME = 'history';

interface KeyDB extends DBSchema {
  keys: { key: string; value: CryptoKey };
}

/** What an encrypted event looks like in IndexedDB: no item id, type or query in clear. */
export interface SealedRecord {
  seq?: number;
  ts: number;
  iv: Uint8Array;
  sealed: ArrayBuffer;
}

export const isSealed = (record: unknown): record is SealedRecord => typeof record === 'object' && record !== null && 'sealed' in record && 'iv' in record;

export interface EventCipher {
  seal(events: NewEvent[]): Promise<SealedRecord[]>;
  /** Decrypts stored rows (plain rows from before encryption was turned on pass through). */
  open(rows: unknown[]): Promise<StoredEvent[]>;
  /** Deletes the key database. */
  erase(): Promise<void>;
}

const additionalData = (ts: number): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`vitrine-event:${ts}`);

/** The device key, created on first use. Connections are closed at once so a delete is never blocked. */
async function loadKey(namespace: string, create: boolean): Promise<CryptoKey | undefined> {
  const name = HISTORY_KEY_DB_PREFIX + namespace;
  const db = await openDB<KeyDB>(name, 1, { upgrade: (d) => void d.createObjectStore('keys') });
  try {
    const existing = await db.get('keys', KEY_NAME);
    if (existing || !create) return existing;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    try {
      // add(), not put(): when another tab created a key meanwhile, theirs wins and we use it.
      await db.add('keys', key, KEY_NAME);
      return key;
    } catch {
      return (await db.get('keys', KEY_NAME)) ?? key;
    }
  } finally {
    db.close();
  }
}

export function createEventCipher(namespace: string): EventCipher {
  return {
    async seal(events) {
      if (events.length === 0) return [];
      const key = (await loadKey(namespace, true))!;
      return Promise.all(
        events.map(async (event) => {
          const iv = crypto.getRandomValues(new Uint8Array(12));
          const plain = new TextEncoder().encode(JSON.stringify(event));
          const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(event.ts) }, key, plain);
          return { ts: event.ts, iv, sealed };
        }),
      );
    },
    async open(rows) {
      if (!rows.some(isSealed)) return rows as StoredEvent[];
      const key = await loadKey(namespace, false);
      const out = await Promise.all(
        rows.map(async (row): Promise<StoredEvent | undefined> => {
          if (!isSealed(row)) return row as StoredEvent;
          if (!key) return undefined;
          try {
            const plain = await crypto.subtle.decrypt(
              { name: 'AES-GCM', iv: row.iv as Uint8Array<ArrayBuffer>, additionalData: additionalData(row.ts) },
              key,
              row.sealed,
            );
            return { ...(JSON.parse(new TextDecoder().decode(plain)) as NewEvent), seq: row.seq! };
          } catch {
            return undefined;
          }
        }),
      );
      return out.filter((e): e is StoredEvent => e !== undefined);
    },
    async erase() {
      await deleteDB(HISTORY_KEY_DB_PREFIX + namespace);
    },
  };
}
