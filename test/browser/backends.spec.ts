import { expect, test } from '@playwright/test';
import { expectSameRanking, openHarness, SCIENTIFIC } from './helpers.js';

// Every backend runs for real in headless Chromium here: WebGPU and WebGL on SwiftShader
// (software), our WebAssembly SIMD kernel, tfjs WASM with SIMD, and CPU. Each must give the
// plain-JS reference's scores and top-k.
const BACKENDS = ['webgpu', 'webgl', 'simd', 'wasm', 'cpu'] as const;

test.beforeEach(async ({ page }) => openHarness(page));

for (const backend of BACKENDS) {
  test(`scores and top-k on ${backend} equal the plain-JS reference`, async ({ page }) => {
    const result = await page.evaluate(
      async ([url, backend]) => {
        const h = window.harness;
        const catalog = await h.fetchCatalog(url);
        const rec = await h.createRecommender({ catalog: url, backend, namespace: `parity-${backend}` });
        const info = await rec.info();
        const out = await h.parityCases(rec, catalog);
        await rec.eraseHistory();
        await rec.dispose();
        return { info, out };
      },
      [SCIENTIFIC, backend] as const,
    );
    console.log(`ran on ${result.info.backend}: ${result.info.reason}; adapter: ${result.info.backends[0]!.adapter ?? 'n/a'}`);
    expect(result.info.backend).toBe(backend);
    for (const { label, actual, reference } of result.out) expectSameRanking(actual, reference, `${backend} ${label}`);
  });
}

test('automatic choice measures the device, explains itself, and skips software GPU adapters', async ({ page }) => {
  const info = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url });
    const info = await rec.info();
    await rec.dispose();
    return info;
  }, SCIENTIFIC);
  console.log(`auto → ${info.backend}: ${info.reason}`);
  for (const b of info.backends) console.log(`  ${b.backend}: ${b.status} — ${b.reason}${b.medianMs !== undefined ? ` (${b.medianMs.toFixed(2)} ms)` : ''}`);
  expect(info.backends.map((b) => b.backend).sort()).toEqual([...BACKENDS].sort());
  const chosen = info.backends.find((b) => b.status === 'chosen')!;
  expect(chosen.backend).toBe(info.backend);
  const measured = info.backends.filter((b) => b.medianMs !== undefined);
  expect(measured.length).toBeGreaterThanOrEqual(1);
  expect(chosen.medianMs).toBe(Math.min(...measured.map((b) => b.medianMs!)));
  // Here both GPU backends are SwiftShader; on a machine with a real GPU they are measured instead.
  for (const b of info.backends.filter((b) => b.software)) expect(b.status).toBe('skipped');
});

test("the next visit reuses this device's calibration for the same catalog shape; erase forgets it", async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const first = await window.harness.createRecommender({ catalog: url, namespace: 'calibration' });
    const measured = await first.info();
    await first.dispose();
    const second = await window.harness.createRecommender({ catalog: url, namespace: 'calibration' });
    const reused = await second.info();
    const before = (await indexedDB.databases()).map((d) => d.name);
    await second.eraseHistory();
    const after = (await indexedDB.databases()).map((d) => d.name);
    await second.dispose();
    return { measured, reused, before, after };
  }, SCIENTIFIC);
  expect(result.reused.backend).toBe(result.measured.backend);
  expect(result.reused.reason).toContain('reused');
  expect(result.reused.backends.map((b) => [b.backend, b.status, b.medianMs])).toEqual(result.measured.backends.map((b) => [b.backend, b.status, b.medianMs]));
  expect(result.before).toContain('vitrine-device');
  expect(result.after).not.toContain('vitrine-device');
});

