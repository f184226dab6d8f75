import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { decodeCatalog, encodeCatalog } from '../../src/catalog/codec.js';
import { expectSameRanking, openHarness, SCIENTIFIC } from './helpers.js';

// A catalog written as pq4 (4-bit product quantisation) loads and answers through the public API
// on the SIMD kernel's fast scan and on a tfjs backend (which scores the decoded rows): both give
// the plain-JS reference's ranking of the decoded rows, masks and the catalog's graphs included.
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
        const out = await h.parityCases(rec, catalog);
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
      expect(actual.ids.length, label).toBeGreaterThan(0);
      expectSameRanking(actual, reference, `${backend} ${label}`);
    }
  });
}
