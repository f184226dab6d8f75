import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCatalog } from '../catalog/codec.js';
import { headCatalogBytes } from '../catalog/head-first-layout.js';

// The CLI as a shop runs it, on the real Amazon Industrial & Scientific data in ../shared/data.
const ROOT = resolve(import.meta.dirname, '../..');
const DATA = process.env.VITRINE_DATA ?? resolve(ROOT, '../shared/data');
const SCI = `${DATA}/amazon-scientific-unisrec`;
const dir = mkdtempSync(join(tmpdir(), 'vitrine-cli-'));
const vitrine = (...args: string[]): string => execFileSync(process.execPath, [join(ROOT, 'bin/vitrine.js'), ...args], { encoding: 'utf8' });
/** stderr of a command that should fail ('' if it succeeded). */
const run = (...args: string[]): string => {
  try {
    vitrine(...args);
    return '';
  } catch (error) {
    return String((error as { stderr: string }).stderr);
  }
};
const read = async (path: string) => decodeCatalog(new Uint8Array(readFileSync(path)));
const trainArgs = [
  'train',
  '--log',
  `${SCI}/Scientific.test.inter`,
  '--format',
  'unisrec',
  '--metadata',
  `${SCI}/items.tsv`,
  '--columns',
  'id=item_index,category=category_path',
  '--dim',
  '16',
  '--epochs',
  '2',
  '--quiet',
];

