import { expect, test } from '@playwright/test';
import { encodeCatalog } from '../../src/catalog/codec.js';
import type { CatalogItem } from '../../src/shared/api-types.js';
import { recordCounts } from './counts.js';
import { openRobust } from './helpers.js';

// Hostile product data: a catalog whose metadata holds markup and script. The library must hand
// it back as plain strings and the demo must render it as text. The catalog is built here with
// encodeCatalog and served in place of the demo's own (the worker's fetch is routed), so the
// real storefront renders it with no test-only code in the demo.
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1"> bag',
  '<script>window.__pwned=2</script> bag',
  '"><svg onload="window.__pwned=3"> bag',
  '\'><iframe src="javascript:window.__pwned=4"></iframe> bag',
  '{{constructor.constructor("window.__pwned=5")()}} bag',
  '${window.__pwned=6} bag',
  '</title><style>*{display:none}</style> bag',
  '\u202Egab elbissop\u202C <b onmouseover="window.__pwned=7">bold</b> bag',
];
const N = 40;
const DIM = 8;

function hostileItems(): Array<Partial<CatalogItem> & { id: string }> {
  return Array.from({ length: N }, (_, i) => ({
    id: i % 5 === 0 ? `"><img src=x onerror=window.__pwned=${10 + i}>${i}` : `sku-${i}`,
    title: PAYLOADS[i % PAYLOADS.length]!,
    price: 1 + i,
    category: `<b onclick="window.__pwned=8">Bags ${i % 3}</b>`,
    brand: '<script>window.__pwned=9</script>',
    image: 'javascript:window.__pwned=10',
  }));
}

test('markup and script in catalog metadata come back as plain strings and the demo renders them as text', async ({ page, context }) => {
  const items = hostileItems();
  // Seeded, deterministic vectors: rows cluster in pairs so that "similar" rails are non-trivial.
  const vectors = Float32Array.from({ length: N * DIM }, (_, k) => Math.sin((Math.floor(k / DIM / 2) + 1) * ((k % DIM) + 1)));
  const bytes = await encodeCatalog({ ids: items.map((i) => i.id), vectors, dim: DIM, items, modelId: 'hostile', createdAt: '2024-01-01T00:00:00.000Z' });
  await context.route('**/catalogs/online-retail.vcat', (route) => route.fulfill({ body: Buffer.from(bytes), contentType: 'application/octet-stream' }));
  const dialogs: string[] = [];
  page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
  const stray: string[] = [];
  context.on('request', (r) => {
    if (/\/x$|javascript:/.test(r.url())) stray.push(r.url());
  });

  // 1. The library: every field exactly as written, as a string.
  await openRobust(page);
  const fromLibrary = await page.evaluate(
    async (ids) => {
      const rec = await window.robust.createRecommender({ catalog: '/catalogs/online-retail.vcat', backend: 'cpu', namespace: 'hostile' });
      const got = await rec.items(ids);
      const searched = (await rec.search('bag', { k: 40 })).map((r) => r.item.title);
      await rec.eraseHistory();
      await rec.dispose();
      return { got, searched };
    },
    items.map((i) => i.id),
  );
  expect(fromLibrary.got).toEqual(items);
  expect(new Set(fromLibrary.searched)).toEqual(new Set(PAYLOADS));

  // 2. The demo storefront: home rails, search, product page, cart, explanations, privacy page.
  await page.goto('/demo/');
  await expect(page.getByTestId('for-you-item').first()).toBeVisible();
  const homeTitles = await page.locator('main a.title').allTextContents();
  expect(homeTitles.length).toBeGreaterThan(0);
  for (const t of homeTitles) expect(PAYLOADS).toContain(t);
  await page.getByLabel('Search products').fill('bag');
  await page.getByLabel('Search products').press('Enter');
  await expect(page.getByTestId('results-item').first()).toBeVisible();
  const resultTitles = await page.getByTestId('results-item').locator('a.title').allTextContents();
  for (const t of resultTitles) expect(PAYLOADS).toContain(t);
  expect(new Set([...homeTitles, ...resultTitles]).size).toBeGreaterThanOrEqual(PAYLOADS.length - 2);
  const hostileCard = page.locator('[data-testid=results-item][data-item-id^="\\"><img"]').first();
  const hostileId = (await hostileCard.getAttribute('data-item-id'))!;
  expect(items.map((i) => i.id)).toContain(hostileId);
  await hostileCard.locator('a.title').click();
  await expect(page.getByTestId('product-title')).toHaveText(items.find((i) => i.id === hostileId)!.title!);
  await page.getByTestId('add-to-cart').click();
  await page.getByTestId('favourite').click();
  await page.goto('/demo/#/');
  const why = page.getByTestId('for-you-item').first().getByTestId('why');
  await why.locator('summary').click();
  await expect(why.getByTestId('why-text')).not.toBeEmpty();
  await page.getByTestId('cart-link').click();
  await expect(page.getByTestId('cart-item')).toHaveCount(1);
  await page.getByTestId('privacy-link').click();
  await expect(page.getByTestId('events')).toContainText(hostileId);

  // Nothing ran, nothing was parsed as markup, nothing was fetched from the payloads.
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(await page.locator('main img, main script, main svg, main iframe, main style, main b').count()).toBe(0);
  expect(dialogs).toEqual([]);
  expect(stray).toEqual([]);
  recordCounts(test.info().title, { randomInputs: PAYLOADS.length + N / 5 + 3 });
});
