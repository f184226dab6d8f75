import { syntheticCatalog, asPq4 } from './test/fixtures/synthetic-catalog.js';
import { SimdScorer } from './src/engine/simd/simd-scorer.js';
const n = 1_000_000, dim = 64;
const c = syntheticCatalog({ items: n, dim, seed: 3, metadata: false });
let t = performance.now();
const pq = asPq4(c);
console.log('encode', (performance.now() - t).toFixed(0));
const i8 = await SimdScorer.create(c, { dtype: 'int8' });
const p4 = await SimdScorer.create(pq, { dtype: 'pq4' });
const qs = Array.from({ length: 16 }, (_, q) => c.vectors.slice(q * 1000 * dim, (q * 1000 + 1) * dim));
const time = (s: SimdScorer) => { const xs: number[] = []; for (let r = 0; r < 3; r++) for (const u of qs) { const a = performance.now(); s.recommendBatchSync([u], 100, { excludeRows: [] }); xs.push(performance.now() - a); } xs.sort((a, b) => a - b); return xs[xs.length >> 1]!; };
for (let round = 0; round < 3; round++) { const a = time(i8), b = time(p4); console.log(`int8 ${a.toFixed(2)} pq4 ${b.toFixed(2)} ratio ${(b / a).toFixed(2)}`); }
