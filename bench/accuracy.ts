// Accuracy benchmark: trains the SASRec encoder with `vitrine train --encoder sasrec` and scores
// it, its blend with item-to-item signals, and the baselines on the same leave-one-out split of
// Amazon Beauty and Amazon Toys (S3-Rec files), under full ranking and 99 sampled negatives.
//
//   npx tsx bench/accuracy.ts [--datasets amazon-beauty,amazon-toys] [--work DIR] [--encoder-epochs 30]
//
// Writes bench/results/accuracy.json and docs/accuracy.md. Training is resumable: the encoder
// is trained with --checkpoint DIR/ckpt-<dataset>, and a finished catalog + encoder in DIR is
// reused (its training time is read from the encoder's log). Blend weights are chosen on the
// validation item only; test numbers are computed once, with the chosen weights.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLog } from '../src/cli/read-log.js';
import { createModel } from '../src/evaluation/baselines.js';
import { readCatalogTable, SasrecBlendModel, SasrecModel, selectBlendWeights, type BlendWeights } from '../src/evaluation/encoder-models.js';
import { evaluateModel, type EvaluationResult } from '../src/evaluation/evaluate.js';
import { TIE_POLICY } from '../src/evaluation/metrics.js';
import type { RecommenderModel } from '../src/evaluation/protocols.js';
import { leaveOneOut } from '../src/evaluation/split.js';
import { useTrainingBackend } from '../src/training/sasrec/backend.js';
import { Rng } from '../src/training/sasrec/rng.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.VITRINE_DATA ?? resolve(root, '../shared/data');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const work = resolve(arg('work', process.env.VITRINE_BENCH_WORK ?? '/tmp/vitrine-bench'));
const DATASETS: Record<string, string> = {
  'amazon-beauty': 'amazon-beauty/Beauty.txt',
  'amazon-toys': 'amazon-toys/Toys_and_Games.txt',
};
const datasets = arg('datasets', Object.keys(DATASETS).join(',')).split(',');
const SEED = 42;
const BASELINES = ['popularity', 'item-knn', 'item-knn-recency', 'transition-knn'];
/** The encoder settings of the shipped model (chosen before any test number was looked at). */
const ENCODER_ARGS = ['--encoder', 'sasrec', '--dim', '64', '--max-len', '50', '--blocks', '2', '--heads', '1', '--dropout', '0.3', '--learning-rate', '0.002',
  '--batch-size', '256', '--negatives', '1024', '--encoder-epochs', arg('encoder-epochs', '30'), '--patience', '3', '--validation-users', '5000', '--seed', String(SEED)];
const BLEND_GRID: BlendWeights[] = [];
// transition + knn = 1 is "no encoder": the selection may say the encoder does not help.
for (const transition of [0, 0.3, 0.5, 0.6, 0.7, 0.8]) {
  for (const knn of [0, 0.1, 0.2]) for (const decay of [0, 0.25]) if (transition + knn <= 1) BLEND_GRID.push({ transition, knn, decay });
}
/** Validation users the blend weights are chosen on (a seeded sample, for time). */
const BLEND_VALIDATION_USERS = 4000;

interface AccuracyRecord {
  dataset: string;
  protocol: 'loo-full' | 'loo-s99';
  model: string;
  split: 'valid' | 'test';
  users: number;
  items: number;
  ties: string;
  metrics: Record<string, number>;
  trainSeconds: number;
  command: string;
  modelBytes?: number;
  notes?: string;
}

/** Item ids → rows in order of first appearance (as `vitrine train` and `vitrine evaluate` do). */
function toRows(sequences: string[][]): { sequences: number[][]; itemCount: number } {
  const row = new Map<string, number>();
  return { sequences: sequences.map((s) => s.map((id) => row.get(id) ?? (row.set(id, row.size), row.size - 1))), itemCount: row.size };
}

const rel = (p: string): string => relative(root, p) || '.';
const records: AccuracyRecord[] = [];
const push = (dataset: string, result: EvaluationResult, command: string, extra: Partial<AccuracyRecord> = {}, trainSeconds = result.trainSeconds): void => {
  records.push({ dataset, protocol: result.protocol, model: result.model, split: result.split, users: result.users, items: 0, ties: TIE_POLICY, metrics: result.metrics, trainSeconds, command, ...extra });
};

