import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { decodeCatalog } from '../../catalog/codec.js';
import { createCatalogModel, createModel } from '../../evaluation/model-specs.js';
import { CatalogModel } from '../../evaluation/catalog-model.js';
import { evaluateModel, type EvaluationResult, type EvaluationSplit, type FitSet } from '../../evaluation/evaluate.js';
import { CUTOFFS, TIE_POLICY } from '../../evaluation/metrics.js';
import { evaluationSvg } from '../../evaluation/plot.js';
import { PROTOCOL_DESCRIPTIONS, PROTOCOLS, type ProtocolName } from '../../evaluation/protocols.js';
import { leaveOneOut } from '../../training/split.js';
import { useTrainingBackend } from '../../training/sasrec/backend.js';
import { CliError } from '../cli-error.js';
import { readLog, type LogFormat } from '../read-log.js';

export interface EvaluateOptions {
  log: string;
  format: LogFormat;
  /** Comma-separated model specs, e.g. `popularity,item-knn-recency:decay=0.6`. */
  models: string;
  protocol: ProtocolName | 'both';
  split: EvaluationSplit;
  seed: number;
  /** Default: train for valid, train+validation for test. */
  fitOn?: FitSet;
  /** Name recorded with the results; default: the log's folder name. */
  dataset?: string;
  json?: string;
  markdown?: string;
  /** An SVG bar chart of HR@10 and NDCG@10 per model. */
  plot?: string;
  /** A catalog file for the `catalog[:…]` models (the shipped on-device scorer; `catalog:encoder=FILE` adds the shop's SASRec encoder). */
  catalog?: string;
}

/** One line of the JSON results: enough to compare runs and to rerun this one. */
export interface EvaluationRecord {
  dataset: string;
  protocol: ProtocolName;
  model: string;
  split: EvaluationSplit;
  fitOn: FitSet;
  users: number;
  items: number;
  ties: typeof TIE_POLICY;
  metrics: Record<string, number>;
  trainSeconds: number;
  evaluateSeconds: number;
  command: string;
}

/**
 * Offline leave-one-out evaluation of baseline recommenders on an interaction log. Returns a
 * Markdown report; optionally writes JSON records and the same Markdown to files.
 */
export async function evaluate(options: EvaluateOptions): Promise<string> {
  const protocols: readonly ProtocolName[] = options.protocol === 'both' ? PROTOCOLS : [options.protocol];
  if (!protocols.every((p) => (PROTOCOLS as readonly string[]).includes(p)))
    throw new CliError(`unknown protocol "${options.protocol}"; choose loo-full, loo-s99 or both`);
  const specs = options.models
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0) throw new CliError('--models lists no model');
  const isCatalogSpec = (spec: string): boolean => spec.split(':')[0] === 'catalog';
  if (specs.some(isCatalogSpec) && !options.catalog) throw new CliError('the catalog models need --catalog <file> (trained with vitrine train --holdout)');
  const baselines = new Map(specs.filter((s) => !isCatalogSpec(s)).map((s) => [s, createModel(s)])); // fail on a typo before reading the log
  if (options.split === 'valid' && options.fitOn === 'train+validation')
    throw new CliError('--split valid must be fitted on train only: train+validation holds the validation targets');

  const { sequences, itemCount, ids } = toRows(readLog(options.log, options.format));
  const data = leaveOneOut(sequences);
  if (data.test.length === 0) throw new CliError(`${options.log}: no user has 3 or more items, nothing to evaluate`);
  const dataset = options.dataset ?? basename(dirname(resolve(options.log)));

  let catalogRowOf: Int32Array | undefined;
  const catalog = options.catalog ? await decodeCatalog(new Uint8Array(readFileSync(options.catalog))) : undefined;
  if (catalog) {
    const rowOfId = new Map(catalog.items.map((item, r) => [item.id, r]));
    catalogRowOf = Int32Array.from(ids, (id) => rowOfId.get(id) ?? -1);
  }
  // The encoder runs on tfjs-wasm, as `vitrine train` does (≈10× the cpu backend here).
  if (specs.some((s) => isCatalogSpec(s) && s.split(':').some((p) => p.startsWith('encoder=')))) await useTrainingBackend('wasm');
  const readFile = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
  const models = specs.map((spec) =>
    isCatalogSpec(spec) ? createCatalogModel(spec, catalog!, catalogRowOf!, `catalog(${basename(options.catalog!)})`, readFile) : baselines.get(spec)!,
  );
  const records: EvaluationRecord[] = [];
  for (const model of models) {
    // Encoder models encode every history of the split in batches first.
    if (model instanceof CatalogModel) model.prepare((options.split === 'valid' ? data.validation : data.test).map((c) => c.history));
    for (const result of evaluateModel(model, data, itemCount, { protocols, split: options.split, seed: options.seed, fitOn: options.fitOn })) {
      const { protocol, model: name, split, fitOn, users, metrics, trainSeconds, evaluateSeconds } = result;
      records.push({
        dataset,
        protocol,
        model: name,
        split,
        fitOn,
        users,
        items: itemCount,
        ties: TIE_POLICY,
        metrics,
        trainSeconds,
        evaluateSeconds,
        command: commandLine(options, result),
      });
    }
  }
  const report = markdownReport(records, dataset, options.split);
  if (options.json) write(options.json, JSON.stringify(records, null, 2) + '\n');
  if (options.markdown) write(options.markdown, report);
  if (options.plot) write(options.plot, evaluationSvg(records, `${dataset}: ${options.split} split, ${TIE_POLICY}`));
  return report;
}

