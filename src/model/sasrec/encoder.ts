import * as tf from '@tensorflow/tfjs';
import { decodeEncoder, type EncoderHeader } from './format.js';
import { encodeHistories, encodeHistoriesSync, type SasrecConfig, type SasrecTensors } from './forward.js';

/** A loaded SASRec encoder bound to a catalog's item table. */
export interface SasrecEncoder {
  readonly config: SasrecConfig;
  readonly header: EncoderHeader;
  /** The shopper vector u for a history of catalog rows, oldest first; score(i) = u·vᵢ + bᵢ. */
  encode(rows: readonly number[]): Promise<Float32Array>;
  /** Shopper vectors for many histories at once, [histories.length × dim]. */
  encodeMany(histories: readonly (readonly number[])[]): Promise<Float32Array>;
  /** `encodeMany` read back synchronously: Node's cpu/wasm backends only (the offline evaluator), not GPU backends. */
  encodeManySync(histories: readonly (readonly number[])[]): Float32Array;
  dispose(): void;
}

/**
 * Builds an encoder from an encoder file and the catalog's item vectors (float32, itemCount ×
 * dim): the item table is shared between the encoder's input and the catalog's scoring.
 * Throws `VitrineError('ENCODER_INVALID')` when the file is malformed or made for another catalog.
 *
 * @example
 * const encoder = createSasrecEncoder(bytes, catalog.vectors, catalog.header);
 * const u = await encoder.encode([17, 4, 230]);
 */
export function createSasrecEncoder(bytes: Uint8Array | ArrayBuffer, itemVectors: Float32Array, catalog: { itemCount: number; dim: number }): SasrecEncoder {
  const { header, tensors } = decodeEncoder(bytes, catalog);
  const config = header.config;
  const weights = {} as Record<string, tf.Tensor>;
  for (const [name, t] of tensors) weights[name] = tf.tensor(t.data, t.shape, 'float32');
  weights['items'] = tf.tensor2d(itemVectors.subarray(0, config.itemCount * config.dim), [config.itemCount, config.dim]);
  const w = weights as SasrecTensors;
  let disposed = false;
  return {
    config,
    header,
    async encode(rows) {
      return encodeHistories(w, config, [rows]);
    },
    async encodeMany(histories) {
      return encodeHistories(w, config, histories);
    },
    encodeManySync(histories) {
      return encodeHistoriesSync(w, config, histories);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      Object.values(weights).forEach((t) => t.dispose());
    },
  };
}

/** Event types that say "the shopper engaged with this item"; the encoder reads them in order. */
export const ENCODER_EVENT_TYPES: ReadonlySet<string> = new Set(['view', 'click', 'add_to_cart', 'favourite', 'purchase']);

/**
 * The encoder's input: item rows of engagement events in time order, an immediate repeat of the
 * same item collapsed (a reload is not a new step), the newest `maxLen` kept.
 */
export function historyRows(
  events: ReadonlyArray<{ type: string; itemId?: string; ts: number; seq: number }>,
  rowOf: (itemId: string) => number | undefined,
  maxLen: number,
): number[] {
  const rows: number[] = [];
  const ordered = events.filter((e) => e.itemId !== undefined && ENCODER_EVENT_TYPES.has(e.type)).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  for (const e of ordered) {
    const row = rowOf(e.itemId!);
    if (row === undefined || rows[rows.length - 1] === row) continue;
    rows.push(row);
  }
  return rows.slice(-maxLen);
}
