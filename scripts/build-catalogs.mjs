// Builds the catalogs the demo and the browser tests use, from the real data in ../shared/data,
// with the CLI exactly as a shop would run it. Skips catalogs that already exist, unless the
// catalog format's code changed since they were written.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogRecipes } from './catalog-recipes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.VITRINE_DATA ?? resolve(root, '../shared/data');
const out = join(root, 'public/catalogs');

const CATALOGS = catalogRecipes(data, root, { demo: process.argv.includes('--demo') });

// A catalog written before the format's or the training's code last changed may be in an older
// format version, or lack what training now writes.
const sourceDirs = ['src/catalog', 'src/training', 'src/cli/commands'].map((d) => join(root, d));
const formatChanged = Math.max(
  ...sourceDirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => statSync(join(dir, f)).mtimeMs),
  ),
);
const upToDate = (path) => existsSync(path) && statSync(path).mtimeMs > formatChanged;

for (const [file, args] of Object.entries(CATALOGS)) {
  const path = join(out, file);
  if (upToDate(path)) continue;
  if (!existsSync(data)) throw new Error(`The shared datasets are not at ${data}; set VITRINE_DATA to their folder.`);
  console.log(`vitrine ${args[0]} → public/catalogs/${file}`);
  // `npm start` (--demo) shows training progress bars; test set-up keeps its log short.
  const quiet = args[0] === 'train' && !process.argv.includes('--demo') ? ['--quiet'] : [];
  execFileSync(process.execPath, [join(root, 'bin/vitrine.js'), ...args, ...quiet, '--out', path], { stdio: 'inherit' });
}

// Damaged copies for the error-path tests: one flipped byte in the body, and a cut-off file.
const good = readFileSync(join(out, 'scientific.vcat'));
const corrupt = Buffer.from(good);
corrupt[corrupt.length - 100] ^= 0xff;
writeFileSync(join(out, 'scientific-corrupt.vcat'), corrupt);
writeFileSync(join(out, 'scientific-truncated.vcat'), good.subarray(0, Math.floor(good.length / 2)));
copyFileSync(join(out, 'scientific.vcat'), join(out, 'scientific-copy.vcat'));
