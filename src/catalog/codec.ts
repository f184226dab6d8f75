import { CatalogError } from '../shared/errors.js';
import { decodeExtras, extraSections, isKnownExtraSection } from './extras.js';
import { type Catalog, type CatalogExtras, type CatalogHeader, type CatalogSection, type EmbeddingDtype, type QuantisedRows } from './types.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import { defineLazyVectors } from './embedding-rows.js';
import { defaultSubspaces, encodePq4, expandPq4, PQ_CENTROIDS, pqCodeBytes } from './pq.js';
import { fullCatalogBytes } from './head-first-layout.js';
import { ItemTable } from './item-table.js';
import { decodeMetadataColumns, encodeMetadataColumns, metadataSectionsOf } from './metadata-columns.js';
import { sha256Hex } from './sha256.js';
import { type CatalogItem, ITEM_FIELDS, type ItemField } from '../shared/api-types.js';

/** "VTRNCAT" + NUL: the first 8 bytes of every catalog file. */
export const CATALOG_MAGIC: Uint8Array = new Uint8Array([0x56, 0x54, 0x52, 0x4e, 0x43, 0x41, 0x54, 0x00]);
/** The version this library writes. */
export const CATALOG_FORMAT_VERSION = 3;
/** Versions this library reads: v1 (no statistics) and v2 (JSON metadata) files keep working. */
export const READABLE_VERSIONS: readonly number[] = [1, 2, 3];
/** Magic (8) + format version (u32) + header length (u32). */
export const PREAMBLE_BYTES = 16;
const ALIGN = 8;
const BYTES_PER_ELEMENT: Record<Exclude<EmbeddingDtype, 'pq4'>, number> = { float32: 4, float16: 2, int8: 1 };
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
  /** `pq4`: sub-spaces (a divisor of `dim`); default `dim / 2` (2 dimensions each), `dim` when odd. */
  pqSubspaces?: number;
  /** `pq4`: seed of the k-means that learns the codebooks (default 42). */
  pqSeed?: number;
  modelId?: string;
  createdAt?: string;
  /** Training statistics (format v2): trending, interaction counts, neighbour graphs. */
  extras?: CatalogExtras;
  /**
   * 3 (the default) stores metadata as binary columns; 2 as JSON, for readers older than
   * format v3 (and the tests that prove v2 files still load).
   */
  formatVersion?: 2 | 3;
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Writes a catalog file (format v3 unless asked for v2). Used by the CLI in Node; pure, realm-neutral code. */
export async function encodeCatalog(input: CatalogInput): Promise<Uint8Array> {
  const { ids, vectors, dim } = input;
  const n = ids.length;
  const dtype = input.dtype ?? 'float32';
  if (!Number.isInteger(dim) || dim <= 0) throw new CatalogError('CATALOG_CORRUPT', `dim must be a positive integer, got ${dim}.`);
  if (vectors.length !== n * dim) {
    throw new CatalogError('CATALOG_CORRUPT', `Expected ${n} × ${dim} = ${n * dim} embedding values, got ${vectors.length}.`);
  }
  if (!ids.every((id) => typeof id === 'string' && id.length > 0)) throw new CatalogError('CATALOG_CORRUPT', 'Item ids must be non-empty strings.');
  if (new Set(ids).size !== n) throw new CatalogError('CATALOG_CORRUPT', 'Item ids must be unique.');
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) {
      throw new CatalogError('CATALOG_CORRUPT', `Embedding of item ${ids[Math.floor(i / dim)]} is not finite.`);
    }
  }
  const bias = input.bias ?? new Float32Array(n);
  if (bias.length !== n) throw new CatalogError('CATALOG_CORRUPT', `Expected ${n} bias values, got ${bias.length}.`);

  const formatVersion = input.formatVersion ?? CATALOG_FORMAT_VERSION;
  if (dtype === 'pq4' && formatVersion !== 3) throw new CatalogError('CATALOG_CORRUPT', 'dtype pq4 needs format version 3.');
  const metadataFields = ITEM_FIELDS.filter((field) => input.items?.some((item) => item?.[field] !== undefined));
  const fields: Array<'id' | ItemField> = ['id', ...metadataFields];
  const metadataSections: Array<[string, Uint8Array]> =
    formatVersion === 3
      ? encodeMetadataColumns(ids, metadataFields, input.items ?? [])
      : [['metadata', encodeJsonMetadata(ids, metadataFields, input.items ?? [])]];

  const pqSubspaces = dtype === 'pq4' ? (input.pqSubspaces ?? defaultSubspaces(dim)) : undefined;
  if (pqSubspaces !== undefined && (!Number.isInteger(pqSubspaces) || pqSubspaces <= 0 || dim % pqSubspaces !== 0)) {
    throw new CatalogError('CATALOG_CORRUPT', `pqSubspaces must divide dim ${dim}, got ${pqSubspaces}.`);
  }
  const embeddingBytes = encodeEmbeddings(vectors, n, dim, dtype, pqSubspaces, input.pqSeed);
  const sections = { embeddings: { offset: 0, length: embeddingBytes.values.byteLength } } as CatalogHeader['sections'];
  const parts: Array<[string, Uint8Array]> = [['embeddings', embeddingBytes.values]];
  if (embeddingBytes.scales) parts.push(['scales', new Uint8Array(embeddingBytes.scales.buffer)]);
  if (embeddingBytes.codebooks) parts.push(['pq.codebooks', new Uint8Array(embeddingBytes.codebooks.buffer)]);
  parts.push(['bias', new Uint8Array(Float32Array.from(bias).buffer)], ...metadataSections, ...extraSections(input.extras ?? {}, n, dim));
  let cursor = 0;
  for (const [name, bytes] of parts) {
    cursor = alignUp(cursor);
    (sections as Record<string, CatalogSection>)[name] = { offset: cursor, length: bytes.byteLength };
    cursor += bytes.byteLength;
  }
  const bodyLength = cursor;

  const body = new Uint8Array(bodyLength);
  for (const [name, bytes] of parts) body.set(bytes, (sections as Record<string, CatalogSection>)[name]!.offset);

  const header: CatalogHeader = {
    formatVersion,
    itemCount: n,
    dim,
    dtype,
    ...(pqSubspaces !== undefined ? { pqSubspaces } : {}),
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
  view.setUint32(8, formatVersion, true);
  view.setUint32(12, headerBytes.byteLength, true);
  file.set(headerBytes, PREAMBLE_BYTES);
  file.set(body, PREAMBLE_BYTES + headerBytes.byteLength);
  return file;
}

