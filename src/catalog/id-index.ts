/** Item id → catalog row. `Map` satisfies it too. */
export interface RowLookup {
  get(id: string): number | undefined;
  has(id: string): boolean;
  readonly size: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEPARATOR = 0;

/** FNV-1a over UTF-16 code units: cheap, and spreads short sequential ids ("s1", "s2", …) well. */
function hashId(id: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * The catalog's ids, kept as one NUL-joined string (how format v3 stores them) with an
 * open-addressing hash table of rows. Built on the start-up path in one pass over the text: no
 * string per id is made until `id(row)` asks (splitting 100k ids and filling a `Map` cost ≈ 30 ms
 * in a fresh worker here; this ≈ 10), and a duplicate or empty id is found on the way.
 */
export class IdIndex implements RowLookup {
  readonly size: number;
  readonly #text: string;
  /** Row r's id is text[starts[r] … starts[r + 1] − 1) (the last unit is its separator). */
  readonly #starts: Uint32Array;
  readonly #hashes: Uint32Array;
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** @throws {Error} for an empty or duplicate id, or a count other than `count` (callers wrap it). */
  static fromText(text: string, count: number): IdIndex {
    return new IdIndex(text, count);
  }

  /** @throws {Error} as fromText, and for an id holding a NUL. */
  static fromIds(ids: readonly string[]): IdIndex {
    const bad = ids.findIndex((id) => typeof id !== 'string' || id.includes('\0'));
    if (bad >= 0) throw new Error(`id of row ${bad} is not a string without NUL`);
    return new IdIndex(ids.join('\0'), ids.length);
  }

  private constructor(text: string, count: number) {
    let capacity = 8;
    while (capacity < count * 2) capacity *= 2;
    this.size = count;
    this.#text = text;
    this.#mask = capacity - 1;
    this.#slots = new Int32Array(capacity).fill(-1);
    this.#starts = new Uint32Array(count + 1);
    this.#hashes = new Uint32Array(count);
    if (count === 0) {
      if (text.length > 0) throw new Error('ids present for an empty catalog');
      return;
    }
    let row = 0;
    let start = 0;
    let h = FNV_OFFSET;
    for (let i = 0; i <= text.length; i++) {
      const unit = i < text.length ? text.charCodeAt(i) : SEPARATOR;
      if (unit !== SEPARATOR) {
        h = Math.imul(h ^ unit, FNV_PRIME);
        continue;
      }
      if (i === start) throw new Error(`id of row ${row} is empty`);
      if (row >= count) throw new Error(`more than ${count} ids`);
      this.#starts[row + 1] = i + 1;
      this.#insert(row, h >>> 0);
      row++;
      start = i + 1;
      h = FNV_OFFSET;
    }
    if (row !== count) throw new Error(`${row} ids for ${count} items`);
  }

  #insert(row: number, hash: number): void {
    this.#hashes[row] = hash;
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const taken = this.#slots[slot]!;
      if (taken < 0) {
        this.#slots[slot] = row;
        return;
      }
      if (this.#hashes[taken] === hash && this.id(taken) === this.id(row)) throw new Error(`duplicate id ${this.id(row)}`);
    }
  }

  /** Row `row`'s id (a new string each call: callers keep what they need). */
  id(row: number): string {
    return this.#text.slice(this.#starts[row]!, this.#starts[row + 1]! - 1);
  }

  get(id: string): number | undefined {
    if (typeof id !== 'string' || this.size === 0) return undefined;
    const hash = hashId(id);
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const row = this.#slots[slot]!;
      if (row < 0) return undefined;
      const start = this.#starts[row]!;
      if (this.#hashes[row] === hash && this.#starts[row + 1]! - 1 - start === id.length && this.#text.startsWith(id, start)) return row;
    }
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}
