// Prints a catalog's header, extras and a few neighbour lists: `npx tsx scripts/inspect-catalog.mts file.vcat "TITLE PREFIX"…`
import { readFileSync } from 'node:fs';
import { decodeCatalog } from '../src/catalog/codec.js';
import { neighbours } from '../src/catalog/extras.js';

const catalog = await decodeCatalog(new Uint8Array(readFileSync(process.argv[2]!)));
const { header, extras, items } = catalog;
console.log(`${header.itemCount} items × ${header.dim} ${header.dtype}, v${header.formatVersion}, model ${header.modelId}`);
console.log(`cold-start items: ${extras.interactions ? Array.from(extras.interactions).filter((c) => c === 0).length : 'n/a'}`);
const order = (values: ArrayLike<number>): number[] => Array.from(values, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
if (extras.trending)
  console.log(
    'trending:',
    order(extras.trending)
      .slice(0, 5)
      .map((r) => items[r]!.title ?? items[r]!.id),
  );
for (const prefix of process.argv.slice(3)) {
  const row = items.findIndex((i) => (i.title ?? i.id).startsWith(prefix));
  if (row < 0) continue;
  for (const [name, graph] of Object.entries(extras.graphs ?? {})) {
    console.log(
      `${name} of ${items[row]!.title}:`,
      neighbours(graph!, row)
        .slice(0, 6)
        .map((n) => `${items[n.row]!.title} (${n.weight.toFixed(2)})`),
    );
  }
}
