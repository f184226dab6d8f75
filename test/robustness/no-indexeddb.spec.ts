import { expect, test } from '@playwright/test';
import { recordCounts } from './counts.js';
import { openRobust, SCIENTIFIC } from './helpers.js';

// A browser without usable IndexedDB: the real worker starts behind a fixture entry that removes
// it (test/fixtures/workers/break-indexeddb.ts), injected through the `worker` option.
test.beforeEach(async ({ page }) => openRobust(page));

for (const mode of ['no-indexeddb', 'indexeddb-throws'] as const) {
  test(`${mode}: the recommender runs in memory and says why in info()`, async ({ page }) => {
    const result = await page.evaluate(
      async ([url, mode]) => {
        const ids = await window.robust.catalogIds(url, 3);
        const rec = await window.robust.createWithBrokenStorage(mode, { catalog: url, backend: 'cpu' });
        const before = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
        for (const itemId of ids) await rec.track({ type: 'view', itemId });
        const after = (await rec.recommend({ k: 5 })).map((r) => r.itemId);
        const info = await rec.info();
        const exported = (await rec.exportHistory()).events.map((e) => e.itemId);
        await rec.eraseHistory();
        const erased = (await rec.exportHistory()).events.length;
        await rec.dispose();
        return { ids, before, after, history: info.history, exported, erased, databases: (await indexedDB.databases()).map((d) => d.name) };
      },
      [SCIENTIFIC, mode] as const,
    );
    expect(result.history.persistent).toBe(false);
    expect(result.history.reason).toMatch(/IndexedDB unavailable/);
    expect(result.history.events).toBe(3);
    expect(result.exported).toEqual(result.ids);
    expect(result.after).not.toEqual(result.before);
    expect(result.erased).toBe(0);
    // Nothing reached the page's (working) IndexedDB either.
    expect(result.databases.filter((n) => n?.startsWith('vitrine'))).toEqual([]);
    recordCounts(test.info().title, { faults: 1, eventsWritten: 3, eventsReadBack: 3 });
  });
}
