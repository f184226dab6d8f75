import { deleteDB, openDB } from 'idb';
import type { Catalog } from '../catalog/types.js';
import type { BackendReport } from '../shared/info-types.js';

/** Where the last calibration of this device for a catalog shape is kept between visits. */
export interface CalibrationCache {
  get(key: string): Promise<CachedCalibration | undefined>;
  set(key: string, value: CachedCalibration): Promise<void>;
}

export interface CachedCalibration {
  reports: BackendReport[];
  measuredAt: string;
}

const DB_NAME = 'vitrine-device';
const STORE = 'calibration';
/** Bump when the calibration itself changes, so older measurements are not reused. */
const CALIBRATION_VERSION = 1;

/**
 * The same device (browser build, cores) and the same catalog shape measure the same: key on
 * both. A GPU driver change keeps the key, but a failing cached choice is measured again.
 */
export function calibrationKey(catalog: Catalog): string {
  const { itemCount, dim, dtype } = catalog.header;
  const device = typeof navigator === 'undefined' ? 'unknown' : `${navigator.userAgent}|${navigator.hardwareConcurrency}`;
  return `v${CALIBRATION_VERSION}|${device}|${itemCount}x${dim}|${dtype}`;
}

/**
 * IndexedDB-backed cache; every failure reads as a miss (the engine then just measures). Every
 * entry (one per catalog shape this device has seen: a handful) is read as soon as the cache is
 * made, while the catalog loads, so the lookup after decoding costs no IndexedDB round trip.
 */
export function indexedDbCalibrationCache(): CalibrationCache {
  const open = () =>
    openDB(DB_NAME, 1, { upgrade: (created) => void created.createObjectStore(STORE), blocking: (_, __, event) => (event.target as IDBDatabase).close() });
  const entries = (async (): Promise<Map<string, CachedCalibration>> => {
    const db = await open();
    try {
      const tx = db.transaction(STORE);
      const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
      return new Map(keys.map((key, i) => [String(key), values[i] as CachedCalibration]));
    } finally {
      db.close();
    }
  })();
  entries.catch(() => undefined);
  return {
    async get(key) {
      return (await entries).get(key);
    },
    async set(key, value) {
      const db = await open();
      try {
        await db.put(STORE, value, key);
      } finally {
        db.close();
      }
    },
  };
}

/** Part of eraseHistory(): leaves no database of ours behind. */
export async function clearCalibrationCache(): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await deleteDB(DB_NAME).catch(() => undefined);
}