test('a reused SIMD choice starts without tfjs, and still runs a sequence encoder (on tfjs WASM)', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const url = '/catalogs/scientific-encoder.vcat';
    const opts = { catalog: url, namespace: 'lazy-tfjs', backend: 'simd' as const };
    const plain = await window.harness.createRecommender(opts);
    await plain.track({ type: 'view', itemId: (await plain.recommend({ k: 1 }))[0]!.itemId });
    const stats = await window.harness.debugRemote(plain)!.debugStats();
    await plain.dispose();
    const withEncoder = await window.harness.createRecommender({ ...opts, encoder: `${url}.encoder`, namespace: 'lazy-tfjs-encoder' });
    const first = (await withEncoder.recommend({ k: 1 }))[0]!.itemId;
    await withEncoder.track({ type: 'view', itemId: first });
    const recs = await withEncoder.recommend({ k: 5 });
    await withEncoder.eraseHistory();
    await withEncoder.dispose();
    return { tensors: stats.numTensors, backend: stats.backend, recs: recs.length };
  });
  expect(result.backend).toBe('simd');
  expect(result.tensors).toBe(0); // tfjs never started: no tensor, no backend
  expect(result.recs).toBe(5);
});

test('no tensor leaks: 1,000 calls leave the tensor count unchanged', async ({ page }) => {
  const stats = await page.evaluate(async (url) => {
    const rec = await window.harness.createRecommender({ catalog: url, backend: 'wasm', namespace: 'leaks' });
    const remote = window.harness.debugRemote(rec)!;
    const catalog = await window.harness.fetchCatalog(url);
    await rec.track({ type: 'view', itemId: catalog.items[3]!.id });
    await rec.recommend({ k: 10, filters: { categories: ['x'] }, exclude: [catalog.items[2]!.id] });
    await rec.similar(catalog.items[3]!.id);
    await rec.rerank([catalog.items[5]!.id]);
    const before = await remote.debugStats();
    for (let i = 0; i < 1000; i++) {
      const variant = i % 4;
      if (variant === 0) await rec.recommend({ k: 10 });
      if (variant === 1)
        await rec.recommend({ k: 10, filters: { categories: [catalog.items[i]!.category ?? ''], inStock: true }, exclude: [catalog.items[i]!.id] });
      if (variant === 2) await rec.similar(catalog.items[i]!.id, { k: 5 });
      if (variant === 3) await rec.rerank(catalog.items.slice(i, i + 20).map((x) => x.id));
    }
    const after = await remote.debugStats();
    await rec.eraseHistory();
    await rec.dispose();
    return { before, after };
  }, SCIENTIFIC);
  expect(stats.after.numTensors).toBe(stats.before.numTensors);
  expect(stats.after.numBytes).toBe(stats.before.numBytes);
});

for (const backend of ['webgpu', 'webgl'] as const) {
  test(`a lost ${backend} device falls back to the next backend without losing the shopper`, async ({ page }) => {
    const result = await page.evaluate(
      async ([url, backend]) => {
        const rec = await window.harness.createRecommender({ catalog: url, backend, namespace: `lost-${backend}` });
        const catalog = await window.harness.fetchCatalog(url);
        await rec.track({ type: 'view', itemId: catalog.items[20]!.id });
        await rec.track({ type: 'add_to_cart', itemId: catalog.items[21]!.id });
        const before = await rec.recommend({ k: 10 });
        const lost = await window.harness.debugRemote(rec)!.debugLoseDevice();
        await new Promise((r) => setTimeout(r, 200));
        const after = await rec.recommend({ k: 10 });
        const info = await rec.info();
        const events = (await rec.exportHistory()).events.length;
        await rec.eraseHistory();
        await rec.dispose();
        return { lost, before, after, info, events };
      },
      [SCIENTIFIC, backend] as const,
    );
    console.log(`${backend} lost → ${result.info.backend}: ${result.info.fallback}`);
    expect(result.lost).toBe(true);
    expect(result.info.backend).not.toBe(backend);
    expect(result.info.fallback).toMatch(/lost|failed/);
    expect(result.events).toBe(2);
    expect(result.after.map((r) => r.itemId)).toEqual(result.before.map((r) => r.itemId));
    result.after.forEach((r, i) => expect(Math.abs(r.score - result.before[i]!.score)).toBeLessThan(1e-4));
  });
}