/** Formats v1/v2: one JSON object of columns, `null` where an item lacks a value. */
function encodeJsonMetadata(ids: readonly string[], fields: readonly ItemField[], items: ReadonlyArray<Partial<CatalogItem> | undefined>): Uint8Array {
  const columns: Record<string, unknown[]> = { id: [...ids] };
  for (const field of fields) columns[field] = ids.map((_, i) => items[i]?.[field] ?? null);
  return new TextEncoder().encode(JSON.stringify(columns));
}

function encodeEmbeddings(
  vectors: Float32Array,
  n: number,
  dim: number,
  dtype: EmbeddingDtype,
  pqSubspaces?: number,
  pqSeed?: number,
): { values: Uint8Array; scales?: Float32Array; codebooks?: Float32Array } {
  if (dtype === 'float32') return { values: new Uint8Array(Float32Array.from(vectors).buffer) };
  if (dtype === 'pq4') {
    const pq = encodePq4(vectors, n, dim, pqSubspaces, pqSeed);
    return { values: pq.codes, scales: pq.scales, codebooks: pq.codebooks };
  }
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
    throw new CatalogError(
      'CATALOG_VERSION',
      `Catalog format version ${version} is not supported; this library reads versions ${READABLE_VERSIONS.join(' and ')}.`,
    );
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
  if (validated.formatVersion !== version)
    throw new CatalogError('CATALOG_CORRUPT', `Catalog preamble says version ${version}, header says ${validated.formatVersion}.`);
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
  if (h.formatVersion !== 1 && h.formatVersion !== 2 && h.formatVersion !== 3)
    throw new CatalogError('CATALOG_VERSION', `Catalog header says format version ${String(h.formatVersion)}.`);
  if (!isCount(h.itemCount)) throw corrupt('itemCount');
  if (!isCount(h.dim) || h.dim === 0 || h.dim > MAX_DIM) throw corrupt('dim');
  if (h.dtype !== 'float32' && h.dtype !== 'float16' && h.dtype !== 'int8' && h.dtype !== 'pq4') throw corrupt(`unknown dtype ${String(h.dtype)}`);
  const pq = h.dtype === 'pq4';
  if (pq && h.formatVersion !== 3) throw corrupt('dtype pq4 in a format older than 3');
  if (pq ? !isCount(h.pqSubspaces) || h.pqSubspaces === 0 || h.dim % h.pqSubspaces !== 0 : h.pqSubspaces !== undefined) throw corrupt('pqSubspaces');
  if (!Array.isArray(h.fields) || h.fields[0] !== 'id' || !h.fields.every((f) => f === 'id' || (ITEM_FIELDS as readonly string[]).includes(f))) {
    throw corrupt('fields');
  }
  if (typeof h.modelId !== 'string' || typeof h.createdAt !== 'string') throw corrupt('modelId/createdAt');
  if (!isCount(h.bodyLength)) throw corrupt('bodyLength');
  if (typeof h.bodySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(h.bodySha256)) throw corrupt('bodySha256');
  const s = h.sections;
  if (typeof s !== 'object' || s === null) throw corrupt('sections');
  const v3 = h.formatVersion === 3;
  // [name, exact byte length or undefined for any, whether it must be there]
  const expected: Array<[string, number | undefined, boolean]> = [
    ['embeddings', pq ? h.itemCount * pqCodeBytes(h.pqSubspaces!) : h.itemCount * h.dim * BYTES_PER_ELEMENT[h.dtype as Exclude<EmbeddingDtype, 'pq4'>], true],
    ['scales', h.itemCount * 4, h.dtype === 'int8' || pq],
    ['pq.codebooks', PQ_CENTROIDS * h.dim * 4, pq],
    ['bias', h.itemCount * 4, true],
  ];
  if (v3) for (const field of h.fields) for (const [name, length] of metadataSectionsOf(field, h.itemCount)) expected.push([name, length, true]);
  else expected.push(['metadata', undefined, true]);
  const sections = s as Record<string, unknown>;
  for (const [name, length, required] of expected) {
    // JSON may hold null or a primitive where a section belongs: check the shape before reading it.
    const raw = sections[name];
    if (raw === undefined && !required) continue;
    const section = typeof raw === 'object' && raw !== null ? (raw as CatalogSection) : undefined;
    if (!required) throw corrupt(`${name} section in a ${h.dtype} catalog`);
    if (!section || !isCount(section.offset) || !isCount(section.length)) throw corrupt(`section ${name}`);
    if (length !== undefined && section.length !== length) throw corrupt(`section ${name} has ${section.length} bytes, expected ${length}`);
    // float64 columns need 8-byte alignment, every other section 4.
    if (section.offset % (name === 'meta.price' || name === 'meta.stock' ? 8 : 4) !== 0) throw corrupt(`section ${name} is not aligned`);
    if (section.offset + section.length > h.bodyLength) throw corrupt(`section ${name} runs past the body`);
  }
  const known = new Set(expected.filter(([, , required]) => required).map(([name]) => name));
  for (const [name, section] of Object.entries(sections as Record<string, CatalogSection>)) {
    if (known.has(name)) continue;
    if (h.formatVersion === 1 || !isKnownExtraSection(name)) throw corrupt(`unknown section ${name}`);
    if (!isCount(section?.offset) || !isCount(section.length) || section.offset % 4 !== 0 || section.offset + section.length > h.bodyLength) {
      throw corrupt(`section ${name}`);
    }
  }
  return h as CatalogHeader;
}

