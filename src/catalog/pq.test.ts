import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCatalog, encodeCatalog, readCatalogHeader } from './codec.js';
import { rowReader } from './embedding-rows.js';
import { encodePq4, expandPq4, PQ_CENTROIDS } from './pq.js';

/** Clustered unit-ish vectors with varied norms, as trained embeddings are. */
function clustered(n: number, dim: number, seed: number): Float32Array {
  let s = seed;
  const rand = (): number => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648) * 2 - 1;
  const centres = Array.from({ length: 8 }, () => Float32Array.from({ length: dim }, rand));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % 8]!;
    const norm = 0.5 + Math.abs(rand());
    for (let j = 0; j < dim; j++) out[i * dim + j] = (c[j]! + 0.3 * rand()) * norm;
  }
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, n: number): number => {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[j]! * b[j]!;
  return s;
};

describe('pq4 codec', () => {
  it('stores d/2 bytes of codes plus a scale per item and 16 centroids per sub-space, and round-trips its own bytes', async () => {
    const n = 300;
    const dim = 16;
    const vectors = clustered(n, dim, 7);
    const bytes = await encodeCatalog({ ids: Array.from({ length: n }, (_, i) => `p${i}`), vectors, dim, dtype: 'pq4' });
    const { header } = readCatalogHeader(bytes);
    expect(header).toMatchObject({ dtype: 'pq4', pqSubspaces: 8 });
    expect(header.sections.embeddings.length).toBe(n * 4);
    expect(header.sections.scales!.length).toBe(n * 4);
    expect(header.sections['pq.codebooks']!.length).toBe(PQ_CENTROIDS * dim * 4);
    const catalog = await decodeCatalog(bytes);
    expect(catalog.quantised?.dtype).toBe('pq4');
    // Single rows (rowReader) and the lazily built block agree bit for bit.
    const read = rowReader(catalog);
    for (const row of [0, 1, 137, n - 1]) expect(Array.from(read(row))).toEqual(Array.from(catalog.vectors.subarray(row * dim, (row + 1) * dim)));
    // Encoding the decoded block again gives back the same codes (a fixed point of k-means + assignment is not
    // promised, but the writer is deterministic): same input, same seed, same file.
    const again = await encodeCatalog({ ids: Array.from({ length: n }, (_, i) => `p${i}`), vectors, dim, dtype: 'pq4', createdAt: header.createdAt });
    expect(again).toEqual(bytes);
  });

  it('keeps inner products close: the reconstruction error is a small share of the row norm', () => {
    const n = 2000;
    const dim = 32;
    const vectors = clustered(n, dim, 3);
    const pq = encodePq4(vectors, n, dim);
    const decoded = expandPq4(pq, n, dim);
    let error = 0;
    let norm = 0;
    for (let i = 0; i < vectors.length; i++) {
      error += (decoded[i]! - vectors[i]!) ** 2;
      norm += vectors[i]! ** 2;
    }
    // 4 bits per 2 dimensions: the relative squared error on clustered data is a few percent.
    expect(error / norm).toBeLessThan(0.05);
    // Top-10 by inner product with a few queries mostly survives.
    let kept = 0;
    for (let q = 0; q < 20; q++) {
      const u = vectors.subarray(q * 37 * dim, (q * 37 + 1) * dim);
      const top = (block: Float32Array): number[] =>
        Array.from({ length: n }, (_, i) => i)
          .sort((a, b) => dot(u, block.subarray(b * dim), dim) - dot(u, block.subarray(a * dim), dim))
          .slice(0, 10);
      const truth = new Set(top(vectors));
      kept += top(decoded).filter((i) => truth.has(i)).length;
    }
    expect(kept / 200).toBeGreaterThan(0.6);
  });

  it('is exact when every sub-space has at most 16 distinct values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (n, half, seed) => {
        const dim = half * 2;
        // Values from a 4 × 4 grid per 2-d sub-space, the same norm for every row: 16 points, 16 centroids.
        let s = seed >>> 0;
        const next = (): number => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) % 4;
        const vectors = Float32Array.from({ length: n * dim }, () => next() - 1.5);
        const pq = encodePq4(vectors, n, dim);
        const decoded = expandPq4(pq, n, dim);
        for (let i = 0; i < vectors.length; i++) expect(decoded[i]).toBeCloseTo(vectors[i]!, 4);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a sub-space count that does not divide dim, and a header that lies about it', async () => {
    const vectors = clustered(10, 8, 1);
    await expect(encodeCatalog({ ids: Array.from({ length: 10 }, (_, i) => `x${i}`), vectors, dim: 8, dtype: 'pq4', pqSubspaces: 3 })).rejects.toMatchObject({
      code: 'CATALOG_CORRUPT',
    });
    const bytes = await encodeCatalog({ ids: Array.from({ length: 10 }, (_, i) => `x${i}`), vectors, dim: 8, dtype: 'pq4', pqSubspaces: 2 });
    // Same header length (one digit for another), so the body stays where it was.
    const { bodyOffset } = readCatalogHeader(bytes);
    const headerText = new TextDecoder().decode(bytes.subarray(16, bodyOffset));
    const lying = Uint8Array.from(bytes);
    lying.set(new TextEncoder().encode(headerText.replace('"pqSubspaces":2', '"pqSubspaces":4')), 16);
    await expect(decodeCatalog(lying)).rejects.toMatchObject({ code: 'CATALOG_CORRUPT' });
  });
});
