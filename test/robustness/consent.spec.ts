import { expect, test, type Page } from '@playwright/test';
import { recordCounts } from './counts.js';
import { openSecurity, SCIENTIFIC } from './security-helpers.js';

// consent: 'required' stores nothing until grantConsent(); revokeConsent() erases and stops;
// the Global Privacy Control signal pauses storing when the shop opts in. "Nothing stored" is
// checked on the raw browser: indexedDB.databases() of the origin, not the library's word.
const HISTORY_DB = 'vitrine-history:consent';
// Every database of the origin (the harness page has none of its own): [] means nothing at all.
const historyDbs = (page: Page): Promise<string[]> => page.evaluate(() => window.security.databaseNames());

const start = (page: Page, options: Record<string, unknown>, gpc = false) =>
  page.evaluate(
    async ([options, gpc]) => {
      const o = { catalog: '/catalogs/scientific.vcat', backend: 'cpu' as const, namespace: 'consent', ...options };
      window.rec = gpc ? await window.security.createWithGpc(o) : await window.security.createRecommender(o);
      return (await window.rec.info()).consent;
    },
    [options, gpc] as const,
  );
const trackSome = (page: Page, ids: string[]) =>
  page.evaluate(async (ids) => {
    const stored = await Promise.all(ids.map((itemId, i) => window.rec.track({ type: i % 2 ? 'click' : 'view', itemId })));
    return stored.length;
  }, ids);
const exported = (page: Page) => page.evaluate(async () => (await window.rec.exportHistory()).events.map((e) => e.itemId));

test('consent required: nothing at all is written to the device before grantConsent() — no database, cache, localStorage or OPFS entry', async ({ page }) => {
  await openSecurity(page);
  const empty = { indexedDb: [], caches: [], localStorage: [], opfs: [] };
  expect(await page.evaluate(() => window.security.storageSnapshot())).toEqual(empty);
  const ids = await page.evaluate((url) => window.security.catalogIds(url, 6), SCIENTIFIC);
  await start(page, { consent: 'required' });
  await trackSome(page, ids.slice(0, 3));
  // Every kind of call that could write: recommendations, rails, search, info.
  await page.evaluate(async () => {
    await window.rec.recommend({ k: 5 });
    await window.rec.trending({ k: 5 });
    await window.rec.search('test', { k: 5 });
    await window.rec.info();
  });
  expect(await page.evaluate(() => window.security.storageSnapshot())).toEqual(empty);
  // Consent: the history database and the catalog cache appear now (the catalog kept in memory
  // is written at grant, not downloaded again).
  await page.evaluate(() => window.rec.grantConsent());
  const after = await page.evaluate(() => window.security.storageSnapshot());
  expect(after.indexedDb).toContain(HISTORY_DB);
  expect(after.caches.some((entry) => entry.endsWith('/catalogs/scientific.vcat'))).toBe(true);
  // Next visit, consent still pending: the cached catalog is read (a read, not a write) and nothing new appears.
  await page.evaluate(() => window.rec.dispose());
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const info = await page.evaluate(async () => {
    const o = { catalog: '/catalogs/scientific.vcat', backend: 'cpu' as const, namespace: 'consent', consent: 'required' as const };
    window.rec = await window.security.createRecommender(o);
    return window.rec.info();
  });
  expect(info.catalog.source).toBe('cache');
  expect(await page.evaluate(() => window.security.storageSnapshot())).toEqual(after);
  await page.evaluate(() => window.rec.revokeConsent());
  await page.evaluate(() => window.rec.dispose());
  recordCounts(test.info().title, { faults: 0, randomInputs: 0, eventsWritten: 0, eventsReadBack: 0 });
});