describe('vitrine CLI', () => {
  it('trains deterministically with a seed', async () => {
    vitrine(...trainArgs, '--seed', '7', '--out', join(dir, 'a.vcat'));
    vitrine(...trainArgs, '--seed', '7', '--out', join(dir, 'b.vcat'));
    const [a, b] = [await read(join(dir, 'a.vcat')), await read(join(dir, 'b.vcat'))];
    expect(a.header.itemCount).toBe(1585);
    expect(a.items.find((i) => i.id === '1')).toMatchObject({ title: 'Shoe GOO® Adhesive, 3.7 fl oz', brand: 'Shoegoo' });
    expect(Array.from(a.vectors)).toEqual(Array.from(b.vectors));
    expect(a.header.modelId).toBe('item2vec-d16-e2-w5-s7');
    // A unisrec log carries no baskets or timestamps: repeat rates come from items recurring in a sequence.
    expect(Array.from(a.extras.repeatRate ?? []).filter((rate) => rate > 0).length).toBeGreaterThan(10);
  });

  it('builds the same catalog from CSV or JSON embeddings plus TSV metadata, in every dtype', async () => {
    const trained = await read(join(dir, 'a.vcat'));
    const dim = trained.header.dim;
    const rows = trained.items.map((item, r) => [item.id, ...trained.vectors.subarray(r * dim, (r + 1) * dim)]);
    writeFileSync(join(dir, 'emb.csv'), ['id,' + Array.from({ length: dim }, (_, j) => `e${j}`).join(','), ...rows.map((r) => r.join(','))].join('\n'));
    writeFileSync(join(dir, 'emb.json'), JSON.stringify(Object.fromEntries(rows.map(([id, ...v]) => [id, v]))));
    const meta = ['--metadata', `${SCI}/items.tsv`, '--columns', 'id=item_index,category=category_path'];
    const out = vitrine('build-catalog', '--embeddings', join(dir, 'emb.csv'), ...meta, '--out', join(dir, 'csv.vcat'));
    expect(out).toMatch(/1585 items × 16 \(float32\), 1585 with metadata/);
    vitrine('build-catalog', '--embeddings', join(dir, 'emb.json'), ...meta, '--out', join(dir, 'json.vcat'));
    for (const name of ['csv.vcat', 'json.vcat']) {
      const built = await read(join(dir, name));
      expect(built.items.map((i) => i.id)).toEqual(trained.items.map((i) => i.id));
      expect(built.items[1]).toEqual(trained.items[1]);
      Array.from(built.vectors).forEach((v, i) => expect(Math.abs(v - trained.vectors[i]!)).toBeLessThan(1e-6));
    }
    for (const dtype of ['float16', 'int8', 'pq4']) {
      vitrine('build-catalog', '--embeddings', join(dir, 'emb.csv'), '--dtype', dtype, '--out', join(dir, `${dtype}.vcat`));
      expect((await read(join(dir, `${dtype}.vcat`))).header.dtype).toBe(dtype);
    }
  });

  it('writes a head-first file (--head-items) and leaves out metadata the page has (--omit)', async () => {
    const trained = await read(join(dir, 'a.vcat'));
    const meta = ['--metadata', `${SCI}/items.tsv`, '--columns', 'id=item_index,category=category_path'];
    vitrine('build-catalog', '--embeddings', join(dir, 'emb.csv'), ...meta, '--head-items', '100', '--omit', 'title', '--out', join(dir, 'head.vcat'));
    const bytes = new Uint8Array(readFileSync(join(dir, 'head.vcat')));
    const head = await decodeCatalog(headCatalogBytes(bytes)!);
    expect(head.header.itemCount).toBe(100);
    const built = await decodeCatalog(bytes);
    expect(built.items.map((i) => i.id)).toEqual(trained.items.map((i) => i.id));
    expect(built.header.fields).not.toContain('title');
    expect(trained.header.fields).toContain('title');
    expect(built.items[1]).toEqual({ ...trained.items[1], title: undefined, id: trained.items[1]!.id });
    vitrine(...trainArgs, '--seed', '7', '--head-items', '50', '--out', join(dir, 'train-head.vcat'));
    const trainedHead = await decodeCatalog(headCatalogBytes(new Uint8Array(readFileSync(join(dir, 'train-head.vcat'))))!);
    expect(trainedHead.header.itemCount).toBe(50);
    // The head is the 50 items the full catalog ranks most popular, with their graph edges among them.
    const order = [...trained.bias.keys()].sort((a, b) => trained.bias[b]! - trained.bias[a]! || a - b).slice(0, 50);
    expect(trainedHead.items.map((i) => i.id)).toEqual(order.map((r) => trained.items[r]!.id));
    expect(trainedHead.extras.graphs?.copurchase?.offsets.length).toBe(51);
    expect(run('build-catalog', '--embeddings', join(dir, 'emb.csv'), '--omit', 'id', '--out', join(dir, 'x.vcat'))).toMatch(/--omit takes fields from/);
  });

  it('stores the rows in clusters for similar() (--index ivf): the same items, vectors and graphs, reordered, with the index', async () => {
    const trained = await read(join(dir, 'a.vcat'));
    const out = vitrine(...trainArgs, '--seed', '7', '--index', 'ivf', '--out', join(dir, 'ivf.vcat'));
    expect(out).toMatch(/Index: \d+ lists; similar\(\) probes \d+/);
    const clustered = await read(join(dir, 'ivf.vcat'));
    const ivf = clustered.extras.ivf!;
    // ⌈√n⌉ lists, less any k-means left empty.
    expect(ivf.offsets.length - 1).toBeLessThanOrEqual(Math.ceil(Math.sqrt(trained.header.itemCount)));
    expect(ivf.offsets.length - 1).toBeGreaterThan(0.8 * Math.sqrt(trained.header.itemCount));
    expect(ivf.offsets.at(-1)).toBe(trained.header.itemCount);
    const rowOf = new Map(trained.items.map((item, r) => [item.id, r]));
    const moved = clustered.items.map((item) => rowOf.get(item.id)!);
    expect(moved).not.toEqual([...moved].sort((a, b) => a - b));
    moved.forEach((from, r) => {
      expect(clustered.vectors.subarray(r * 16, r * 16 + 16)).toEqual(trained.vectors.subarray(from * 16, from * 16 + 16));
      expect(clustered.bias[r]).toBe(trained.bias[from]);
    });
    // A graph edge joins the same two items in both files.
    const graph = clustered.extras.graphs!.transition!;
    const source = trained.extras.graphs!.transition!;
    const edges = (g: typeof graph, ids: string[]): string[] =>
      ids.flatMap((id, r) => Array.from(g.rows.subarray(g.offsets[r]!, g.offsets[r + 1]!), (to) => `${id}>${ids[to]}`)).sort();
    expect(
      edges(
        graph,
        clustered.items.map((i) => i.id),
      ),
    ).toEqual(
      edges(
        source,
        trained.items.map((i) => i.id),
      ),
    );
    expect(run(...trainArgs, '--index', 'hnsw', '--out', join(dir, 'x.vcat'))).toMatch(/--index.*hnsw.*(none|ivf)/s);
  });

  it('reads NumPy .npy matrices written by NumPy (float32, float64 in Fortran order, float16) with an ids file', async () => {
    const NPY = join(ROOT, 'test/fixtures/npy');
    vitrine('build-catalog', '--embeddings', join(NPY, 'embeddings.csv'), '--out', join(dir, 'npy-ref.vcat'));
    const reference = await read(join(dir, 'npy-ref.vcat'));
    for (const [file, tolerance] of [
      ['embeddings-f32.npy', 0],
      ['embeddings-f64-fortran.npy', 1e-7],
      ['embeddings-f16.npy', 2e-3],
    ] as const) {
      const out = vitrine('build-catalog', '--embeddings', join(NPY, file), '--ids', join(NPY, 'ids.txt'), '--out', join(dir, `${file}.vcat`));
      expect(out).toMatch(/6 items × 4 \(float32\)/);
      const built = await read(join(dir, `${file}.vcat`));
      expect(built.items.map((i) => i.id)).toEqual(reference.items.map((i) => i.id));
      Array.from(built.vectors).forEach((v, i) => expect(Math.abs(v - reference.vectors[i]!)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(v))));
    }
  });

  it('fails with a clear message on bad input files', () => {
    writeFileSync(join(dir, 'ragged.csv'), 'a,1,2\nb,1\n');
    expect(run('build-catalog', '--embeddings', join(dir, 'ragged.csv'), '--out', join(dir, 'x.vcat'))).toMatch(/item b has 1 values, the first item has 2/);
    expect(run('build-catalog', '--embeddings', join(dir, 'missing.csv'), '--out', join(dir, 'x.vcat'))).toMatch(/Cannot read/);
    const NPY = join(ROOT, 'test/fixtures/npy');
    expect(run('build-catalog', '--embeddings', join(NPY, 'embeddings-f32.npy'), '--out', join(dir, 'x.vcat'))).toMatch(/pass --ids/);
    expect(run('build-catalog', '--embeddings', join(NPY, 'not-a-matrix.npy'), '--ids', join(NPY, 'ids.txt'), '--out', join(dir, 'x.vcat'))).toMatch(
      /got shape \(24\)/,
    );
    expect(run('build-catalog', '--embeddings', join(NPY, 'ids.txt.npy'), '--ids', join(NPY, 'ids.txt'), '--out', join(dir, 'x.vcat'))).toMatch(
      /Cannot read|not a readable/,
    );
    writeFileSync(join(dir, 'five-ids.txt'), 'a\nb\nc\nd\ne\n');
    expect(run('build-catalog', '--embeddings', join(NPY, 'embeddings-f32.npy'), '--ids', join(dir, 'five-ids.txt'), '--out', join(dir, 'x.vcat'))).toMatch(
      /lists 5 ids but .* has 6 rows/,
    );
    expect(run('train', '--log', join(dir, 'ragged.csv'), '--format', 'nonsense', '--out', join(dir, 'x.vcat'))).toMatch(/Allowed choices/);
  });
});
