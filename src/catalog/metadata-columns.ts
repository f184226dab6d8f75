import { CatalogError } from '../shared/errors.js';
import { IdIndex } from './id-index.js';
import { dictionaryOf, ItemTable, type Dictionary, type ItemColumns, type TextColumn } from './item-table.js';
import type { CatalogHeader, CatalogSection } from './types.js';
import type { CatalogItem, ItemField } from '../shared/api-types.js';

/**
 * Format v3 stores item metadata as binary columns, one body section each, so a browser reads
 * 100k items without parsing JSON or making 100k objects:
 *   meta.id                    UTF-8 ids joined by NUL (required)
 *   meta.title, meta.image     UTF-8 joined by NUL; an empty string means "none"
 *   meta.category.names/.codes dictionary: names joined by NUL, then uint32 per item (0 = none, k = names[k−1])
 *   meta.brand.names/.codes    the same
 *   meta.price, meta.stock     float64 per item, NaN = none
 */

const SEPARATOR = '\0';
const corrupt = (why: string): CatalogError => new CatalogError('CATALOG_CORRUPT', `Catalog metadata is invalid: ${why}.`);

/** The sections holding `field`, with the byte length each must have (undefined: any). */
export function metadataSectionsOf(field: 'id' | ItemField, n: number): Array<[string, number | undefined]> {
  switch (field) {
    case 'id':
    case 'title':
    case 'image':
      return [[`meta.${field}`, undefined]];
    case 'category':
    case 'brand':
      return [
        [`meta.${field}.names`, undefined],
        [`meta.${field}.codes`, n * 4],
      ];
    case 'price':
    case 'stock':
      return [[`meta.${field}`, n * 8]];
  }
}

/** NUL-joined UTF-8; refuses strings that hold NUL themselves (they would split in two). */
function joinText(values: readonly string[], what: string): Uint8Array {
  values.forEach((value, i) => {
    if (value.includes(SEPARATOR)) throw new CatalogError('CATALOG_CORRUPT', `${what} ${i} contains a NUL character.`);
  });
  return new TextEncoder().encode(values.join(SEPARATOR));
}

const bytesOf = (values: Float64Array | Uint32Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** The metadata sections of a v3 body, by section name, and the fields present. */
export function encodeMetadataColumns(
  ids: readonly string[],
  fields: readonly ItemField[],
  items: ReadonlyArray<Partial<CatalogItem> | undefined>,
): Array<[string, Uint8Array]> {
  const n = ids.length;
  const out: Array<[string, Uint8Array]> = [['meta.id', joinText(ids, 'Item id')]];
  for (const field of fields) {
    if (field === 'title' || field === 'image') {
      out.push([
        `meta.${field}`,
        joinText(
          ids.map((_, i) => items[i]?.[field] ?? ''),
          `The ${field} of item`,
        ),
      ]);
    } else if (field === 'category' || field === 'brand') {
      const { names, codes } = dictionaryOf(
        items.map((item) => item ?? {}),
        field,
        n,
      );
      out.push([`meta.${field}.names`, joinText(names, `A ${field} name of item`)], [`meta.${field}.codes`, bytesOf(codes)]);
    } else {
      out.push([`meta.${field}`, bytesOf(Float64Array.from(ids, (_, i) => items[i]?.[field] ?? Number.NaN))]);
    }
  }
  return out;
}

/** Reads and checks the metadata columns of a verified v3 body. Titles and images are decoded on first use. */
export function decodeMetadataColumns(body: Uint8Array, header: CatalogHeader): ItemTable {
  const n = header.itemCount;
  const sections = header.sections as Record<string, CatalogSection | undefined>;
  const bytes = (name: string): Uint8Array => {
    const { offset, length } = sections[name]!;
    return body.subarray(offset, offset + length);
  };
  const fields = header.fields.filter((f): f is ItemField => f !== 'id');
  let ids: IdIndex;
  try {
    const idBytes = bytes('meta.id');
    decodeText(idBytes, 'ids'); // valid UTF-8 (the index works on the bytes)
    ids = IdIndex.fromBytes(idBytes, n);
  } catch (cause) {
    if (cause instanceof CatalogError) throw cause;
    throw corrupt((cause as Error).message);
  }
  const columns: ItemColumns = { ids, fields };
  for (const field of fields) {
    if (field === 'title' || field === 'image') columns[field] = lazyText(bytes(`meta.${field}`), n, field);
    else if (field === 'category' || field === 'brand') columns[field] = dictionary(bytes(`meta.${field}.names`), bytes(`meta.${field}.codes`), field);
    else columns[field] = numbers(bytes(`meta.${field}`), field);
  }
  return new ItemTable(columns);
}

function decodeText(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw corrupt(`${what} are not valid UTF-8`);
  }
}

function splitText(bytes: Uint8Array, what: string): string[] {
  const text = decodeText(bytes, what);
  return text.length === 0 ? [] : text.split(SEPARATOR);
}

/** Checks the count now (a memchr per value), decodes the whole column the first time a row is read. */
function lazyText(bytes: Uint8Array, n: number, field: string): TextColumn {
  let separators = 0;
  for (let at = bytes.indexOf(0); at !== -1; at = bytes.indexOf(0, at + 1)) separators++;
  // n values have n − 1 separators; a single empty value is zero bytes.
  if (n > 0 ? separators !== n - 1 : bytes.byteLength !== 0) throw corrupt(`column ${field} does not hold ${n} values`);
  let values: string[] | undefined;
  return (row) => {
    // The body's checksum held, so the bytes are the writer's UTF-8; decode without the fatal check.
    values ??= n === 0 ? [] : new TextDecoder().decode(bytes).split(SEPARATOR);
    const value = values[row];
    return value === '' ? undefined : value;
  };
}

function dictionary(nameBytes: Uint8Array, codeBytes: Uint8Array, field: string): Dictionary {
  const names = splitText(nameBytes, `${field} names`);
  if (new Set(names).size !== names.length || names.includes('')) throw corrupt(`${field} names must be unique and non-empty`);
  const codes = new Uint32Array(codeBytes.buffer, codeBytes.byteOffset, codeBytes.byteLength / 4);
  for (let row = 0; row < codes.length; row++) if (codes[row]! > names.length) throw corrupt(`${field} code of row ${row} names no ${field}`);
  return { names, codes };
}

function numbers(bytes: Uint8Array, field: string): Float64Array {
  const values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  // NaN marks "none"; an infinity is damage.
  for (let row = 0; row < values.length; row++) if (values[row] === Infinity || values[row] === -Infinity) throw corrupt(`${field} of row ${row} is infinite`);
  return values;
}
