import { expect, test, type Page } from '@playwright/test';
import { recordCounts } from './counts.js';
import { openRobust, type Rec, SCIENTIFIC } from './helpers.js';

// A full disk, for real: Chromium's quota for the origin is lowered through the DevTools
// protocol (Storage.overrideQuotaForOrigin), and IndexedDB then refuses writes with a real
// QuotaExceededError. (navigator.storage.estimate() keeps reporting the unmodified quota.)
declare global {
  interface Window {
    rec: Rec;
  }
}
const ROUNDS = 40;
const PER_ROUND = 25;

/** Tracks rounds of events with incompressible 480-character queries past a quota of usage + 150 kB. */
async function trackPastQuota(page: Page) {
  await openRobust(page);
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await page.evaluate(async (url) => {
    window.rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace: 'quota' });
  }, SCIENTIFIC);
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 150_000 });
  const run = await page.evaluate(
    async ([rounds, perRound]) => {
      const query = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(360))));
      const resolved: Array<{ seq: number; query?: string }> = [];
      const rejected: Array<{ name: string; code: string; query: string }> = [];
      let evictions = 0;
      let kept = 0;
      let staleRounds = 0;
      for (let round = 0; round < rounds; round++) {
        const queries = Array.from({ length: perRound }, query);
        const results = await Promise.allSettled(queries.map((q) => window.rec.track({ type: 'search', query: q })));
        let accepted = 0;
        results.forEach((r, i) => {
          if (r.status === 'fulfilled') accepted += resolved.push(r.value) && 1;
          else rejected.push({ name: (r.reason as Error).name, code: (r.reason as { code: string }).code, query: queries[i]! });
        });
        // Fewer events kept than accepted: the store evicted the oldest to make room. (Read the
        // worker's in-memory count first: exportHistory() re-reads the store into memory.)
        const inMemory = (await window.rec.info()).history.events;
        const now = (await window.rec.exportHistory()).events.length;
        if (inMemory !== now) staleRounds++;
        if (now < kept + accepted) evictions++;
        kept = now;
      }
      const servesAfter = (await window.rec.recommend({ k: 3 })).length;
      const exported = (await window.rec.exportHistory()).events;
      await window.rec.dispose();
      return { resolved, rejected, evictions, staleRounds, servesAfter, exported };
    },
    [ROUNDS, PER_ROUND] as const,
  );
  return { run, cdp, origin };
}

test('quota exceeded while tracking: oldest events make room or a typed error; what is reported stored is stored', async ({ page }) => {
  const { run, cdp, origin } = await trackPastQuota(page);
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const reloaded = await page.evaluate(async (url) => {
    const rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace: 'quota' });
    const events = (await rec.exportHistory()).events;
    const works = await rec.track({ type: 'search', query: 'after reload' }).then(
      () => true,
      (e: { code: string }) => e.code,
    );
    await rec.eraseHistory();
    await rec.dispose();
    return { events, works };
  }, SCIENTIFIC);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });

  console.log(
    `quota: ${run.resolved.length} tracked, ${run.rejected.length} rejected, ${run.evictions} evictions, ${reloaded.events.length} kept after reload`,
  );
  // The fault really happened: writes were refused or made room by evicting.
  expect(run.rejected.length + run.evictions).toBeGreaterThan(0);
  for (const r of run.rejected) expect(r).toMatchObject({ name: 'StorageError', code: 'STORAGE_QUOTA_EXCEEDED' });
  // What survives a reload is exactly the newest of the events reported stored: the oldest were
  // evicted; nothing else lost, duplicated or invented; no refused event slipped in.
  expect(reloaded.events).toEqual(run.exported);
  expect(reloaded.events).toEqual(run.resolved.slice(run.resolved.length - reloaded.events.length));
  const refused = new Set(run.rejected.map((r) => r.query));
  expect(reloaded.events.filter((e) => refused.has(e.query!))).toEqual([]);
  expect(run.servesAfter).toBe(3);
  expect(reloaded.works).toBe(true);
  recordCounts(test.info().title, { faults: run.rejected.length + run.evictions, eventsWritten: run.resolved.length, eventsReadBack: reloaded.events.length });
});

test('after a quota eviction the worker drops the evicted events from memory too (profile, info)', async ({ page }) => {
  const { run, cdp, origin } = await trackPastQuota(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  expect(run.evictions).toBeGreaterThan(0);
  expect(run.staleRounds).toBe(0);
});
