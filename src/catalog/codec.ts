import { CatalogError } from '../shared/errors.js';
import { CORE_SECTIONS, decodeExtras, extraSections, isKnownExtraSection, type CatalogExtras } from './extras.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import { defineLazyVectors } from './embedding-rows.js';
import { sha256Hex } from './sha256.js';
import {
  ITEM_FIELDS,
  type Catalog,
  type CatalogHeader,
  type CatalogItem,
  type CatalogSection,
  type EmbeddingDtype,
  type ItemField,
  type QuantisedRows,
} from './types.js';

/** "VTRNCAT" + NUL: the first 8 bytes of every catalog file. */
export const CATALOG_MAGIC: Uint8Array = new Uint8Array([0x56, 0x54, 0x52, 0x4e, 0x43, 0x41, 0x54, 0x00]);
/** The version this library writes. */
export const CATALOG_FORMAT_VERSION = 2;
/** Versions this library reads: v1 files (no item-to-item statistics) keep working. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
/** Magic (8) + format version (u32) + header length (u32). */
export const PREAMBLE_BYTES = 16;
const ALIGN = 8;
const BYTES_PER_ELEMENT: Record<EmbeddingDtype, number> = { float32: 4, float16: 2, int8: 1 };
/** Far above any real embedding; an empty catalog's dim is otherwise unbounded by the file size. */
export const MAX_DIM = 65_536;

export interface CatalogInput {
  ids: string[];
  /** Row-major `ids.length × dim` float32 embeddings. */
  vectors: Float32Array;
  dim: number;
  /** Per-item bias (popularity prior); zeros when absent. */
  bias?: Float32Array;
  /** Metadata per item, aligned with `ids`; `id` inside is ignored. */
  items?: Array<Partial<CatalogItem>>;
  dtype?: EmbeddingDtype;
  modelId?: string;
  createdAt?: string;
  /** Training statistics (format v2): trending, interaction counts, neighbour graphs. */
  extras?: CatalogExtras;
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Writes a catalog file (format v1). Used by the CLI in Node; pure, realm-neutral code. */
export async function encodeCatalog(input: CatalogInput): Promise<Uint8Array> {
  const { ids, vectors, dim } = input;
  const n = ids.length;
  const dtype = input.dtype ?? 'float32';
  if (!Number.isInteger(dim) || dim <= 0) throw new CatalogError('CATALOG_CORRUPT', `dim must be a positive integer, got ${dim}.`);
  if (vectors.length !== n * dim) {
    throw new CatalogError('CATALOG_CORRUPT', `Expected ${n} × ${dim} = ${n * dim} embedding values, got ${vectors.length}.`);
  }
  if (new Set(ids).size !== n) throw new CatalogError('CATALOG_CORRUPT', 'Item ids must be unique.');
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) {
      throw new CatalogError('CATALOG_CORRUPT', `Embedding of item ${ids[Math.floor(i / dim)]} is not finite.`);
    }
  }
  const bias = input.bias ?? new Float32Array(n);
  if (bias.length !== n) throw new CatalogError('CATALOG_CORRUPT', `Expected ${n} bias values, got ${bias.length}.`);

  const fields: Array<'id' | ItemField> = ['id'];
  const columns: Record<string, unknown[]> = { id: ids };
  for (const field of ITEM_FIELDS) {
    if (input.items?.some((item) => item?.[field] !== undefined)) {
      fields.push(field);
      columns[field] = ids.map((_, i) => input.items?.[i]?.[field] ?? null);
    }
  }
  const metadata = new TextEncoder().encode(JSON.stringify(columns));

  const embeddingBytes = encodeEmbeddings(vectors, n, dim, dtype);
  const sections: CatalogHeader['sections'] = {
    embeddings: { offset: 0, length: embeddingBytes.values.byteLength },
    bias: { offset: 0, length: n * 4 },
    metadata: { offset: 0, length: metadata.byteLength },
  };
  let cursor = alignUp(embeddingBytes.values.byteLength);
  if (embeddingBytes.scales) {
    sections.scales = { offset: cursor, length: n * 4 };
    cursor = alignUp(cursor + n * 4);
  }
  sections.bias.offset = cursor;
  cursor = alignUp(cursor + n * 4);
  sections.metadata.offset = cursor;
  cursor += metadata.byteLength;
  const extras = extraSections(input.extras ?? {}, n);
  for (const [name, bytes] of extras) {
    cursor = alignUp(cursor);
    (sections as Record<string, CatalogSection>)[name] = { offset: cursor, length: bytes.byteLength };
    cursor += bytes.byteLength;
  }
  const bodyLength = cursor;

  const body = new Uint8Array(bodyLength);
  body.set(embeddingBytes.values, 0);
  if (embeddingBytes.scales && sections.scales) body.set(new Uint8Array(embeddingBytes.scales.buffer), sections.scales.offset);
  body.set(new Uint8Array(Float32Array.from(bias).buffer), sections.bias.offset);
  body.set(metadata, sections.metadata.offset);
  for (const [name, bytes] of extras) body.set(bytes, (sections as Record<string, CatalogSection>)[name]!.offset);

  const header: CatalogHeader = {
    formatVersion: CATALOG_FORMAT_VERSION,
    itemCount: n,
    dim,
    dtype,
    fields,
    modelId: input.modelId ?? 'unknown',
    createdAt: input.createdAt ?? new Date().toISOString(),
    bodyLength,
    bodySha256: await sha256Hex(body),
    sections,
  };
  let headerJson = JSON.stringify(header);
  // Pad the header with spaces so the body starts 8-byte aligned (typed-array views need it).
  const rawLength = new TextEncoder().encode(headerJson).byteLength;
  headerJson += ' '.repeat(alignUp(PREAMBLE_BYTES + rawLength) - PREAMBLE_BYTES - rawLength);
  const headerBytes = new TextEncoder().encode(headerJson);

  const file = new Uint8Array(PREAMBLE_BYTES + headerBytes.byteLength + bodyLength);
  file.set(CATALOG_MAGIC, 0);
  const view = new DataView(file.buffer);
  view.setUint32(8, CATALOG_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.byteLength, true);
  file.set(headerBytes, PREAMBLE_BYTES);
  file.set(body, PREAMBLE_BYTES + headerBytes.byteLength);
  return file;
}

