/**
 * Per-item bias from interaction counts: a z-scored log-popularity, scaled so that it orders
 * a shopper with no history by popularity but rarely outweighs a clear affinity (the item
 * vectors are unit-length, so affinities lie in [-1, 1]).
 */
export function popularityBias(counts: ArrayLike<number>, scale = 0.1): Float32Array {
  const logs = Array.from(counts, (c) => Math.log1p(Math.max(0, c)));
  const mean = logs.reduce((a, b) => a + b, 0) / Math.max(1, logs.length);
  const std = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, logs.length)) || 1;
  return Float32Array.from(logs, (l) => Math.max(-3, Math.min(3, (l - mean) / std)) * scale);
}
