import { expect, type Page } from '@playwright/test';

export const SCIENTIFIC = '/catalogs/scientific.vcat';
export const RETAIL = '/catalogs/online-retail.vcat';
export type Robust = Window['robust'];
export type Rec = Awaited<ReturnType<Robust['createRecommender']>>;

/** Opens the robustness harness, which puts the library and fault injectors on `window.robust`. */
export async function openRobust(page: Page): Promise<void> {
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[page error] ${message.text()}`);
  });
  await page.goto('/test/fixtures/robustness.html');
  await expect(page.locator('#status')).toHaveText('ready');
}
