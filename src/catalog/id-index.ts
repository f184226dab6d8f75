import { ID_INDEX_WASM_BASE64 } from './id-index-wasm.js';

/** Item id → catalog row. `Map` satisfies it too. */
export interface RowLookup {
  get(id: string): number | undefined;
  has(id: string): boolean;
  readonly size: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const EMPTY = 1;
const DUPLICATE = 2;
const COUNT = 3;

type Build = (len: number, n: number, starts: number, hashes: number, slots: number, mask: number) => number;
interface Builder {
  memory: { buffer: ArrayBuffer };
  build: Build;
  errorRow: () => number;
}

/** The same FNV-1a over UTF-8 bytes as id-index.wat, on a query (no bytes allocated). */
function hashUtf8(id: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) {
    let c = id.codePointAt(i)!;
    if (c > 0xffff) i++;
    else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate: TextEncoder writes U+FFFD
    if (c < 0x80) h = Math.imul(h ^ c, FNV_PRIME);
    else {
      const bytes =
        c < 0x800
          ? [0xc0 | (c >> 6), 0x80 | (c & 63)]
          : c < 0x10000
            ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
            : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
      for (c of bytes) h = Math.imul(h ^ c, FNV_PRIME);
    }
  }
  return h >>> 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The catalog's ids as format v3 stores them (UTF-8, joined by NUL) with an open-addressing hash
 * table of rows. Built in one pass by a tiny WebAssembly module (id-index.wat) where the page
 * allows WebAssembly, else by the same loop in JavaScript: in a fresh worker that loop runs cold
 * (≈ 24 ms for 100k ids, profiled; a `Map` of split strings cost more). A duplicate or empty id
 * is found on the way. No string per id is made until `id(row)` or a lookup asks.
 */
export class IdIndex implements RowLookup {
  readonly size: number;
  readonly #bytes: Uint8Array;
  /** Row r's id is bytes[starts[r] … starts[r + 1] − 1) (the last byte is its separator). */
  readonly #starts: Uint32Array;
  readonly #hashes: Uint32Array;
  readonly #slots: Int32Array;
  readonly #mask: number;
  /** Ids looked up before: a shopper's history asks for the same few on every call. */
  readonly #seen = new Map<string, number | undefined>();

  /** @throws {Error} for an empty or duplicate id, or a count other than `count` (callers wrap it). */
  static fromBytes(bytes: Uint8Array, count: number): IdIndex {
    return new IdIndex(bytes, count);
  }

  /** @throws {Error} as fromBytes, and for an id holding a NUL. */
  static fromIds(ids: readonly string[]): IdIndex {
    const bad = ids.findIndex((id) => typeof id !== 'string' || id.includes('\0'));
    if (bad >= 0) throw new Error(`id of row ${bad} is not a string without NUL`);
    return new IdIndex(encoder.encode(ids.join('\0')), ids.length);
  }

