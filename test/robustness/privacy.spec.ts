import { expect, test, type Request } from '@playwright/test';
import { recordCounts } from './counts.js';

// Privacy by construction: every request the page and its worker make during a whole shopping
// session on the demo is recorded (context-level events include dedicated-worker fetches), and
// none may carry what the shopper did. The demo runs on vite's dev server, so the page's own
// code arrives as /src, /node_modules/.vite and /@vite modules; a built shop serves dist/ instead.
const CATALOG = '/catalogs/online-retail.vcat';
/** Query parameters vite adds to module URLs; anything else in a query string is a leak. */
const VITE_QUERY: Record<string, RegExp> = { v: /^[0-9a-f]{8}$/, t: /^\d+$/, import: /^$/, url: /^$/, worker_file: /^$/, type: /^module$/, direct: /^$/ };
const OWN_PATHS = /^\/(demo\/|src\/|node_modules\/|@vite\/|@id\/|@fs\/|catalogs\/online-retail\.vcat$|favicon\.ico$)/;

test('a whole shopping session sends nothing about the shopper: only same-origin GETs of code and the catalog', async ({ page, context }) => {
  const requests: Request[] = [];
  context.on('request', (r) => requests.push(r));
  const socketFrames: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => socketFrames.push(String(f.payload))));

  // The session: home → search → product → add to cart → another product → favourite → cart → checkout.
  await page.goto('/demo/');
  await expect(page.getByTestId('for-you-item').first()).toBeVisible();
  const search = page.getByLabel('Search products');
  await search.fill('lunch bag');
  await search.press('Enter');
  const first = page.getByTestId('results-item').first();
  await expect(first).toBeVisible();
  const firstId = (await first.getAttribute('data-item-id'))!;
  await first.locator('a.title').click();
  await expect(page.getByTestId('product-title')).toBeVisible();
  await page.getByTestId('add-to-cart').click();
  const similar = page.getByTestId('similar-item').first();
  await expect(similar).toBeVisible();
  const secondId = (await similar.getAttribute('data-item-id'))!;
  await similar.locator('a.title').click();
  await expect(page).toHaveURL(new RegExp(`#/p/${encodeURIComponent(secondId)}(\\?from=rec)?$`));
  await page.getByTestId('favourite').click();
  await page.getByTestId('add-to-cart').click();
  await page.getByTestId('cart-link').click();
  await expect(page.getByTestId('cart-item')).toHaveCount(2);
  await page.getByTestId('checkout').click();
  await expect(page.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  // The events really were recorded on the device, so there was something to leak.
  const stored = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('vitrine-history:demo-online-retail');
        open.onsuccess = () => {
          const count = open.result.transaction('events').objectStore('events').count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
  expect(stored).toBeGreaterThanOrEqual(7);

  const origin = new URL(page.url()).origin;
  const secrets = ['lunch bag', 'lunch+bag', 'lunch%20bag', firstId, secondId, 'demo-online-retail'];
  const offending: string[] = [];
  for (const r of requests) {
    const url = new URL(r.url());
    const why: string[] = [];
    if (url.protocol === 'data:' || url.protocol === 'blob:') continue;
    if (r.method() !== 'GET') why.push(`method ${r.method()}`);
    if (r.postData() !== null) why.push('has a body');
    if (url.origin !== origin) why.push('other origin');
    if (!OWN_PATHS.test(url.pathname)) why.push('unexpected path');
    for (const [key, value] of url.searchParams) if (!VITE_QUERY[key]?.test(value)) why.push(`query ${key}=${value}`);
    const headers = JSON.stringify(await r.allHeaders()).toLowerCase();
    const text = decodeURIComponent(url.pathname + url.search).toLowerCase();
    for (const s of secrets) if (text.includes(s.toLowerCase()) || headers.includes(s.toLowerCase())) why.push(`carries "${s}"`);
    if (headers.includes('"cookie"')) why.push('sends a cookie');
    if (why.length > 0) offending.push(`${r.method()} ${r.url()}: ${why.join(', ')}`);
  }
  expect(offending).toEqual([]);
  // Hash navigation (#/search?q=…, #/p/<id>) never reached the network: one document load only.
  expect(requests.filter((r) => r.resourceType() === 'document').map((r) => new URL(r.url()).pathname)).toEqual(['/demo/']);
  // Vite's reload socket is the only other channel; it must carry nothing of the session either.
  for (const frame of socketFrames) for (const s of secrets) expect(frame).not.toContain(s);
  // The worker's own fetch was seen (so worker traffic is covered) and the catalog is the only data.
  const catalogRequests = requests.filter((r) => new URL(r.url()).pathname === CATALOG);
  expect(catalogRequests.length).toBeGreaterThanOrEqual(1);
  expect(catalogRequests.length).toBeLessThanOrEqual(2);
  console.log(
    `privacy: ${requests.length} requests checked (${catalogRequests.length} catalog), ${socketFrames.length} socket frames, ${stored} events kept on the device`,
  );
  recordCounts(test.info().title, { faults: 0, eventsWritten: stored });
});
