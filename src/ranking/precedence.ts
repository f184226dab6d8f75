import type { ItemTable } from '../catalog/item-table.js';
import type { Candidate } from '../ranking/post-rank.js';

/**
 * The one place a recommend() list is put together from the ranked candidates and the pins.
 * Precedence, highest first (docs/rules.md):
 * 1. Hard constraints — `exclude`, purchased items (`excludePurchased`), `filters`, `filter`
 *    rules and withdrawn items (`updateItems({ available: false })`) — bind every item, pins
 *    included. Only a pin with `force: true` overrides them.
 * 2. Pins. A pin takes its position (0-based); a position ≥ k takes the last slot; two pins
 *    after the same slot: the earlier rule gets it, the later one the next free slot after it
 *    (or, at the end of the list, the nearest free slot before). More pins than k: forced pins
 *    first, then the earlier rules' pins. A pin whose position lies past the end of a short list sits at its end.
 * 3. Caps count pins: pins spend the brand and category budget first (forced pins before the
 *    others), and a pin that would exceed a cap is dropped (a forced one is kept and counts).
 * 4. Everything else in score order (MMR `diversity` may reorder it, by design).
 * Every score is finite: a pin carries its real score (`u·v + b` with the same boosts), never NaN.
 */
export interface Pin {
  row: number;
  position: number;
  force: boolean;
  /** Its real score for this shopper, computed by the caller (finite). */
  score: number;
}

export interface ComposeInput {
  /** Ranked best first; already masked by the scorer with the hard constraints. */
  candidates: readonly Candidate[];
  /** In rule order (earlier rules first). */
  pins: readonly Pin[];
  k: number;
  /** The hard constraints, item by item (the scorer's mask, as a predicate). */
  eligible: (row: number) => boolean;
  table: ItemTable;
  cap?: { perBrand?: number; perCategory?: number } | undefined;
  /** Picks `n` of the (capped) candidates in showing order; default: the first `n`. */
  diversify?: (candidates: Candidate[], n: number) => Candidate[];
}

export interface ComposedList {
  list: Candidate[];
  /** Rows that sit where they are because of a pin. */
  pinned: Set<number>;
}

/** Brand and category counts, for caps that pins spend first. */
class CapBudget {
  readonly #brands = new Map<string, number>();
  readonly #categories = new Map<string, number>();
  constructor(
    readonly table: ItemTable,
    readonly cap: ComposeInput['cap'],
  ) {}

  fits(row: number): boolean {
    if (!this.cap) return true;
    const brand = this.table.brand(row);
    const category = this.table.category(row);
    if (this.cap.perBrand !== undefined && brand !== undefined && (this.#brands.get(brand) ?? 0) >= this.cap.perBrand) return false;
    if (this.cap.perCategory !== undefined && category !== undefined && (this.#categories.get(category) ?? 0) >= this.cap.perCategory) return false;
    return true;
  }

  spend(row: number): void {
    const brand = this.table.brand(row);
    const category = this.table.category(row);
    if (brand !== undefined) this.#brands.set(brand, (this.#brands.get(brand) ?? 0) + 1);
    if (category !== undefined) this.#categories.set(category, (this.#categories.get(category) ?? 0) + 1);
  }
}

/** Pins that survive the hard constraints, duplicates, the caps and k, each with its slot. */
function placePins(input: ComposeInput, budget: CapBudget): Array<Pin & { slot: number }> {
  const seen = new Set<number>();
  const accepted = new Set<Pin>();
  // Forced pins first: they override caps, so they spend the budget before any other item.
  for (const pin of [...input.pins.filter((p) => p.force), ...input.pins.filter((p) => !p.force)]) {
    if (accepted.size >= input.k || seen.has(pin.row)) continue;
    if (!pin.force && (!input.eligible(pin.row) || !budget.fits(pin.row))) continue;
    seen.add(pin.row);
    budget.spend(pin.row);
    accepted.add(pin);
  }
  // Slots go in rule order: an earlier rule's pin gets its position.
  const taken = new Array<boolean>(input.k).fill(false);
  return input.pins
    .filter((p) => accepted.has(p))
    .map((pin) => {
      const wanted = Math.min(pin.position, input.k - 1);
      let slot = taken.indexOf(false, wanted);
      if (slot === -1) slot = taken.lastIndexOf(false, wanted);
      taken[slot] = true;
      return { ...pin, slot };
    });
}

export function composeList(input: ComposeInput): ComposedList {
  const budget = new CapBudget(input.table, input.cap);
  const pins = placePins(input, budget);
  const pinnedRows = new Set(pins.map((p) => p.row));
  const rest: Candidate[] = [];
  for (const c of input.candidates) {
    if (pinnedRows.has(c.row) || !input.eligible(c.row) || !budget.fits(c.row)) continue;
    // The same row twice in the candidates (never from a scorer) is shown once.
    pinnedRows.add(c.row);
    budget.spend(c.row);
    rest.push(c);
  }
  const free = input.k - pins.length;
  const chosen = (input.diversify ?? ((c, n) => c.slice(0, n)))(rest, free);
  const bySlot = new Map(pins.map((p) => [p.slot, p]));
  const list: Candidate[] = [];
  let next = 0;
  for (let slot = 0; slot < input.k; slot++) {
    const pin = bySlot.get(slot);
    if (pin) list.push({ row: pin.row, score: pin.score });
    // A short list closes up: later pins move forward rather than leave gaps.
    else if (next < chosen.length) list.push(chosen[next++]!);
  }
  return { list, pinned: new Set(pins.map((p) => p.row)) };
}