  private constructor(text: Uint8Array, count: number) {
    let capacity = 8;
    while (capacity < count * 2) capacity *= 2;
    this.size = count;
    this.#mask = capacity - 1;
    // One buffer: the text (and a zero byte after it), then starts, hashes and the table.
    const startsAt = (text.length + 4) & ~3;
    const hashesAt = startsAt + 4 * (count + 1);
    const slotsAt = hashesAt + 4 * count;
    const bytes = slotsAt + 4 * capacity;
    const builder = count > 0 ? wasmBuilder(bytes) : undefined;
    const buffer = builder?.memory.buffer ?? new ArrayBuffer(bytes);
    this.#bytes = new Uint8Array(buffer, 0, text.length);
    this.#bytes.set(text);
    this.#starts = new Uint32Array(buffer, startsAt, count + 1);
    this.#hashes = new Uint32Array(buffer, hashesAt, count);
    this.#slots = new Int32Array(buffer, slotsAt, capacity).fill(-1);
    if (count === 0) {
      if (text.length > 0) throw new Error('ids present for an empty catalog');
      return;
    }
    const result = builder ? builder.build(text.length, count, startsAt, hashesAt, slotsAt, this.#mask) : this.#buildHere(count);
    const row = builder ? builder.errorRow() : this.#errorRow;
    if (result === EMPTY) throw new Error(`id of row ${row} is empty`);
    if (result === DUPLICATE) throw new Error(`duplicate id ${this.id(row)}`);
    if (result === COUNT) throw new Error(`${row} ids for ${count} items`);
  }

  #errorRow = 0;

  /** id-index.wat's build, in JavaScript (where WebAssembly is not allowed). */
  #buildHere(count: number): number {
    const text = this.#bytes;
    let row = 0;
    let start = 0;
    let h = FNV_OFFSET;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text[i]! : 0;
      if (c !== 0) {
        h = Math.imul(h ^ c, FNV_PRIME);
        continue;
      }
      this.#errorRow = row;
      if (i === start) return EMPTY;
      if (row >= count) return ((this.#errorRow = row + 1), COUNT);
      this.#starts[row + 1] = i + 1;
      this.#hashes[row] = h >>> 0;
      for (let slot = (h >>> 0) & this.#mask; ; slot = (slot + 1) & this.#mask) {
        const taken = this.#slots[slot]!;
        if (taken < 0) {
          this.#slots[slot] = row;
          break;
        }
        if (this.#hashes[taken] === h >>> 0 && this.#equals(taken, this.#bytes.subarray(this.#starts[row], i))) return DUPLICATE;
      }
      row++;
      start = i + 1;
      h = FNV_OFFSET;
    }
    this.#errorRow = row;
    return row === count ? 0 : COUNT;
  }

  #equals(row: number, bytes: Uint8Array): boolean {
    const start = this.#starts[row]!;
    if (this.#starts[row + 1]! - 1 - start !== bytes.length) return false;
    for (let k = 0; k < bytes.length; k++) if (this.#bytes[start + k] !== bytes[k]) return false;
    return true;
  }

  /**
   * Row `row`'s id (a new string each call: callers keep what they need). Ids of 32 ASCII bytes or
   * fewer (SKUs, numbers) are built from char codes: a TextDecoder call per id cost more than the
   * 100 ids of a similar() answer were worth. Anything else goes through the decoder.
   */
  id(row: number): string {
    const start = this.#starts[row]!;
    const end = this.#starts[row + 1]! - 1;
    if (end - start <= 32) {
      let id = '';
      for (let i = start; i < end; i++) {
        const byte = this.#bytes[i]!;
        if (byte >= 0x80) return decoder.decode(this.#bytes.subarray(start, end));
        id += String.fromCharCode(byte);
      }
      return id;
    }
    return decoder.decode(this.#bytes.subarray(start, end));
  }

  get(id: string): number | undefined {
    if (typeof id !== 'string' || this.size === 0) return undefined;
    if (this.#seen.has(id)) return this.#seen.get(id);
    const row = this.#find(id);
    if (this.#seen.size >= 10_000) this.#seen.clear();
    this.#seen.set(id, row);
    return row;
  }

  #find(id: string): number | undefined {
    const hash = hashUtf8(id);
    let bytes: Uint8Array | undefined;
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const row = this.#slots[slot]!;
      if (row < 0) return undefined;
      if (this.#hashes[row] === hash && this.#equals(row, (bytes ??= encoder.encode(id)))) return row;
    }
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}

type WasmApi = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
};
let compiled: object | null | undefined;

/**
 * A fresh instance of id-index.wat over a memory of at least `bytes`, or undefined where
 * WebAssembly is missing or refused (a CSP without 'wasm-unsafe-eval'): the caller builds in
 * JavaScript then. The module is 505 bytes: compiled synchronously, once per realm.
 */
function wasmBuilder(bytes: number): Builder | undefined {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm || compiled === null) return undefined;
  try {
    compiled ??= new wasm.Module(Uint8Array.from(atob(ID_INDEX_WASM_BASE64), (c) => c.charCodeAt(0)));
    const memory = new wasm.Memory({ initial: Math.ceil(bytes / 65_536) });
    const { exports } = new wasm.Instance(compiled, { env: { memory } });
    return { memory, build: exports['build'] as Build, errorRow: exports['error_row'] as () => number };
  } catch {
    compiled = null;
    return undefined;
  }
}
