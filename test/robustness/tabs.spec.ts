import { expect, test, type Page } from '@playwright/test';
import { recordCounts } from './counts.js';
import { openRobust, type Rec, SCIENTIFIC } from './helpers.js';

// Several tabs of one shop (pages of one browser context: one IndexedDB), each with its own
// worker, tracking at the same time. Every event must be stored exactly once and every tab's
// export must see all of them.
declare global {
  interface Window {
    tabRec: Rec;
  }
}
const PER_TAB = 100;

for (const tabs of [2, 5]) {
  test(`${tabs} tabs tracking concurrently: every event stored exactly once, every tab sees all`, async ({ page, context }) => {
    const pages: Page[] = [page, ...(await Promise.all(Array.from({ length: tabs - 1 }, () => context.newPage())))];
    const namespace = `tabs-${tabs}`;
    await Promise.all(pages.map((p) => openRobust(p)));
    for (const p of pages) {
      await p.evaluate(
        async ([url, namespace]) => {
          window.tabRec = await window.robust.createRecommender({ catalog: url, backend: 'cpu', namespace });
        },
        [SCIENTIFIC, namespace] as const,
      );
    }
    // Half in one burst (one transaction per batch), half one by one, all tabs at once.
    const seqs = await Promise.all(
      pages.map((p, tab) =>
        p.evaluate(
          async ([tab, n]) => {
            const burst = await Promise.all(Array.from({ length: n / 2 }, (_, i) => window.tabRec.track({ type: 'search', query: `tab${tab}-${i}` })));
            const single = [];
            for (let i = n / 2; i < n; i++) single.push(await window.tabRec.track({ type: 'search', query: `tab${tab}-${i}` }));
            return [...burst, ...single].map((e) => e.seq);
          },
          [tab, PER_TAB] as const,
        ),
      ),
    );
    const expected = pages.flatMap((_, tab) => Array.from({ length: PER_TAB }, (_, i) => `tab${tab}-${i}`)).sort();
    const exports = await Promise.all(pages.map((p) => p.evaluate(async () => (await window.tabRec.exportHistory()).events)));
    for (const events of exports) {
      expect(events.map((e) => e.query).sort()).toEqual(expected);
      expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    }
    // The seqs the tabs were given are the ones stored: nothing renumbered, nothing duplicated.
    expect(seqs.flat().sort((a, b) => a - b)).toEqual(exports[0]!.map((e) => e.seq).sort((a, b) => a - b));
    // BroadcastChannel brings every tab's in-memory history (its profile) up to date too.
    for (const p of pages) await expect.poll(() => p.evaluate(async () => (await window.tabRec.info()).history.events)).toBe(tabs * PER_TAB);
    await page.evaluate(async () => window.tabRec.eraseHistory());
    for (const p of pages) await p.evaluate(async () => window.tabRec.dispose());
    recordCounts(test.info().title, { faults: tabs, eventsWritten: tabs * PER_TAB, eventsReadBack: tabs * tabs * PER_TAB });
  });
}
