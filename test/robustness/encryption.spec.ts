import { expect, test, type Page } from '@playwright/test';
import { recordCounts } from './counts.js';
import { openSecurity } from './security-helpers.js';

// encryptHistory: true — events are sealed with AES-GCM under a non-extractable key generated on
// the device and stored (as a CryptoKey) in IndexedDB. The test reads IndexedDB raw, as someone
// with the profile folder would, and finds no item id, event type or query in clear.
const QUERY = 'lunch bag for the secret picnic';
const TYPES = ['view', 'click', 'search', 'add_to_cart', 'purchase', 'favourite'] as const;

const track = (page: Page, ids: string[], options: Record<string, unknown>) =>
  page.evaluate(
    async ([ids, options, query, types]) => {
      window.rec = await window.security.createRecommender({ catalog: '/catalogs/online-retail.vcat', backend: 'cpu', ...options });
      const base = Date.now() - 10 * 60_000;
      const events = ids.map((itemId, i) => {
        const type = types[i % types.length]!;
        return type === 'search' ? { type, query, ts: base + i } : { type, itemId, ts: base + i };
      });
      await Promise.all(events.map((e) => window.rec.track(e)));
      const info = await window.rec.info();
      const exported = (await window.rec.exportHistory()).events.map(({ seq: _, ...e }) => e);
      const raw = window.security.rawText((await window.security.dumpIndexedDb())[`vitrine-history:${String(options.namespace)}`]);
      return { events, exported, raw, encrypted: info.history.encrypted };
    },
    [ids, options, QUERY, TYPES] as const,
  );
// The shop's real item ids (e.g. 85123A). Compared as whole tokens: a 5-digit id may well occur
// inside a 13-digit timestamp, which is stored in clear.
const CATALOG = '/catalogs/online-retail.vcat';
const leaks = (raw: string, ids: string[]): string[] => {
  const tokens = new Set(raw.split(/[^A-Za-z0-9_]+/));
  return [...ids, ...TYPES, 'lunch', 'picnic', 'itemId', 'query'].filter((s) => tokens.has(s));
};

test('stored events are ciphertext under a non-extractable device key; export is plaintext; reload reads them back; erase removes the key', async ({
  page,
}) => {
  await openSecurity(page);
  const ids = await page.evaluate((url) => window.security.catalogIds(url, 24), CATALOG);

  // Control: without encryption the same check finds everything in clear (the check can fail).
  const plain = await track(page, ids, { namespace: 'plain' });
  expect(plain.encrypted).toBe(false);
  expect(leaks(plain.raw, ids).length).toBeGreaterThan(ids.length);
  await page.evaluate(() => window.rec.eraseHistory().then(() => window.rec.dispose()));

  const sealed = await track(page, ids, { namespace: 'enc', encryptHistory: true });
  expect(sealed.encrypted).toBe(true);
  expect(leaks(sealed.raw, ids)).toEqual([]);
  expect(sealed.exported).toEqual(sealed.events);
  const key = await page.evaluate(async () => {
    const dump = await window.security.dumpIndexedDb();
    const stored = dump['vitrine-key:enc']!['keys']![0] as CryptoKey;
    const exported = await crypto.subtle.exportKey('raw', stored).then(
      () => 'exported',
      (e: Error) => e.name,
    );
    return {
      isKey: stored instanceof CryptoKey,
      extractable: stored.extractable,
      algorithm: stored.algorithm,
      usages: stored.usages,
      exported,
      records: dump['vitrine-history:enc']!['events']!.length,
    };
  });
  expect(key).toEqual({
    isKey: true,
    extractable: false,
    algorithm: { name: 'AES-GCM', length: 256 },
    usages: ['encrypt', 'decrypt'],
    exported: 'InvalidAccessError',
    records: ids.length,
  });

  // Next visit: a new worker reads them back with the stored key.
  await page.evaluate(() => window.rec.dispose());
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const back = await page.evaluate(async () => {
    window.rec = await window.security.createRecommender({ catalog: '/catalogs/online-retail.vcat', backend: 'cpu', namespace: 'enc', encryptHistory: true });
    return (await window.rec.exportHistory()).events.map(({ seq: _, ...e }) => e);
  });
  expect(back).toEqual(sealed.events);

  // A record moved in time (its clear `ts` edited on disk) no longer decrypts: left out, not misread.
  const tampered = await page.evaluate(async () => {
    await window.rec.dispose();
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open('vitrine-history:enc');
      open.onsuccess = () => resolve(open.result);
    });
    await new Promise<void>((resolve) => {
      const store = db.transaction('events', 'readwrite').objectStore('events');
      const first = store.openCursor();
      first.onsuccess = () => {
        const cursor = first.result!;
        cursor.update({ ...(cursor.value as { ts: number }), ts: (cursor.value as { ts: number }).ts + 1 });
        store.transaction.oncomplete = () => resolve();
      };
    });
    db.close();
    window.rec = await window.security.createRecommender({ catalog: '/catalogs/online-retail.vcat', backend: 'cpu', namespace: 'enc', encryptHistory: true });
    return (await window.rec.exportHistory()).events.map(({ seq: _, ...e }) => e);
  });
  expect(tampered).toEqual(sealed.events.slice(1));

  // Erase removes the history and the key.
  const left = await page.evaluate(async () => {
    await window.rec.eraseHistory();
    await window.rec.dispose();
    return (await window.security.databaseNames()).filter((n) => n.startsWith('vitrine'));
  });
  expect(left).toEqual([]);
  recordCounts(test.info().title, {
    faults: 1,
    eventsWritten: 2 * ids.length,
    eventsReadBack: plain.exported.length + sealed.exported.length + back.length + tampered.length,
  });
});
