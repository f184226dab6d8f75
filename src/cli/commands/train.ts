import { readFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { decodeCatalog } from '../../catalog/codec.js';
import { decodeEncoder, type NamedTensor } from '../../model/sasrec/format.js';
import type { EmbeddingDtype } from '../../catalog/types.js';
import type { CatalogItem } from '../../shared/api-types.js';
import { coldStartVectors } from '../../training/cold-start.js';
import { cooccurrenceGraph } from '../../training/cooccurrence.js';
import { COOCCURRENCE_NEIGHBOURS, COOCCURRENCE_SHRINKAGE, copurchaseGraph, transitionGraph, windowBaskets } from '../../training/item-graphs.js';
import { item2vecEpochs, trainItem2Vec } from '../../training/item2vec.js';
import { trainEncoder, type EncoderTrainResult } from '../../training/sasrec/train-encoder.js';
import { encoderOptions, writeEncoderFile, type EncoderCliOptions } from './train-encoder-options.js';
import { popularityBias } from '../../training/popularity-bias.js';
import { trendingScores } from '../../training/trending.js';
import { CliError } from '../cli-error.js';
import { readInteractionLog, type InteractionLog, type LogFormat } from '../read-log.js';
import { MIN_EVALUATION_LENGTH } from '../../training/split.js';
import { readMetadata } from '../read-metadata.js';
import { alignMetadata, parseWhere, writeCatalogFile } from './build-catalog.js';

export interface TrainOptions extends EncoderCliOptions {
  log: string;
  format: LogFormat;
  metadata?: string;
  columns?: string;
  where?: string;
  dim: number;
  /** item2vec passes; default item2vecEpochs(interactions in the log). */
  epochs?: number;
  window: number;
  seed: number;
  dtype: EmbeddingDtype;
  minCount: number;
  /** Keep metadata items with too few interactions, with embeddings from their metadata. Default true. */
  coldStart?: boolean;
  out: string;
  /** Items in the head of a head-first file (0: an ordinary file); see FileLayoutOptions. */
  headItems?: number;
  /** Metadata fields left out of the file. */
  omit?: string;
  /** `ivf`: clustered rows for similar() (FileLayoutOptions). */
  index?: 'none' | 'ivf';
  quiet?: boolean;
  /** Leave out what `vitrine evaluate --split <holdout>` scores: the last item (test) or last two (valid). */
  holdout?: 'valid' | 'test';
}

/**
 * Learns item embeddings (item2vec), a popularity prior and the item-to-item statistics of
 * format v2 (bought together, bought next, trending, repeat purchases) from an anonymous
 * interaction log, and writes a catalog. Items with fewer than `minCount` interactions learn
 * no embedding; when metadata lists them they are kept as cold-start items.
 */
export async function train(options: TrainOptions): Promise<string> {
  const started = Date.now();
  const metadata = options.metadata ? readMetadata(options.metadata, options.columns, parseWhere(options.where)) : undefined;
  const log = withHoldout(readInteractionLog(options.log, options.format), options.holdout);
  const counts = new Map<string, number>();
  for (const seq of log.sequences) for (const item of seq) if (!metadata || metadata.items.has(item)) counts.set(item, (counts.get(item) ?? 0) + 1);
  const warmIds = [...counts.keys()].filter((id) => counts.get(id)! >= options.minCount);
  if (warmIds.length === 0) throw new CliError(`${options.log}: no item has ${options.minCount} or more interactions`);
  const coldIds = metadata && options.coldStart !== false ? [...metadata.items.keys()].filter((id) => (counts.get(id) ?? 0) < options.minCount) : [];
  const ids = [...warmIds, ...coldIds];
  const row = new Map(ids.map((id, i) => [id, i]));
  const toRows = (items: string[]): number[] => items.flatMap((id) => (row.get(id)! < warmIds.length ? [row.get(id)!] : []));
  const sequences = log.sequences.map(toRows);
  const trainable = sequences.filter((s) => s.length > 1);
  const epochs = options.epochs ?? item2vecEpochs(trainable.reduce((n, s) => n + s.length, 0));

  // With --encoder sasrec the catalog's embeddings and bias are the encoder's shared item table
  // and output bias, so the worker's u·v + b scores exactly what the encoder was trained for.
  let encoded: EncoderTrainResult | undefined;
  if (options.encoder === 'sasrec') {
    const initial = options.encoderInit ? await initialEncoderWeights(options.encoderInit, warmIds) : undefined;
    encoded = await trainEncoder(sequences, warmIds.length, ids.length, { ...encoderOptions(options), ...(initial ? { initial } : {}) });
  }
  const bar =
    options.quiet || encoded ? undefined : new SingleBar({ format: 'item2vec {bar} epoch {value}/{total} | loss {loss} | ETA {eta}s' }, Presets.shades_classic);
  bar?.start(epochs, 0, { loss: '-' });
  const warmVectors =
    encoded?.vectors ??
    trainItem2Vec(trainable, warmIds.length, {
      dim: options.dim,
      epochs,
      window: options.window,
      seed: options.seed,
      onEpoch: (epoch, loss) => bar?.update(epoch + 1, { loss: loss.toFixed(4) }),
    });
  bar?.stop();

  const { items } = alignMetadata(ids, metadata);
  const vectors = new Float32Array(ids.length * options.dim);
  vectors.set(warmVectors);
  vectors.set(
    coldStartVectors(
      warmIds.map((_, r) => ({ row: r, item: items[r] as Partial<CatalogItem> })),
      coldIds.map((_, i) => items[warmIds.length + i]!),
      warmVectors,
      options.dim,
    ),
    warmIds.length * options.dim,
  );
  const warmBias = encoded?.bias ?? popularityBias(warmIds.map((id) => counts.get(id)!));
  const bias = new Float32Array(ids.length).fill(Math.min(...warmBias));
  bias.set(warmBias);

  const itemCount = ids.length;
  const baskets = log.baskets.length > 0 ? log.baskets.map(toRows) : windowBaskets(sequences);
  const repeatRate = Float32Array.from(ids, (id) => {
    const r = log.repeats.get(id);
    return r && r.buyers > 0 ? r.repeaters / r.buyers : 0;
  });
  const { size, note: indexNote } = await writeCatalogFile(
    options.out,
    {
      ids,
      vectors,
      dim: options.dim,
      bias,
      items,
      dtype: options.dtype,
      modelId: encoded?.modelId ?? `item2vec-d${options.dim}-e${epochs}-w${options.window}-s${options.seed}`,
      extras: {
        trending: trendingScores(
          sequences,
          log.timestamps?.map((times, u) => times.filter((_, i) => row.get(log.sequences[u]![i]!)! < warmIds.length)),
          itemCount,
        ),
        // Interactions the embedding was learnt from: 0 marks a cold-start item (metadata only).
        interactions: Uint32Array.from(ids, (id, r) => (r < warmIds.length ? counts.get(id)! : 0)),
        ...(log.repeats.size > 0 ? { repeatRate } : {}),
        graphs: {
          copurchase: copurchaseGraph(baskets, itemCount),
          transition: transitionGraph(sequences, itemCount),
          cooccurrence: cooccurrenceGraph(sequences, itemCount, { neighbours: COOCCURRENCE_NEIGHBOURS, shrinkage: COOCCURRENCE_SHRINKAGE }),
        },
      },
    },
    options,
  );
  const interactions = trainable.reduce((s, q) => s + q.length, 0);
  const encoderNote = encoded ? ' ' + writeEncoderFile(options, encoded) : '';
  return `Trained on ${trainable.length} shoppers, ${interactions} interactions, ${warmIds.length} items (+${coldIds.length} cold-start from metadata) in ${((Date.now() - started) / 1000).toFixed(1)} s; wrote ${options.out} (${(size / 1024).toFixed(0)} KiB).${indexNote}${encoderNote}`;
}

/**
 * The weights of a trained encoder catalog (`<catalog>` + `<catalog>.encoder`) as the starting
 * point for items `ids`: the item table and bias rows are matched by item id.
 */
async function initialEncoderWeights(catalogPath: string, ids: readonly string[]): Promise<NamedTensor[]> {
  let bytes: Uint8Array;
  let encoderBytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(catalogPath));
    encoderBytes = new Uint8Array(readFileSync(`${catalogPath}.encoder`));
  } catch (error) {
    throw new CliError(`--encoder-init: cannot read ${catalogPath} and ${catalogPath}.encoder (${(error as Error).message})`);
  }
  const catalog = await decodeCatalog(bytes);
  if (catalog.header.dtype !== 'float32') throw new CliError(`--encoder-init needs a float32 catalog, not ${catalog.header.dtype}`);
  const { tensors } = decodeEncoder(encoderBytes, { itemCount: catalog.header.itemCount, dim: catalog.header.dim });
  const dim = catalog.header.dim;
  const rowOf = new Map(catalog.items.map((item, r) => [item.id, r]));
  const items = new Float32Array(ids.length * dim);
  const bias = new Float32Array(ids.length);
  ids.forEach((id, i) => {
    const r = rowOf.get(id);
    if (r === undefined) throw new CliError(`--encoder-init: ${catalogPath} has no item "${id}"`);
    items.set(catalog.vectors.subarray(r * dim, (r + 1) * dim), i * dim);
    bias[i] = catalog.bias[r]!;
  });
  return [{ name: 'items', shape: [ids.length, dim], data: items }, { name: 'bias', shape: [ids.length], data: bias }, ...tensors.values()];
}

/**
 * The log without the items `vitrine evaluate` will ask about, cut as its leave-one-out split
 * cuts (users shorter than MIN_EVALUATION_LENGTH are never scored and keep everything). Basket
 * logs keep their baskets: hold out on sequence logs.
 */
function withHoldout(log: InteractionLog, holdout: 'valid' | 'test' | undefined): InteractionLog {
  if (!holdout) return log;
  const drop = holdout === 'test' ? 1 : 2;
  const cut = <T>(xs: T[]): T[] => (xs.length >= MIN_EVALUATION_LENGTH ? xs.slice(0, xs.length - drop) : xs);
  return { ...log, sequences: log.sequences.map(cut), ...(log.timestamps ? { timestamps: log.timestamps.map(cut) } : {}) };
}
