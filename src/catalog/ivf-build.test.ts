import { describe, expect, it } from 'vitest';
import { decodeCatalog, encodeCatalog } from './codec.js';
import { encodeHeadFirstCatalog } from './head-first.js';
import { fullCatalogBytes, headCatalogBytes } from './head-first-layout.js';
import { clusteredInput } from './ivf-cases.js';
import { centroidScores, withIvfIndex } from './ivf-build.js';

describe('withIvfIndex', () => {
  const source = clusteredInput(3000, 16);
  const { input, report } = withIvfIndex(source, { lists: 40 });
  const index = input.extras!.ivf!;

  it('stores the rows list by list, every row once, each with its own vector, metadata, bias and graph edges', () => {
    expect(report.lists).toBe(index.offsets.length - 1);
    expect(index.offsets[report.lists]).toBe(3000);
    expect([...input.ids].sort()).toEqual([...source.ids].sort());
    const rowOf = new Map(source.ids.map((id, i) => [id, i]));
    input.ids.forEach((id, i) => {
      const from = rowOf.get(id)!;
      expect(input.vectors.subarray(i * 16, i * 16 + 16)).toEqual(source.vectors.subarray(from * 16, from * 16 + 16));
      expect(input.bias![i]).toBe(source.bias![from]);
      expect(input.items![i]).toEqual(source.items![from]);
      const graph = input.extras!.graphs!.cooccurrence!;
      expect(input.ids[graph.rows[graph.offsets[i]!]!]).toBe(`item-${(from + 1) % 3000}`);
    });
  });

  it('lists hold the rows nearest their centroid, and the probe count reaches the recall target on its sample', () => {
    // Rows are assigned within their group (two levels), so a row on a group's edge can sit in a
    // list that is not its single best one; calibration measures what that costs.
    let own = 0;
    for (let l = 0; l < report.lists; l++)
      for (let r = index.offsets[l]!; r < index.offsets[l + 1]!; r++) {
        const scores = centroidScores(index, 16, input.vectors.subarray(r * 16, r * 16 + 16));
        if (scores.indexOf(Math.max(...scores)) === l) own++;
      }
    expect(own / 3000).toBeGreaterThan(0.85);
    expect(report.recallAt100).toBeGreaterThanOrEqual(0.995);
    expect(report.probe).toBeGreaterThanOrEqual(1);
    expect(report.probe).toBeLessThan(report.lists);
    expect(report.rowsScanned).toBeLessThan(3000);
  });

  it('is deterministic for a seed', () => {
    const again = withIvfIndex(source, { lists: 40 });
    expect(again.input.ids).toEqual(input.ids);
    expect(again.report).toEqual(report);
  });

  it('round-trips through the catalog file, and a damaged index is CATALOG_CORRUPT', async () => {
    const catalog = await decodeCatalog(await encodeCatalog(input));
    expect(catalog.extras.ivf).toEqual(index);
    const bad = [
      { ...index, probe: 0 },
      { ...index, probe: report.lists + 1 },
      { ...index, offsets: Uint32Array.from(index.offsets, (o, l) => (l === report.lists ? o - 1 : o)) },
      { ...index, centroids: index.centroids.subarray(16) },
    ];
    for (const ivf of bad) await expect(encodeCatalog({ ...input, extras: { ...input.extras, ivf } })).rejects.toMatchObject({ code: 'CATALOG_CORRUPT' });
  });

  it('a head-first clustered file: the full catalog keeps the index, the head (its own rows) has none', async () => {
    const bytes = await encodeHeadFirstCatalog(input, 100);
    const head = await decodeCatalog(headCatalogBytes(bytes)!);
    const full = await decodeCatalog(fullCatalogBytes(bytes));
    expect(head.header.itemCount).toBe(100);
    expect(head.extras.ivf).toBeUndefined();
    expect(full.extras.ivf).toEqual(index);
  });
});