test('consent required: nothing reaches IndexedDB until grantConsent(); pre-consent events stay in this page only', async ({ page }) => {
  await openSecurity(page);
  const ids = await page.evaluate((url) => window.security.catalogIds(url, 12), SCIENTIFIC);
  expect(await start(page, { consent: 'required' })).toEqual({
    mode: 'required',
    state: 'pending',
    storing: false,
    globalPrivacyControl: undefined,
    respectGlobalPrivacyControl: false,
  });
  await trackSome(page, ids.slice(0, 4));
  // Kept in worker memory: they personalise this page (because names them) and export shows them…
  const pending = await page.evaluate(async () => ({
    info: (await window.rec.info()).history,
    because: (await window.rec.recommend({ k: 5 })).flatMap((r) => r.because ?? []).length,
  }));
  expect(pending.info).toMatchObject({ persistent: false, events: 4 });
  expect(pending.info.reason).toMatch(/consent/i);
  expect(pending.because).toBeGreaterThan(0);
  expect(await exported(page)).toEqual(ids.slice(0, 4));
  // …but no database exists.
  expect(await historyDbs(page)).toEqual([]);

  // A reload forgets them: nothing outlived the page.
  await page.evaluate(() => window.rec.dispose());
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  await start(page, { consent: 'required' });
  expect(await exported(page)).toEqual([]);
  await trackSome(page, ids.slice(4, 6));
  expect(await historyDbs(page)).toEqual([]);

  // Consent: the database appears now; the 2 events tracked before are not written.
  const granted = await page.evaluate(() => window.rec.grantConsent());
  expect(granted.consent).toMatchObject({ state: 'granted', storing: true });
  expect(granted.history).toMatchObject({ persistent: true, events: 0 });
  await trackSome(page, ids.slice(6, 9));
  expect(await historyDbs(page)).toContain(HISTORY_DB);
  expect(await exported(page)).toEqual(ids.slice(6, 9));

  // Next visit: still 'required', so the stored history is not even opened until consent is given again.
  await page.evaluate(() => window.rec.dispose());
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  expect((await start(page, { consent: 'required' })).state).toBe('pending');
  expect(await exported(page)).toEqual([]);
  await page.evaluate(() => window.rec.grantConsent());
  const readBack = await exported(page);
  expect(readBack).toEqual(ids.slice(6, 9));

  // Revoke: erased (database gone) and storing stops; later events stay in memory only.
  const revoked = await page.evaluate(() => window.rec.revokeConsent());
  expect(revoked.consent).toMatchObject({ state: 'revoked', storing: false });
  expect(revoked.history).toMatchObject({ persistent: false, events: 0 });
  expect(await historyDbs(page)).toEqual([]);
  expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('vitrine')))).toEqual([]);
  await trackSome(page, ids.slice(9, 12));
  expect(await historyDbs(page)).toEqual([]);
  expect(await exported(page)).toEqual(ids.slice(9, 12));
  await page.evaluate(() => window.rec.dispose());
  recordCounts(test.info().title, { eventsWritten: 3, eventsReadBack: readBack.length });
});

test('default consent and bad consent options', async ({ page }) => {
  await openSecurity(page);
  expect(await start(page, {})).toMatchObject({ mode: 'granted', state: 'granted', storing: true });
  await page.evaluate(() => window.rec.dispose());
  const bad = await page.evaluate(async () => {
    const out: Array<string | undefined> = [];
    for (const options of [{ consent: 'maybe' }, { consent: true }, { respectGlobalPrivacyControl: 'yes' }, { encryptHistory: 1 }]) {
      out.push(
        await window.security.createRecommender({ catalog: '/catalogs/scientific.vcat', backend: 'cpu', ...(options as object) }).then(
          (r) => (void r.dispose(), undefined),
          (e: { code?: string }) => e.code,
        ),
      );
    }
    return out;
  });
  expect(bad).toEqual(['OPTIONS_INVALID', 'OPTIONS_INVALID', 'OPTIONS_INVALID', 'OPTIONS_INVALID']);
  recordCounts(test.info().title, { randomInputs: bad.length });
});

