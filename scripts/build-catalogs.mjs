// Builds the catalogs the demo and the browser tests use, from the real data in ../shared/data,
// with the CLI exactly as a shop would run it. Skips catalogs that already exist, unless the
// catalog format's code changed since they were written.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.VITRINE_DATA ?? resolve(root, '../shared/data');
const out = join(root, 'public/catalogs');

export const CATALOGS = {
  'online-retail.vcat': [
    'train',
    '--log',
    `${data}/online-retail-uci/online_retail.tsv.gz`,
    '--format',
    'online-retail',
    '--metadata',
    `${data}/online-retail-uci/products.tsv`,
    '--columns',
    'id=stock_code,title=description,price=median_unit_price_gbp',
    '--where',
    'is_product=1',
    '--min-count',
    '5',
  ],
  'scientific.vcat': [
    'train',
    '--log',
    `${data}/amazon-scientific-unisrec/Scientific.test.inter`,
    '--format',
    'unisrec',
    '--metadata',
    `${data}/amazon-scientific-unisrec/items.tsv`,
    '--columns',
    'id=item_index,category=category_path',
    '--dim',
    '32', // item2vec epochs follow the log's size (item2vecEpochs: 50 here)
  ],
  // Hand-made Chinese titles (test/fixtures/zh/README.md): search segmentation without spaces.
  'chinese.vcat': ['build-catalog', '--embeddings', join(root, 'test/fixtures/zh/embeddings.csv'), '--metadata', join(root, 'test/fixtures/zh/products.csv')],
};
// A tiny SASRec encoder (a few seconds) for the encoder parity tests: writes scientific-encoder.vcat.encoder too.
CATALOGS['scientific-encoder.vcat'] = [
  'train',
  '--log',
  `${data}/amazon-scientific-unisrec/Scientific.test.inter`,
  '--format',
  'unisrec',
  '--metadata',
  `${data}/amazon-scientific-unisrec/items.tsv`,
  '--columns',
  'id=item_index,category=category_path',
  '--dim',
  '16',
  '--encoder',
  'sasrec',
  '--max-len',
  '20',
  '--blocks',
  '1',
  '--encoder-epochs',
  '2',
  '--negatives',
  '128',
  '--validation-users',
  '500',
  '--quiet',
];
// Only the demo's catalog switch needs Amazon Beauty (real titles, 12k items): `--demo` adds it.
if (process.argv.includes('--demo')) {
  CATALOGS['amazon-beauty.vcat'] = [
    'train',
    '--log',
    `${data}/amazon-beauty/Beauty.txt`,
    '--format',
    'sequences',
    '--metadata',
    `${data}/amazon-beauty/items.tsv`,
    '--columns',
    'id=item_id',
  ];
}

// A catalog written before the format's code last changed may be in an older format version.
const formatDir = join(root, 'src/catalog');
const formatChanged = Math.max(
  ...readdirSync(formatDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => statSync(join(formatDir, f)).mtimeMs),
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
