import { expect, test } from '@playwright/test';
import { openHarness, SCIENTIFIC } from './helpers.js';

// amazon-scientific (1,585 items, median 8 interactions each), trained by `vitrine train` at its
// defaults: a shopper's clear intent must lead For-you and similar(), not the few shoppers
// behind a rare item's bought-next edges (graph edges are shrunk by their support, item2vec
// epochs follow the log's size; docs/accuracy.md).
test.beforeEach(async ({ page }) => openHarness(page));

const TOOTHBRUSHES = /Toothbrushes$/;

test('a shopper who views toothbrushes gets toothbrushes in For-you and similar(), explained by them', async ({ page }) => {
  const result = await page.evaluate(
    async ([url, pattern]) => {
      const catalog = await window.harness.fetchCatalog(url);
      const brushes = catalog.items.filter((i) => new RegExp(pattern).test(i.category ?? ''));
      const viewed = brushes.slice(0, 5).map((i) => i.id);
      const rec = await window.harness.createRecommender({ catalog: url, namespace: 'sparse', backend: 'wasm' });
      let ts = Date.now() - 60_000;
      for (const itemId of viewed) await rec.track({ type: 'view', itemId, ts: (ts += 5_000) });
      for (const itemId of viewed.slice(0, 2)) await rec.track({ type: 'add_to_cart', itemId, ts: (ts += 5_000) });
      const forYou = await rec.recommend({ k: 10 });
      const similar = await rec.similar(viewed[0]!, { k: 5 });
      await rec.eraseHistory();
      await rec.dispose();
      return { viewed, brushCount: brushes.length, forYou, similar };
    },
    [SCIENTIFIC, TOOTHBRUSHES.source] as const,
  );
  const isBrush = (r: { item: { category?: string } }): boolean => TOOTHBRUSHES.test(r.item.category ?? '');
  const line = (r: (typeof result.forYou)[number]): string =>
    `${isBrush(r) ? '✓' : '✗'} ${(r.item.title ?? r.itemId).slice(0, 60)} — ${r.reason} because ${(r.because ?? []).map((b) => `${b.itemId} ${(b.weight * 100).toFixed(0)}%`).join(', ')}`;
  console.log(`toothbrushes in the catalog: ${result.brushCount}; viewed ${result.viewed.join(', ')}`);
  console.log(`For-you:\n  ${result.forYou.map(line).join('\n  ')}`);
  console.log(
    `similar(${result.viewed[0]}):\n  ${result.similar.map((r) => `${isBrush(r) ? '✓' : '✗'} ${(r.item.title ?? r.itemId).slice(0, 60)}`).join('\n  ')}`,
  );
  const forYouBrushes = result.forYou.filter(isBrush).length;
  console.log(
    `For-you toothbrushes: ${forYouBrushes} / ${result.forYou.length}; similar(): ${result.similar.filter(isBrush).length} / ${result.similar.length}`,
  );
  expect(result.forYou).toHaveLength(10);
  expect(forYouBrushes).toBeGreaterThanOrEqual(5); // 7 when written (6 before the co-occurrence term); the issue's catalog gave 2

  expect(result.forYou.slice(0, 3).every(isBrush)).toBe(true);
  // Every toothbrush recommended names a viewed toothbrush as what drove it.
  for (const r of result.forYou.filter(isBrush)) expect(result.viewed).toContain(r.because![0]!.itemId);
  for (const r of result.forYou) expect(r.because!.length).toBeGreaterThan(0);
  expect(result.similar.filter(isBrush).length).toBeGreaterThanOrEqual(3);
});

test('similar() returns same-category items for the majority of a fixed sample of items (≥ 3 of 5, measured and printed)', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const catalog = await window.harness.fetchCatalog(url);
    const size = new Map<string, number>();
    for (const i of catalog.items) if (i.category) size.set(i.category, (size.get(i.category) ?? 0) + 1);
    // Every 4th item whose category has at least 6 items (so a same-category majority of 5 exists).
    const sample = catalog.items.filter((i) => (size.get(i.category ?? '') ?? 0) >= 6).filter((_, n) => n % 4 === 0);
    const rec = await window.harness.createRecommender({ catalog: url, namespace: 'sparse-similar', backend: 'wasm' });
    const same: number[] = [];
    for (const item of sample) {
      const similar = await rec.similar(item.id, { k: 5 });
      same.push(similar.filter((s) => s.item.category === item.category).length);
    }
    await rec.dispose();
    return { sampled: sample.length, same };
  }, SCIENTIFIC);
  const majority = result.same.filter((n) => n >= 3).length / result.sampled;
  const top1 = result.same.filter((n) => n >= 1).length / result.sampled;
  const share = result.same.reduce((a, b) => a + b, 0) / (5 * result.sampled);
  console.log(
    `similar() on ${result.sampled} items: same category for ≥ 3 of 5 in ${(100 * majority).toFixed(1)} %, for ≥ 1 in ${(100 * top1).toFixed(1)} %; ${(100 * share).toFixed(1)} % of all neighbours`,
  );
  expect(result.sampled).toBeGreaterThan(100);
  // 219 items, the full category path (400 categories). Cosine alone gave ≥ 1 of 5 in 58.4 %, ≥ 3 of 5 in 32.0 %;
  // with the co-occurrence graph and the category bonus (ranking/similar-items.ts) a same-category majority for most items.
  expect(top1).toBeGreaterThan(0.8);
  expect(majority).toBeGreaterThan(0.5);
});
