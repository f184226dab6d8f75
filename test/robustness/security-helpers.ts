import { expect, type Page } from '@playwright/test';

export const SCIENTIFIC = '/catalogs/scientific.vcat';
export type Security = Window['security'];
export type Rec = Awaited<ReturnType<Security['createRecommender']>>;
declare global {
  interface Window {
    /** The recommender a spec is driving, kept between page.evaluate calls. */
    rec: Rec;
  }
}

/** Opens the security harness (library, test hooks, raw storage readers on `window.security`). */
export async function openSecurity(page: Page): Promise<void> {
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[page error] ${message.text()}`);
  });
  await page.goto('/test/fixtures/security/security.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

/** The typed error a promise rejects with, as plain data. */
export const errorOf = async (p: Promise<unknown>): Promise<{ name: string; code?: string } | null> =>
  p.then(
    () => null,
    (e: Error & { code?: string }) => ({ name: e.name, code: e.code }),
  );
