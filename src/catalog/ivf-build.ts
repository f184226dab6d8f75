import { seededRandom } from '../shared/random.js';
import type { CatalogInput } from './codec.js';
import { restrictInput } from './select-rows.js';
import type { IvfIndex } from './types.js';

// Writes the clustered-rows index (`--index ivf`, types.ts IvfIndex): rows grouped by spherical
// k-means into ≈ √n lists and stored list by list, and the number of lists similar() must probe,
// measured on the file's own items. Offline, in the CLI; pure code.

export interface IvfOptions {
  /** Lists (clusters); default ⌈√n⌉. */
  lists?: number;
  /** Recall@100 against the exact cosine top-100 that the probe count must reach on the sample (default 0.995). */
  targetRecall?: number;
  /** Seed of the clustering and of the sample (default 42). */
  seed?: number;
}

/** What the index costs and keeps, on the sample it was calibrated on. */
export interface IvfReport {
  lists: number;
  probe: number;
  /** Mean recall@100 at that probe count on the sample, against the exact cosine top-100. */
  recallAt100: number;
  sampleQueries: number;
  /** Mean rows in the probed lists, per query (the scan's work; all rows without the index). */
  rowsScanned: number;
}

/** The neighbours calibrated on: similar()'s usual k. */
const CALIBRATION_K = 100;
const DEFAULT_TARGET_RECALL = 0.995;
const KMEANS_ITERATIONS = 10;
/** k-means learns each level from at most this many points per centroid. */
const SAMPLE_PER_CENTROID = 128;

/**
 * The input reordered list by list, with its index. Calibration: a seeded sample of items, each
 * as a query (itself left out, as in similar()); the probe count is the fewest best lists whose
 * rows hold `targetRecall` of the exact top-100, pooled over the sample.
 */
export function withIvfIndex(input: CatalogInput, options: IvfOptions = {}): { input: CatalogInput; report: IvfReport } {
  const { dim } = input;
  const n = input.ids.length;
  const random = seededRandom(options.seed ?? 42);
  const units = unitRows(input.vectors, n, dim);
  const wanted = Math.max(1, Math.min(n, Math.round(options.lists ?? Math.ceil(Math.sqrt(n)))));
  const { centroids, label, lists } = clusterRows(units, n, dim, wanted, random);

  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => label[a]! - label[b]! || a - b);
  const offsets = new Uint32Array(lists + 1);
  for (let i = 0; i < n; i++) offsets[label[i]! + 1]!++;
  for (let l = 0; l < lists; l++) offsets[l + 1]! += offsets[l]!;
  const index: IvfIndex = { centroids, offsets, probe: lists };
  const calibration = calibrateProbe(index, units, label, n, dim, options.targetRecall ?? DEFAULT_TARGET_RECALL, random);
  index.probe = calibration.probe;

  const reordered = restrictInput(input, order);
  reordered.extras = { ...reordered.extras, ivf: index };
  return { input: reordered, report: { lists, ...calibration } };
}

function unitRows(vectors: Float32Array, n: number, dim: number): Float32Array {
  const units = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) units.set(normalised(vectors.subarray(i * dim, (i + 1) * dim)), i * dim);
  return units;
}

/**
 * Two levels of spherical k-means: ⌈√lists⌉ groups, then each group split in proportion to its
 * size. Then every row moves to its best list among those of its REASSIGN_GROUPS best groups, and
 * each list's centroid becomes the normalised mean of its rows. Without that pass a row stays in
 * a list of its first group when another group's list suits it better, and the queries near it
 * miss it: on the synthetic 100k set (bench/peers.ts) recall 0.995 took 140 of 317 lists, and
 * takes 8 with it (more passes: 11 and 13; real catalogs: 12 instead of 13 lists on Beauty).
 * Assigning a row costs √lists + REASSIGN_GROUPS·√lists dot products instead of `lists` (1M rows
 * into 1,000 lists in well under a minute). Empty lists are dropped.
 */
