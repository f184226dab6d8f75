/**
 * Time-decayed popularity at the end of the log: Σ 0.5^((T − t) / halfLife) over interactions,
 * scaled to max 1. Without timestamps, each shopper's last `tail` items stand in for "recent".
 */
export function trendingScores(sequences: number[][], timestamps: number[][] | undefined, itemCount: number, halfLifeDays = 14, tail = 3): Float32Array {
  const scores = new Float64Array(itemCount);
  if (timestamps) {
    let end = -Infinity;
    for (const times of timestamps) for (const t of times) end = Math.max(end, t);
    const halfLife = halfLifeDays * 86_400_000;
    sequences.forEach((seq, u) => seq.forEach((item, i) => (scores[item]! += 0.5 ** ((end - timestamps[u]![i]!) / halfLife))));
  } else {
    for (const seq of sequences) for (const item of seq.slice(-tail)) scores[item]!++;
  }
  const max = Math.max(...scores, 1e-12);
  return Float32Array.from(scores, (s) => s / max);
}
