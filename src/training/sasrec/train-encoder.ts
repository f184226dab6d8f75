import { encodeEncoder } from '../../model/sasrec/format.js';
import { trainSasrec } from './train-sasrec.js';
import { SASREC_DEFAULTS, type CheckpointStore, type EpochLog, type SasrecTrainOptions } from './train-options.js';

export interface EncoderTrainResult {
  /** The shared item table [warm items × dim]: becomes the catalog's embeddings. */
  vectors: Float32Array;
  /** Per-item output bias: becomes the catalog's bias (score = u·v + b, as in the worker). */
  bias: Float32Array;
  /** The encoder file (docs/encoder-format.md), for a catalog of `catalogItems` rows. */
  bytes: Uint8Array;
  /** The validation run's epochs (early stopping on the validation item). */
  log: EpochLog[];
  bestEpoch: number;
  /** The refit on every item for `bestEpoch` epochs that produced the shipped weights; absent without a refit. */
  refit?: EpochLog[];
  resumed: boolean;
  modelId: string;
  backend: string;
}

/**
 * Trains the SASRec encoder on the tfjs wasm backend and packages it for a catalog whose first
 * `sequences`-item rows are the trained items (cold-start rows may follow). One run ships the
 * best model: the epoch count is chosen on the validation item (early stopping), then, unless
 * `refit: false`, the encoder is trained again from scratch on every item for that many epochs
 * (the validation item is data too) and that refit is what ships.
 */
export async function trainEncoder(
  sequences: number[][],
  itemCount: number,
  catalogItems: number,
  options: Partial<SasrecTrainOptions> & { checkpoint?: CheckpointStore; refit?: boolean },
): Promise<EncoderTrainResult> {
  // Loaded on demand: registering the wasm backend makes it tfjs's default, which then needs an
  // asynchronous start that synchronous callers (vitrine evaluate) cannot wait for.
  const { useTrainingBackend } = await import('./backend.js');
  const backend = await useTrainingBackend('wasm');
  const { refit = true, ...rest } = options;
  const o = { ...SASREC_DEFAULTS, ...rest };
  const validated = await trainSasrec(sequences, itemCount, o);
  const refitted = refit && !o.fitAll ? await trainSasrec(sequences, itemCount, { ...o, fitAll: true, epochs: validated.bestEpoch }) : undefined;
  const trained = refitted ?? validated;
  const modelId = `sasrec-d${o.dim}-l${o.maxLen}-b${o.blocks}-h${o.heads}-n${o.negatives}-e${validated.bestEpoch}-s${o.seed}`;
  const bytes = encodeEncoder({ ...trained.config, itemCount: catalogItems }, trained.tensors, modelId);
  return {
    vectors: trained.tensors.get('items')!.data,
    bias: trained.tensors.get('bias')!.data,
    bytes,
    log: validated.log,
    bestEpoch: validated.bestEpoch,
    ...(refitted ? { refit: refitted.log } : {}),
    resumed: validated.resumed,
    modelId,
    backend,
  };
}
