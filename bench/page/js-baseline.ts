// The plain-JS baseline the SIMD path is measured against: one loop per element type over the
// same bytes (float32 rows, half bits decoded by table, int8 rows with a scale each), with the
// same running top-k heap idea, written as a careful JS programmer would.

/** Min-heap of the best k (score, row) pairs seen. */
class TopK {
  readonly scores: Float64Array;
  readonly rows: Int32Array;
  size = 0;
  threshold = -Infinity;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.rows = new Int32Array(k);
  }

  offer(score: number, row: number): void {
    const { scores, rows, k } = this;
    if (this.size < k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (scores[p]! <= score) break;
        scores[i] = scores[p]!;
        rows[i] = rows[p]!;
        i = p;
      }
      scores[i] = score;
      rows[i] = row;
      if (this.size === k) this.threshold = scores[0]!;
      return;
    }
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= k) break;
      if (c + 1 < k && scores[c + 1]! < scores[c]!) c++;
      if (scores[c]! >= score) break;
      scores[i] = scores[c]!;
      rows[i] = rows[c]!;
      i = c;
    }
    scores[i] = score;
    rows[i] = row;
    this.threshold = scores[0]!;
  }

  /** Rows best first. */
  ranked(): Int32Array {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.scores[b]! - this.scores[a]! || this.rows[a]! - this.rows[b]!);
    return Int32Array.from(order, (i) => this.rows[i]!);
  }
}

export function jsFloat32(vectors: Float32Array, bias: Float32Array, n: number, dim: number, u: Float32Array, k: number): Int32Array {
  const top = new TopK(k);
  for (let i = 0, base = 0; i < n; i++, base += dim) {
    let s = bias[i]!;
    for (let j = 0; j < dim; j++) s += u[j]! * vectors[base + j]!;
    if (s > top.threshold) top.offer(s, i);
  }
  return top.ranked();
}

export function jsFloat16(halves: Uint16Array, table: Float32Array, bias: Float32Array, n: number, dim: number, u: Float32Array, k: number): Int32Array {
  const top = new TopK(k);
  for (let i = 0, base = 0; i < n; i++, base += dim) {
    let s = bias[i]!;
    for (let j = 0; j < dim; j++) s += u[j]! * table[halves[base + j]!]!;
    if (s > top.threshold) top.offer(s, i);
  }
  return top.ranked();
}

export function jsInt8(values: Int8Array, scales: Float32Array, bias: Float32Array, n: number, dim: number, u: Float32Array, k: number): Int32Array {
  const top = new TopK(k);
  for (let i = 0, base = 0; i < n; i++, base += dim) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += u[j]! * values[base + j]!;
    const s = dot * scales[i]! + bias[i]!;
    if (s > top.threshold) top.offer(s, i);
  }
  return top.ranked();
}
