import { Presets, SingleBar } from 'cli-progress';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EncoderTrainResult } from '../../training/sasrec/train-encoder.js';
import type { CheckpointStore, SasrecTrainOptions } from '../../training/sasrec/train-options.js';

/** `vitrine train` options for the sequence encoder (all optional; see main.ts for defaults). */
export interface EncoderCliOptions {
  encoder?: 'none' | 'sasrec';
  encoderOut?: string;
  maxLen?: number;
  blocks?: number;
  heads?: number;
  encoderEpochs?: number;
  patience?: number;
  negatives?: number;
  batchSize?: number;
  dropout?: number;
  learningRate?: number;
  validationUsers?: number;
  checkpoint?: string;
  /** Train on every item, exactly encoderEpochs epochs, no validation (SasrecTrainOptions.fitAll). */
  encoderFitAll?: boolean;
  /** false (`--no-encoder-refit`): ship the validation run's weights, without the refit on every item. */
  encoderRefit?: boolean;
  /** A catalog trained with --encoder sasrec whose weights (and `<catalog>.encoder`) the encoder starts from. */
  encoderInit?: string;
  dim: number;
  seed: number;
  quiet?: boolean;
}

/** A checkpoint folder; files are written to a temporary name and renamed, so a kill never leaves half a file. */
export function fileCheckpoint(dir: string): CheckpointStore {
  mkdirSync(dir, { recursive: true });
  return {
    read: async (name) => (existsSync(join(dir, name)) ? new Uint8Array(readFileSync(join(dir, name))) : undefined),
    write: async (name, bytes) => {
      writeFileSync(join(dir, `${name}.tmp`), bytes);
      renameSync(join(dir, `${name}.tmp`), join(dir, name));
    },
  };
}

/** Trainer options from the CLI, with a progress bar (loss, ETA) per epoch and one line per validation. */
export function encoderOptions(o: EncoderCliOptions): Partial<SasrecTrainOptions> & { refit: boolean } {
  const bar = o.quiet
    ? undefined
    : new SingleBar({ format: 'sasrec {bar} epoch {epoch} batch {value}/{total} | loss {loss} | ETA {eta}s' }, Presets.shades_classic);
  let started = false;
  const defined = <T>(x: T | undefined): Partial<Record<string, T>> => (x === undefined ? {} : { v: x });
  const pick = (key: keyof SasrecTrainOptions, value: number | undefined): Partial<SasrecTrainOptions> =>
    defined(value).v === undefined ? {} : { [key]: value };
  return {
    dim: o.dim,
    seed: o.seed,
    ...pick('maxLen', o.maxLen),
    ...pick('blocks', o.blocks),
    ...pick('heads', o.heads),
    ...pick('epochs', o.encoderEpochs),
    ...pick('patience', o.patience),
    ...pick('negatives', o.negatives),
    ...pick('batchSize', o.batchSize),
    ...pick('dropout', o.dropout),
    ...pick('learningRate', o.learningRate),
    ...pick('validationUsers', o.validationUsers),
    ...(o.encoderFitAll ? { fitAll: true } : {}),
    refit: o.encoderRefit !== false,
    ...(o.checkpoint ? { checkpoint: fileCheckpoint(o.checkpoint) } : {}),
    onBatch: ({ epoch, batch, batches, loss }) => {
      if (!bar) return;
      if (!started || batch === 1) {
        if (started) bar.stop();
        bar.start(batches, 0, { epoch: epoch + 1, loss: '-' });
        started = true;
      }
      bar.update(batch, { epoch: epoch + 1, loss: loss.toFixed(4) });
    },
    onEpoch: (log) => {
      if (!o.quiet) {
        bar?.stop();
        started = false;
        const validation = Number.isNaN(log.validation['NDCG@10'])
          ? 'no validation (fit on every item)'
          : `validation HR@10 ${log.validation['HR@10'].toFixed(4)} NDCG@10 ${log.validation['NDCG@10'].toFixed(4)}`;
        console.error(`epoch ${log.epoch}: loss ${log.loss.toFixed(4)}, ${validation} (${log.seconds.toFixed(0)} s)`);
      }
    },
  };
}

/** Writes the encoder next to the catalog (`<out>.encoder` unless --encoder-out) and its training log; returns a summary. */
export function writeEncoderFile(options: EncoderCliOptions & { out: string }, encoded: EncoderTrainResult): string {
  const path = options.encoderOut ?? `${options.out}.encoder`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encoded.bytes);
  const log = {
    modelId: encoded.modelId,
    backend: encoded.backend,
    bestEpoch: encoded.bestEpoch,
    resumed: encoded.resumed,
    epochs: encoded.log,
    ...(encoded.refit ? { refit: encoded.refit } : {}),
  };
  writeFileSync(`${path}.log.json`, JSON.stringify(log, null, 2) + '\n');
  const seconds = (epochs: readonly { seconds: number }[]): string => epochs.reduce((s, e) => s + e.seconds, 0).toFixed(0);
  const chosen = encoded.log.some((e) => !Number.isNaN(e.validation['NDCG@10']))
    ? `best epoch ${encoded.bestEpoch} of ${encoded.log.length} on validation, ${seconds(encoded.log)} s`
    : `${encoded.log.length} epochs without validation, ${seconds(encoded.log)} s`;
  const refit = encoded.refit ? `; then refit on every item for ${encoded.refit.length} epochs, ${seconds(encoded.refit)} s: the refit ships` : '';
  return `Encoder: ${encoded.modelId} (${chosen}${refit}; tfjs-${encoded.backend}${encoded.resumed ? ', resumed from checkpoint' : ''}); wrote ${path} (${(encoded.bytes.length / 1024).toFixed(0)} KiB).`;
}
