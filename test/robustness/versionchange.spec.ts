import { expect, test, type Page } from '@playwright/test';
import { recordCounts } from './counts.js';
import { openRobust, type Rec, SCIENTIFIC } from './helpers.js';

// Another tab upgrades or deletes the history database while our worker holds it open. Our
// connection must close on `versionchange` (idb's `blocking` callback) so the other tab is
// never left `blocked`, and the recommender must carry on.
declare global {
  interface Window {
    heldRec: Rec;
  }
}
const DB = 'vitrine-history:held';

/** Runs an IndexedDB request in `page`: 'success', or 'blocked' if it waited on an open connection, or the error name. */
const request = (page: Page, kind: 'upgrade' | 'delete', db = DB, stopWhenBlocked = false) =>
  page.evaluate(
    ([name, kind, stopWhenBlocked]) =>
      new Promise<{ outcome: string; blocked: boolean; ms: number }>((resolve) => {
        const started = performance.now();
        let blocked = false;
        const req = kind === 'upgrade' ? indexedDB.open(name, 2) : indexedDB.deleteDatabase(name);
        req.onblocked = () => {
          blocked = true;
          if (stopWhenBlocked) resolve({ outcome: 'blocked', blocked, ms: performance.now() - started });
        };
        if (req instanceof IDBOpenDBRequest && kind === 'upgrade') {
          req.onupgradeneeded = () => req.result.createObjectStore('added-by-v2');
        }
        req.onsuccess = () => {
          if (kind === 'upgrade') (req.result as IDBDatabase).close();
          resolve({ outcome: 'success', blocked, ms: performance.now() - started });
        };
        req.onerror = () => resolve({ outcome: req.error?.name ?? 'error', blocked, ms: performance.now() - started });
        setTimeout(() => resolve({ outcome: 'timeout', blocked, ms: performance.now() - started }), 10_000);
      }),
    [db, kind, stopWhenBlocked] as const,
  );

async function holdDatabase(page: Page): Promise<string> {
  await openRobust(page);
  return page.evaluate(async (url) => {
    window.heldRec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace: 'held' });
    const [id] = await window.robust.catalogIds(url, 1);
    await window.heldRec.track({ type: 'view', itemId: id! });
    return id!;
  }, SCIENTIFIC);
}

test('control: a connection that ignores versionchange does leave deleteDatabase blocked', async ({ page, context }) => {
  await openRobust(page);
  await page.evaluate(() => new Promise((resolve) => (indexedDB.open('control', 1).onsuccess = resolve)));
  const other = await context.newPage();
  await openRobust(other);
  expect((await request(other, 'delete', 'control', true)).blocked).toBe(true);
});

test('deleteDatabase from another tab is never blocked; the holder carries on in a fresh database', async ({ page, context }) => {
  const id = await holdDatabase(page);
  const other = await context.newPage();
  await openRobust(other);
  const deleted = await request(other, 'delete');
  expect(deleted).toMatchObject({ outcome: 'success', blocked: false });
  const after = await page.evaluate(async (id) => {
    await window.heldRec.track({ type: 'favourite', itemId: id });
    const events = (await window.heldRec.exportHistory()).events.map((e) => e.type);
    const recs = (await window.heldRec.recommend({ k: 3 })).length;
    await window.heldRec.eraseHistory();
    await window.heldRec.dispose();
    return { events, recs };
  }, id);
  expect(after).toEqual({ events: ['favourite'], recs: 3 });
  recordCounts(test.info().title, { faults: 1, eventsWritten: 2, eventsReadBack: 1 });
});

test('a schema upgrade from another tab is never blocked; afterwards the old code fails typed and keeps serving', async ({ page, context }) => {
  const id = await holdDatabase(page);
  const other = await context.newPage();
  await openRobust(other);
  const upgraded = await request(other, 'upgrade');
  expect(upgraded).toMatchObject({ outcome: 'success', blocked: false });
  // This worker's schema (v1) is now older than the database (v2): writes fail with a typed
  // StorageError instead of touching a schema they do not know; recommendations go on.
  const after = await page.evaluate(async (id) => {
    const tracked = await window.heldRec.track({ type: 'favourite', itemId: id }).then(
      () => null,
      (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
    );
    const recs = (await window.heldRec.recommend({ k: 3 })).length;
    await window.heldRec.dispose();
    return { tracked, recs };
  }, id);
  expect(after).toEqual({ tracked: { name: 'StorageError', code: 'STORAGE_FAILED' }, recs: 3 });
  await other.evaluate((name) => new Promise((resolve) => (indexedDB.deleteDatabase(name).onsuccess = resolve)), DB);
  recordCounts(test.info().title, { faults: 1, eventsWritten: 1 });
});
