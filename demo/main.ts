// The Vitrine demo shop: every rail is computed in this browser from the shopper's own events.
// Product text comes from the catalog and is only ever set as text, never parsed as HTML.
import { createRecommender, type CatalogItem, type ReasonCode, type Recommendation, type Recommender } from 'vitrine';

const CATALOGS: Record<string, { url: string; currency: string; note: string }> = {
  'online-retail': {
    url: '/catalogs/online-retail.vcat',
    currency: 'GBP',
    note: 'UCI Online Retail: real products, prices and baskets of a UK gift shop (2010–2011).',
  },
  'amazon-beauty': { url: '/catalogs/amazon-beauty.vcat', currency: 'USD', note: 'Amazon Beauty reviews (5-core): real titles; no prices in the data.' },
};
const REASONS: Record<ReasonCode, string> = {
  popular: 'Popular with shoppers here.',
  trending: 'Selling fast right now.',
  new: 'New in the shop.',
  bought_together: 'Often bought together with this.',
  buy_again: 'You bought this before.',
  boosted: 'Featured by the shop.',
  pinned: 'Featured by the shop.',
  similar_item: 'Similar to this product.',
  search_match: 'Matches your search.',
  recently_viewed: 'You viewed this.',
  similar_to_viewed: 'Matches what you viewed.',
};
const PAUSE_KEY = 'vitrine-demo:paused';
const CART_KEY = 'vitrine-demo:cart';

type Child = Node | string | null | undefined | false;
function h(tag: string, props: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) el.setAttribute(key, value);
  for (const child of children) if (child) el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return el;
}

const main = document.querySelector<HTMLElement>('main')!;
const status = document.querySelector<HTMLElement>('[data-testid=status]')!;
const select = document.querySelector<HTMLSelectElement>('#catalog')!;
let rec: Recommender;
let shop = 'online-retail';
let lastCallMs = 0;
let backend = '…';
let itemCount = 0;

const isPaused = (): boolean => localStorage.getItem(PAUSE_KEY) === '1';
const cart = (): string[] => JSON.parse(localStorage.getItem(CART_KEY) ?? '[]') as string[];
const setCart = (ids: string[]): void => {
  localStorage.setItem(CART_KEY, JSON.stringify(ids));
  document.querySelector('[data-testid=cart-count]')!.textContent = String(ids.length);
};

/** Times every recommendation call for the status strip. */
async function timed<T>(run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await run();
  } finally {
    lastCallMs = performance.now() - start;
    renderStatus();
  }
}

function renderStatus(): void {
  status.textContent = `Backend: ${backend} · catalog: ${itemCount.toLocaleString()} products · last recommendation call: ${lastCallMs.toFixed(1)} ms${isPaused() ? ' · tracking paused' : ''}`;
}

async function track(event: Parameters<Recommender['track']>[0]): Promise<void> {
  if (isPaused()) return;
  await rec.track(event);
}

function initials(title: string): string {
  return (
    title
      .split(/\s+/)
      .filter((w) => /^[\p{L}\p{N}]/u.test(w))
      .slice(0, 2)
      .map((w) => [...w][0]!.toUpperCase())
      .join('') || '?'
  );
}
function colour(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 45% 38%)`;
}
function thumb(item: CatalogItem): HTMLElement {
  const el = h('div', { class: 'thumb', role: 'img', 'aria-label': `Placeholder picture for ${item.title ?? item.id}` }, initials(item.title ?? item.id));
  el.style.background = colour(item.id);
  return el;
}
function price(item: CatalogItem): string {
  return item.price === undefined ? '' : new Intl.NumberFormat('en-GB', { style: 'currency', currency: CATALOGS[shop]!.currency }).format(item.price);
}
const titleOf = (item: CatalogItem): string => item.title ?? `Item ${item.id}`;

async function whyText(r: Recommendation): Promise<string> {
  if (!r.because || r.because.length === 0) {
    return REASONS[r.reason];
  }
  const items = await rec.items(r.because.map((b) => b.itemId));
  const names = items.map((item, i) => (item ? titleOf(item) : r.because![i]!.itemId));
  if (r.reason === 'bought_together') return `Often bought together with ${names.join(', ')}.`;
  return `Because you viewed ${names.map((name, i) => `${name} (${Math.round(r.because![i]!.weight * 100)}%)`).join(', ')}.`;
}

function card(r: Recommendation | { item: CatalogItem }, testid: string): HTMLElement {
  const { item } = r;
  // A click on a recommendation counts more than a plain view (the feedback loop): say where it came from.
  const link = h('a', { class: 'title', href: `#/p/${encodeURIComponent(item.id)}${'reason' in r ? '?from=rec' : ''}` }, titleOf(item));
  const children: Child[] = [thumb(item), link, item.price !== undefined && h('span', { class: 'price' }, price(item))];
  if ('reason' in r) {
    const summary = h('summary', {}, 'Why this?');
    const text = h('p', { 'data-testid': 'why-text' });
    const details = h('details', { class: 'why', 'data-testid': 'why' }, summary, text);
    details.addEventListener('toggle', () => {
      if ((details as HTMLDetailsElement).open && !text.textContent) void whyText(r).then((t) => (text.textContent = t));
    });
    children.push(details);
  }
  return h('li', { class: 'card', 'data-testid': testid, 'data-item-id': item.id }, ...children);
}

