import type { CatalogItem } from '../shared/api-types.js';
import { normalizeTerm } from '../shared/text.js';

/** Words, category, brand and price band: what a new item shares with known ones. */
export function metadataTokens(item: Partial<CatalogItem>): string[] {
  const words = (item.title ?? '')
    .split(/[^\p{L}\p{N}]+/u)
    .map(normalizeTerm)
    .filter((w) => w.length >= 3);
  const tokens = words.map((w) => `w:${w}`);
  if (item.category) tokens.push(`c:${normalizeTerm(item.category)}`);
  if (item.brand) tokens.push(`b:${normalizeTerm(item.brand)}`);
  if (item.price !== undefined && item.price > 0) tokens.push(`p:${Math.round(Math.log2(item.price))}`);
  return [...new Set(tokens)];
}

/**
 * Embeddings for items without interactions, so they can be recommended from day one: each
 * metadata token gets the mean vector of the known items carrying it, and a new item the
 * IDF-weighted sum of its tokens' vectors, unit length. Items sharing nothing get a zero vector
 * (they then rank by bias alone).
 */
export function coldStartVectors(
  warm: Array<{ row: number; item: Partial<CatalogItem> }>,
  cold: Array<Partial<CatalogItem>>,
  vectors: Float32Array,
  dim: number,
): Float32Array {
  const sums = new Map<string, { vector: Float64Array; count: number }>();
  for (const { row, item } of warm) {
    for (const token of metadataTokens(item)) {
      let entry = sums.get(token);
      if (!entry) sums.set(token, (entry = { vector: new Float64Array(dim), count: 0 }));
      for (let j = 0; j < dim; j++) entry.vector[j]! += vectors[row * dim + j]!;
      entry.count++;
    }
  }
  const out = new Float32Array(cold.length * dim);
  cold.forEach((item, i) => {
    const v = new Float64Array(dim);
    for (const token of metadataTokens(item)) {
      const entry = sums.get(token);
      if (!entry) continue;
      const idf = Math.log(1 + warm.length / entry.count);
      for (let j = 0; j < dim; j++) v[j]! += (idf * entry.vector[j]!) / entry.count;
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (norm > 0) for (let j = 0; j < dim; j++) out[i * dim + j] = v[j]! / norm;
  });
  return out;
}
