// Accuracy of the PyTorch-trained SASRec encoder beside the Node-trained one on Amazon Beauty:
// the same settings (the shipped ones, bench/accuracy.ts ENCODER_ARGS, up to --encoder-epochs),
// the same seed, the same protocol and the same evaluator (`vitrine evaluate`, the catalog:encoder
// model = what the browser worker computes with the encoder loaded).
//
//   npx tsx bench/pytorch-accuracy.ts [--encoder-epochs 30] [--work DIR] [--data ../shared/data] [--trainers node,pytorch]
//
// Trains both (resumable: --checkpoint in the work folder; a finished catalog is reused), scores
// both, and writes the records, with "trainer": "pytorch" or "node", into
// bench/results/accuracy.json (replacing this script's earlier records for the same
// --encoder-epochs). Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SASREC_MODEL, sasrecSchedule } from './sasrec-settings.js';

const root = resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const data = resolve(arg('data', process.env.VITRINE_DATA ?? join(root, '../shared/data')));
const work = resolve(arg('work', '/tmp/vitrine-pytorch-accuracy'));
const epochs = arg('encoder-epochs', '30');
const python = process.env.VITRINE_PYTHON ?? '/usr/bin/python3';
const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const log = `${data}/amazon-beauty/Beauty.txt`;
const rel = (p: string): string => relative(root, p);
/** Absolute paths inside a command-line argument, relative to the repository (as docs/accuracy.md writes them). */
const relArg = (a: string): string => a.replace(/\/[^\s,:]+/g, (p) => rel(p));
// The Node trainer's own refit is off: both trainers ship their validation run, compared as trained.
const SETTINGS = [...SASREC_MODEL, ...sasrecSchedule(epochs), '--seed', '42'];
// u·v + b alone, and the shipped in-browser blend (graphs rebuilt from the fit items, DEFAULT_ENCODER_GRAPH_BLEND + previous).
const MODELS = (encoder: string): string[] => [
  `catalog:encoder=${encoder}:copurchase=0:transition=0`,
  `catalog:encoder=${encoder}:graphs=fit:copurchase=20:transition=50:previous=20`,
];

interface EvalRecord {
  dataset: string;
  model: string;
  protocol: string;
  split: string;
  metrics: Record<string, number>;
  [key: string]: unknown;
}

const TRAINERS = {
  node: (out: string) => ({
    command: process.execPath,
    args: [
      join(root, 'bin/vitrine.js'),
      'train',
      '--log',
      log,
      '--format',
      'sequences',
      '--encoder',
      'sasrec',
      ...SETTINGS,
      '--no-encoder-refit',
      '--checkpoint',
      join(work, 'ckpt-node'),
      '--quiet',
      '--out',
      out,
    ],
    env: process.env,
  }),
  pytorch: (out: string) => ({
    command: python,
    args: [
      join(root, 'train/python/train.py'),
      '--log',
      log,
      '--format',
      'sequences',
      ...SETTINGS,
      '--threads',
      '1',
      '--checkpoint',
      join(work, 'ckpt-pytorch'),
      '--quiet',
      '--out',
      out,
    ],
    env: existsSync(openblas) ? { ...process.env, LD_LIBRARY_PATH: openblas } : process.env,
  }),
};

const records: EvalRecord[] = [];
const chosen = arg('trainers', 'node,pytorch').split(',');
for (const [trainer, make] of Object.entries(TRAINERS).filter(([name]) => chosen.includes(name))) {
  const catalog = join(work, trainer, 'amazon-beauty.vcat');
  mkdirSync(join(work, trainer), { recursive: true });
  const train = make(catalog);
  if (!existsSync(`${catalog}.encoder`)) execFileSync('nice', ['-n', '10', train.command, ...train.args], { stdio: 'inherit', env: train.env });
  const trained = JSON.parse(readFileSync(`${catalog}.encoder.log.json`, 'utf8')) as {
    modelId: string;
    bestEpoch: number;
    epochs: Array<{ seconds: number; validation: Record<string, number> }>;
  };
  const seconds = trained.epochs.reduce((s, e) => s + e.seconds, 0);
  const json = join(work, `${trainer}.evaluate.json`);
  const evaluate = [
    'evaluate',
    '--log',
    log,
    '--format',
    'sequences',
    '--catalog',
    catalog,
    '--models',
    MODELS(`${catalog}.encoder`).join(','),
    '--protocol',
    'loo-full',
    '--split',
    'test',
    '--seed',
    '42',
    '--dataset',
    'amazon-beauty',
    '--json',
    json,
  ];
  // An evaluation newer than the encoder it scored is reused.
  if (!existsSync(json) || statSync(json).mtimeMs < statSync(`${catalog}.encoder`).mtimeMs)
    execFileSync(process.execPath, [join(root, 'bin/vitrine.js'), ...evaluate], { stdio: 'inherit' });
  const launcher =
    trainer === 'node'
      ? 'node bin/vitrine.js'
      : `${train.env['LD_LIBRARY_PATH'] ? `LD_LIBRARY_PATH=${train.env['LD_LIBRARY_PATH']} ` : ''}/usr/bin/python3 train/python/train.py`;
  const trainCommand = [launcher, ...train.args.slice(1).map(relArg)].join(' ');
  for (const r of JSON.parse(readFileSync(json, 'utf8')) as EvalRecord[]) {
    records.push({
      ...r,
      model: r.model
        .replaceAll(`${catalog}.encoder`, `amazon-beauty-${trainer}.vcat.encoder`)
        .replace(/^catalog\([^)]*\)/, `catalog(amazon-beauty-${trainer}.vcat)`),
      trainer,
      encoderEpochs: Number(epochs),
      trainSeconds: seconds,
      modelBytes: statSync(catalog).size + statSync(`${catalog}.encoder`).size,
      notes: `${trained.modelId}; best epoch ${trained.bestEpoch} of ${trained.epochs.length} (--encoder-epochs ${epochs}); validation NDCG@10 ${Math.max(...trained.epochs.map((e) => e.validation['NDCG@10']!)).toFixed(4)}; ${chosen.length > 1 ? 'trained side by side with the other trainer' : 'trained without the other trainer (compare with its records for the same settings)'} on the shared 2-core machine`,
      command: `${trainCommand} && node bin/vitrine.js ${evaluate.map(relArg).join(' ')}`,
    });
  }
}

const out = join(root, 'bench/results/accuracy.json');
// Records of other runs are kept; this script's records for the same --encoder-epochs are replaced.
const kept = (JSON.parse(readFileSync(out, 'utf8')) as EvalRecord[]).filter(
  (r) => r['trainer'] === undefined || r['encoderEpochs'] !== Number(epochs) || !chosen.includes(String(r['trainer'])),
);
writeFileSync(out, JSON.stringify([...kept, ...records], null, 2) + '\n');
for (const r of records)
  console.log(`${String(r['trainer']).padEnd(8)} ${r.model}: HR@10 ${r.metrics['HR@10']!.toFixed(4)} NDCG@10 ${r.metrics['NDCG@10']!.toFixed(4)}`);
console.log(`wrote ${rel(out)}`);
