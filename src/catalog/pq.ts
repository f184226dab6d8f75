import { seededRandom } from '../shared/random.js';

// Product quantisation with 4-bit codes (dtype 'pq4'): each row is a float32 scale times a unit
// direction, and the direction is cut into `subspaces` runs of `dim / subspaces` dimensions, each
// replaced by one of 16 centroids learnt by k-means when the catalog is written. 32 sub-spaces of
// 2 dimensions at d = 64 store 16 bytes of codes per item (int8: 64). The SIMD kernel scores
// them with 16-entry lookup tables (kernel.wat, scan_pq4); every other path decodes the rows to
// float32 (the reconstruction), so all backends rank the same vectors.

/** Centroids per sub-space: a 4-bit code. */
export const PQ_CENTROIDS = 16;
/** k-means passes at most; it stops earlier once fewer than 1 in 1,000 points change centroid. */
const KMEANS_ITERATIONS = 20;
/** Points k-means learns from per sub-space (a seeded sample beyond this): 16 centroids need few, and 1M items stay seconds. */
const KMEANS_SAMPLE = 32_768;

/** A pq4 block as the file stores it. */
export interface Pq4Rows {
  dtype: 'pq4';
  subspaces: number;
  /** `N × ceil(subspaces / 2)` bytes: item i's code for sub-space j in byte i·B + (j >> 1), low nibble for even j. */
  codes: Uint8Array;
  /** float32 per row: the row is `scale · (centroids of its codes)`. */
  scales: Float32Array;
  /** `subspaces × 16 × (dim / subspaces)` float32: centroid c of sub-space j at ((j·16) + c)·sub. */
  codebooks: Float32Array;
}

/** Bytes of codes per item. */
export const pqCodeBytes = (subspaces: number): number => Math.ceil(subspaces / 2);

/** The default: 2-dimensional sub-spaces (16 B of codes at d = 64), 1-dimensional for an odd d. */
export const defaultSubspaces = (dim: number): number => (dim % 2 === 0 ? dim / 2 : dim);

/** Code of row `row`, sub-space `j`. */
export function pqCode(codes: Uint8Array, bytesPerRow: number, row: number, j: number): number {
  const byte = codes[row * bytesPerRow + (j >> 1)]!;
  return j & 1 ? byte >> 4 : byte & 15;
}

/**
 * Encodes row-major float32 rows as pq4. Each row's direction (v / ‖v‖) is quantised; its scale
 * is then the least-squares fit of v onto the reconstructed direction, so ‖v − s·ĉ‖ is as small
 * as that direction allows. Deterministic for a given input and seed.
 */
export function encodePq4(vectors: Float32Array, n: number, dim: number, subspaces = defaultSubspaces(dim), seed = 42): Pq4Rows {
  if (!Number.isInteger(subspaces) || subspaces <= 0 || dim % subspaces !== 0) {
    throw new RangeError(`pq4 needs a number of sub-spaces that divides dim ${dim}, got ${subspaces}.`);
  }
  const sub = dim / subspaces;
  const units = new Float32Array(n * dim);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += vectors[i * dim + j]! * vectors[i * dim + j]!;
    norms[i] = Math.sqrt(sum);
    const inv = norms[i]! > 0 ? 1 / norms[i]! : 0;
    for (let j = 0; j < dim; j++) units[i * dim + j] = vectors[i * dim + j]! * inv;
  }
  const bytesPerRow = pqCodeBytes(subspaces);
  const codes = new Uint8Array(n * bytesPerRow);
  const codebooks = new Float32Array(subspaces * PQ_CENTROIDS * sub);
  const random = seededRandom(seed);
  const points = new Float32Array(n * sub);
  const assigned = new Uint8Array(n);
  for (let s = 0; s < subspaces; s++) {
    for (let i = 0; i < n; i++) for (let t = 0; t < sub; t++) points[i * sub + t] = units[i * dim + s * sub + t]!;
    const centroids = kMeans(points, n, sub, random);
    codebooks.set(centroids, s * PQ_CENTROIDS * sub);
    assign(points, n, sub, centroids, assigned);
    for (let i = 0; i < n; i++) codes[i * bytesPerRow + (s >> 1)]! |= s & 1 ? assigned[i]! << 4 : assigned[i]!;
  }
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let norm2 = 0;
    for (let s = 0; s < subspaces; s++) {
      const c = (s * PQ_CENTROIDS + pqCode(codes, bytesPerRow, i, s)) * sub;
      for (let t = 0; t < sub; t++) {
        const x = codebooks[c + t]!;
        dot += x * vectors[i * dim + s * sub + t]!;
        norm2 += x * x;
      }
    }
    scales[i] = norm2 > 0 ? dot / norm2 : 0;
  }
  return { dtype: 'pq4', subspaces, codes, scales, codebooks };
}