export interface DecodeOptions {
  /**
   * The caller hands `bytes` over and never changes them: the catalog's arrays are then views of
   * them where alignment allows, instead of views of a copy (a 10 MB copy costs ~10 ms of a
   * browser's warm start).
   */
  owned?: boolean;
}

/**
 * Decodes and verifies a whole catalog file: header, SHA-256 of the body, sections, metadata.
 * Every failure is a CatalogError; nothing is returned half-read.
 */
export async function decodeCatalog(bytes: Uint8Array, options: DecodeOptions = {}): Promise<Catalog> {
  const { header, body } = splitFile(bytes, options);
  // WebCrypto hashes off this thread: decode meanwhile, and trust nothing until it agrees.
  const checksum = checkBody(body, header);
  let catalog: Catalog;
  try {
    catalog = decodeBody(body, header);
  } catch (error) {
    // A damaged body fails as a checksum mismatch whatever part of it the decoder tripped on.
    throw (await checksum) ?? error;
  }
  const failure = await checksum;
  if (failure) throw failure;
  return catalog;
}

/**
 * Decodes a file that was verified before (a cached copy, checksummed when it was stored):
 * every structural check runs now, the SHA-256 only when `verify()` is called — WebCrypto
 * copies the whole body on the calling thread first (~16 ms for 10 MB in a browser here), so a
 * warm start defers it past the first recommendation. `verify()` rejects with CATALOG_CORRUPT
 * on a mismatch.
 */
