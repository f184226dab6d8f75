import { expect, test } from '@playwright/test';
import { recordCounts } from './counts.js';
import { openSecurity, SCIENTIFIC } from './security-helpers.js';

// A worker that closes itself or throws an uncaught error: the page API starts a new one on the
// next call (same options, the catalog from Cache Storage, consent given again), calls pending
// at the crash reject with WORKER_CRASHED, nothing is replayed, and the export has every
// acknowledged event exactly once. The crash is real: self.close() / an uncaught throw in the worker.
test('a crashed worker is restarted on the next call; acknowledged events are stored once, unacknowledged ones reject typed', async ({ page }) => {
  await openSecurity(page);
  const ids = await page.evaluate((url) => window.security.catalogIds(url, 40), SCIENTIFIC);
  const result = await page.evaluate(async (ids) => {
    const base = Date.now() - 60_000;
    let n = 0;
    // Every event gets its own timestamp, so the export can be matched event by event.
    const event = (i: number) => ({ type: 'view' as const, itemId: ids[i % ids.length]!, ts: base + n++ });
    const settle = async (events: ReturnType<typeof event>[], crash?: 'close' | 'throw') => {
      const tracked = events.map((e) => window.rec.track(e));
      const crashed = crash ? window.security.debugRemote(window.rec)!.debugCrash(crash) : Promise.resolve();
      const outcomes = await Promise.allSettled(tracked);
      // The crash call itself may or may not answer before the worker is gone: not asserted.
      await crashed.catch(() => undefined);
      return outcomes.map((o, i) => ({
        ts: events[i]!.ts,
        ok: o.status === 'fulfilled',
        code: o.status === 'rejected' ? (o.reason as { code?: string }).code : undefined,
      }));
    };
    window.rec = await window.security.createRecommender({ catalog: '/catalogs/scientific.vcat', backend: 'cpu', namespace: 'crash', consent: 'required' });
    await window.rec.grantConsent();
    const acked1 = await settle(Array.from({ length: 20 }, (_, i) => event(i)));
    const firstWorker = window.security.debugRemote(window.rec);
    const closeCrash = await settle(
      Array.from({ length: 5 }, (_, i) => event(20 + i)),
      'close',
    );
    // The next call restarts the worker: it works, from the cached catalog, with consent replayed.
    const acked2 = await settle(Array.from({ length: 5 }, (_, i) => event(25 + i)));
    const afterClose = await window.rec.info();
    const restarted = window.security.debugRemote(window.rec) !== firstWorker;
    const throwCrash = await settle(
      Array.from({ length: 5 }, (_, i) => event(30 + i)),
      'throw',
    );
    const acked3 = await settle(Array.from({ length: 5 }, (_, i) => event(35 + i)));
    const recs = await window.rec.recommend({ k: 5 });
    const exported = (await window.rec.exportHistory()).events;
    const afterThrow = await window.rec.info();
    await window.rec.dispose();
    return { acked: [...acked1, ...acked2, ...acked3], closeCrash, throwCrash, afterClose, afterThrow, restarted, recs: recs.length, exported };
  }, ids);

  // Every event acknowledged before and after the crashes resolved.
  expect(result.acked.every((o) => o.ok)).toBe(true);
  // self.close() took the 5 events it had not written yet down with it: all reject, typed.
  expect(result.closeCrash.map((o) => o.code)).toEqual(Array(5).fill('WORKER_CRASHED'));
  // The uncaught throw: the crash call answered before it; the events reject typed (their write
  // may have finished in the dying worker: "maybe stored", see below) unless acknowledged first.
  for (const o of result.throwCrash) expect(o.ok || o.code === 'WORKER_CRASHED').toBe(true);
  expect(result.throwCrash.some((o) => !o.ok)).toBe(true);

  expect(result.restarted).toBe(true);
  for (const info of [result.afterClose, result.afterThrow]) {
    expect(info.catalog.source).toBe('cache');
    expect(info.catalog.url).toMatch(/\/catalogs\/scientific\.vcat$/);
    expect(info.backend).toBe('cpu');
    expect(info.consent).toMatchObject({ mode: 'required', state: 'granted', storing: true });
    expect(info.history.persistent).toBe(true);
  }
  expect(result.recs).toBe(5);

  // The export: no duplicate, every acknowledged event once, lost ones never, maybe-stored at most once.
  const seqs = result.exported.map((e) => e.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  const times = result.exported.map((e) => e.ts);
  expect(new Set(times).size).toBe(times.length);
  for (const o of result.acked) expect(times.filter((t) => t === o.ts)).toHaveLength(1);
  for (const o of result.closeCrash) expect(times).not.toContain(o.ts);
  const throwBatch = result.throwCrash;
  // Acknowledged ones of that batch are stored exactly once, like any other.
  for (const o of throwBatch.filter((o) => o.ok)) expect(times.filter((t) => t === o.ts)).toHaveLength(1);
  const maybe = throwBatch.filter((o) => !o.ok && times.includes(o.ts)).length;
  expect(result.exported).toHaveLength(result.acked.length + throwBatch.filter((o) => o.ok).length + maybe);
  console.log(
    `worker crash: ${result.acked.length} acknowledged, 10 in flight at 2 crashes, ${maybe} of the throw-crash batch stored by the dying worker, ${result.exported.length} exported`,
  );
  recordCounts(test.info().title, { faults: 2, eventsWritten: result.acked.length, eventsReadBack: result.exported.length });
});

test('a worker the shop injected cannot be re-created: calls after its crash keep rejecting WORKER_CRASHED', async ({ page }) => {
  await openSecurity(page);
  const codes = await page.evaluate(async () => {
    // createWithGpc injects its own Worker (the GPC fixture): the same path as a shop's `worker` option.
    window.rec = await window.security.createWithGpc({ catalog: '/catalogs/scientific.vcat', backend: 'cpu' });
    const ok = (await window.rec.recommend({ k: 3 })).length;
    await window.security
      .debugRemote(window.rec)!
      .debugCrash('close')
      .catch(() => undefined);
    const after = await window.rec.recommend({ k: 3 }).then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    const again = await window.rec.info().then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
    await window.rec.dispose();
    return { ok, after, again };
  });
  expect(codes).toEqual({ ok: 3, after: 'WORKER_CRASHED', again: 'WORKER_CRASHED' });
  recordCounts(test.info().title, { faults: 1 });
});
