import { expect, test } from '@playwright/test';
import { openHarness, SCIENTIFIC } from './helpers.js';

test.beforeEach(async ({ page }) => openHarness(page));

test('similar(id, { lean: true }) answers the same items and scores as ids and a Float32Array', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'cpu' });
    const seed = (await rec.popular({ k: 1 }))[0]!.itemId;
    const full = await rec.similar(seed, { k: 50 });
    const lean = await rec.similar(seed, { k: 50, lean: true });
    // Again: the scores were transferred, and nothing the worker keeps went with them.
    const again = await rec.similar(seed, { k: 50, lean: true });
    const empty = await rec.similar(seed, { k: 5, lean: true, exclude: [], filters: { categories: ['no such category'] } });
    const bad = await rec.similar(seed, { k: 5, lean: 'yes' as unknown as true }).then(
      () => null,
      (e: { code: string }) => e.code,
    );
    await rec.dispose();
    return {
      full: full.map((r) => [r.itemId, r.score]),
      lean: lean.ids.map((id, i) => [id, lean.scores[i]]),
      isFloat32: lean.scores instanceof Float32Array,
      again: again.ids,
      empty: { ids: empty.ids.length, scores: empty.scores.length },
      bad,
    };
  }, SCIENTIFIC);
  expect(result.full).toHaveLength(50);
  expect(result.lean.map(([id]) => id)).toEqual(result.full.map(([id]) => id));
  result.lean.forEach(([, score], i) => expect(score).toBeCloseTo(result.full[i]![1] as number, 5));
  expect(result.isFloat32).toBe(true);
  expect(result.again).toEqual(result.lean.map(([id]) => id));
  expect(result.empty).toEqual({ ids: 0, scores: 0 });
  expect(result.bad).toBe('OPTIONS_INVALID');
});
