// The shipped default catalog beside transition + recency item-KNN, on every file with
// sequences: `vitrine train --holdout <split>` at its defaults, then `vitrine evaluate --models
// catalog,transition-knn` (`catalog` = what the browser worker computes by default). Replaces
// the `"variant": "default"` rows of bench/results/accuracy.json and writes
// bench/results/default-catalog.md. Validation rows are what the settings were chosen on; the
// test rows are scored once.
// VARIANT=sasrec scores the one-command encoder path instead: `vitrine train --encoder sasrec`
// (epochs chosen on validation, then the refit on every item ships) and `--models
// catalog:encoder=<catalog>.encoder` (what the worker computes when the page passes `encoder:`);
// rows `"variant": "sasrec"`, table bench/results/sasrec-catalog.md.
// Usage: [VARIANT=sasrec] VITRINE_DATA=../shared/data npx tsx bench/default-catalog.ts [valid,test] [file,…]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const data = process.env.VITRINE_DATA ?? '../shared/data';
const work = process.env.VITRINE_WORK ?? '/tmp/vitrine-default-catalog';
mkdirSync(work, { recursive: true });
const splits = (process.argv[2] ?? 'valid,test').split(',') as Array<'valid' | 'test'>;
const variant = process.env.VARIANT === 'sasrec' ? 'sasrec' : 'default';

interface DataFile {
  name: string;
  short: string;
  log: string;
  format: string;
  /** Shell that writes `log` from the shared file, when the shared file is not a log format as is. */
  prepare?: string;
  note?: string;
}
const gamesLog = join(work, 'games.txt');
const FILES: DataFile[] = [
  { name: 'amazon-beauty', short: 'beauty', log: `${data}/amazon-beauty/Beauty.txt`, format: 'sequences' },
  { name: 'amazon-toys', short: 'toys', log: `${data}/amazon-toys/Toys_and_Games.txt`, format: 'sequences' },
  { name: 'amazon-scientific-unisrec', short: 'sci', log: `${data}/amazon-scientific-unisrec/Scientific.test.inter`, format: 'unisrec' },
  {
    name: 'amazon-games-sasrec',
    short: 'games',
    log: gamesLog,
    format: 'sequences',
    // One line per user, items in file order (Video.txt has one "user item" pair per line).
    prepare: `awk '{ if ($1!=u) { if (u!="") print line; u=$1; line=$1 } line=line" "$2 } END { print line }' ${data}/amazon-games-sasrec/Video.txt > ${gamesLog}`,
    note: 'not used for any choice',
  },
  {
    name: 'online-retail-uci',
    short: 'retail',
    log: `${data}/online-retail-uci/online_retail.tsv.gz`,
    format: 'online-retail',
    note: 'invoices; not used for any choice',
  },
];
const only = process.argv[3]?.split(',');
const files = FILES.filter((f) => !only || only.includes(f.short));

interface Row {
  dataset: string;
  protocol: string;
  model: string;
  split: string;
  users: number;
  items: number;
  metrics: Record<string, number>;
  command: string;
  trainSeconds?: number;
  loadAverage?: number;
  variant?: string;
  modelBytes?: number;
  notes?: string;
  seed?: number;
}
const resultsFile = 'bench/results/accuracy.json';
const fresh: Row[] = [];
for (const file of files) {
  if (file.prepare) execFileSync('bash', ['-c', file.prepare]);
  for (const split of splits) {
    const catalog = join(work, `${file.short}-${split}-${variant}.vcat`);
    const train = ['bin/vitrine.js', 'train', '--log', file.log, '--format', file.format, '--holdout', split, '--quiet', '--out', catalog];
    if (variant === 'sasrec') train.push('--encoder', 'sasrec');
    const loadAverage = Math.round(loadavg()[0]! * 100) / 100; // the machine is shared: how busy it was as training began
    const started = performance.now();
    execFileSync('node', train, { stdio: 'inherit' });
    const trainSeconds = Math.round((performance.now() - started) / 100) / 10;
    const json = join(work, `${file.short}-${split}-${variant}.json`);
    const evaluate = ['bin/vitrine.js', 'evaluate', '--log', file.log, '--format', file.format, '--dataset', file.name, '--catalog', catalog];
    const models = variant === 'sasrec' ? `catalog:encoder=${catalog}.encoder` : 'catalog,transition-knn';
    evaluate.push('--models', models, '--protocol', 'loo-full', '--split', split, '--seed', '42', '--json', json);
    execFileSync('node', evaluate, { stdio: 'inherit' });
    const command = [file.prepare, ['node', ...train].join(' '), ['node', ...evaluate.slice(0, -2)].join(' ')].filter(Boolean).join(' && ');
    for (const r of JSON.parse(readFileSync(json, 'utf8')) as Row[]) {
      const isCatalog = r.model.startsWith('catalog');
      fresh.push({
        ...r,
        command,
        seed: 42,
        variant: isCatalog ? variant : 'default-baseline',
        ...(isCatalog
          ? {
              trainSeconds,
              loadAverage,
              modelBytes: statSync(catalog).size,
              notes:
                variant === 'sasrec'
                  ? encoderNote(catalog)
                  : 'vitrine train at its defaults; `--models catalog` = what the browser worker computes by default (DEFAULT_GRAPH_BLEND of src/ranking/graph-affinity.ts); train seconds on the shared 2-core machine, loadAverage = its 1-minute load average as training began',
            }
          : {}),
      });
      console.error(`${file.name} ${split} ${r.model}: ${r.metrics['HR@10']!.toFixed(4)} / ${r.metrics['NDCG@10']!.toFixed(4)}`);
    }
  }
}
/** The encoder's chosen and refitted epochs, from the log `vitrine train --encoder sasrec` writes beside it. */
function encoderNote(catalog: string): string {
  const log = JSON.parse(readFileSync(`${catalog}.encoder.log.json`, 'utf8')) as { modelId: string; bestEpoch: number; epochs: unknown[]; refit?: unknown[] };
  const refit = log.refit ? `, then refit on every item for ${log.refit.length} epochs` : '';
  return `vitrine train --encoder sasrec at its defaults: ${log.modelId}, best validation epoch ${log.bestEpoch} of ${log.epochs.length}${refit}; \`--models catalog:encoder=…\` = what the worker computes when the page passes the encoder; train seconds include both runs, on the shared 2-core machine (loadAverage = its 1-minute load average as training began)`;
}

