import { encodeEncoder } from '../../model/sasrec/format.js';
import { SASREC_DEFAULTS, trainSasrec, type CheckpointStore, type EpochLog, type SasrecTrainOptions } from './train-sasrec.js';

export interface EncoderTrainResult {
  /** The shared item table [warm items × dim]: becomes the catalog's embeddings. */
  vectors: Float32Array;
  /** Per-item output bias: becomes the catalog's bias (score = u·v + b, as in the worker). */
  bias: Float32Array;
  /** The encoder file (docs/encoder-format.md), for a catalog of `catalogItems` rows. */
  bytes: Uint8Array;
  log: EpochLog[];
  bestEpoch: number;
  resumed: boolean;
  modelId: string;
  backend: string;
}

/**
 * Trains the SASRec encoder on the tfjs wasm backend and packages it for a catalog whose first
 * `sequences`-item rows are the trained items (cold-start rows may follow).
 */
export async function trainEncoder(
  sequences: number[][],
  itemCount: number,
  catalogItems: number,
  options: Partial<SasrecTrainOptions> & { checkpoint?: CheckpointStore },
): Promise<EncoderTrainResult> {
  // Loaded on demand: registering the wasm backend makes it tfjs's default, which then needs an
  // asynchronous start that synchronous callers (vitrine evaluate) cannot wait for.
  const { useTrainingBackend } = await import('./backend.js');
  const backend = await useTrainingBackend('wasm');
  const o = { ...SASREC_DEFAULTS, ...options };
  const trained = await trainSasrec(sequences, itemCount, o);
  const modelId = `sasrec-d${o.dim}-l${o.maxLen}-b${o.blocks}-h${o.heads}-n${o.negatives}-e${trained.bestEpoch}-s${o.seed}`;
  const bytes = encodeEncoder({ ...trained.config, itemCount: catalogItems }, trained.tensors, modelId);
  return {
    vectors: trained.tensors.get('items')!.data,
    bias: trained.tensors.get('bias')!.data,
    bytes,
    log: trained.log,
    bestEpoch: trained.bestEpoch,
    resumed: trained.resumed,
    modelId,
    backend,
  };
}