function rail(title: string, testid: string, list: Array<Recommendation | { item: CatalogItem }>, empty: string): HTMLElement {
  return h(
    'section',
    { 'aria-label': title },
    h('h2', {}, title),
    list.length === 0 ? h('p', { class: 'empty' }, empty) : h('ul', { class: 'rail', 'data-testid': testid }, ...list.map((r) => card(r, `${testid}-item`))),
  );
}

/** The For-you cards shown are impressions: shown again and again without a click, they sink. */
function trackImpressions(list: Recommendation[]): void {
  for (const r of list) void track({ type: 'impression', itemId: r.item.id });
}

async function renderHome(): Promise<void> {
  const [forYou, trending, recent, fresh, again] = await timed(() =>
    Promise.all([rec.recommend({ k: 12 }), rec.trending({ k: 6 }), rec.recentlyViewed({ k: 6 }), rec.newArrivals({ k: 6 }), rec.buyItAgain({ k: 6 })]),
  );
  main.replaceChildren(
    h('h1', {}, 'For you'),
    h('p', { class: 'empty' }, CATALOGS[shop]!.note),
    rail('Recommended for you', 'for-you', forYou, ''),
    ...(again.length > 0 ? [rail('Buy it again', 'again', again, '')] : []),
    rail('Trending now', 'trending', trending, ''),
    rail('Recently viewed', 'recent', recent, 'Nothing yet: open a product.'),
    rail('New in the shop', 'new', fresh, 'No new products.'),
  );
  trackImpressions(forYou);
}

async function renderProduct(id: string, fromRecommendation: boolean): Promise<void> {
  const [item] = await rec.items([id]);
  if (!item) {
    main.replaceChildren(h('h1', {}, 'Product not found'));
    return;
  }
  await track({ type: 'view', itemId: id, ...(fromRecommendation ? { fromRecommendation } : {}) });
  const [alike, together, forYou] = await timed(() =>
    Promise.all([rec.similar(id, { k: 6 }), rec.complements([id], { k: 4 }), rec.recommend({ k: 6, exclude: [id] })]),
  );
  const add = h('button', { type: 'button', 'data-testid': 'add-to-cart' }, 'Add to cart');
  add.addEventListener('click', () => {
    setCart([...cart(), id]);
    void track({ type: 'add_to_cart', itemId: id });
    add.textContent = 'Added ✓';
  });
  const fav = h('button', { type: 'button', class: 'secondary', 'data-testid': 'favourite' }, '♡ Favourite');
  fav.addEventListener('click', () => {
    void track({ type: 'favourite', itemId: id });
    fav.textContent = '♥ Favourited';
  });
  main.replaceChildren(
    h(
      'div',
      { class: 'product' },
      thumb(item),
      h(
        'div',
        {},
        h('h1', { 'data-testid': 'product-title' }, titleOf(item)),
        h('p', { class: 'price' }, price(item)),
        h('div', { class: 'actions' }, add, fav),
      ),
    ),
    rail('Similar items', 'similar', alike, ''),
    rail('Frequently bought together', 'together', together, 'No baskets with this product yet.'),
    rail('Because you viewed…', 'because', forYou, ''),
  );
}

async function renderSearch(query: string, personalize: boolean): Promise<void> {
  const results = await timed(() => rec.search(query, { k: 24, personalize }));
  const toggle = h('input', { type: 'checkbox', id: 'personal', 'data-testid': 'personalize' }) as HTMLInputElement;
  toggle.checked = personalize;
  toggle.addEventListener('change', () => (location.hash = `#/search?q=${encodeURIComponent(query)}${toggle.checked ? '' : '&plain=1'}`));
  main.replaceChildren(
    h('h1', {}, `Results for “${query}”`),
    h('div', { class: 'toggle' }, toggle, h('label', { for: 'personal' }, 'Personalise the order with my on-device profile')),
    rail(personalize ? 'Personalised ranking' : 'Plain text ranking', 'results', results, 'No products match.'),
  );
}

async function renderCart(): Promise<void> {
  const ids = cart();
  const items = (await rec.items(ids)).filter((i): i is CatalogItem => i !== null);
  const checkout = h('button', { type: 'button', 'data-testid': 'checkout' }, 'Check out');
  checkout.addEventListener('click', async () => {
    for (const item of items) await track({ type: 'purchase', itemId: item.id });
    setCart([]);
    main.replaceChildren(h('h1', {}, 'Thank you!'), h('p', {}, 'Your order is recorded on this device only.'));
  });
  const addOns = items.length > 0 ? await timed(() => rec.complements(ids, { k: 4 })) : [];
  main.replaceChildren(
    h('h1', {}, 'Your cart'),
    rail(
      'In your cart',
      'cart',
      items.map((item) => ({ item })),
      'Your cart is empty.',
    ),
    ...(items.length > 0 ? [checkout, rail('Complete your basket', 'complements', addOns, '')] : []),
  );
}

