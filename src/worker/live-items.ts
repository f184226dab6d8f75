import type { ItemTable } from '../catalog/item-table.js';
import type { ItemUpdate } from '../shared/api-types.js';
import { EventError, VitrineError } from '../shared/errors.js';

/** At most this many updates per call (a whole 1M-item catalog fits). */
export const MAX_ITEM_UPDATES = 1_000_000;

/** Updates checked against the catalog, as rows and columns ready to apply. */
export interface ValidatedUpdates {
  rows: Int32Array;
  /** NaN: the update leaves the field as it is (see `hasPrice` / `hasStock`). */
  price: Float64Array;
  stock: Float64Array;
  hasPrice: Uint8Array;
  hasStock: Uint8Array;
  /** 1: withdrawn from sale, 0: on sale again, 255: unchanged. */
  available: Uint8Array;
  /** The updates as given, for persisting. */
  updates: ItemUpdate[];
}

const bad = (i: number, why: string): VitrineError => new VitrineError('ITEM_UPDATE_INVALID', `Item update ${i} is invalid: ${why}; nothing was applied.`);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks every update before any is applied (all or nothing). Contract:
 * - an id the catalog does not know → ITEM_UNKNOWN;
 * - `price` a finite number ≥ 0, `stock` a finite number ≥ 0 (0 = out of stock), `available` a
 *   boolean, nothing else, at least one of them → otherwise ITEM_UPDATE_INVALID;
 * - the same id twice: the later update wins, field by field.
 */
export function validateItemUpdates(updates: unknown, table: ItemTable): ValidatedUpdates {
  if (!Array.isArray(updates) || updates.length > MAX_ITEM_UPDATES)
    throw new VitrineError('OPTIONS_INVALID', `updateItems() takes an array of at most ${MAX_ITEM_UPDATES} updates.`);
  const n = updates.length;
  const out: ValidatedUpdates = {
    rows: new Int32Array(n),
    price: new Float64Array(n),
    stock: new Float64Array(n),
    hasPrice: new Uint8Array(n),
    hasStock: new Uint8Array(n),
    available: new Uint8Array(n).fill(255),
    updates: [],
  };
  for (let i = 0; i < n; i++) {
    const u: unknown = updates[i];
    if (!isObject(u) || typeof u.id !== 'string') throw bad(i, 'it needs an id string');
    for (const key of Object.keys(u))
      if (key !== 'id' && key !== 'price' && key !== 'stock' && key !== 'available') throw bad(i, `unknown field "${key.slice(0, 40)}"`);
    if (u.price === undefined && u.stock === undefined && u.available === undefined) throw bad(i, 'it changes nothing (give price, stock or available)');
    const row = table.lookup.get(u.id);
    if (row === undefined) throw new EventError('ITEM_UNKNOWN', `Item "${u.id.slice(0, 80)}" is not in the catalog; no update was applied.`);
    out.rows[i] = row;
    if (u.price !== undefined) {
      if (typeof u.price !== 'number' || !Number.isFinite(u.price) || u.price < 0) throw bad(i, 'price must be a finite number ≥ 0');
      [out.price[i], out.hasPrice[i]] = [u.price, 1];
    }
    if (u.stock !== undefined) {
      if (typeof u.stock !== 'number' || !Number.isFinite(u.stock) || u.stock < 0) throw bad(i, 'stock must be a finite number ≥ 0');
      [out.stock[i], out.hasStock[i]] = [u.stock, 1];
    }
    if (u.available !== undefined) {
      if (typeof u.available !== 'boolean') throw bad(i, 'available must be a boolean');
      out.available[i] = u.available ? 0 : 1;
    }
    const copy: ItemUpdate = { id: u.id };
    if (u.price !== undefined) copy.price = u.price as number;
    if (u.stock !== undefined) copy.stock = u.stock as number;
    if (u.available !== undefined) copy.available = u.available as boolean;
    out.updates.push(copy);
  }
  return out;
}

/**
 * The live state of one catalog: items withdrawn from sale, and every update applied since the
 * catalog was loaded (merged per id), which is what is persisted until the next catalog.
 */
export class LiveItems {
  readonly withdrawn = new Set<number>();
  readonly #merged = new Map<string, ItemUpdate>();

  /** Applies validated updates to the table's columns; returns the rows whose price or stock changed. */
  apply(v: ValidatedUpdates, table: ItemTable): Int32Array {
    const pick = (flags: Uint8Array): Int32Array => Int32Array.from(flags.keys()).filter((i) => flags[i] === 1);
    const priced = pick(v.hasPrice);
    const stocked = pick(v.hasStock);
    if (priced.length > 0)
      table.setNumbers(
        'price',
        Int32Array.from(priced, (i) => v.rows[i]!),
        Float64Array.from(priced, (i) => v.price[i]!),
      );
    if (stocked.length > 0)
      table.setNumbers(
        'stock',
        Int32Array.from(stocked, (i) => v.rows[i]!),
        Float64Array.from(stocked, (i) => v.stock[i]!),
      );
    for (let i = 0; i < v.rows.length; i++) {
      if (v.available[i] === 1) this.withdrawn.add(v.rows[i]!);
      else if (v.available[i] === 0) this.withdrawn.delete(v.rows[i]!);
    }
    for (const u of v.updates) this.#merged.set(u.id, { ...this.#merged.get(u.id), ...u });
    return Int32Array.from(new Set([...Array.from(priced, (i) => v.rows[i]!), ...Array.from(stocked, (i) => v.rows[i]!)]));
  }

  /** Every update since the catalog was loaded, one per id. */
  snapshot(): ItemUpdate[] {
    return [...this.#merged.values()];
  }

  get size(): number {
    return this.#merged.size;
  }
}