export function decodeVerifiedBefore(bytes: Uint8Array, options: DecodeOptions = {}): { catalog: Catalog; verify: () => Promise<void> } {
  const { header, body } = splitFile(bytes, options);
  const catalog = decodeBody(body, header);
  const verify = async (): Promise<void> => {
    const failure = await checkBody(body, header);
    if (failure) throw failure;
  };
  return { catalog, verify };
}

/** The header and the body (a view or a copy), after the length checks. */
function splitFile(file: Uint8Array, options: DecodeOptions): { header: CatalogHeader; body: Uint8Array } {
  // A head-first file (head-first-layout.ts) decodes as its full part: the head is for streaming.
  const bytes = fullCatalogBytes(file);
  const { header, bodyOffset } = readCatalogHeader(bytes);
  const available = bytes.byteLength - bodyOffset;
  if (available < header.bodyLength) {
    throw new CatalogError('CATALOG_TRUNCATED', `Catalog body has ${available} of ${header.bodyLength} bytes.`);
  }
  if (available > header.bodyLength) {
    throw new CatalogError('CATALOG_CORRUPT', `Catalog has ${available - header.bodyLength} unexpected trailing bytes.`);
  }
  // Else our own copy: typed-array views are aligned whatever the caller's buffer offset, and the
  // embedding rows stay views into it (one copy of the block, not two). (Not `bytes.slice`: on
  // a Node Buffer that is a view into a shared pool, not a copy.)
  const view = bytes.subarray(bodyOffset, bodyOffset + header.bodyLength);
  return { header, body: options.owned && view.byteOffset % 8 === 0 ? view : new Uint8Array(view) };
}

/** The checksum mismatch, if the body does not hash to the header's SHA-256. */
async function checkBody(body: Uint8Array, header: CatalogHeader): Promise<CatalogError | undefined> {
  const actual = await sha256Hex(body);
  return actual === header.bodySha256
    ? undefined
    : new CatalogError('CATALOG_CORRUPT', `Catalog checksum mismatch: body hashes to ${actual}, header says ${header.bodySha256}.`);
}

