// Rewrites a catalog's embeddings in another dtype, everything else kept (ids, metadata, bias,
// graphs): the validation sweep of pq4 settings (bench/results/quantisation-pq.md) runs on one
// trained float32 catalog instead of training again per setting.
//   npx tsx bench/requantise.ts <in.vcat> <out.vcat> <dtype> [pqSubspaces]
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeCatalog, encodeCatalog } from '../src/catalog/codec.js';
import type { EmbeddingDtype } from '../src/catalog/types.js';

const [input, output, dtype, subspaces] = process.argv.slice(2);
if (!input || !output || !dtype) throw new Error('usage: requantise.ts <in.vcat> <out.vcat> <dtype> [pqSubspaces]');
const catalog = await decodeCatalog(new Uint8Array(readFileSync(input)));
if (catalog.header.dtype !== 'float32') throw new Error(`${input} is ${catalog.header.dtype}; start from a float32 catalog`);
const bytes = await encodeCatalog({
  ids: catalog.items.map((item) => item.id),
  vectors: catalog.vectors,
  dim: catalog.header.dim,
  bias: catalog.bias,
  items: catalog.items,
  extras: catalog.extras,
  dtype: dtype as EmbeddingDtype,
  ...(subspaces ? { pqSubspaces: Number(subspaces) } : {}),
  modelId: catalog.header.modelId,
  createdAt: catalog.header.createdAt,
});
writeFileSync(output, bytes);
console.log(`${output}: ${dtype}${subspaces ? ` (${subspaces} sub-spaces)` : ''}, ${bytes.byteLength} bytes`);