function encodeEmbeddings(
  vectors: Float32Array,
  n: number,
  dim: number,
  dtype: EmbeddingDtype,
): { values: Uint8Array; scales?: Float32Array } {
  if (dtype === 'float32') return { values: new Uint8Array(Float32Array.from(vectors).buffer) };
  if (dtype === 'float16') {
    const halves = new Uint16Array(vectors.length);
    for (let i = 0; i < vectors.length; i++) halves[i] = float32ToFloat16(vectors[i]!);
    return { values: new Uint8Array(halves.buffer) };
  }
  // int8 with a symmetric per-row scale: v ≈ q · scale.
  const quantised = new Int8Array(vectors.length);
  const scales = new Float32Array(n);
  for (let row = 0; row < n; row++) {
    let max = 0;
    for (let j = 0; j < dim; j++) max = Math.max(max, Math.abs(vectors[row * dim + j]!));
    const scale = max > 0 ? max / 127 : 1;
    scales[row] = scale;
    for (let j = 0; j < dim; j++) quantised[row * dim + j] = Math.round(vectors[row * dim + j]! / scale);
  }
  return { values: new Uint8Array(quantised.buffer), scales };
}

/**
 * Reads and validates the preamble and JSON header. Throws CATALOG_CORRUPT for a wrong magic
 * or malformed header, CATALOG_VERSION for another format version, CATALOG_TRUNCATED when the
 * bytes end before the header does.
 */
