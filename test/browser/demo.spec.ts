import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

// The demo storefront played by a shopper, end to end, on the real Online Retail catalog.
async function openShop(page: Page): Promise<void> {
  await page.goto('/demo/');
  await expect(page.getByTestId('status')).toContainText('Backend:');
  await expect(page.getByTestId('for-you-item').first()).toBeVisible();
}
const titles = async (page: Page, testid: string): Promise<string[]> => page.getByTestId(testid).locator('a.title').allTextContents();
const itemIds = async (page: Page, testid: string): Promise<string[]> =>
  page.getByTestId(testid).evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item-id')!));

/** axe-core on the page as rendered: no serious or critical violation (WCAG 2.1 A/AA rules). */
async function expectAccessible(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`),
    `${label}: accessibility`,
  ).toEqual([]);
}

test('a shopper searches, views a kind of product, adds to cart; rails, search and explanations follow; export and erase work', async ({ page }) => {
  await openShop(page);
  const homeBefore = await titles(page, 'for-you-item');
  const shownForYou = new Set(await itemIds(page, 'for-you-item'));
  await expect(page.getByTestId('trending-item').first()).toBeVisible();
  await expect(page.getByTestId('new-item').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/home-desktop.png', fullPage: false });
  await expectAccessible(page, 'home');

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
  // Bought together comes from the catalog's real baskets, not from embedding similarity.
  const together = await titles(page, 'together-item');
  expect(together.length).toBeGreaterThan(0);
  expect(together).not.toEqual(similar.slice(0, together.length));
  const togetherWhy = page.getByTestId('together-item').first().getByTestId('why');
  await togetherWhy.locator('summary').click();
  await expect(togetherWhy.getByTestId('why-text')).toHaveText('Often bought together with JUMBO BAG STRAWBERRY.');
  await expectAccessible(page, 'product page');

  await page.getByTestId('cart-link').click();
  await expect(page.getByTestId('cart-item')).toHaveCount(1);
  await expect(page.getByTestId('complements-item').first()).toBeVisible();

  await page.goto('/demo/#/');
  await expect(page.getByTestId('for-you-item').first()).toBeVisible();
  const homeAfter = await titles(page, 'for-you-item');
  for (const id of await itemIds(page, 'for-you-item')) shownForYou.add(id);
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
  await expectAccessible(page, 'privacy panel');
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = await (await download).path();
  const exported = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(file, 'utf8'))) as {
    events: Array<{ type: string; query?: string; itemId?: string }>;
  };
  const kinds = exported.events.map((e) => e.type);
  expect(kinds.filter((k) => k === 'view')).toHaveLength(3);
  expect(kinds.filter((k) => k === 'add_to_cart')).toHaveLength(1);
  // Impressions: exactly the For-you cards shown on the two home visits, nothing else.
  const impressions = exported.events.filter((e) => e.type === 'impression').map((e) => e.itemId!);
  expect(impressions).toHaveLength(homeBefore.length + homeAfter.length);
  expect(impressions.every((id) => shownForYou.has(id))).toBe(true);
  expect(new Set(kinds)).toEqual(new Set(['view', 'add_to_cart', 'search', 'impression']));
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
  await expectAccessible(page, 'home (phone)');
  // Keyboard only: Tab to the first recommended product and open it with Enter.
  const first = page.getByTestId('for-you-item').first().locator('a.title');
  for (let i = 0; i < 40 && !(await first.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('product-title')).toBeVisible();
  await expect(page.getByTestId('similar-item').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/product-phone.png', fullPage: false });
  await expectAccessible(page, 'product page (phone)');
  await page.getByTestId('privacy-link').click();
  await expect(page.getByRole('heading', { name: 'Your data' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/privacy-phone.png', fullPage: false });
  await expectAccessible(page, 'privacy panel (phone)');
  // Nothing scrolls sideways at phone width.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