test('Global Privacy Control pauses storing when the shop opts in; an explicit grantConsent() overrides it', async ({ page }) => {
  await openSecurity(page);
  const ids = await page.evaluate((url) => window.security.catalogIds(url, 6), SCIENTIFIC);
  // Chromium does not ship GPC: the real worker sees no signal at all.
  expect(await start(page, { respectGlobalPrivacyControl: true })).toMatchObject({ state: 'granted', globalPrivacyControl: undefined, storing: true });
  await page.evaluate(() => window.rec.eraseHistory().then(() => window.rec.dispose()));
  expect(await historyDbs(page)).toEqual([]);

  // The fixture worker defines navigator.globalPrivacyControl = true before the library runs.
  expect(await start(page, { namespace: 'gpc', respectGlobalPrivacyControl: true }, true)).toEqual({
    mode: 'granted',
    state: 'gpc',
    storing: false,
    globalPrivacyControl: true,
    respectGlobalPrivacyControl: true,
  });
  await trackSome(page, ids.slice(0, 3));
  expect(await historyDbs(page)).toEqual([]);
  expect((await page.evaluate(() => window.rec.info())).history.reason).toMatch(/Global Privacy Control/);
  const granted = await page.evaluate(() => window.rec.grantConsent());
  expect(granted.consent).toMatchObject({ state: 'granted', storing: true, globalPrivacyControl: true });
  await trackSome(page, ids.slice(3, 5));
  expect(await historyDbs(page)).toContain('vitrine-history:gpc');
  expect(await exported(page)).toEqual(ids.slice(3, 5));
  await page.evaluate(() => window.rec.eraseHistory().then(() => window.rec.dispose()));

  // Without the opt-in the signal is reported but not acted on (the shop's choice).
  expect(await start(page, { namespace: 'gpc-ignored' }, true)).toMatchObject({
    state: 'granted',
    storing: true,
    globalPrivacyControl: true,
    respectGlobalPrivacyControl: false,
  });
  await trackSome(page, ids.slice(5, 6));
  expect(await historyDbs(page)).toContain('vitrine-history:gpc-ignored');
  await page.evaluate(() => window.rec.dispose());
  recordCounts(test.info().title, { faults: 2, eventsWritten: 3, eventsReadBack: 2 });
});

test('revoke or erase before consent on a later visit deletes what earlier visits stored; a revoke in one tab stops storing in the others', async ({
  page,
  context,
}) => {
  await openSecurity(page);
  const ids = await page.evaluate((url) => window.security.catalogIds(url, 8), SCIENTIFIC);
  await start(page, { consent: 'required' });
  await page.evaluate(() => window.rec.grantConsent());
  await trackSome(page, ids.slice(0, 2));
  const other = await context.newPage();
  await openSecurity(other);
  await start(other, { consent: 'required' });
  await other.evaluate(() => window.rec.grantConsent());
  await trackSome(other, ids.slice(2, 3));
  expect(await exported(other)).toEqual(ids.slice(0, 3));

  // Later visit in the first tab: consent not (yet) given, the shopper revokes.
  await page.evaluate(() => window.rec.dispose());
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  await start(page, { consent: 'required' });
  expect((await page.evaluate(() => window.rec.revokeConsent())).consent.state).toBe('revoked');
  expect(await historyDbs(page)).toEqual([]);
  // The other tab heard it and stopped storing.
  await expect.poll(() => other.evaluate(async () => (await window.rec.info()).consent.state)).toBe('revoked');
  await trackSome(other, ids.slice(3, 5));
  expect(await historyDbs(other)).toEqual([]);
  expect(await exported(other)).toEqual(ids.slice(3, 5));
  // Its worker crashes and is restarted: the revoke holds (its own earlier grant is not replayed).
  await other.evaluate(() =>
    window.security
      .debugRemote(window.rec)!
      .debugCrash('close')
      .catch(() => undefined),
  );
  // A call that reaches the closing worker before the page notices rejects WORKER_CRASHED (the
  // documented contract for calls pending at a crash); the next one restarts it.
  await expect
    .poll(() =>
      other.evaluate(async () =>
        window.rec.info().then(
          (info) => info.consent.state,
          (e: Error & { code?: string }) => e.code,
        ),
      ),
    )
    .toBe('revoked');
  await trackSome(other, ids.slice(5, 6));
  expect(await historyDbs(other)).toEqual([]);
  await other.evaluate(() => window.rec.dispose());

  // eraseHistory() before consent deletes the earlier visits' database too.
  await page.evaluate(() => window.rec.grantConsent());
  await trackSome(page, ids.slice(5, 8));
  expect(await historyDbs(page)).toContain(HISTORY_DB);
  await page.evaluate(() => window.rec.dispose());
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  await start(page, { consent: 'required' });
  await page.evaluate(() => window.rec.eraseHistory());
  expect(await historyDbs(page)).toEqual([]);
  await page.evaluate(() => window.rec.dispose());
  recordCounts(test.info().title, { eventsWritten: 6, eventsReadBack: 3 });
});