export function readCatalogHeader(bytes: Uint8Array): { header: CatalogHeader; bodyOffset: number } {
  if (bytes.byteLength < PREAMBLE_BYTES) {
    if (!startsWithMagic(bytes, bytes.byteLength)) throw new CatalogError('CATALOG_CORRUPT', 'Not a Vitrine catalog (bad magic bytes).');
    throw new CatalogError('CATALOG_TRUNCATED', `Catalog ends after ${bytes.byteLength} bytes, inside its preamble.`);
  }
  if (!startsWithMagic(bytes, CATALOG_MAGIC.length)) throw new CatalogError('CATALOG_CORRUPT', 'Not a Vitrine catalog (bad magic bytes).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) {
    throw new CatalogError('CATALOG_VERSION', `Catalog format version ${version} is not supported; this library reads versions ${READABLE_VERSIONS.join(' and ')}.`);
  }
  const headerLength = view.getUint32(12, true);
  const bodyOffset = PREAMBLE_BYTES + headerLength;
  if (bytes.byteLength < bodyOffset) {
    throw new CatalogError('CATALOG_TRUNCATED', `Catalog ends after ${bytes.byteLength} bytes, inside its ${headerLength}-byte header.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, bodyOffset)));
  } catch (cause) {
    throw new CatalogError('CATALOG_CORRUPT', 'Catalog header is not valid UTF-8 JSON.', { cause });
  }
  const validated = validateHeader(header);
  if (validated.formatVersion !== version) throw new CatalogError('CATALOG_CORRUPT', `Catalog preamble says version ${version}, header says ${validated.formatVersion}.`);
  return { header: validated, bodyOffset };
}

function startsWithMagic(bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < Math.min(length, CATALOG_MAGIC.length); i++) if (bytes[i] !== CATALOG_MAGIC[i]) return false;
  return true;
}

function validateHeader(value: unknown): CatalogHeader {
  const corrupt = (why: string): CatalogError => new CatalogError('CATALOG_CORRUPT', `Catalog header is invalid: ${why}.`);
  if (typeof value !== 'object' || value === null) throw corrupt('not an object');
  const h = value as Partial<CatalogHeader>;
  const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (h.formatVersion !== 1 && h.formatVersion !== 2) throw new CatalogError('CATALOG_VERSION', `Catalog header says format version ${String(h.formatVersion)}.`);
  if (!isCount(h.itemCount)) throw corrupt('itemCount');
  if (!isCount(h.dim) || h.dim === 0 || h.dim > MAX_DIM) throw corrupt('dim');
  if (h.dtype !== 'float32' && h.dtype !== 'float16' && h.dtype !== 'int8') throw corrupt(`unknown dtype ${String(h.dtype)}`);
  if (!Array.isArray(h.fields) || h.fields[0] !== 'id' || !h.fields.every((f) => f === 'id' || (ITEM_FIELDS as readonly string[]).includes(f))) {
    throw corrupt('fields');
  }
  if (typeof h.modelId !== 'string' || typeof h.createdAt !== 'string') throw corrupt('modelId/createdAt');
  if (!isCount(h.bodyLength)) throw corrupt('bodyLength');
  if (typeof h.bodySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(h.bodySha256)) throw corrupt('bodySha256');
  const s = h.sections;
  if (typeof s !== 'object' || s === null) throw corrupt('sections');
  const expected: Array<[keyof CatalogHeader['sections'], number | undefined]> = [
    ['embeddings', h.itemCount * h.dim * BYTES_PER_ELEMENT[h.dtype]],
    ['scales', h.dtype === 'int8' ? h.itemCount * 4 : undefined],
    ['bias', h.itemCount * 4],
    ['metadata', undefined],
  ];
  for (const [name, length] of expected) {
    // JSON may hold null or a primitive where a section belongs: check the shape before reading it.
    const raw: unknown = s[name];
    const section = typeof raw === 'object' && raw !== null ? (raw as CatalogSection) : raw === undefined ? undefined : null;
    if (name === 'scales' && length === undefined) {
      if (section !== undefined) throw corrupt('scales section without int8 dtype');
      continue;
    }
    if (!section || !isCount(section.offset) || !isCount(section.length)) throw corrupt(`section ${name}`);
    if (length !== undefined && section.length !== length) throw corrupt(`section ${name} has ${section.length} bytes, expected ${length}`);
    if (section.offset % 4 !== 0) throw corrupt(`section ${name} is not aligned`);
    if (section.offset + section.length > h.bodyLength) throw corrupt(`section ${name} runs past the body`);
  }
  for (const [name, section] of Object.entries(s as Record<string, CatalogSection>)) {
    if (CORE_SECTIONS.includes(name)) continue;
    if (h.formatVersion === 1 || !isKnownExtraSection(name)) throw corrupt(`unknown section ${name}`);
    if (!isCount(section?.offset) || !isCount(section.length) || section.offset % 4 !== 0 || section.offset + section.length > h.bodyLength) {
      throw corrupt(`section ${name}`);
    }
  }
  return h as CatalogHeader;
}

/**
 * Decodes and verifies a whole catalog file: header, SHA-256 of the body, sections, metadata.
 * Every failure is a CatalogError; nothing is returned half-read.
 */
export async function decodeCatalog(bytes: Uint8Array): Promise<Catalog> {
  const { header, bodyOffset } = readCatalogHeader(bytes);
  const available = bytes.byteLength - bodyOffset;
  if (available < header.bodyLength) {
    throw new CatalogError('CATALOG_TRUNCATED', `Catalog body has ${available} of ${header.bodyLength} bytes.`);
  }
  if (available > header.bodyLength) {
    throw new CatalogError('CATALOG_CORRUPT', `Catalog has ${available - header.bodyLength} unexpected trailing bytes.`);
  }
  // Our own copy: typed-array views are aligned whatever the caller's buffer offset, and the
  // embedding rows stay views into it (one copy of the block, not two). (Not `bytes.slice`: on
  // a Node Buffer that is a view into a shared pool, not a copy.)
  const body = new Uint8Array(bytes.subarray(bodyOffset, bodyOffset + header.bodyLength));
  // WebCrypto hashes off this thread: decode meanwhile, and trust nothing until it agrees.
  const digest = sha256Hex(body);
  const mismatch = async (): Promise<CatalogError | undefined> => {
    const actual = await digest;
    return actual === header.bodySha256 ? undefined : new CatalogError('CATALOG_CORRUPT', `Catalog checksum mismatch: body hashes to ${actual}, header says ${header.bodySha256}.`);
  };
  let catalog: Catalog;
  try {
    catalog = decodeBody(body, header);
  } catch (error) {
    // A damaged body fails as a checksum mismatch whatever part of it the decoder tripped on.
    throw (await mismatch()) ?? error;
  }
  const failure = await mismatch();
  if (failure) throw failure;
  return catalog;
}

function decodeBody(body: Uint8Array, header: CatalogHeader): Catalog {
  const { itemCount: n, sections } = header;
  const embeddings = decodeEmbeddings(body, header);
  const bias = new Float32Array(body.buffer, sections.bias.offset, n).slice();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(bias[i])) throw new CatalogError('CATALOG_CORRUPT', `Bias of row ${i} is not finite.`);
  }
  const { items, rowById } = decodeMetadata(body.subarray(sections.metadata.offset, sections.metadata.offset + sections.metadata.length), header);
  const rest = { header, bias, items, extras: decodeExtras(body, header), rowById };
  if ('vectors' in embeddings) return { ...rest, vectors: embeddings.vectors };
  const quantised = embeddings.quantised;
  return defineLazyVectors({ ...rest, quantised }, () => expand(quantised, header.dim));
}

const nonFinite = (row: number): CatalogError => new CatalogError('CATALOG_CORRUPT', `Embedding row ${row} holds a non-finite value.`);

/**
 * float32 files: their rows. Quantised files: their own rows, checked finite (every value of an
 * int8 row is finite when its scale is; a half is not when its exponent bits are all ones); the
 * float32 block is built only if something asks for it (defineLazyVectors).
 */
function decodeEmbeddings(body: Uint8Array, header: CatalogHeader): { vectors: Float32Array } | { quantised: QuantisedRows } {
  const { itemCount: n, dim, dtype, sections } = header;
  const { offset } = sections.embeddings;
  if (dtype === 'float32') {
    const vectors = new Float32Array(body.buffer, offset, n * dim);
    for (let i = 0; i < vectors.length; i++) if (!Number.isFinite(vectors[i])) throw nonFinite(Math.floor(i / dim));
    return { vectors };
  }
  if (dtype === 'float16') {
    const halves = new Uint16Array(body.buffer, offset, n * dim);
    for (let i = 0; i < halves.length; i++) if ((halves[i]! & 0x7c00) === 0x7c00) throw nonFinite(Math.floor(i / dim));
    return { quantised: { dtype: 'float16', values: halves } };
  }
  const values = new Int8Array(body.buffer, offset, n * dim);
  const scales = new Float32Array(body.buffer, sections.scales!.offset, n);
  for (let row = 0; row < n; row++) if (!Number.isFinite(scales[row])) throw nonFinite(row);
  return { quantised: { dtype: 'int8', values, scales } };
}

/** The float32 block of a quantised file's rows. */
function expand(own: QuantisedRows, dim: number): Float32Array {
  const out = new Float32Array(own.values.length);
  if (own.dtype === 'float16') {
    for (let i = 0; i < out.length; i++) out[i] = float16ToFloat32(own.values[i]!);
    return out;
  }
  const { values, scales } = own;
  for (let row = 0, i = 0; i < out.length; row++) {
    const scale = scales[row]!;
    for (const end = i + dim; i < end; i++) out[i] = values[i]! * scale;
  }
  return out;
}

function decodeMetadata(bytes: Uint8Array, header: CatalogHeader): { items: CatalogItem[]; rowById: Map<string, number> } {
  const corrupt = (why: string, cause?: unknown): CatalogError =>
    new CatalogError('CATALOG_CORRUPT', `Catalog metadata is invalid: ${why}.`, { cause });
  let columns: Record<string, unknown>;
  try {
    columns = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
  } catch (cause) {
    throw corrupt('not valid UTF-8 JSON', cause);
  }
  if (typeof columns !== 'object' || columns === null) throw corrupt('not an object');
  const n = header.itemCount;
  for (const field of header.fields) {
    const column = columns[field];
    if (!Array.isArray(column) || column.length !== n) throw corrupt(`column ${field} must have ${n} entries`);
  }
  const ids = columns.id as unknown[];
  const rowById = new Map<string, number>();
  const items: CatalogItem[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (typeof id !== 'string' || id.length === 0) throw corrupt(`id of row ${i} is not a non-empty string`);
    if (rowById.has(id)) throw corrupt(`duplicate id ${id}`);
    rowById.set(id, i);
    items[i] = { id };
  }
  // Column by column: one field's checks in a tight loop (this is on the start-up path); every
  // item still gains its fields in the header's order.
  for (const field of header.fields) {
    if (field === 'id') continue;
    const column = columns[field] as unknown[];
    const numeric = field === 'price' || field === 'stock';
    for (let i = 0; i < n; i++) {
      const value = column[i];
      if (value === null || value === undefined) continue;
      if (numeric ? typeof value !== 'number' || !Number.isFinite(value) : typeof value !== 'string') {
        throw corrupt(`${field} of item ${items[i]!.id} has the wrong type`);
      }
      (items[i] as unknown as Record<string, unknown>)[field] = value;
    }
  }
  return { items, rowById };
}
