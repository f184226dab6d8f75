import { expect, test, type Page } from '@playwright/test';

// The demo storefront played by a shopper, end to end, on the real Online Retail catalog.
async function openShop(page: Page): Promise<void> {
  await page.goto('/demo/');
  await expect(page.getByTestId('status')).toContainText('Backend:');
  await expect(page.getByTestId('for-you-item').first()).toBeVisible();
}
const titles = async (page: Page, testid: string): Promise<string[]> => page.getByTestId(testid).locator('a.title').allTextContents();

test('a shopper searches, views a kind of product, adds to cart; rails, search and explanations follow; export and erase work', async ({ page }) => {
  await openShop(page);
  const homeBefore = await titles(page, 'for-you-item');
  await page.screenshot({ path: 'test-results/screens/home-desktop.png', fullPage: false });

  await page.getByLabel('Search products').fill('bag');
  await page.getByLabel('Search products').press('Enter');
  await expect(page.getByTestId('results-item').first()).toBeVisible();
  const searchBefore = await titles(page, 'results-item');

  const viewed: string[] = [];
  for (const name of ['JUMBO BAG RED RETROSPOT', 'JUMBO BAG PINK POLKADOT', 'JUMBO BAG STRAWBERRY']) {
    await page.getByLabel('Search products').fill(name);
    await page.getByLabel('Search products').press('Enter');
    await page.getByTestId('results-item').filter({ hasText: name }).first().locator('a.title').click();
    await expect(page.getByTestId('product-title')).toHaveText(name);
    viewed.push(name);
  }
  await page.getByTestId('add-to-cart').click();
  await expect(page.getByTestId('cart-count')).toHaveText('1');
  await expect(page.getByTestId('similar-item').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/product-desktop.png', fullPage: false });
  const similar = await titles(page, 'similar-item');
  expect(similar.filter((t) => t.includes('BAG')).length).toBeGreaterThanOrEqual(3);

  await page.goto('/demo/#/');
  await expect(page.getByTestId('for-you-item').first()).toBeVisible();
  const homeAfter = await titles(page, 'for-you-item');
  expect(homeAfter).not.toEqual(homeBefore);
  expect(homeAfter.filter((t) => t.includes('BAG')).length).toBeGreaterThan(homeBefore.filter((t) => t.includes('BAG')).length);
  const why = page.getByTestId('for-you-item').filter({ hasText: 'BAG' }).first().getByTestId('why');
  await why.locator('summary').click();
  await expect(why.getByTestId('why-text')).toContainText('Because you viewed JUMBO BAG');

  await page.goto('/demo/#/search?q=bag');
  await expect(page.getByTestId('results-item').first()).toBeVisible();
  const searchAfter = await titles(page, 'results-item');
  expect(searchAfter).not.toEqual(searchBefore);
  await page.getByTestId('personalize').uncheck();
  await expect(page.getByRole('heading', { name: 'Plain text ranking' })).toBeVisible();

  await page.getByTestId('privacy-link').click();
  await expect(page.getByTestId('events')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/privacy-desktop.png', fullPage: false });
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = await (await download).path();
  const exported = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(file, 'utf8'))) as { events: Array<{ type: string; query?: string }> };
  const kinds = exported.events.map((e) => e.type);
  expect(kinds.filter((k) => k === 'view')).toHaveLength(3);
  expect(kinds.filter((k) => k === 'add_to_cart')).toHaveLength(1);
  expect(exported.events.filter((e) => e.type === 'search').map((e) => e.query)).toEqual(['bag', ...viewed]);

  await page.getByTestId('erase').click();
  await expect(page.getByTestId('no-events')).toBeVisible();
  await page.goto('/demo/#/');
  await expect(page.getByTestId('for-you-item').first()).toBeVisible();
  expect(await titles(page, 'for-you-item')).toEqual(homeBefore);
});

test('phone width: the shop stays usable', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openShop(page);
  await page.screenshot({ path: 'test-results/screens/home-phone.png', fullPage: false });
  await page.getByTestId('for-you-item').first().locator('a.title').click();
  await expect(page.getByTestId('product-title')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/product-phone.png', fullPage: false });
  await page.getByTestId('privacy-link').click();
  await expect(page.getByRole('heading', { name: 'Your data' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/privacy-phone.png', fullPage: false });
});