async function renderPrivacy(): Promise<void> {
  const { events } = await rec.exportHistory();
  const info = await rec.info();
  const table = h(
    'table',
    { 'data-testid': 'events' },
    h('caption', { class: 'visually-hidden' }, 'Events stored on this device'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Item or query'))),
    h(
      'tbody',
      {},
      ...events
        .slice()
        .reverse()
        .map((e) => h('tr', {}, h('td', {}, new Date(e.ts).toLocaleString()), h('td', {}, e.type), h('td', {}, e.query ?? e.itemId ?? ''))),
    ),
  );
  const exportButton = h('button', { type: 'button', 'data-testid': 'export' }, 'Download my data (JSON)');
  exportButton.addEventListener('click', async () => {
    const blob = new Blob([JSON.stringify(await rec.exportHistory(), null, 2)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: 'vitrine-history.json' });
    a.click();
    URL.revokeObjectURL(a.getAttribute('href')!);
  });
  const erase = h('button', { type: 'button', class: 'secondary', 'data-testid': 'erase' }, 'Erase everything');
  erase.addEventListener('click', async () => {
    await rec.eraseHistory();
    localStorage.removeItem(CART_KEY);
    setCart([]);
    await renderPrivacy();
  });
  const pause = h('input', { type: 'checkbox', id: 'pause', 'data-testid': 'pause' }) as HTMLInputElement;
  pause.checked = isPaused();
  pause.addEventListener('change', () => {
    if (pause.checked) localStorage.setItem(PAUSE_KEY, '1');
    else localStorage.removeItem(PAUSE_KEY);
    renderStatus();
  });
  main.replaceChildren(
    h('h1', {}, 'Your data'),
    h(
      'p',
      {},
      `Everything below is stored only in this browser (${info.history.persistent ? 'IndexedDB' : 'memory only: ' + (info.history.reason ?? '')}). Recommendations are computed here, on ${info.backend}; no event ever leaves this device.`,
    ),
    h('div', { class: 'toggle' }, pause, h('label', { for: 'pause' }, 'Pause tracking (nothing new is recorded)')),
    h('div', { class: 'actions' }, exportButton, erase),
    h('h2', {}, `${events.length} events stored`),
    events.length === 0 ? h('p', { class: 'empty', 'data-testid': 'no-events' }, 'Nothing stored.') : table,
  );
}

async function route(): Promise<void> {
  const hash = location.hash.slice(1) || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  try {
    if (path!.startsWith('/p/')) await renderProduct(decodeURIComponent(path!.slice(3)), params.get('from') === 'rec');
    else if (path === '/search') await renderSearch(params.get('q') ?? '', params.get('plain') !== '1');
    else if (path === '/cart') await renderCart();
    else if (path === '/privacy') await renderPrivacy();
    else await renderHome();
    main.dataset.ready = hash;
  } catch (error) {
    main.replaceChildren(h('h1', {}, 'Something went wrong'), h('p', {}, String(error)));
  }
}

async function start(): Promise<void> {
  shop = new URLSearchParams(location.search).get('shop') ?? 'online-retail';
  if (!(shop in CATALOGS)) shop = 'online-retail';
  select.value = shop;
  const recommender = await createRecommender({
    catalog: CATALOGS[shop]!.url,
    namespace: `demo-${shop}`,
    onProgress: (p) => {
      if (p.status === 'progress') status.textContent = `Downloading catalog… ${Math.round(p.loaded / 1024)} KiB`;
      else status.textContent = `Starting: ${p.status}…`;
    },
  });
  rec = recommender;
  const info = await rec.info();
  const label: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', simd: 'WebAssembly SIMD', wasm: 'WASM (tfjs)', cpu: 'CPU' };
  backend = `${label[info.backend] ?? info.backend} (${info.reason})`;
  itemCount = info.catalog.items;
  setCart(cart());
  renderStatus();
  await route();
}

document.querySelector('[data-testid=search-form]')!.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = (document.querySelector<HTMLInputElement>('#q')!.value ?? '').trim();
  if (!q) return;
  // A search is tracked when the shopper submits it, not when the results page re-renders.
  void track({ type: 'search', query: q });
  location.hash = `#/search?q=${encodeURIComponent(q)}`;
});
select.addEventListener('change', () => {
  location.search = `?shop=${select.value}`;
});
window.addEventListener('hashchange', () => void route());
void start().catch((error: unknown) => {
  status.textContent = `Could not start: ${error instanceof Error ? error.message : String(error)}`;
});
