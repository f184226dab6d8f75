import type { ItemGraph } from '../catalog/types.js';

/** Sparse item × item weights in CSR form: row i's entries are columns[offsets[i]..offsets[i+1]). */
export interface SparseRows {
  offsets: Uint32Array;
  columns: Int32Array;
  weights: Float32Array;
}

export interface CooccurrenceOptions {
  /** Neighbours kept per item (the heaviest after shrinkage). */
  neighbours: number;
  /** λ of the support shrinkage n / (n + λ), n = shoppers who had both items; 0 keeps the plain cosine. */
  shrinkage?: number;
}

/**
 * Item-to-item cosine over shopper co-occurrence: sim(a, b) = n(a,b) / √(n(a)·n(b)), n counting
 * shoppers (each once per item, whatever the repeats), optionally shrunk by the pair's support
 * n(a,b). Only each item's `neighbours` heaviest are kept, so memory stays O(items × neighbours).
 * The evaluator's item-KNN baselines use it unshrunk; `vitrine train` ships it shrunk as the
 * catalog's `cooccurrence` graph.
 */
export function cosineNeighbours(sequences: number[][], itemCount: number, options: CooccurrenceOptions): SparseRows {
  const { neighbours, shrinkage = 0 } = options;
  const baskets = sequences.map((s) => Int32Array.from(new Set(s)));
  const usersOf = invertedIndex(baskets, itemCount);
  const degree = (item: number): number => usersOf.offsets[item + 1]! - usersOf.offsets[item]!;

  const coCount = new Float64Array(itemCount);
  const touched = new Int32Array(itemCount);
  const similarity = new Float64Array(itemCount);
  const offsets = new Uint32Array(itemCount + 1);
  const columns: number[] = [];
  const weights: number[] = [];
  for (let a = 0; a < itemCount; a++) {
    let found = 0;
    for (let k = usersOf.offsets[a]!; k < usersOf.offsets[a + 1]!; k++) {
      for (const b of baskets[usersOf.users[k]!]!) {
        if (b === a) continue;
        if (coCount[b] === 0) touched[found++] = b;
        coCount[b]!++;
      }
    }
    const sims = new Float64Array(found);
    for (let t = 0; t < found; t++) {
      const b = touched[t]!;
      const n = coCount[b]!;
      const cosine = n / Math.sqrt(degree(a) * degree(b));
      sims[t] = similarity[b] = shrinkage > 0 ? (cosine * n) / (n + shrinkage) : cosine;
      coCount[b] = 0;
    }
    // Keep the `neighbours` largest: everything above the cut, then ties at the cut in discovery order.
    const cut = found > neighbours ? sims.sort()[found - neighbours]! : -Infinity;
    let kept = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let t = 0; t < found && kept < neighbours; t++) {
        const b = touched[t]!;
        const s = similarity[b]!;
        if (pass === 0 ? s > cut : s === cut) {
          columns.push(b);
          weights.push(s);
          kept++;
        }
      }
      if (cut === -Infinity) break;
    }
    offsets[a + 1] = columns.length;
  }
  return { offsets, columns: Int32Array.from(columns), weights: Float32Array.from(weights) };
}

/** The same neighbours as a catalog graph, each row's best first. */
export function cooccurrenceGraph(sequences: number[][], itemCount: number, options: CooccurrenceOptions): ItemGraph {
  const { offsets, columns, weights } = cosineNeighbours(sequences, itemCount, options);
  const order = Array.from(columns, (_, k) => k);
  for (let a = 0; a < itemCount; a++) {
    const row = order.slice(offsets[a]!, offsets[a + 1]!).sort((x, y) => weights[y]! - weights[x]! || columns[x]! - columns[y]!);
    order.splice(offsets[a]!, row.length, ...row);
  }
  return { offsets, rows: Int32Array.from(order, (k) => columns[k]!), weights: Float32Array.from(order, (k) => weights[k]!) };
}

/** For each item, the users (sequence indices) that contain it. */
function invertedIndex(baskets: Int32Array[], itemCount: number): { offsets: Uint32Array; users: Int32Array } {
  const offsets = new Uint32Array(itemCount + 1);
  for (const basket of baskets) for (const item of basket) offsets[item + 1]!++;
  for (let i = 0; i < itemCount; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, itemCount);
  const users = new Int32Array(offsets[itemCount]!);
  baskets.forEach((basket, user) => {
    for (const item of basket) users[fill[item]!++] = user;
  });
  return { offsets, users };
}