function clusterRows(units: Float32Array, n: number, dim: number, lists: number, random: () => number) {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const groups = Math.max(1, Math.min(lists, Math.ceil(Math.sqrt(lists))));
  const top = sphericalKMeans(units, all, dim, groups, random);
  const topLabel = assign(units, all, dim, top, groups);
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < n; i++) members[topLabel[i]!]!.push(i);

  let leafOf: Int32Array = new Int32Array(n);
  /** Group g's lists are leaves[g][0] … leaves[g][1] − 1. */
  const leaves: Array<[number, number]> = [];
  let next = 0;
  for (const group of members) {
    const rows = Int32Array.from(group);
    const k = rows.length === 0 ? 0 : Math.max(1, Math.min(rows.length, Math.round((lists * rows.length) / n)));
    leaves.push([next, next + k]);
    if (k === 0) continue;
    const centroids = sphericalKMeans(units, rows, dim, k, random);
    const local = assign(units, rows, dim, centroids, k);
    rows.forEach((row, i) => (leafOf[row] = next + local[i]!));
    next += k;
  }
  let centroids = meanDirections(units, n, dim, leafOf, next);
  for (let pass = 0; pass < REASSIGN_PASSES; pass++) {
    leafOf = reassign(units, n, dim, top, groups, leaves, centroids);
    centroids = meanDirections(units, n, dim, leafOf, next);
  }
  // Renumber the non-empty lists.
  const counts = new Uint32Array(next);
  for (let i = 0; i < n; i++) counts[leafOf[i]!]!++;
  const renumber = new Int32Array(next).fill(-1);
  let kept = 0;
  for (let l = 0; l < next; l++) if (counts[l]! > 0) renumber[l] = kept++;
  const out = new Float32Array(kept * dim);
  for (let l = 0; l < next; l++) if (renumber[l]! >= 0) out.set(centroids.subarray(l * dim, (l + 1) * dim), renumber[l]! * dim);
  return { centroids: out, label: Uint32Array.from(leafOf, (l) => renumber[l]!), lists: kept };
}

const REASSIGN_GROUPS = 4;
const REASSIGN_PASSES = 1;

/** Each row's best list (highest dot product, ties: the lower list) among the lists of its REASSIGN_GROUPS best groups. */
function reassign(
  units: Float32Array,
  n: number,
  dim: number,
  top: Float32Array,
  groups: number,
  leaves: Array<[number, number]>,
  centroids: Float32Array,
): Int32Array {
  const leafOf = new Int32Array(n);
  const nearest = Math.min(REASSIGN_GROUPS, groups);
  // The `nearest` best groups, best first (ties: the lower group), kept by insertion: a sort of
  // every group per row was most of writing a 1M-row index.
  const bestGroups = new Int32Array(nearest);
  const bestGroupScores = new Float64Array(nearest);
  for (let i = 0; i < n; i++) {
    const at = i * dim;
    let kept = 0;
    for (let g = 0; g < groups; g++) {
      const score = dot(units, at, top, g * dim, dim);
      if (kept === nearest && score <= bestGroupScores[nearest - 1]!) continue;
      let t = kept < nearest ? kept++ : nearest - 1;
      for (; t > 0 && score > bestGroupScores[t - 1]!; t--) {
        bestGroups[t] = bestGroups[t - 1]!;
        bestGroupScores[t] = bestGroupScores[t - 1]!;
      }
      bestGroups[t] = g;
      bestGroupScores[t] = score;
    }
    let best = -1;
    let bestScore = -Infinity;
    for (let t = 0; t < nearest; t++) {
      const [first, end] = leaves[bestGroups[t]!]!;
      for (let l = first; l < end; l++) {
        const score = dot(units, at, centroids, l * dim, dim);
        if (score > bestScore || (score === bestScore && l < best)) {
          bestScore = score;
          best = l;
        }
      }
    }
    leafOf[i] = best;
  }
  return leafOf;
}

function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += a[aAt + j]! * b[bAt + j]!;
  return s;
}

/** The normalised mean of each list's rows (a zero vector for an empty list). */
function meanDirections(units: Float32Array, n: number, dim: number, leafOf: Int32Array, lists: number): Float32Array {
  const sums = new Float64Array(lists * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sums[leafOf[i]! * dim + j]! += units[i * dim + j]!;
  const out = new Float32Array(lists * dim);
  for (let l = 0; l < lists; l++) out.set(normalised(sums.subarray(l * dim, (l + 1) * dim)), l * dim);
  return out;
}

function normalised(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let j = 0; j < v.length; j++) sum += v[j]! ** 2;
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  return Float32Array.from(v as ArrayLike<number>, (x) => x * inv);
}

/** k centroids of unit length for `rows`: random distinct rows to start, then Lloyd's iterations on a sample. */
function sphericalKMeans(units: Float32Array, rows: Int32Array, dim: number, k: number, random: () => number): Float32Array {
  const sample = shuffled(rows, random).subarray(0, Math.min(rows.length, k * SAMPLE_PER_CENTROID));
  const centroids = new Float32Array(k * dim);
  for (let c = 0; c < k; c++) centroids.set(units.subarray(sample[c % sample.length]! * dim, (sample[c % sample.length]! + 1) * dim), c * dim);
  const sums = new Float64Array(k * dim);
  const counts = new Uint32Array(k);
  for (let iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
    const label = assign(units, sample, dim, centroids, k);
    sums.fill(0);
    counts.fill(0);
    sample.forEach((row, i) => {
      counts[label[i]!]!++;
      for (let j = 0; j < dim; j++) sums[label[i]! * dim + j]! += units[row * dim + j]!;
    });
    for (let c = 0; c < k; c++) {
      // An empty cluster restarts on a random sampled row.
      if (counts[c] === 0) {
        const row = sample[Math.floor(random() * sample.length)]!;
        centroids.set(units.subarray(row * dim, (row + 1) * dim), c * dim);
      } else centroids.set(normalised(sums.subarray(c * dim, (c + 1) * dim)), c * dim);
    }
  }
  return centroids;
}