await useTrainingBackend('wasm');
for (const dataset of datasets) {
  const logPath = join(data, DATASETS[dataset]!);
  const logArg = `../shared/data/${DATASETS[dataset]}`;
  const { sequences, itemCount } = toRows(readLog(logPath, 'sequences'));
  const split = leaveOneOut(sequences);
  const first = records.length;
  console.log(`${dataset}: ${sequences.length} users, ${itemCount} items`);

  // Baselines do not depend on the encoder: their records are kept in the work folder and reused.
  mkdirSync(work, { recursive: true });
  const baselineFile = join(work, `${dataset}.baselines.json`);
  if (existsSync(baselineFile)) records.push(...(JSON.parse(readFileSync(baselineFile, 'utf8')) as AccuracyRecord[]));
  else {
    for (const spec of BASELINES) {
      const model = createModel(spec);
      for (const result of evaluateModel(model, split, itemCount, { protocols: ['loo-full', 'loo-s99'], split: 'test', seed: SEED })) {
        push(dataset, result, `node bin/vitrine.js evaluate --log ${logArg} --format sequences --models ${result.model} --protocol ${result.protocol} --split test --seed ${SEED}`);
      }
      console.log(`  ${model.name}: done`);
    }
    writeFileSync(baselineFile, JSON.stringify(records.slice(first).map((r) => ({ ...r, items: itemCount })), null, 2));
  }
  if (process.argv.includes('--baselines-only')) continue;

  // Ours: train (or resume / reuse) the encoder with the CLI, exactly as a shop would.
  mkdirSync(work, { recursive: true });
  const catalog = join(work, `${dataset}.vcat`);
  const trainArgs = ['train', '--log', logPath, '--format', 'sequences', ...ENCODER_ARGS, '--checkpoint', join(work, `ckpt-${dataset}`), '--out', catalog];
  const trainCommand = `node bin/vitrine.js train --log ${logArg} --format sequences ${ENCODER_ARGS.join(' ')} --checkpoint ${rel(join(work, `ckpt-${dataset}`))} --out ${rel(catalog)}`;
  if (!existsSync(`${catalog}.encoder`)) execFileSync('nice', ['-n', '10', process.execPath, join(root, 'bin/vitrine.js'), ...trainArgs], { stdio: 'inherit' });
  const log = JSON.parse(readFileSync(`${catalog}.encoder.log.json`, 'utf8')) as { epochs: Array<{ seconds: number; validation: Record<string, number> }>; bestEpoch: number; modelId: string };
  const trainSeconds = log.epochs.reduce((s, e) => s + e.seconds, 0);
  const modelBytes = statSync(catalog).size + statSync(`${catalog}.encoder`).size;
  const table = readCatalogTable(readFileSync(catalog));
  const encoder = new SasrecModel({ encoder: readFileSync(`${catalog}.encoder`), vectors: table.vectors, bias: table.bias });
  encoder.prepare([...split.validation.map((c) => c.history), ...split.test.map((c) => c.history)]);
  // One shopper vector at a time, as the worker computes it (Node, tfjs-wasm, one thread).
  const times: number[] = [];
  for (const c of split.test.slice(0, 200)) {
    const started = performance.now();
    encoder.shopperVector([...c.history]);
    times.push(performance.now() - started);
  }
  const encodeMs = times.sort((a, b) => a - b)[times.length >> 1]!;
  const notes = `${log.modelId}; best epoch ${log.bestEpoch} of ${log.epochs.length}; ${(trainSeconds / log.epochs.length).toFixed(0)} s per epoch (tfjs-wasm in Node, 2 shared cores); one shopper vector ${encodeMs.toFixed(1)} ms median (Node, tfjs-wasm)`;
  const evalCommand = (spec: string, protocol: string, splitName: string): string =>
    `${trainCommand} && node bin/vitrine.js evaluate --log ${logArg} --format sequences --models ${spec} --protocol ${protocol} --split ${splitName} --seed ${SEED}`;
  for (const splitName of ['valid', 'test'] as const) {
    for (const result of evaluateModel(encoder, split, itemCount, { protocols: splitName === 'test' ? ['loo-full', 'loo-s99'] : ['loo-full'], split: splitName, seed: SEED })) {
      push(dataset, result, evalCommand(`sasrec:catalog=${rel(catalog)}`, result.protocol, splitName), { modelBytes, notes }, trainSeconds);
    }
  }
  console.log(`  sasrec: done`);

  // The blend: weights chosen on (a sample of) the validation item, fitted on items[:-2].
  const blend = new SasrecBlendModel(encoder);
  blend.fit(split.train, itemCount);
  const sample = new Rng(SEED).shuffle([...split.validation]).slice(0, BLEND_VALIDATION_USERS);
  const grid = selectBlendWeights(blend, sample, itemCount, BLEND_GRID);
  const best = grid.reduce((a, b) => (b['NDCG@10'] > a['NDCG@10'] ? b : a));
  console.log(`  blend grid on ${sample.length} validation users: best ${JSON.stringify(best)}`);
  writeFileSync(join(work, `${dataset}.blend-grid.json`), JSON.stringify(grid, null, 2));
  const chosen: RecommenderModel = new SasrecBlendModel(encoder, { transition: best.transition, knn: best.knn, decay: best.decay });
  for (const splitName of ['valid', 'test'] as const) {
    for (const result of evaluateModel(chosen, split, itemCount, { protocols: splitName === 'test' ? ['loo-full', 'loo-s99'] : ['loo-full'], split: splitName, seed: SEED })) {
      const spec = `sasrec-blend:catalog=${rel(catalog)}:transition=${best.transition}:knn=${best.knn}:decay=${best.decay}`;
      push(dataset, result, evalCommand(spec, result.protocol, splitName), { modelBytes, notes: `${notes}; blend weights chosen on ${sample.length} validation users` }, trainSeconds);
    }
  }
  encoder.dispose();
  console.log(`  sasrec-blend: done`);
  for (const r of records.slice(first)) r.items = itemCount;
  writeFileSync(join(work, `${dataset}.records.json`), JSON.stringify(records.slice(first), null, 2));
}

