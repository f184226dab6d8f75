// How many candidates the pq4 fast scan needs, and what pq4 keeps of the float32 top-100, on a
// trained catalog (choose on the validation catalog: vitrine train --holdout valid).
//   npx tsx bench/pq4-margin.ts <float32 catalog> [queries] [pqSubspaces]
// For each query (a weighted sum of 1–5 random items, as the pooled history is): the deepest rank
// in the raw scan (k = 2000) of any row of the exact top-100 of the decoded pq4 rows (the re-rank
// keeps k + margin candidates, so margin must reach it), and the overlap of the refined top-100
// with the float32 top-100 (what the codes lose), beside int8's; and the recall@100 against the
// decoded rows for several margins.
import { readFileSync } from 'node:fs';
import { decodeCatalog, encodeCatalog } from '../src/catalog/codec.js';
import type { Catalog } from '../src/catalog/types.js';
import { referenceRecommend } from '../src/engine/reference-scorer.js';
import { SimdScorer } from '../src/engine/simd/simd-scorer.js';
import { seededRandom } from '../src/shared/random.js';

const [path, count = '200', subspaces] = process.argv.slice(2);
if (!path) throw new Error('usage: pq4-margin.ts <float32 catalog> [queries]');
const f32 = await decodeCatalog(new Uint8Array(readFileSync(path)));
const { dim, itemCount: n } = f32.header;
const reencode = async (dtype: 'pq4' | 'int8'): Promise<Catalog> =>
  decodeCatalog(
    await encodeCatalog({
      ids: f32.items.map((i) => i.id),
      vectors: f32.vectors,
      dim,
      bias: f32.bias,
      dtype,
      ...(subspaces ? { pqSubspaces: Number(subspaces) } : {}),
    }),
  );
const pq = await reencode('pq4');
const int8 = await reencode('int8');
const raw = await SimdScorer.create(pq, { refine: false });
const pqShipped = await SimdScorer.create(pq);
const int8Shipped = await SimdScorer.create(int8);
const random = seededRandom(17);
const K = 100;
const deepest: number[] = [];
const MARGINS = [0, 16, 32, 66, 100, 150, 200, 400];
const kept = new Float64Array(MARGINS.length);
let pqOverlap = 0;
let int8Overlap = 0;
const none = { excludeRows: [] };
for (let q = 0; q < Number(count); q++) {
  const u = new Float32Array(dim);
  for (let e = 0, items = 1 + Math.floor(random() * 5); e < items; e++) {
    const row = Math.floor(random() * n);
    const w = 1 + random();
    for (let j = 0; j < dim; j++) u[j]! += w * f32.vectors[row * dim + j]!;
  }
  const own = new Set(referenceRecommend(pq, u, K, none).rows);
  const scan = (await raw.recommend(u, 2000, none)).rows;
  let depth = 0;
  scan.forEach((r, rank) => own.has(r) && (depth = rank + 1));
  deepest.push(depth);
  MARGINS.forEach((m, i) => (kept[i]! += Array.from(scan.subarray(0, K + m)).filter((r) => own.has(r)).length / K));
  const truth = new Set(referenceRecommend(f32, u, K, none).rows);
  pqOverlap += Array.from((await pqShipped.recommend(u, K, none)).rows).filter((r) => truth.has(r)).length / K;
  int8Overlap += Array.from((await int8Shipped.recommend(u, K, none)).rows).filter((r) => truth.has(r)).length / K;
}
deepest.sort((a, b) => a - b);
const at = (p: number): number => deepest[Math.min(deepest.length - 1, Math.ceil(p * deepest.length) - 1)]!;
console.log(
  JSON.stringify({
    catalog: path,
    pqSubspaces: pq.header.pqSubspaces,
    items: n,
    dim,
    queries: deepest.length,
    deepestRankOfTop100: { p50: at(0.5), p99: at(0.99), max: deepest.at(-1) },
    // Recall@100 against the decoded rows' exact top-100 with k + margin candidates re-ranked.
    recallByMargin: Object.fromEntries(MARGINS.map((m, i) => [m, kept[i]! / deepest.length])),
    overlapAt100WithFloat32: { pq4: pqOverlap / deepest.length, int8: int8Overlap / deepest.length },
  }),
);