/** Item ids → dense rows in order of first appearance. */
function toRows(sequences: string[][]): { sequences: number[][]; itemCount: number; ids: string[] } {
  const row = new Map<string, number>();
  const rows = sequences.map((items) =>
    items.map((id) => {
      let r = row.get(id);
      if (r === undefined) row.set(id, (r = row.size));
      return r;
    }),
  );
  return { sequences: rows, itemCount: row.size, ids: [...row.keys()] };
}

/** The command that reproduces one record. */
function commandLine(options: EvaluateOptions, result: EvaluationResult): string {
  const defaultFit = result.split === 'valid' ? 'train' : 'train+validation';
  return [
    `vitrine evaluate --log ${options.log} --format ${options.format} --models ${result.model.replace(/^catalog\([^)]*\)/, 'catalog')} --protocol ${result.protocol}`,
    ...(result.model.startsWith('catalog(') ? [`--catalog ${options.catalog}`] : []),
    `--split ${result.split} --seed ${options.seed}`,
    ...(result.fitOn === defaultFit ? [] : [`--fit-on ${result.fitOn}`]),
  ].join(' ');
}

const METRIC_COLUMNS = [...CUTOFFS.map((k) => `HR@${k}`), ...CUTOFFS.map((k) => `NDCG@${k}`), 'MRR', 'Coverage@10', 'Novelty@10'];

function markdownReport(records: EvaluationRecord[], dataset: string, split: EvaluationSplit): string {
  const first = records[0]!;
  const lines = [
    `## ${dataset}: ${split === 'test' ? 'test (last item)' : 'validation (second-to-last item)'}`,
    '',
    `${first.users} users, ${first.items} items; models fitted on ${first.fitOn === 'train' ? 'items[:-2]' : 'items[:-1]'} of every user; ${TIE_POLICY}.`,
    ...[...new Set(records.map((r) => r.protocol))].map((p) => `- ${p}: ${PROTOCOL_DESCRIPTIONS[p]}`),
    '',
    `| protocol | model | ${METRIC_COLUMNS.join(' | ')} | fit s | eval s |`,
    `|---|---|${METRIC_COLUMNS.map(() => '---:').join('|')}|---:|---:|`,
    ...records.map(
      (r) =>
        `| ${r.protocol} | ${r.model} | ${METRIC_COLUMNS.map((m) => (r.metrics[m] ?? NaN).toFixed(4)).join(' | ')} | ${r.trainSeconds.toFixed(1)} | ${r.evaluateSeconds.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
