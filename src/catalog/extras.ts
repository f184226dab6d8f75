import { CatalogError } from '../shared/errors.js';
import { GRAPH_NAMES, type CatalogExtras, type CatalogHeader, type CatalogSection, type ItemGraph, type IvfIndex } from './types.js';

type Typed = Float32Array | Uint32Array | Int32Array;
const PER_ITEM = { trending: Float32Array, interactions: Uint32Array, repeatRate: Float32Array } as const;
const IVF_SECTIONS = ['ivf.centroids', 'ivf.offsets', 'ivf.probe'];

/** The extra sections to append to a body, by section name. */
export function extraSections(extras: CatalogExtras, itemCount: number, dim: number): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  const add = (name: string, values: Typed, expected?: number): void => {
    if (expected !== undefined && values.length !== expected)
      throw new CatalogError('CATALOG_CORRUPT', `${name} has ${values.length} values, expected ${expected}.`);
    out.push([name, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)]);
  };
  for (const name of Object.keys(PER_ITEM) as Array<keyof typeof PER_ITEM>) if (extras[name]) add(name, extras[name], itemCount);
  for (const name of GRAPH_NAMES) {
    const graph = extras.graphs?.[name];
    if (!graph) continue;
    add(`${name}.offsets`, graph.offsets, itemCount + 1);
    add(`${name}.rows`, graph.rows);
    add(`${name}.weights`, graph.weights, graph.rows.length);
  }
  if (extras.ivf) {
    const { centroids, offsets, probe } = extras.ivf;
    checkIvf(extras.ivf, itemCount, dim);
    add('ivf.centroids', centroids);
    add('ivf.offsets', offsets);
    add('ivf.probe', Uint32Array.of(probe));
  }
  return out;
}

/** Reads and checks the extra sections of a verified body. */
export function decodeExtras(body: Uint8Array, header: CatalogHeader): CatalogExtras {
  const sections = header.sections as Record<string, CatalogSection | undefined>;
  const n = header.itemCount;
  const corrupt = (why: string): CatalogError => new CatalogError('CATALOG_CORRUPT', `Catalog section ${why}.`);
  const view = <T extends Typed>(
    name: string,
    Type: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number },
    count?: number,
  ): T | undefined => {
    const section = sections[name];
    if (!section) return undefined;
    if (section.length % Type.BYTES_PER_ELEMENT !== 0 || (count !== undefined && section.length !== count * Type.BYTES_PER_ELEMENT)) {
      throw corrupt(`${name} has ${section.length} bytes`);
    }
    return new Type(body.buffer as ArrayBuffer, body.byteOffset + section.offset, section.length / Type.BYTES_PER_ELEMENT);
  };
  const extras: CatalogExtras = {};
  for (const name of Object.keys(PER_ITEM) as Array<keyof typeof PER_ITEM>) {
    const values = view(name, PER_ITEM[name] as never, n) as Typed | undefined;
    if (!values) continue;
    if (values instanceof Float32Array && values.some((v) => !Number.isFinite(v))) throw corrupt(`${name} holds a non-finite value`);
    (extras as Record<string, Typed>)[name] = values.slice();
  }
  for (const name of GRAPH_NAMES) {
    const offsets = view(`${name}.offsets`, Uint32Array, n + 1);
    if (!offsets) continue;
    const rows = view(`${name}.rows`, Int32Array);
    const weights = view(`${name}.weights`, Float32Array);
    if (!rows || !weights || rows.length !== weights.length) throw corrupt(`${name} is incomplete`);
    if (offsets[0] !== 0 || offsets[n] !== rows.length) throw corrupt(`${name}.offsets does not span its rows`);
    for (let i = 0; i < n; i++) if (offsets[i]! > offsets[i + 1]!) throw corrupt(`${name}.offsets is not monotonic`);
    for (const r of rows) if (r < 0 || r >= n) throw corrupt(`${name}.rows names a row outside the catalog`);
    if (weights.some((w) => !Number.isFinite(w))) throw corrupt(`${name}.weights holds a non-finite value`);
    extras.graphs ??= {};
    extras.graphs[name] = { offsets: offsets.slice(), rows: rows.slice(), weights: weights.slice() };
  }
  const offsets = view('ivf.offsets', Uint32Array);
  if (offsets) {
    const centroids = view('ivf.centroids', Float32Array);
    const probe = view('ivf.probe', Uint32Array, 1);
    if (!centroids || !probe) throw corrupt('ivf is incomplete');
    const ivf = { centroids: centroids.slice(), offsets: offsets.slice(), probe: probe[0]! };
    checkIvf(ivf, n, header.dim);
    extras.ivf = ivf;
  }
  return extras;
}

/** Lists that tile the rows in order, a finite centroid of `dim` values each, 1 ≤ probe ≤ lists. */
function checkIvf(ivf: IvfIndex, itemCount: number, dim: number): void {
  const corrupt = (why: string): CatalogError => new CatalogError('CATALOG_CORRUPT', `Catalog section ivf ${why}.`);
  const lists = ivf.offsets.length - 1;
  if (lists < 1 || ivf.offsets[0] !== 0 || ivf.offsets[lists] !== itemCount) throw corrupt('offsets do not span the rows');
  for (let l = 0; l < lists; l++) if (ivf.offsets[l]! > ivf.offsets[l + 1]!) throw corrupt('offsets are not monotonic');
  if (!Number.isInteger(dim) || ivf.centroids.length !== lists * dim) throw corrupt(`centroids hold ${ivf.centroids.length} values for ${lists} lists`);
  if (ivf.centroids.some((v) => !Number.isFinite(v))) throw corrupt('centroids hold a non-finite value');
  if (!Number.isInteger(ivf.probe) || ivf.probe < 1 || ivf.probe > lists) throw corrupt(`probe ${ivf.probe} is not between 1 and ${lists}`);
}

/** Whether `name` is a v2 statistics section. */
export function isKnownExtraSection(name: string): boolean {
  return name in PER_ITEM || IVF_SECTIONS.includes(name) || GRAPH_NAMES.some((g) => name === `${g}.offsets` || name === `${g}.rows` || name === `${g}.weights`);
}

/** Neighbours of `row` in a graph, best first. */
export function neighbours(graph: ItemGraph, row: number): Array<{ row: number; weight: number }> {
  const out: Array<{ row: number; weight: number }> = [];
  for (let i = graph.offsets[row]!; i < graph.offsets[row + 1]!; i++) out.push({ row: graph.rows[i]!, weight: graph.weights[i]! });
  return out;
}
