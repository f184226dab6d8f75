import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import type { StoredEvent } from '../shared/events.js';

export const HISTORY_DB_PREFIX = 'vitrine-history:';
/** Bump together with a new entry in MIGRATIONS. */
export const HISTORY_SCHEMA_VERSION = 1;

export interface HistoryDB extends DBSchema {
  events: { key: number; value: StoredEvent; indexes: { ts: number } };
}

type Migration = (db: IDBPDatabase<HistoryDB>, tx: IDBPTransaction<HistoryDB, Array<'events'>, 'versionchange'>) => void;

/** MIGRATIONS[v] upgrades a database from version v to v + 1. */
export const MIGRATIONS: Migration[] = [
  (db) => {
    const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
    events.createIndex('ts', 'ts');
  },
];
