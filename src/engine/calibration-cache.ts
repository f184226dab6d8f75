import { deleteDB, openDB } from 'idb';
import type { Catalog } from '../catalog/types.js';
import type { BackendReport } from './engine.js';

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

/** IndexedDB-backed cache; every failure reads as a miss (the engine then just measures). */
export function indexedDbCalibrationCache(): CalibrationCache {
  const open = async () => {
    // A connection left open must not hold up eraseHistory()'s deleteDB: give way when asked.
    const db = await openDB(DB_NAME, 1, { upgrade: (created) => void created.createObjectStore(STORE), blocking: () => db.close() });
    return db;
  };
  // Opening starts now, so that it overlaps the catalog's loading; the first call takes it.
  let opened: ReturnType<typeof open> | undefined = open();
  opened.catch(() => undefined);
  const take = (): ReturnType<typeof open> => {
    const db = opened ?? open();
    opened = undefined;
    return db;
  };
  return {
    async get(key) {
      const db = await take();
      try {
        return (await db.get(STORE, key)) as CachedCalibration | undefined;
      } finally {
        db.close();
      }
    },
    async set(key, value) {
      const db = await take();
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