/** The centroid with the highest dot product for each of `rows` (ties: the lower centroid). */
function assign(units: Float32Array, rows: Int32Array, dim: number, centroids: Float32Array, k: number): Uint32Array {
  const label = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const at = rows[i]! * dim;
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < k; c++) {
      const score = dot(units, at, centroids, c * dim, dim);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    label[i] = best;
  }
  return label;
}

function shuffled(rows: Int32Array, random: () => number): Int32Array {
  const out = rows.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Queries per calibration: about 5·10⁷ row visits, at least 100 and at most 500 (and n). */
const calibrationQueries = (n: number): number => Math.min(n, Math.max(100, Math.min(500, Math.floor(5e7 / Math.max(1, n)))));

function calibrateProbe(index: IvfIndex, units: Float32Array, label: Uint32Array, n: number, dim: number, target: number, random: () => number) {
  const lists = index.offsets.length - 1;
  const queries = shuffled(
    Int32Array.from({ length: n }, (_, i) => i),
    random,
  ).subarray(0, calibrationQueries(n));
  // found[r]: exact neighbours, over all queries, whose list ranks r-th for their query.
  const found = new Float64Array(lists);
  const listSize = Float64Array.from({ length: lists }, (_, l) => index.offsets[l + 1]! - index.offsets[l]!);
  const scanned = new Float64Array(lists);
  let total = 0;
  for (const q of queries) {
    const query = units.subarray(q * dim, (q + 1) * dim);
    const scores = centroidScores(index, dim, query);
    const ranked = Int32Array.from({ length: lists }, (_, l) => l).sort(listOrder(scores));
    const rankOf = new Int32Array(lists);
    ranked.forEach((l, r) => (rankOf[l] = r));
    ranked.forEach((l, r) => (scanned[r]! += listSize[l]!));
    const neighbours = exactTopK(units, n, dim, q, CALIBRATION_K);
    for (const row of neighbours) found[rankOf[label[row]!]!]!++;
    total += neighbours.length;
  }
  let kept = 0;
  let rows = 0;
  for (let r = 0; r < lists; r++) {
    kept += found[r]!;
    rows += scanned[r]!;
    if (total === 0 || kept / total >= target || r === lists - 1) {
      return { probe: r + 1, recallAt100: total === 0 ? 1 : kept / total, sampleQueries: queries.length, rowsScanned: rows / Math.max(1, queries.length) };
    }
  }
  return { probe: lists, recallAt100: 1, sampleQueries: queries.length, rowsScanned: n };
}

/** Rows of the k highest cosines to row q (q left out), any order: a min-heap over one pass. */
function exactTopK(units: Float32Array, n: number, dim: number, q: number, k: number): Int32Array {
  const size = Math.min(k, n - 1);
  const heapScore = new Float64Array(size);
  const heapRow = new Int32Array(size);
  let filled = 0;
  const at = q * dim;
  for (let i = 0; i < n; i++) {
    if (i === q) continue;
    const score = dot(units, at, units, i * dim, dim);
    if (filled < size) {
      let c = filled++;
      while (c > 0 && heapScore[(c - 1) >> 1]! > score) {
        heapScore[c] = heapScore[(c - 1) >> 1]!;
        heapRow[c] = heapRow[(c - 1) >> 1]!;
        c = (c - 1) >> 1;
      }
      heapScore[c] = score;
      heapRow[c] = i;
    } else if (size > 0 && score > heapScore[0]!) {
      let c = 0;
      for (;;) {
        let child = 2 * c + 1;
        if (child >= size) break;
        if (child + 1 < size && heapScore[child + 1]! < heapScore[child]!) child++;
        if (heapScore[child]! >= score) break;
        heapScore[c] = heapScore[child]!;
        heapRow[c] = heapRow[child]!;
        c = child;
      }
      heapScore[c] = score;
      heapRow[c] = i;
    }
  }
  return heapRow;
}

/** query · centroidₗ for every list: how the scorer ranks lists (there with the SIMD kernel, in float32). */
export function centroidScores(index: IvfIndex, dim: number, query: Float32Array): Float32Array {
  return Float32Array.from({ length: index.offsets.length - 1 }, (_, l) => dot(query, 0, index.centroids, l * dim, dim));
}

/** Lists best first: higher score, then the lower list (the kernel's order). */
const listOrder =
  (scores: Float32Array) =>
  (a: number, b: number): number =>
    scores[b]! - scores[a]! || a - b;
