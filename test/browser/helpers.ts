import { expect, type Page } from '@playwright/test';

export const RETAIL = '/catalogs/online-retail.vcat';
export const SCIENTIFIC = '/catalogs/scientific.vcat';
/** RETAIL trained the same way with `--index ivf`: the same items, stored in clusters. */
export const RETAIL_IVF = '/catalogs/online-retail-ivf.vcat';

/** Opens the harness page, which puts the library on `window.harness`. */
export async function openHarness(page: Page): Promise<void> {
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[page error] ${message.text()}`);
  });
  await page.goto('/test/fixtures/index.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

/** Scores agree within this between a backend and the plain-JS reference. */
const TOLERANCE = 1e-4;

interface Ranked {
  ids: string[];
  scores: number[];
}

/** Equal ids, or differing only where the reference itself has a near-tie; scores within tolerance. */
export function expectSameRanking(actual: Ranked, reference: Ranked, label: string): void {
  expect(actual.ids.length, label).toBe(reference.ids.length);
  actual.scores.forEach((score, i) => expect(Math.abs(score - reference.scores[i]!), `${label} score at rank ${i}`).toBeLessThan(TOLERANCE));
  actual.ids.forEach((id, i) => {
    if (id === reference.ids[i]) return;
    const neighbours = [reference.scores[i - 1], reference.scores[i + 1]].filter((s): s is number => s !== undefined);
    expect(
      neighbours.some((s) => Math.abs(s - reference.scores[i]!) < TOLERANCE),
      `${label}: rank ${i} differs without a near-tie`,
    ).toBe(true);
  });
}
