import { expect, type Page } from '@playwright/test';

export const RETAIL = '/catalogs/online-retail.vcat';
export const SCIENTIFIC = '/catalogs/scientific.vcat';

/** Opens the harness page, which puts the library on `window.harness`. */
export async function openHarness(page: Page): Promise<void> {
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[page error] ${message.text()}`);
  });
  await page.goto('/test/fixtures/index.html');
  await expect(page.locator('#status')).toHaveText('ready');
}
