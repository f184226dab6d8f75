// Chooses the graphs' support shrinkage λ (SUPPORT_SHRINKAGE) and the pooling encoder's graph
// weights (DEFAULT_GRAPH_BLEND) on the VALIDATION item only: for each catalog trained with
// `vitrine train --holdout valid`, the graphs are rebuilt from items[:-2] at each λ and every
// (bought-together, bought-next, co-occurrence) triple of the grid is scored with CatalogModel.graphWeightGrid —
// the same numbers as `vitrine evaluate --split valid --models catalog:graphs=fit:shrink=λ:copurchase=a:transition=b:cooccurrence=k`.
// ENCODER=<catalog>.encoder grids the SASRec encoder's blend instead (DEFAULT_ENCODER_GRAPH_BLEND):
// `vitrine evaluate --models catalog:encoder=…:graphs=fit:…`.
// Usage: [GRAPH_GRID=…] [ENCODER=…] npx tsx bench/graph-shrinkage.ts <log> <format> <valid catalog> [λ,…] > result.json
import { readFileSync } from 'node:fs';
import { decodeCatalog } from '../src/catalog/codec.js';
import { readLog, type LogFormat } from '../src/cli/read-log.js';
import { CatalogModel } from '../src/evaluation/catalog-model.js';
import { createSasrecEncoder } from '../src/model/sasrec/encoder.js';
import type { GraphBlend } from '../src/ranking/graph-affinity.js';
import { leaveOneOut } from '../src/training/split.js';

const [log, format, catalogFile, lambdas = '0,1,3,10'] = process.argv.slice(2);
if (!log || !format || !catalogFile) throw new Error('usage: graph-shrinkage.ts <log> <format> <valid catalog> [λ,…]');
const row = new Map<string, number>();
const sequences = readLog(log, format as LogFormat).map((s) => s.map((id) => row.get(id) ?? (row.set(id, row.size), row.size - 1)));
const ids = [...row.keys()];
const split = leaveOneOut(sequences);
const catalog = await decodeCatalog(new Uint8Array(readFileSync(catalogFile)));
const rowOfId = new Map(catalog.items.map((item, r) => [item.id, r]));
const rowOf = Int32Array.from(ids, (id) => rowOfId.get(id) ?? -1);
const grid: GraphBlend[] = [];
// GRAPH_GRID="c,c,…/t,t,…/k,k,…[/p,p,…]" replaces the default grid (bought-together × bought-next ×
// co-occurrence × bought-next-from-the-item-before weights); GRAPH_SCALES="s,s,…" multiplies each
// combination by every s (one blend's overall weight against the shopper vector).
const [together = '20,40,100', next = '30,60,200', cooccurring = '0,3,10,20,40', before = '0'] = (process.env.GRAPH_GRID ?? '')
  .split('/')
  .map((s) => s || undefined);
for (const copurchase of together.split(',').map(Number))
  for (const transition of next.split(',').map(Number))
    for (const cooccurrence of cooccurring.split(',').map(Number))
      for (const previous of before.split(',').map(Number))
        for (const scale of (process.env.GRAPH_SCALES ?? '1').split(',').map(Number))
          grid.push({
            copurchase: copurchase * scale,
            transition: transition * scale,
            cooccurrence: cooccurrence * scale,
            ...(previous ? { previous: previous * scale } : {}),
          });
// Read once: every λ scores the same encoder.
const encoder = process.env.ENCODER ? { encoder: createSasrecEncoder(new Uint8Array(readFileSync(process.env.ENCODER)), catalog.vectors, catalog.header) } : {};
const out: Array<GraphBlend & { shrinkage: number; 'HR@10': number; 'NDCG@10': number }> = [];
for (const shrinkage of lambdas.split(',').map(Number)) {
  const started = performance.now();
  const model = new CatalogModel(catalog, rowOf, { refitGraphs: true, shrinkage, ...encoder }, 'grid');
  model.fit(split.train, ids.length);
  for (const r of model.graphWeightGrid(split.validation, grid)) out.push({ shrinkage, ...r });
  const best = out.filter((r) => r.shrinkage === shrinkage).reduce((a, b) => (b['NDCG@10'] > a['NDCG@10'] ? b : a));
  console.error(`λ=${shrinkage}: best ${JSON.stringify(best)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
console.log(
  JSON.stringify(
    { log, catalog: catalogFile, ...(process.env.ENCODER ? { encoder: process.env.ENCODER } : {}), users: split.validation.length, grid: out },
    null,
    1,
  ),
);
