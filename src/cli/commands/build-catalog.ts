import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeCatalog } from '../../catalog/codec.js';
import { encodeHeadFirstCatalog } from '../../catalog/head-first.js';
import { withIvfIndex } from '../../catalog/ivf-build.js';
import type { EmbeddingDtype } from '../../catalog/types.js';
import type { CatalogItem } from '../../shared/api-types.js';
import { popularityBias } from '../../training/popularity-bias.js';
import { readEmbeddings } from '../read-embeddings.js';
import { readMetadata, type ItemMetadata } from '../read-metadata.js';
import { CliError } from '../cli-error.js';

export interface BuildCatalogOptions {
  embeddings: string;
  /** Item ids in row order, for `.npy` embeddings. */
  ids?: string;
  metadata?: string;
  columns?: string;
  where?: string;
  dtype: EmbeddingDtype;
  modelId?: string;
  out: string;
  /** Items in the head of a head-first file (0: an ordinary file). */
  headItems?: number;
  /** Metadata fields left out of the file (the shop's page has them already). */
  omit?: string;
  index?: 'none' | 'ivf';
}

/** How the file is laid out, for `vitrine train` and `build-catalog` alike. */
export interface FileLayoutOptions {
  headItems?: number;
  omit?: string;
  /** `ivf`: rows stored cluster by cluster with the index similar() probes (catalog/ivf-build.ts). */
  index?: 'none' | 'ivf';
}

const OMITTABLE = ['title', 'price', 'category', 'brand', 'stock', 'image'] as const;

/** `--omit title,image`: the fields to leave out; `id` cannot be. */
export function parseOmit(spec: string | undefined): Set<string> {
  const fields = new Set(
    (spec ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f.length > 0),
  );
  for (const field of fields)
    if (!(OMITTABLE as readonly string[]).includes(field)) throw new CliError(`--omit takes fields from ${OMITTABLE.join(', ')}; got "${field}"`);
  return fields;
}

/** `--where is_product=1`: keep metadata rows whose column equals the value. */
export function parseWhere(spec: string | undefined): ((row: Record<string, string>) => boolean) | undefined {
  if (!spec) return undefined;
  const [column, value] = spec.split('=');
  return (row) => row[column!] === value;
}

/** Writes the file; returns its size and, for `--index ivf`, a line on what the index keeps. */
export async function writeCatalogFile(
  out: string,
  input: Parameters<typeof encodeCatalog>[0],
  layout: FileLayoutOptions = {},
): Promise<{ size: number; note: string }> {
  const omit = parseOmit(layout.omit);
  const items = omit.size === 0 ? input.items : input.items?.map((item) => Object.fromEntries(Object.entries(item).filter(([field]) => !omit.has(field))));
  let full: Parameters<typeof encodeCatalog>[0] = { ...input, ...(items ? { items } : {}) };
  let note = '';
  if (layout.index === 'ivf') {
    const { input: clustered, report } = withIvfIndex(full);
    full = clustered;
    note =
      ` Index: ${report.lists} lists; similar() probes ${report.probe}, about ${Math.round(report.rowsScanned).toLocaleString('en')} of ${input.ids.length.toLocaleString('en')} rows,` +
      ` keeping ${report.recallAt100.toFixed(3)} of the exact top-100 on ${report.sampleQueries} of its items.`;
  }
  const bytes = await encodeHeadFirstCatalog(full, layout.headItems ?? 0);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  return { size: bytes.byteLength, note };
}

/** Item metadata and bias aligned with `ids`: bias from a bias column, else a popularity column. */
export function alignMetadata(ids: string[], metadata: ItemMetadata | undefined): { items: Array<Partial<CatalogItem>>; bias?: Float32Array } {
  const items = ids.map((id) => metadata?.items.get(id) ?? {});
  if (metadata && metadata.bias.size > 0) return { items, bias: Float32Array.from(ids, (id) => metadata.bias.get(id) ?? 0) };
  if (metadata && metadata.popularity.size > 0) return { items, bias: popularityBias(ids.map((id) => metadata.popularity.get(id) ?? 0)) };
  return { items };
}

export async function buildCatalog(options: BuildCatalogOptions): Promise<string> {
  const embeddings = readEmbeddings(options.embeddings, options.ids);
  const metadata = options.metadata ? readMetadata(options.metadata, options.columns, parseWhere(options.where)) : undefined;
  const { items, bias } = alignMetadata(embeddings.ids, metadata);
  const input: Parameters<typeof encodeCatalog>[0] = {
    ids: embeddings.ids,
    vectors: embeddings.vectors,
    dim: embeddings.dim,
    items,
    dtype: options.dtype,
    modelId: options.modelId ?? `embeddings:${options.embeddings.split('/').pop()}`,
  };
  if (bias) input.bias = bias;
  const { size, note } = await writeCatalogFile(options.out, input, options);
  const withMeta = items.filter((i) => Object.keys(i).length > 0).length;
  return `Wrote ${options.out}: ${embeddings.ids.length} items × ${embeddings.dim} (${options.dtype}), ${withMeta} with metadata, ${(size / 1024).toFixed(0)} KiB.${note}`;
}
