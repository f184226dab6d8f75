import { expect, test } from '@playwright/test';
import { openHarness, RETAIL } from './helpers.js';

test('starts on the real catalog, reports its backend and recommends', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async (url) => {
    const progress: string[] = [];
    const rec = await window.harness.createRecommender({ catalog: url, onProgress: (p) => progress.push(p.status) });
    const info = await rec.info();
    const recs = await rec.recommend({ k: 5 });
    await rec.dispose();
    return { info, recs, progress };
  }, RETAIL);
  console.log(`backend: ${result.info.backend} — ${result.info.reason}`);
  for (const b of result.info.backends) console.log(`  ${b.backend}: ${b.status} — ${b.reason}`);
  expect(result.info.catalog.items).toBeGreaterThan(3000);
  expect(result.recs).toHaveLength(5);
  expect(result.progress).toContain('ready');
});
