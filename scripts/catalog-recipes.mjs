// The CLI arguments of the catalogs built from the shared datasets: one place for the demo and
// browser-test set-up (build-catalogs.mjs) and the consumer tests (test/consumers/shop.ts).
import { join } from 'node:path';

/** Amazon Industrial & Scientific (UniSRec format) with its categories: the sparse test catalog. */
const scientific = (data) => [
  '--log',
  `${data}/amazon-scientific-unisrec/Scientific.test.inter`,
  '--format',
  'unisrec',
  '--metadata',
  `${data}/amazon-scientific-unisrec/items.tsv`,
  '--columns',
  'id=item_index,category=category_path',
];

/** A tiny SASRec encoder (a few seconds): enough for parity tests, not for accuracy. */
const tinySasrec = ['--encoder', 'sasrec', '--max-len', '20', '--blocks', '1', '--encoder-epochs', '2', '--negatives', '128', '--validation-users', '500'];

/** `vitrine` arguments (without `--out`) by catalog file name; `demo` adds the demo's second shop. */
export function catalogRecipes(data, root, { demo = false } = {}) {
  const onlineRetail = [
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
  ];
  const recipes = {
    'online-retail.vcat': onlineRetail,
    // The same catalog with its rows in clusters for similar() (`--index ivf`): the clustered-rows tests.
    'online-retail-ivf.vcat': [...onlineRetail, '--index', 'ivf'],
    // item2vec epochs follow the log's size (item2vecEpochs: 50 here)
    'scientific.vcat': ['train', ...scientific(data), '--dim', '32'],
    // Hand-made Chinese titles (test/fixtures/zh/README.md): search segmentation without spaces.
    'chinese.vcat': ['build-catalog', '--embeddings', join(root, 'test/fixtures/zh/embeddings.csv'), '--metadata', join(root, 'test/fixtures/zh/products.csv')],
    // Writes scientific-encoder.vcat.encoder too, for the encoder parity tests.
    'scientific-encoder.vcat': ['train', ...scientific(data), '--dim', '16', ...tinySasrec],
  };
  // Only the demo's catalog switch needs Amazon Beauty (real titles, 12k items).
  if (demo) {
    recipes['amazon-beauty.vcat'] = [
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
  return recipes;
}
