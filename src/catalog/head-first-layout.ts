import { CatalogError } from '../shared/errors.js';

/**
 * A head-first file: a small complete catalog of the most popular items (the head), then the
 * full catalog, each an ordinary catalog file of any version and dtype with its own SHA-256.
 * A reader that streams the download serves the head as soon as it has landed and been verified.
 *
 * | offset | size | content |
 * |---|---|---|
 * | 0 | 8 | magic `"VTRNHEAD"` |
 * | 8 | 4 | container version, uint32 = 1 |
 * | 12 | 4 | head file length `L`, uint32 |
 * | 16 | L | the head: a complete catalog file |
 * | 16 + L | pad | zeros up to a multiple of 8 (the full file's typed arrays stay aligned) |
 * | align8(16 + L) | rest | the full catalog file (every item, the head's included) |
 */
export const HEAD_FIRST_MAGIC: Uint8Array = new Uint8Array([0x56, 0x54, 0x52, 0x4e, 0x48, 0x45, 0x41, 0x44]);
export const HEAD_FIRST_VERSION = 1;
/** Magic + version + head length. */
export const HEAD_FIRST_PREAMBLE = 16;

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Where the parts of a head-first file lie. */
export interface HeadFirstLayout {
  /** The head file: bytes [16, 16 + headLength). */
  headLength: number;
  /** Where the full file starts. */
  fullOffset: number;
}

/**
 * The layout once the first 16 bytes are in: undefined for an ordinary catalog file (or fewer
 * than 8 bytes), CATALOG_VERSION for another container version.
 */
export function headFirstLayout(bytes: Uint8Array): HeadFirstLayout | undefined {
  if (bytes.byteLength < HEAD_FIRST_MAGIC.length) return undefined;
  for (let i = 0; i < HEAD_FIRST_MAGIC.length; i++) if (bytes[i] !== HEAD_FIRST_MAGIC[i]) return undefined;
  if (bytes.byteLength < HEAD_FIRST_PREAMBLE) throw new CatalogError('CATALOG_TRUNCATED', `Catalog ends after ${bytes.byteLength} bytes, inside its preamble.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEAD_FIRST_PREAMBLE);
  const version = view.getUint32(8, true);
  if (version !== HEAD_FIRST_VERSION) throw new CatalogError('CATALOG_VERSION', `Head-first catalog version ${version} is not supported; expected 1.`);
  const headLength = view.getUint32(12, true);
  return { headLength, fullOffset: align8(HEAD_FIRST_PREAMBLE + headLength) };
}

/** The full catalog file inside a head-first file, or `bytes` themselves for an ordinary file. */
export function fullCatalogBytes(bytes: Uint8Array): Uint8Array {
  const layout = headFirstLayout(bytes);
  if (!layout) return bytes;
  if (bytes.byteLength < layout.fullOffset)
    throw new CatalogError('CATALOG_TRUNCATED', `Catalog ends after ${bytes.byteLength} bytes, before its full part at ${layout.fullOffset}.`);
  return bytes.subarray(layout.fullOffset);
}

/** The head file inside a head-first file, once `bytes` hold it; undefined before (or for an ordinary file). */
export function headCatalogBytes(bytes: Uint8Array): Uint8Array | undefined {
  const layout = headFirstLayout(bytes);
  if (!layout || bytes.byteLength < HEAD_FIRST_PREAMBLE + layout.headLength) return undefined;
  return bytes.subarray(HEAD_FIRST_PREAMBLE, HEAD_FIRST_PREAMBLE + layout.headLength);
}

/** Joins a head file and a full file into one head-first file. */
export function joinHeadFirst(head: Uint8Array, full: Uint8Array): Uint8Array {
  const fullOffset = align8(HEAD_FIRST_PREAMBLE + head.byteLength);
  const file = new Uint8Array(fullOffset + full.byteLength);
  file.set(HEAD_FIRST_MAGIC, 0);
  const view = new DataView(file.buffer);
  view.setUint32(8, HEAD_FIRST_VERSION, true);
  view.setUint32(12, head.byteLength, true);
  file.set(head, HEAD_FIRST_PREAMBLE);
  file.set(full, fullOffset);
  return file;
}