/** k-means++ seeding, then Lloyd's iterations, on a seeded sample of at most KMEANS_SAMPLE points. */
function kMeans(all: Float32Array, n: number, sub: number, random: () => number): Float32Array {
  const k = PQ_CENTROIDS;
  let points = all;
  let m = n;
  if (n > KMEANS_SAMPLE) {
    m = KMEANS_SAMPLE;
    points = new Float32Array(m * sub);
    for (let i = 0; i < m; i++) {
      const from = Math.floor(random() * n);
      for (let t = 0; t < sub; t++) points[i * sub + t] = all[from * sub + t]!;
    }
  }
  const centroids = new Float32Array(k * sub);
  if (m === 0) return centroids;
  const nearest = new Float64Array(m).fill(Infinity);
  let chosen = Math.floor(random() * m);
  for (let c = 0; c < k; c++) {
    for (let t = 0; t < sub; t++) centroids[c * sub + t] = points[chosen * sub + t]!;
    let total = 0;
    for (let i = 0; i < m; i++) {
      let d = 0;
      for (let t = 0; t < sub; t++) {
        const x = points[i * sub + t]! - centroids[c * sub + t]!;
        d += x * x;
      }
      if (d < nearest[i]!) nearest[i] = d;
      total += nearest[i]!;
    }
    // Next seed with probability ∝ squared distance; all points on a seed: repeat one (a duplicate centroid is harmless).
    let pick = random() * total;
    chosen = 0;
    for (let i = 0; i < m; i++) {
      pick -= nearest[i]!;
      if (pick <= 0) {
        chosen = i;
        break;
      }
    }
  }
  const label = new Uint8Array(m);
  const sums = new Float64Array(k * sub);
  const counts = new Uint32Array(k);
  for (let iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
    const changed = assign(points, m, sub, centroids, label);
    if (iteration > 0 && changed * 1000 < m) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < m; i++) {
      counts[label[i]!]!++;
      for (let t = 0; t < sub; t++) sums[label[i]! * sub + t]! += points[i * sub + t]!;
    }
    // An empty cluster keeps its centroid.
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let t = 0; t < sub; t++) centroids[c * sub + t] = sums[c * sub + t]! / counts[c]!;
  }
  return centroids;
}

/** Nearest centroid of each point (ties: the lower code); returns how many labels changed. */
function assign(points: Float32Array, n: number, sub: number, centroids: Float32Array, label: Uint8Array): number {
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const best = sub === 2 ? nearest2(points[2 * i]!, points[2 * i + 1]!, centroids) : nearestAny(points, i, sub, centroids);
    if (label[i] !== best) changed++;
    label[i] = best;
  }
  return changed;
}

/** The default 2-d sub-spaces, unrolled: this loop is most of writing a 1M-item catalog. */
function nearest2(x: number, y: number, centroids: Float32Array): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < PQ_CENTROIDS; c++) {
    const dx = x - centroids[2 * c]!;
    const dy = y - centroids[2 * c + 1]!;
    const d = dx * dx + dy * dy;
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function nearestAny(points: Float32Array, i: number, sub: number, centroids: Float32Array): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < PQ_CENTROIDS; c++) {
    let d = 0;
    for (let t = 0; t < sub; t++) {
      const x = points[i * sub + t]! - centroids[c * sub + t]!;
      d += x * x;
    }
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

/** Row `row` reconstructed as float32: `scale · centroid`, rounded to float32 per value. */
export function pq4Row(rows: Pq4Rows, dim: number, row: number, out: Float32Array = new Float32Array(dim)): Float32Array {
  const { subspaces, codes, scales, codebooks } = rows;
  const sub = dim / subspaces;
  const bytesPerRow = pqCodeBytes(subspaces);
  const scale = scales[row]!;
  // Byte by byte (two sub-spaces each): this runs for every candidate a query re-ranks.
  for (let b = 0, s = 0, at = row * bytesPerRow; s < subspaces; b++, at++) {
    const byte = codes[at]!;
    let c = (s * PQ_CENTROIDS + (byte & 15)) * sub;
    for (let t = 0; t < sub; t++) out[s * sub + t] = scale * codebooks[c + t]!;
    if (++s === subspaces) break;
    c = (s * PQ_CENTROIDS + (byte >> 4)) * sub;
    for (let t = 0; t < sub; t++) out[s * sub + t] = scale * codebooks[c + t]!;
    s++;
  }
  return out;
}

/** The whole float32 block of a pq4 file. */
export function expandPq4(rows: Pq4Rows, n: number, dim: number): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) pq4Row(rows, dim, i, out.subarray(i * dim, (i + 1) * dim));
  return out;
}
