import type { Catalog, IvfIndex } from '../../catalog/types.js';
import type { ItemFilters } from '../../shared/api-types.js';
import type { MaskSpec } from '../mask.js';
import type { RankedRows } from '../scorer.js';

/** What scores the centroids: an unrefined SimdScorer over centroidCatalog(). */
export interface CentroidScorer {
  recommendBatchSync(queries: readonly Float32Array[], k: number, mask: MaskSpec): RankedRows[];
}

/** The index's centroids as a float32 catalog of one row per list, for a scorer of their own. */
export function centroidCatalog(index: IvfIndex, dim: number): Catalog {
  const lists = index.offsets.length - 1;
  const section = { offset: 0, length: 0 };
  return {
    header: {
      formatVersion: 3,
      itemCount: lists,
      dim,
      dtype: 'float32',
      fields: ['id'],
      modelId: 'ivf-centroids',
      createdAt: '',
      bodyLength: 0,
      bodySha256: '',
      sections: { embeddings: section, bias: section },
    },
    vectors: index.centroids,
    bias: new Float32Array(lists),
    items: Array.from({ length: lists }, (_, l) => ({ id: String(l) })),
    extras: {},
  };
}

/**
 * The lists similar() reads on a clustered catalog (`--index ivf`): the index's `probe` best lists
 * for the query, found by the SIMD kernel over the centroids (a second, small scorer: scoring a
 * thousand centroids in JS took 0.2–0.4 ms a query, more than the rest of a clustered call),
 * each list widened to the kernel's step (a scan starts on a tile of 4 rows, a pq4 block of 32),
 * sorted and merged so that no row is scanned twice.
 */
export class IvfProbe {
  readonly #index: IvfIndex;
  readonly #centroids: CentroidScorer;

  /** `centroids`: unrefined (the float32 scan's order is the list order; refining would only settle 1e-8 ties). */
  constructor(index: IvfIndex, centroids: CentroidScorer) {
    this.#index = index;
    this.#centroids = centroids;
  }

  /** Row ranges [start, end) to scan for `query`, in row order. */
  ranges(query: Float32Array, step: number, paddedRows: number): Array<[number, number]> {
    const offsets = this.#index.offsets;
    const lists = this.#centroids.recommendBatchSync([query], this.#index.probe, { excludeRows: [] })[0]!.rows;
    const spans = Array.from(lists, (l): [number, number] => [
      Math.floor(offsets[l]! / step) * step,
      Math.min(paddedRows, Math.ceil(offsets[l + 1]! / step) * step),
    ]).sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [start, end] of spans) {
      const last = merged[merged.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else if (end > start) merged.push([start, end]);
    }
    return merged;
  }
}

/** Whether a similar() mask only leaves rows out: filters could empty the probed lists, so they scan everything. */
export const onlyExcludes = (mask: ItemFilters): boolean =>
  !mask.inStock && mask.priceMin === undefined && mask.priceMax === undefined && mask.categories === undefined && mask.brands === undefined;
