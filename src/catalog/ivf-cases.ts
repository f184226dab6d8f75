// Test fixture shared by the clustered-rows tests (ivf-build.test.ts, simd/ivf-similar.test.ts). Not shipped.
import { seededRandom } from '../shared/random.js';
import type { CatalogInput } from './codec.js';

/** `n` rows around 40 random directions, with ids, categories and a co-occurrence graph of neighbours by id. */
export function clusteredInput(n: number, dim: number, seed = 3): CatalogInput {
  const random = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Float32Array.from({ length: 40 * dim }, gauss);
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * 40);
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = centres[c * dim + j]! + 0.6 * gauss();
  }
  const ids = Array.from({ length: n }, (_, i) => `item-${i}`);
  const offsets = Uint32Array.from({ length: n + 1 }, (_, i) => i);
  return {
    ids,
    vectors,
    dim,
    bias: Float32Array.from({ length: n }, (_, i) => i / n),
    items: ids.map((_, i) => ({ category: `c${i % 5}` })),
    extras: { graphs: { cooccurrence: { offsets, rows: Int32Array.from({ length: n }, (_, i) => (i + 1) % n), weights: new Float32Array(n).fill(0.5) } } },
  };
}
