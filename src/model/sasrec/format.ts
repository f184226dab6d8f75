import { VitrineError } from '../../shared/errors.js';
import { encoderTensorShapes, type SasrecConfig } from './forward.js';

/** "VTRNENC\0": the first 8 bytes of every encoder file. */
export const ENCODER_MAGIC = new Uint8Array([0x56, 0x54, 0x52, 0x4e, 0x45, 0x4e, 0x43, 0x00]);
export const ENCODER_FORMAT_VERSION = 1;

/** One named float32 tensor inside a tensor file. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The JSON header of an encoder file (docs/encoder-format.md). */
export interface EncoderHeader {
  formatVersion: number;
  architecture: 'sasrec';
  config: SasrecConfig;
  /** Recorded for humans and for matching the catalog it was trained with. */
  modelId?: string;
  /** Where the shared item table and item bias come from: always the catalog's vectors and bias. */
  itemTable: 'catalog';
  tensors: Array<{ name: string; shape: number[]; offset: number }>;
  [key: string]: unknown;
}

const invalid = (message: string, cause?: unknown): VitrineError =>
  new VitrineError('ENCODER_INVALID', `Invalid encoder file: ${message}.`, cause === undefined ? undefined : { cause });

/**
 * Packs float32 tensors behind a JSON header: magic (8 bytes), u32 LE header length, the UTF-8
 * JSON header padded with spaces to a multiple of 4, then each tensor's float32 LE data in
 * header order (offsets are in bytes from the start of the data block).
 */
export function packTensors(header: Record<string, unknown>, tensors: readonly NamedTensor[]): Uint8Array {
  let offset = 0;
  const entries = tensors.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new RangeError(`tensor ${t.name}: shape ${t.shape} does not match ${t.data.length} values`);
    const entry = { name: t.name, shape: t.shape, offset };
    offset += size * 4;
    return entry;
  });
  let json = new TextEncoder().encode(JSON.stringify({ ...header, tensors: entries }));
  const padded = Math.ceil(json.length / 4) * 4;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify({ ...header, tensors: entries }) + ' '.repeat(padded - json.length));
  const bytes = new Uint8Array(12 + padded + offset);
  bytes.set(ENCODER_MAGIC, 0);
  new DataView(bytes.buffer).setUint32(8, padded, true);
  bytes.set(json, 12);
  const data = new Float32Array(bytes.buffer, 12 + padded, offset / 4);
  let at = 0;
  for (const t of tensors) {
    data.set(t.data, at);
    at += t.data.length;
  }
  return bytes;
}

/** Reads a file written by `packTensors`; throws `ENCODER_INVALID` on anything malformed. */
export function unpackTensors(input: Uint8Array | ArrayBuffer): { header: Record<string, unknown>; tensors: Map<string, NamedTensor> } {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 12 || !ENCODER_MAGIC.every((b, i) => bytes[i] === b)) throw invalid('bad magic (not a Vitrine encoder file)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw invalid('the header runs past the end of the file');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Record<string, unknown>;
  } catch (error) {
    throw invalid('the header is not JSON', error);
  }
  if (!Array.isArray(header['tensors'])) throw invalid('the header lists no tensors');
  // Copy the data block: it may sit at an offset that is not a multiple of 4 in `input`. Call
  // Uint8Array's own slice: a Node Buffer's slice is a view on its (possibly shared) memory.
  const dataStart = 12 + headerLength;
  const block = new Float32Array(Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + Math.floor((bytes.length - dataStart) / 4) * 4).buffer);
  const tensors = new Map<string, NamedTensor>();
  for (const entry of header['tensors'] as Array<{ name?: unknown; shape?: unknown; offset?: unknown }>) {
    const { name, shape, offset } = entry;
    if (
      typeof name !== 'string' ||
      !Array.isArray(shape) ||
      !shape.every((n) => Number.isInteger(n) && n >= 0) ||
      !Number.isInteger(offset) ||
      (offset as number) % 4 !== 0
    ) {
      throw invalid(`tensor entry ${JSON.stringify(entry)} is malformed`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    const start = (offset as number) / 4;
    if (start + size > block.length) throw invalid(`tensor ${name} runs past the end of the file (truncated?)`);
    tensors.set(name, { name, shape: shape as number[], data: block.subarray(start, start + size) });
  }
  return { header, tensors };
}

/** Writes an encoder file: the config and every tensor `encoderTensorShapes(config)` names. */
export function encodeEncoder(config: SasrecConfig, tensors: ReadonlyMap<string, NamedTensor>, modelId?: string): Uint8Array {
  const list = encoderTensorShapes(config).map(({ name }) => {
    const t = tensors.get(name);
    if (!t) throw new RangeError(`missing encoder tensor ${name}`);
    return t;
  });
  const header: Omit<EncoderHeader, 'tensors'> = {
    formatVersion: ENCODER_FORMAT_VERSION,
    architecture: 'sasrec',
    config,
    itemTable: 'catalog',
    ...(modelId ? { modelId } : {}),
  };
  return packTensors(header, list);
}

/** Parses and validates an encoder file against the catalog it will run with. */
export function decodeEncoder(
  bytes: Uint8Array | ArrayBuffer,
  catalog?: { itemCount: number; dim: number },
): { header: EncoderHeader; tensors: Map<string, NamedTensor> } {
  const { header, tensors } = unpackTensors(bytes);
  if (header['formatVersion'] !== ENCODER_FORMAT_VERSION)
    throw invalid(`formatVersion ${String(header['formatVersion'])} is not supported; expected ${ENCODER_FORMAT_VERSION}`);
  if (header['architecture'] !== 'sasrec') throw invalid(`architecture ${String(header['architecture'])} is not supported; expected sasrec`);
  const config = header['config'] as SasrecConfig | undefined;
  const positive = (n: unknown): boolean => Number.isInteger(n) && (n as number) > 0;
  if (
    !config ||
    !positive(config.dim) ||
    !positive(config.maxLen) ||
    !positive(config.blocks) ||
    !positive(config.heads) ||
    !positive(config.itemCount) ||
    config.dim % config.heads !== 0
  ) {
    throw invalid('the config is missing or malformed');
  }
  for (const { name, shape } of encoderTensorShapes(config)) {
    const t = tensors.get(name);
    if (!t) throw invalid(`tensor ${name} is missing`);
    if (t.shape.join('x') !== shape.join('x')) throw invalid(`tensor ${name} has shape ${t.shape.join('x')}, expected ${shape.join('x')}`);
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i]!)) throw invalid(`tensor ${name} holds a non-finite value`);
  }
  if (catalog && (catalog.dim !== config.dim || catalog.itemCount !== config.itemCount)) {
    throw invalid(
      `it was trained for ${config.itemCount} items of dimension ${config.dim}, but the catalog has ${catalog.itemCount} items of dimension ${catalog.dim}`,
    );
  }
  return { header: header as EncoderHeader, tensors };
}
