import { SingleBar, Presets } from 'cli-progress';
import type { EmbeddingDtype } from '../../catalog/types.js';
import { trainItem2Vec } from '../../training/item2vec.js';
import { popularityBias } from '../../training/popularity-bias.js';
import { CliError } from '../cli-error.js';
import { readLog, type LogFormat } from '../read-log.js';
import { readMetadata } from '../read-metadata.js';
import { alignMetadata, parseWhere, writeCatalogFile } from './build-catalog.js';

export interface TrainOptions {
  log: string;
  format: LogFormat;
  metadata?: string;
  columns?: string;
  where?: string;
  dim: number;
  epochs: number;
  window: number;
  seed: number;
  dtype: EmbeddingDtype;
  minCount: number;
  out: string;
  quiet?: boolean;
}

/**
 * Learns item embeddings (item2vec) and a popularity bias from an anonymous interaction log
 * and writes a catalog. Items with fewer than `minCount` interactions are left out; when
 * metadata is given, only items it lists (after `--where`) are kept.
 */
export async function train(options: TrainOptions): Promise<string> {
  const started = Date.now();
  const metadata = options.metadata ? readMetadata(options.metadata, options.columns, parseWhere(options.where)) : undefined;
  const raw = readLog(options.log, options.format);
  const counts = new Map<string, number>();
  for (const seq of raw) for (const item of seq) if (!metadata || metadata.items.has(item)) counts.set(item, (counts.get(item) ?? 0) + 1);
  const ids = [...counts.keys()].filter((id) => counts.get(id)! >= options.minCount);
  if (ids.length === 0) throw new CliError(`${options.log}: no item has ${options.minCount} or more interactions`);
  const row = new Map(ids.map((id, i) => [id, i]));
  const sequences = raw.map((seq) => seq.flatMap((id) => (row.has(id) ? [row.get(id)!] : []))).filter((s) => s.length > 1);

  const bar = options.quiet ? undefined : new SingleBar({ format: 'item2vec {bar} epoch {value}/{total} | loss {loss} | ETA {eta}s' }, Presets.shades_classic);
  bar?.start(options.epochs, 0, { loss: '-' });
  const vectors = trainItem2Vec(sequences, ids.length, {
    dim: options.dim,
    epochs: options.epochs,
    window: options.window,
    seed: options.seed,
    onEpoch: (epoch, loss) => bar?.update(epoch + 1, { loss: loss.toFixed(4) }),
  });
  bar?.stop();

  const { items } = alignMetadata(ids, metadata);
  const size = await writeCatalogFile(options.out, {
    ids,
    vectors,
    dim: options.dim,
    bias: popularityBias(ids.map((id) => counts.get(id)!)),
    items,
    dtype: options.dtype,
    modelId: `item2vec-d${options.dim}-e${options.epochs}-w${options.window}-s${options.seed}`,
  });
  const interactions = sequences.reduce((s, q) => s + q.length, 0);
  return `Trained on ${sequences.length} shoppers, ${interactions} interactions, ${ids.length} items in ${((Date.now() - started) / 1000).toFixed(1)} s; wrote ${options.out} (${(size / 1024).toFixed(0)} KiB).`;
}
