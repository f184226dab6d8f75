/**
 * Every error Vitrine throws is a `VitrineError` (or a subclass) with a stable `code`.
 * Callers branch on `code`; messages are for humans and may change.
 */
export const ERROR_CODES = {
  OPTIONS_INVALID: 'An option passed to Vitrine is invalid.',
  EVENT_INVALID: 'The event is malformed; it was not stored.',
  ITEM_UNKNOWN: 'The item id is not in the catalog.',
  ITEM_UPDATE_INVALID: 'An item update is malformed (price, stock or available); nothing was applied.',
  CATALOG_FETCH_FAILED: 'The catalog could not be downloaded.',
  CATALOG_CORRUPT: 'The catalog file is corrupt (bad magic, header or checksum).',
  CATALOG_TRUNCATED: 'The catalog file is shorter than its header says.',
  CATALOG_VERSION: 'The catalog format version is not supported by this library.',
  CATALOG_INTEGRITY: 'The catalog does not match the SHA-256 the shop pinned in the options.',
  CATALOG_NOT_LOADED: 'No catalog is loaded yet.',
  STORAGE_QUOTA_EXCEEDED: 'The browser refused to store more data (quota exceeded).',
  STORAGE_FAILED: 'Reading or writing the on-device history failed.',
  BACKEND_UNAVAILABLE: 'The requested compute backend cannot run in this browser.',
  PART_UNAVAILABLE: 'A file of the library (the TensorFlow.js part) could not be loaded; the SIMD kernel serves instead.',
  DEVICE_LOST: 'The GPU device was lost.',
  WORKER_CRASHED: 'The recommender worker stopped unexpectedly.',
  DISPOSED: 'The recommender was disposed.',
  ITEM_UPDATES_FETCH_FAILED: 'The item updates file could not be downloaded or read; the last applied state holds.',
  ENCODER_INVALID: 'The encoder file is malformed or does not match the catalog.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class of every error Vitrine throws. */
export class VitrineError extends Error {
  override name: string = 'VitrineError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: ErrorOptions) {
    super(message ?? ERROR_CODES[code], options);
    this.code = code;
  }
}
/** The catalog could not be fetched, parsed or verified. */
export class CatalogError extends VitrineError {
  override name: string = 'CatalogError';
}
/** A tracked event or an item id was rejected. */
export class EventError extends VitrineError {
  override name: string = 'EventError';
}
/** IndexedDB failed, was unavailable or ran out of quota. */
export class StorageError extends VitrineError {
  override name: string = 'StorageError';
}
/** A compute backend failed or was lost. */
export class EngineError extends VitrineError {
  override name: string = 'EngineError';
}
/** The worker crashed, or the recommender was disposed. */
export class WorkerError extends VitrineError {
  override name: string = 'WorkerError';
}

const CLASSES = { VitrineError, CatalogError, EventError, StorageError, EngineError, WorkerError } as const;

/** The plain-data shape an error takes across the worker boundary. */
export interface WireError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
  details?: unknown;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const wire: WireError = { name: error.name, message: error.message };
    if (error.stack !== undefined) wire.stack = error.stack;
    // By code, not instanceof: the tfjs part (a separately built file) has its own copy of these classes.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code in ERROR_CODES) {
      wire.code = code;
      if ('details' in error) wire.details = (error as { details?: unknown }).details;
    }
    return wire;
  }
  return { name: 'Error', message: String(error) };
}

export function fromWireError(wire: WireError): Error {
  if (wire.code !== undefined && wire.code in ERROR_CODES) {
    const Class = CLASSES[wire.name as keyof typeof CLASSES] ?? VitrineError;
    const error = new Class(wire.code as ErrorCode, wire.message);
    if (wire.stack !== undefined) error.stack = wire.stack;
    return error;
  }
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
