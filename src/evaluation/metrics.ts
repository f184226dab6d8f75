/** Cut-offs every evaluation reports. */
export const CUTOFFS = [5, 10, 20] as const;
/** Catalog coverage is measured on each user's top 10. */
export const COVERAGE_DEPTH = 10;
export const TIE_POLICY = 'ties counted against the target';

/**
 * 1 + the number of candidates (the target excluded) scoring at least as high as the target.
 * Counting ties against the target means a model that scores everything equal gets the worst
 * rank, not a lucky one. `candidates` omitted: every item is a candidate.
 */
export function targetRank(scores: Float32Array, target: number, candidates?: ArrayLike<number>): number {
  // A NaN target compares false with everything: treat it as the lowest score.
  const t = Number.isNaN(scores[target]!) ? -Infinity : scores[target]!;
  let above = 0;
  if (candidates) {
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (c !== target && !(scores[c]! < t)) above++;
    }
  } else {
    for (let i = 0; i < scores.length; i++) if (i !== target && !(scores[i]! < t)) above++;
  }
  return 1 + above;
}

export const hitAt = (rank: number, k: number): number => (rank <= k ? 1 : 0);
/** One relevant item, so the ideal DCG is 1. */
export const ndcgAt = (rank: number, k: number): number => (rank <= k ? 1 / Math.log2(rank + 1) : 0);
/** In leave-one-out there is one relevant item, so recall equals the hit rate. */
export const recallAt = hitAt;
export const reciprocalRank = (rank: number): number => 1 / rank;

/**
 * The k best-scoring items (ties: lower row first), skipping -Infinity (masked) ones — what
 * the user would have been shown. `candidates` omitted: every item is a candidate.
 */
export function topItems(scores: Float32Array, k: number, candidates?: ArrayLike<number>): number[] {
  const items: number[] = [];
  const values: number[] = [];
  const consider = (item: number): void => {
    const s = scores[item]!;
    if (!(s > -Infinity)) return;
    if (items.length === k && !(s > values[k - 1]!)) return;
    let at = items.length === k ? k - 1 : items.length;
    // Insertion into a short sorted list; strict > keeps the earlier row ahead on a tie.
    while (at > 0 && s > values[at - 1]!) {
      items[at] = items[at - 1]!;
      values[at] = values[at - 1]!;
      at--;
    }
    items[at] = item;
    values[at] = s;
  };
  if (candidates) for (let i = 0; i < candidates.length; i++) consider(candidates[i]!);
  else for (let i = 0; i < scores.length; i++) consider(i);
  return items;
}

/** Averages per-user ranking metrics and collects the items shown for catalog coverage. */
export class MetricAccumulator {
  private users = 0;
  private hits = new Float64Array(CUTOFFS.length);
  private ndcg = new Float64Array(CUTOFFS.length);
  private mrr = 0;
  private shown: Uint8Array;

  private novelty = 0;

  /**
   * `selfInformation[i]` = −log2(share of training users who had item i), for Novelty@10
   * (Zhou et al., 2010): the mean over users of the mean self-information of their top 10.
   */
  constructor(
    private readonly itemCount: number,
    private readonly selfInformation?: Float64Array,
  ) {
    this.shown = new Uint8Array(itemCount);
  }

  /** One user's result: the target's rank and the items in their top list. */
  add(rank: number, top: readonly number[]): void {
    this.users++;
    CUTOFFS.forEach((k, i) => {
      this.hits[i]! += hitAt(rank, k);
      this.ndcg[i]! += ndcgAt(rank, k);
    });
    this.mrr += reciprocalRank(rank);
    const depth = Math.min(top.length, COVERAGE_DEPTH);
    let information = 0;
    for (let i = 0; i < depth; i++) {
      this.shown[top[i]!] = 1;
      information += this.selfInformation?.[top[i]!] ?? 0;
    }
    if (depth > 0) this.novelty += information / depth;
  }

  get count(): number {
    return this.users;
  }

  /** Averages over users: HR@K, NDCG@K, MRR and Coverage@10. */
  summary(): Record<string, number> {
    const n = Math.max(this.users, 1);
    const out: Record<string, number> = {};
    CUTOFFS.forEach((k, i) => (out[`HR@${k}`] = this.hits[i]! / n));
    CUTOFFS.forEach((k, i) => (out[`NDCG@${k}`] = this.ndcg[i]! / n));
    out.MRR = this.mrr / n;
    let distinct = 0;
    for (const s of this.shown) distinct += s;
    out[`Coverage@${COVERAGE_DEPTH}`] = this.itemCount > 0 ? distinct / this.itemCount : 0;
    if (this.selfInformation) out[`Novelty@${COVERAGE_DEPTH}`] = this.novelty / n;
    return out;
  }
}

/** −log2 of the share of users who had each item in `fitSequences` (unseen items: as if seen once). */
export function selfInformation(fitSequences: readonly number[][], itemCount: number): Float64Array {
  const users = new Float64Array(itemCount);
  for (const sequence of fitSequences) for (const item of new Set(sequence)) users[item]! += 1;
  const total = Math.max(fitSequences.length, 1);
  return Float64Array.from(users, (u) => Math.log2(total / Math.max(u, 1)));
}
