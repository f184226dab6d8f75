import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { decodeCatalog, encodeCatalog } from '../../src/catalog/codec.js';
import { openHarness, SCIENTIFIC } from './helpers.js';

// A catalog written as pq4 (4-bit product quantisation) loads and answers through the public API
// on the SIMD kernel's fast scan and on a tfjs backend (which scores the decoded rows): both give
// the plain-JS reference's ranking of the decoded rows, masks and the catalog's graphs included.
const TOLERANCE = 1e-4;
const PQ_URL = '/catalogs/scientific-pq4.vcat';

test.beforeEach(async ({ page }) => {
  // Written here from the float32 file the CLI built (vitrine train --dtype pq4 writes the same codes).
  const source = await decodeCatalog(new Uint8Array(readFileSync(`public${SCIENTIFIC}`)));
  const { header, vectors, bias, items, extras } = source;
  const pq4 = await encodeCatalog({ ids: items.map((i) => i.id), vectors, dim: header.dim, bias, items, extras, dtype: 'pq4', modelId: header.modelId });
  await page.route(`**${PQ_URL}`, (route) => route.fulfill({ body: Buffer.from(pq4), contentType: 'application/octet-stream' }));
  await openHarness(page);
});

for (const backend of ['simd', 'wasm'] as const) {
  test(`a pq4 catalog answers through the public API on ${backend}, as the reference ranks its decoded rows`, async ({ page }) => {
    const result = await page.evaluate(
      async ([url, backend]) => {
        const h = window.harness;
        const catalog = await h.fetchCatalog(url);
        const rec = await h.createRecommender({ catalog: url, backend, namespace: `pq4-${backend}` });
        const info = await rec.info();
        const items = catalog.items;
        for (const [type, row] of [
          ['view', 10],
          ['view', 11],
          ['add_to_cart', 12],
          ['purchase', 13],
        ] as const) {
          await rec.track({ type, itemId: items[row]!.id });
        }
        const cases = [
          { k: 50 },
          { k: 20, filters: { categories: [items[10]!.category!, items[400]!.category!] } },
          { k: 30, exclude: [items[0]!.id, items[1]!.id], excludePurchased: false },
        ];
        const rowOf = new Map(items.map((item, row) => [item.id, row]));
        const out: Array<{ label: string; actual: { ids: string[]; scores: number[] }; reference: { ids: string[]; scores: number[] } }> = [];
        for (const options of cases) {
          const actual = await rec.recommend(options);
          const events = (await rec.exportHistory()).events;
          const contributions = h.poolContributions(events, (id) => rowOf.get(id), h.resolveProfileOptions(), Date.now());
          const u = h.shopperVector(contributions, catalog.vectors, catalog.header.dim);
          const excludeRows = [...(options.exclude ?? [])].map((id) => rowOf.get(id)!);
          if (options.excludePurchased !== false) excludeRows.push(13);
          const q = h.blendedQuery(u, 1, h.graphAffinity(contributions, catalog.extras));
          const ref = h.referenceRecommend(catalog, q.u, options.k, { ...options.filters, excludeRows, boosts: q.boosts, biasWeight: q.biasWeight });
          out.push({
            label: `recommend ${JSON.stringify(options)}`,
            actual: { ids: actual.map((r) => r.itemId), scores: actual.map((r) => r.score) },
            reference: { ids: Array.from(ref.rows, (r) => items[r]!.id), scores: Array.from(ref.scores) },
          });
        }
        for (const row of [10, 700]) {
          const actual = await rec.similar(items[row]!.id, { k: 25 });
          const ref = h.referenceSimilar(catalog, row, 25, { excludeRows: [] });
          out.push({
            label: `similar(${row})`,
            actual: { ids: actual.map((r) => r.itemId), scores: actual.map((r) => r.score) },
            reference: { ids: Array.from(ref.rows, (r) => items[r]!.id), scores: Array.from(ref.scores) },
          });
        }
        await rec.eraseHistory();
        await rec.dispose();
        return { info, out, dtype: catalog.header.dtype };
      },
      [PQ_URL, backend] as const,
    );
    expect(result.dtype).toBe('pq4');
    expect(result.info.catalog.dtype).toBe('pq4');
    expect(result.info.backend).toBe(backend);
    for (const { label, actual, reference } of result.out) {
      expect(actual.ids.length, label).toBe(reference.ids.length);
      expect(actual.ids.length, label).toBeGreaterThan(0);
      actual.scores.forEach((score, i) => expect(Math.abs(score - reference.scores[i]!), `${label} score at rank ${i}`).toBeLessThan(TOLERANCE));
      // Ids in the reference's order, except where the reference has a near-tie.
      actual.ids.forEach((id, i) => {
        if (id === reference.ids[i]) return;
        const neighbours = [reference.scores[i - 1], reference.scores[i + 1]].filter((s): s is number => s !== undefined);
        expect(
          neighbours.some((s) => Math.abs(s - reference.scores[i]!) < TOLERANCE),
          `${label}: rank ${i} differs without a near-tie`,
        ).toBe(true);
      });
    }
  });
}