const out = join(root, 'bench/results/accuracy.json');
// Every dataset finished in this work folder (runs per dataset may go in parallel), in a fixed order.
const merged = Object.keys(DATASETS).flatMap((d) => {
  const file = join(work, `${d}.records.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AccuracyRecord[]) : [];
});
writeFileSync(out, JSON.stringify(merged, null, 2) + '\n');
writeFileSync(join(root, 'docs/accuracy.md'), markdown(merged));
console.log(`wrote ${rel(out)} and docs/accuracy.md`);

function markdown(all: AccuracyRecord[]): string {
  const PUBLISHED: Record<string, Array<[string, string, string]>> = {
    'amazon-beauty': [['SASRec (published, S3-Rec repo)', '0.0605', '0.0318'], ['S3-Rec (published)', '0.0647', '0.0327'], ['ICLRec (published)', '0.0744', '0.0403'], ['transition + recency item-KNN (anchors.md reference)', '0.0848', '0.0564']],
    'amazon-toys': [['SASRec (published, S3-Rec repo)', '0.0675', '0.0374'], ['S3-Rec (published)', '0.0700', '0.0376'], ['ICLRec (published)', '0.0834', '0.0480'], ['transition + recency item-KNN (anchors.md reference)', '0.1036', '0.0693']],
  };
  const TARGET: Record<string, string> = { 'amazon-beauty': '≥ 0.090 / ≥ 0.060', 'amazon-toys': '≥ 0.109 / ≥ 0.073' };
  const f = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(4));
  const lines = [
    '# Accuracy on Amazon Beauty and Amazon Toys',
    '',
    'Generated by `npx tsx bench/accuracy.ts` (`npm run bench:accuracy`) from `bench/results/accuracy.json`; numbers come from that run.',
    '',
    `Protocol: leave-one-out (last item = test, second-to-last = validation), HR/NDCG@10; **loo-full** ranks the target against all items with the user's earlier items masked; **loo-s99** against 99 uniform negatives the user never interacted with (seed ${SEED}). ${TIE_POLICY}. Baselines are fitted on items[:-1] for test; the encoder is trained once on items[:-2] with early stopping on the validation item and never sees a test item; blend weights are chosen on validation only.`,
    '',
  ];
  for (const dataset of [...new Set(all.map((r) => r.dataset))]) {
    const rows = all.filter((r) => r.dataset === dataset);
    const get = (model: string, protocol: string, split = 'test'): AccuracyRecord | undefined => rows.find((r) => r.model === model && r.protocol === protocol && r.split === split);
    const models = [...new Set(rows.map((r) => r.model))];
    lines.push(`## ${dataset} (${rows[0]!.users} users, ${rows[0]!.items} items) — target ${TARGET[dataset] ?? ''} HR@10 / NDCG@10 (test, loo-full)`, '');
    lines.push('| model | test HR@10 full | test NDCG@10 full | HR@20 full | NDCG@20 full | valid HR@10 full | valid NDCG@10 full | HR@10 s99 | NDCG@10 s99 | train s | model bytes |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [name, hr, ndcg] of PUBLISHED[dataset] ?? []) lines.push(`| ${name} | ${hr} | ${ndcg} | | | | | | | | |`);
    for (const model of models) {
      const full = get(model, 'loo-full');
      const s99 = get(model, 'loo-s99');
      const valid = get(model, 'loo-full', 'valid');
      lines.push(`| ${model.replace(/:catalog=[^:]+/, '')} | ${f(full?.metrics['HR@10'])} | ${f(full?.metrics['NDCG@10'])} | ${f(full?.metrics['HR@20'])} | ${f(full?.metrics['NDCG@20'])} | ${f(valid?.metrics['HR@10'])} | ${f(valid?.metrics['NDCG@10'])} | ${f(s99?.metrics['HR@10'])} | ${f(s99?.metrics['NDCG@10'])} | ${(full?.trainSeconds ?? 0).toFixed(1)} | ${full?.modelBytes ?? ''} |`);
    }
    const ours = rows.find((r) => r.model.startsWith('sasrec') && r.notes);
    if (ours) lines.push('', `Encoder: ${ours.notes}.`);
    lines.push('', 'Commands:', '', ...[...new Set(rows.filter((r) => r.split === 'test' && r.protocol === 'loo-full').map((r) => r.command))].map((c) => `    ${c}`), '');
  }
  lines.push(
    '## How the encoder is trained',
    '',
    '- SASRec (src/model/sasrec/forward.ts): pre-LayerNorm causal self-attention, 2 blocks, 1 head, d = 64, last 50 items, dropout 0.3; the item table is shared by input and output and becomes the catalog\'s embeddings, the output bias becomes the catalog\'s bias, so the worker\'s u·v + b is the trained score.',
    '- Loss: sampled softmax cross-entropy with 1,024 uniform negatives plus the batch\'s other targets, both with the logQ correction; Adam (lr 0.002, β₂ 0.98), 256 sequences (≤ 4,096 positions) per step, every position predicts the next item.',
    '- Why not the full softmax: measured on this machine (tfjs-wasm, one thread, shared cores), one step of 256 sequences × 8 positions took ≈3.8–4.3 s with the full softmax over 12,101 items against ≈0.35–0.65 s with 1,024 sampled negatives — about 6 minutes against under one minute per Beauty epoch.',
    '- Early stopping on validation NDCG@10 (item[-2], full ranking, a fixed sample of 5,000 users), patience 3; the epoch budget (`--encoder-epochs`) was set by the time available on this shared 2-core machine, so the encoder is probably under-trained.',
    '- tfjs-wasm speed traps found and avoided: matMul with a transpose flag is 5–20× slower than transpose + plain matMul (custom gradients do the latter); the default gradient of `logSumExp` goes through a broadcast `equal` costing ≈0.4 s per step; steps are capped at 4,096 positions (long sequences go in smaller batches) to bound memory.',
    '',
  );
  lines.push('EASE was not run: its closed form inverts a 12k × 12k Gram matrix (≈1.7·10¹² flops in plain JS Float64, tens of minutes on one of these shared cores, and tfjs has no matrix inverse); the anchors.md reference (EASE λ = 50: Beauty 0.0782 / 0.0445, Toys 0.0846 / 0.0502) is below transition-knn on both files.', '');
  return lines.join('\n');
}
