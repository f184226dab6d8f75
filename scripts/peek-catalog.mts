import { readFileSync } from 'node:fs';
import { decodeCatalog } from '/work/main/src/catalog/codec.ts';
import { referenceSimilar, referenceRecommend } from '/work/main/src/engine/reference-scorer.ts';
const cat = await decodeCatalog(new Uint8Array(readFileSync(process.argv[2]!)));
const find = (t: string) => cat.items.findIndex((i) => i.title?.includes(t));
for (const t of process.argv.slice(3)) {
  const row = find(t);
  console.log('==', cat.items[row]?.title);
  const r = referenceSimilar(cat, row, 8, { excludeRows: [] });
  for (const [i, x] of Array.from(r.rows).entries()) console.log('  ', r.scores[i]!.toFixed(3), cat.items[x]!.title);
}
const p = referenceRecommend(cat, new Float32Array(cat.header.dim), 5, { excludeRows: [] });
console.log('popular:', Array.from(p.rows).map((r) => cat.items[r]!.title));