function decodeBody(body: Uint8Array, header: CatalogHeader): Catalog {
  const { itemCount: n, sections } = header;
  const embeddings = decodeEmbeddings(body, header);
  const bias = new Float32Array(body.buffer, body.byteOffset + sections.bias.offset, n).slice();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(bias[i])) throw new CatalogError('CATALOG_CORRUPT', `Bias of row ${i} is not finite.`);
  }
  const extras = decodeExtras(body, header);
  let catalog: Omit<Catalog, 'vectors' | 'items'> & { items?: CatalogItem[] };
  if (header.formatVersion === 3) {
    catalog = { header, bias, extras, table: decodeMetadataColumns(body, header) };
    defineLazyItems(catalog);
  } else {
    const metadata = sections.metadata!;
    const items = decodeJsonMetadata(body.subarray(metadata.offset, metadata.offset + metadata.length), header);
    catalog = { header, bias, extras, items, table: tableOf(items) };
  }
  if ('vectors' in embeddings) return Object.assign(catalog, { vectors: embeddings.vectors }) as Catalog;
  const quantised = embeddings.quantised;
  return defineLazyVectors(Object.assign(catalog as Omit<Catalog, 'vectors'>, { quantised }), () => expand(quantised, header.dim));
}

/** `catalog.items` of a v3 file: every object is made (from the table) only if something reads the array. */
function defineLazyItems(catalog: object): void {
  Object.defineProperty(catalog, 'items', {
    configurable: true,
    enumerable: true,
    get(this: Catalog): CatalogItem[] {
      const items = this.table!.items();
      Object.defineProperty(this, 'items', { value: items, writable: true, enumerable: true, configurable: true });
      return items;
    },
  });
}

function tableOf(items: CatalogItem[]): ItemTable {
  try {
    return ItemTable.fromItems(items);
  } catch (cause) {
    throw new CatalogError('CATALOG_CORRUPT', `Catalog metadata is invalid: ${(cause as Error).message}.`, { cause });
  }
}

const nonFinite = (row: number): CatalogError => new CatalogError('CATALOG_CORRUPT', `Embedding row ${row} holds a non-finite value.`);

/**
 * float32 files: their rows. Quantised files: their own rows, checked finite (every value of an
 * int8 row is finite when its scale is; a half is not when its exponent bits are all ones); the
 * float32 block is built only if something asks for it (defineLazyVectors).
 */
function decodeEmbeddings(body: Uint8Array, header: CatalogHeader): { vectors: Float32Array } | { quantised: QuantisedRows } {
  const { itemCount: n, dim, dtype, sections } = header;
  const offset = body.byteOffset + sections.embeddings.offset;
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
  const scales = new Float32Array(body.buffer, body.byteOffset + sections.scales!.offset, n);
  for (let row = 0; row < n; row++) if (!Number.isFinite(scales[row])) throw nonFinite(row);
  if (dtype === 'pq4') {
    const subspaces = header.pqSubspaces!;
    const codes = new Uint8Array(body.buffer, offset, n * pqCodeBytes(subspaces));
    const codebooks = new Float32Array(body.buffer, body.byteOffset + sections['pq.codebooks']!.offset, PQ_CENTROIDS * dim);
    let largest = 0;
    for (let i = 0; i < codebooks.length; i++) {
      if (!Number.isFinite(codebooks[i])) throw new CatalogError('CATALOG_CORRUPT', 'A pq4 centroid is not finite.');
      largest = Math.max(largest, Math.abs(codebooks[i]!));
    }
    // scale × centroid must stay finite in float32 too, as every decoded value is.
    for (let row = 0; row < n; row++) if (!Number.isFinite(Math.fround(scales[row]! * largest))) throw nonFinite(row);
    return { quantised: { dtype: 'pq4', subspaces, codes, scales, codebooks } };
  }
  return { quantised: { dtype: 'int8', values: new Int8Array(body.buffer, offset, n * dim), scales } };
}

/** The float32 block of a quantised file's rows. */
function expand(own: QuantisedRows, dim: number): Float32Array {
  if (own.dtype === 'pq4') return expandPq4(own, own.scales.length, dim);
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

/** Formats v1/v2. Unique ids are checked by the table made from the items. */
function decodeJsonMetadata(bytes: Uint8Array, header: CatalogHeader): CatalogItem[] {
  const corrupt = (why: string, cause?: unknown): CatalogError => new CatalogError('CATALOG_CORRUPT', `Catalog metadata is invalid: ${why}.`, { cause });
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
  const items: CatalogItem[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (typeof id !== 'string' || id.length === 0) throw corrupt(`id of row ${i} is not a non-empty string`);
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
  return items;
}