// Read only now: runs of other files or variants may have written the file meanwhile.
const rows: Row[] = JSON.parse(readFileSync(resultsFile, 'utf8'));
const replaced = new Set(fresh.map((r) => `${r.dataset}|${r.split}|${r.variant}`));
const kept = rows.filter((r) => !(r.variant && replaced.has(`${r.dataset}|${r.split}|${r.variant}`)));
writeFileSync(resultsFile, JSON.stringify([...kept, ...fresh], null, 1) + '\n');

// The table docs/accuracy.md quotes, from every default row on record.
const all = [...kept, ...fresh];
const cell = (r: Row | undefined): string => (r ? `${r.metrics['HR@10']!.toFixed(4)} / ${r.metrics['NDCG@10']!.toFixed(4)}` : '—');
const find = (dataset: string, split: string, variant: string): Row | undefined =>
  all.find((r) => r.dataset === dataset && r.split === split && r.variant === variant);
const lines =
  variant === 'sasrec'
    ? sasrecTable()
    : [
        `Made by \`VITRINE_DATA=../shared/data npx tsx bench/default-catalog.ts\` (rows with \`"variant": "default"\` and \`"default-baseline"\` in \`bench/results/accuracy.json\`, each with its command). HR@10 / NDCG@10, leave-one-out, full ranking, ties counted against the target.`,
        '',
        '| file | default catalog, valid | transition-KNN, valid | default catalog, **test** | transition-KNN, test | train s (test catalog) | catalog size |',
        '|---|---|---|---|---|---:|---:|',
      ];
for (const f of variant === 'sasrec' ? [] : FILES) {
  const testRow = find(f.name, 'test', 'default');
  const name = f.note ? `${f.name} (${f.note})` : f.name;
  lines.push(
    `| ${name} | ${cell(find(f.name, 'valid', 'default'))} | ${cell(find(f.name, 'valid', 'default-baseline'))} | **${cell(testRow)}** | ${cell(find(f.name, 'test', 'default-baseline'))} | ${testRow?.trainSeconds ?? '—'} | ${testRow?.modelBytes ? `${(testRow.modelBytes / 2 ** 20).toFixed(1)} MB` : '—'} |`,
  );
}
writeFileSync(`bench/results/${variant}-catalog.md`, lines.join('\n') + '\n');
console.log(lines.join('\n'));

/** The encoder path beside the default catalog and transition-KNN of the same file. */
function sasrecTable(): string[] {
  const out = [
    `Made by \`VARIANT=sasrec VITRINE_DATA=../shared/data npx tsx bench/default-catalog.ts\` (rows with \`"variant": "sasrec"\` in \`bench/results/accuracy.json\`, each with its command). HR@10 / NDCG@10, leave-one-out, full ranking, ties counted against the target.`,
    '',
    '| file | SASRec one command, valid | SASRec one command, **test** | default catalog, test | transition-KNN, test | train s (test catalog) | encoder epochs |',
    '|---|---|---|---|---|---:|---|',
  ];
  for (const f of FILES) {
    const testRow = find(f.name, 'test', 'sasrec');
    if (!testRow && !find(f.name, 'valid', 'sasrec')) continue;
    const epochs = testRow?.notes?.match(/best validation epoch (\d+) of (\d+)/);
    out.push(
      `| ${f.name} | ${cell(find(f.name, 'valid', 'sasrec'))} | **${cell(testRow)}** | ${cell(find(f.name, 'test', 'default'))} | ${cell(find(f.name, 'test', 'default-baseline'))} | ${testRow?.trainSeconds ?? '—'} | ${epochs ? `${epochs[1]} of ${epochs[2]}, refit ${epochs[1]}` : '—'} |`,
    );
  }
  return out;
}
