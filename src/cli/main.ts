import { Command, InvalidArgumentError, Option } from 'commander';
import { version } from '../../package.json' with { type: 'json' };
import { VitrineError } from '../shared/errors.js';
import { CliError } from './cli-error.js';
import { buildCatalog } from './commands/build-catalog.js';
import { evaluate } from './commands/evaluate.js';
import { train } from './commands/train.js';
import { LOG_FORMATS } from './read-log.js';
import { EMBEDDING_DTYPES } from '../catalog/types.js';

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
const count = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};
// The file's layout, for build-catalog and train alike (docs/catalog-format.md, docs/first-visit.md).
const HEAD_ITEMS_HELP = 'write a head-first file: the n most popular items first, served while the rest downloads (0 = an ordinary file)';
const OMIT_HELP = 'metadata fields to leave out of the file, e.g. title,image (your page shows them already)';
const indexOption = (): Option =>
  new Option('--index <kind>', 'ivf: store the rows in clusters that similar() probes instead of reading every row (approximate; pays from about 50k items)')
    .choices(['none', 'ivf'])
    .default('none');
const dtypeOption = (): Option =>
  new Option('--dtype <dtype>', 'embedding storage (pq4: 4-bit product quantisation, dim / 2 bytes per item)')
    .choices([...EMBEDDING_DTYPES])
    .default('float32');

const program = new Command('vitrine').description('Build Vitrine catalogs for on-device recommendations.').version(version, '-v, --version');

program
  .command('build-catalog')
  .description('Turn embeddings you already have (CSV/TSV/JSON) plus item metadata into a catalog file.')
  .requiredOption('--embeddings <file>', 'CSV/TSV (id, values…), JSON ({id: [values]} or [{id, vector}]) or NumPy .npy (N × d, with --ids)')
  .option('--ids <file>', 'item ids in row order for a .npy matrix: one per line, or the first column of a CSV/TSV')
  .option('--metadata <file>', 'CSV/TSV(.gz) or JSON with id,title,price,category,brand,stock,image[,bias|popularity]')
  .option('--columns <map>', 'metadata column names, e.g. id=stock_code,title=description')
  .option('--where <column=value>', 'keep only metadata rows where column equals value')
  .addOption(dtypeOption())
  .option('--model-id <id>', 'recorded in the catalog header')
  .requiredOption('--out <file>', 'catalog file to write')
  .option('--head-items <n>', HEAD_ITEMS_HELP, count, 0)
  .option('--omit <fields>', OMIT_HELP)
  .addOption(indexOption())
  .action(async (options) => console.log(await buildCatalog(options)));

program
  .command('train')
  .description('Learn item embeddings and a popularity prior from an anonymous interaction log; write a catalog.')
  .requiredOption('--log <file>', 'interaction log')
  .addOption(new Option('--format <format>', 'log format').choices([...LOG_FORMATS]).default('interactions'))
  .option('--metadata <file>', 'item metadata (as for build-catalog)')
  .option('--columns <map>', 'metadata column names, e.g. id=stock_code,title=description')
  .option('--where <column=value>', 'keep only metadata rows where column equals value')
  .option('--dim <n>', 'embedding dimension', integer, 64)
  .option('--epochs <n>', 'passes over the log (default: from its size, item2vecEpochs: 5 for 200k interactions, up to 50 for small logs)', integer)
  .option('--window <n>', 'context window', integer, 5)
  .option('--min-count <n>', 'drop items with fewer interactions', integer, 1)
  .option('--seed <n>', 'random seed', integer, 42)
  .option('--no-cold-start', 'drop metadata items with too few interactions instead of embedding them from their metadata')
  .addOption(dtypeOption())
  .option('--head-items <n>', HEAD_ITEMS_HELP, count, 0)
  .option('--omit <fields>', OMIT_HELP)
  .addOption(indexOption())
  .option('--quiet', 'no progress bar')
  .addOption(
    new Option('--holdout <split>', "leave out each user's evaluation items (valid: last two, test: last one), to evaluate the catalog honestly").choices([
      'valid',
      'test',
    ]),
  )
  .requiredOption('--out <file>', 'catalog file to write')
  .addOption(
    new Option('--encoder <kind>', 'also train a sequence encoder; its item table and bias become the catalog embeddings')
      .choices(['none', 'sasrec'])
      .default('none'),
  )
  .option('--encoder-out <file>', 'encoder file to write (default: <out>.encoder)')
  .option('--max-len <n>', 'encoder: most recent items read', integer)
  .option('--blocks <n>', 'encoder: self-attention blocks', integer)
  .option('--heads <n>', 'encoder: attention heads', integer)
  .option('--encoder-epochs <n>', 'encoder: most epochs', integer)
  .option('--patience <n>', 'encoder: stop after n epochs without a better validation NDCG@10', integer)
  .option('--negatives <n>', 'encoder: sampled negatives per batch (0 = full softmax)', Number)
  .option('--batch-size <n>', 'encoder: sequences per step', integer)
  .option('--dropout <rate>', 'encoder: dropout rate', Number)
  .option('--learning-rate <lr>', 'encoder: Adam learning rate', Number)
  .option('--validation-users <n>', 'encoder: validation users scored per epoch (0 = all)', Number)
  .option('--checkpoint <dir>', 'encoder: keep resumable state here; rerunning the same command resumes')
  .option('--encoder-fit-all', 'encoder: train on every item of the log for exactly --encoder-epochs epochs, no validation split')
  .option('--no-encoder-refit', 'encoder: ship the validation run (early stopping) as it is, without retraining on every item for the chosen epoch count')
  .option('--encoder-init <catalog>', 'encoder: start from this catalog and its encoder (<catalog>.encoder) instead of random weights (items matched by id)')
  .action(async (options) => console.log(await train(options)));

program
  .command('evaluate')
  .description('Score recommenders on a log with leave-one-out: full ranking and/or 99 sampled negatives.')
  .requiredOption('--log <file>', 'interaction log')
  .addOption(new Option('--format <format>', 'log format').choices([...LOG_FORMATS]).default('sequences'))
  .option('--models <list>', 'comma-separated model specs, e.g. popularity,item-knn-recency:decay=0.6', 'popularity,item-knn,item-knn-recency,transition-knn')
  .addOption(new Option('--protocol <protocol>', 'ranking protocol').choices(['loo-full', 'loo-s99', 'both']).default('loo-full'))
  .addOption(new Option('--split <split>', 'score the validation item (to choose settings) or the test item').choices(['valid', 'test']).default('test'))
  .addOption(new Option('--fit-on <set>', 'default: train for valid, train+validation for test').choices(['train', 'train+validation']))
  .option('--dataset <name>', "recorded with the results (default: the log's folder name)")
  .option('--seed <n>', 'seed for the sampled negatives', integer, 42)
  .option('--json <file>', 'write the results as JSON records')
  .option('--markdown <file>', 'write the Markdown table to a file')
  .option('--plot <file>', 'write an SVG bar chart of HR@10 and NDCG@10 per model')
  .option('--catalog <file>', 'catalog for the catalog[:diversity=λ][:debias=β][:feedback=1] models: the on-device scorer')
  .action(async (options) => console.log(await evaluate(options)));

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CliError || error instanceof VitrineError) {
    console.error(`vitrine: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
