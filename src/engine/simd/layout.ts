/** How the SIMD path stores the embedding block in its WebAssembly memory. */
export type SimdDtype = 'float32' | 'float16' | 'int8' | 'pq4';
/** The dtypes stored as rows of elements (pq4 is stored as blocks of codes). */
export type RowDtype = Exclude<SimdDtype, 'pq4'>;

export const ELEMENT_BYTES: Readonly<Record<RowDtype, number>> = { float32: 4, float16: 2, int8: 1 };
/** pq4 rows per block of codes (kernel.wat, scan_pq4). */
export const PQ_BLOCK_ROWS = 32;

/** The kernel walks rows 32 bytes at a time and four rows per step. */
const ROW_ALIGN = 32;
export const ROWS_PER_STEP = 4;
/** Cache-line alignment for every array, so vector loads never straddle two lines. */
const ARRAY_ALIGN = 64;
export const WASM_PAGE = 65_536;

/** Byte offsets of the catalog's arrays in the scorer's memory (0 is kept free as a null). */
export interface Layout {
  dtype: SimdDtype;
  rows: number;
  /** `rows` rounded up to a whole kernel step; padding rows score MASKED_SCORE. */
  paddedRows: number;
  dim: number;
  /**
   * Row stride in bytes, zero padded past `dim` elements; rows are stored in tiles (tileIndex).
   * pq4: bytes of one block of 32 rows' codes (16 per sub-space).
   */
  rowBytes: number;
  /** pq4: sub-spaces (0 for the other dtypes). */
  subspaces: number;
  /** Query bytes the kernel reads: float32 for f32; float32 or int16 per element for f16/i8. */
  queryBytes: number;
  vec: number;
  /** Per-row multiplier and addend for recommend(): int8 scale (else 1) and bias. */
  recScale: number;
  recBias: number;
  /** The same for similar(): 1/‖vᵢ‖ (× int8 scale) and 0. */
  simScale: number;
  simBias: number;
  /** float64 per row, NaN when unknown. */
  price: number;
  /** u8 per row, bit 0 = out of stock. */
  attr: number;
  /** i32 per row: category index, 0 = none. */
  category: number;
  /** i32 per row: brand index, 0 = none. */
  brand: number;
  /** Bitset of excluded rows, cleared after every call. */
  excluded: number;
  /** u8 per category index (+1 for "none"). */
  allowedCategories: number;
  /** u8 per brand index (+1 for "none"). */
  allowedBrands: number;
  /** Start of the per-call area (queries, heaps); grown on demand. */
  scratch: number;
}

const alignUp = (n: number, to: number): number => Math.ceil(n / to) * to;

export function planLayout(dtype: SimdDtype, rows: number, dim: number, categories: number, brands: number, subspaces = 0): Layout {
  const pq = dtype === 'pq4';
  const rowBytes = pq ? 16 * subspaces : alignUp(dim * ELEMENT_BYTES[dtype], ROW_ALIGN);
  const paddedRows = alignUp(Math.max(rows, 1), pq ? PQ_BLOCK_ROWS : ROWS_PER_STEP);
  let cursor = ARRAY_ALIGN;
  const take = (bytes: number): number => {
    const at = cursor;
    cursor = alignUp(cursor + bytes, ARRAY_ALIGN);
    return at;
  };
  const vec = take(pq ? (paddedRows / PQ_BLOCK_ROWS) * rowBytes : paddedRows * rowBytes);
  const layout: Layout = {
    dtype,
    rows,
    paddedRows,
    dim,
    rowBytes,
    subspaces: pq ? subspaces : 0,
    // pq4: the lookup tables, the offset (16 bytes) and the kernel's 64 bytes of scratch.
    queryBytes: pq ? rowBytes + 80 : dtype === 'float32' ? rowBytes : rowBytes * 2,
    vec,
    recScale: take(paddedRows * 4),
    recBias: take(paddedRows * 4),
    simScale: take(paddedRows * 4),
    simBias: take(paddedRows * 4),
    price: take(rows * 8),
    attr: take(rows),
    category: take(rows * 4),
    brand: take(rows * 4),
    excluded: take(Math.ceil(rows / 8)),
    allowedCategories: take(categories + 1),
    allowedBrands: take(brands + 1),
    scratch: 0,
  };
  layout.scratch = cursor;
  return layout;
}

/** Bytes of one row in each 128-byte unit of a tile. */
export const SLOT_BYTES = 32;

/**
 * Tiles of four rows (kernel.wat, "Layout"): 32 bytes of rows 0, 1, 2, 3, then the next 32 bytes
 * of each, so the kernel's four-row step reads one forward stream. Returns where element `j` of
 * `row` sits, in elements of `elementBytes`, given the padded row length `stride` in elements.
 */
export function tileIndex(row: number, j: number, stride: number, elementBytes: number): number {
  const slot = SLOT_BYTES / elementBytes;
  return (row & ~3) * stride + Math.floor(j / slot) * 4 * slot + (row & 3) * slot + (j % slot);
}

/** Rows per batch block: small enough to stay in L2 while every query of the batch reads it. */
export const BLOCK_BYTES = 128 * 1024;
/** Pages of one WebAssembly memory at most (4 GiB). */
export const MAX_PAGES = 65_536;
/** Room for queries and top-k buffers of typical calls; larger calls grow the memory. */
export const SCRATCH_HEADROOM = 1 << 20;
/** The kernel's code for each stored element type. */
export const KIND: Readonly<Record<SimdDtype, number>> = { float32: 0, float16: 1, int8: 2, pq4: 3 };
export const align64 = (n: number): number => Math.ceil(n / 64) * 64;
