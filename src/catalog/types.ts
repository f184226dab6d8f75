import type { CatalogItem, ItemField } from '../shared/api-types.js';
import type { ItemTable } from './item-table.js';
import type { Pq4Rows } from './pq.js';

/**
 * Element type of the embedding block. `int8` rows carry a float32 scale each; `pq4` rows are
 * 4-bit product-quantisation codes with a float32 scale each and the file's codebooks (pq.ts).
 */
export type EmbeddingDtype = 'float32' | 'float16' | 'int8' | 'pq4';
export const EMBEDDING_DTYPES: readonly EmbeddingDtype[] = ['float32', 'float16', 'int8', 'pq4'];

export interface CatalogSection {
  /** Byte offset from the start of the body. */
  offset: number;
  length: number;
}

/** The JSON header of a catalog file. */
export interface CatalogHeader {
  formatVersion: 1 | 2 | 3;
  itemCount: number;
  dim: number;
  dtype: EmbeddingDtype;
  /** `pq4` only: sub-spaces of `dim / pqSubspaces` dimensions, one 4-bit code each per row. */
  pqSubspaces?: number;
  /** Metadata fields present, always starting with `id`. */
  fields: Array<'id' | ItemField>;
  modelId: string;
  createdAt: string;
  bodyLength: number;
  /** Lower-case hex SHA-256 of the body (every byte after the header). */
  bodySha256: string;
  sections: {
    embeddings: CatalogSection;
    scales?: CatalogSection;
    bias: CatalogSection;
    /** Formats v1 and v2: metadata as one JSON object of columns. */
    metadata?: CatalogSection;
    /**
     * Format v2: extra sections, named e.g. `trending` or `copurchase.rows` (see extras.ts).
     * Format v3: metadata columns, named `meta.*` (see metadata-columns.ts).
     */
    [extra: string]: CatalogSection | undefined;
  };
}

/** A catalog decoded into memory. Vectors are always float32 (int8/float16 are expanded). */
export interface Catalog {
  header: CatalogHeader;
  /** Row-major `itemCount × dim`. */
  vectors: Float32Array;
  bias: Float32Array;
  items: CatalogItem[];
  /** Training statistics (empty for v1 files and bare-embedding catalogs). */
  extras: CatalogExtras;
  /**
   * The file's own rows when it is quantised (decodeCatalog sets it): a scorer that stores the
   * same dtype copies them instead of quantising `vectors` again.
   */
  quantised?: QuantisedRows;
  /**
   * Metadata as columns, with the id → row lookup (decodeCatalog sets it; `itemTable(catalog)`
   * makes one from `items` otherwise). For a v3 file `items` is built from it on first read.
   */
  table?: ItemTable;
}

/** Embedding rows exactly as a quantised catalog file stores them. */
export type QuantisedRows = { dtype: 'int8'; values: Int8Array; scales: Float32Array } | { dtype: 'float16'; values: Uint16Array } | Pq4Rows;

/**
 * Item-to-item and per-item statistics learnt at training time (format v2). All optional: a
 * catalog built from bare embeddings has none, and v1 files are read as having none.
 */
export interface CatalogExtras {
  /** Time-decayed popularity at training time, per item. */
  trending?: Float32Array;
  /** Interactions each embedding was learnt from; 0 marks a cold-start (new) item embedded from its metadata. */
  interactions?: Uint32Array;
  /** Share of buyers who bought the item again, per item (for "buy it again"). */
  repeatRate?: Float32Array;
  /** Sparse neighbour lists in CSR form, e.g. `copurchase` (bought together), `transition` (bought next), `cooccurrence` (in the same shoppers' histories). */
  graphs?: Partial<Record<GraphName, ItemGraph>>;
  /** The rows grouped into clusters (`--index ivf`), which similar() probes instead of scanning every row. */
  ivf?: IvfIndex;
}

/**
 * Clustered rows (an inverted-file index): the file's rows are stored list by list, list l being
 * rows offsets[l] … offsets[l+1]), with its unit-length centroid at centroids[l·dim …]. similar()
 * scores the centroids against the seed and scans the `probe` best lists only; `probe` was chosen
 * when the file was written, as the fewest lists whose recall@100 against the exact answer reached
 * the target on a sample of the file's own items (ivf-build.ts).
 */
export interface IvfIndex {
  centroids: Float32Array;
  offsets: Uint32Array;
  probe: number;
}

export const GRAPH_NAMES = ['copurchase', 'transition', 'cooccurrence'] as const;
export type GraphName = (typeof GRAPH_NAMES)[number];

/** Row i's neighbours are rows[offsets[i] … offsets[i+1]) with the same slice of weights, best first. */
export interface ItemGraph {
  offsets: Uint32Array;
  rows: Int32Array;
  weights: Float32Array;
}
