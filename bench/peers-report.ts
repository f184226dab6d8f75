// Tables and the plot for bench/peers.ts (bench/results/peers.md, peers.svg).

export interface WireBytes {
  raw: number;
  gzip: number;
  brotli: number;
}

export interface PeerRow {
  set: string;
  peer: string;
  kind: string;
  items: number;
  dim: number;
  queries: number;
  queryP50Ms: number | null;
  queryP95Ms: number | null;
  /** Index build on the device (Vitrine: start-up to the first answer); null when it did not finish. */
  buildMs: number | null;
  buildWhat: string;
  complete: boolean;
  recallAt100: number | null;
  /** Growth of the page's and its workers' memory (measureUserAgentSpecificMemory) over the peer's life. */
  memoryBytes: number | null;
  /** WebAssembly linear memory the peer held after its build. */
  wasmBytes?: number;
  /** What a shop serves: the library's files and the data (catalog / vectors + ids / index). */
  shipBytes: { library: WireBytes; data: WireBytes } | null;
  note?: string;
}

export interface PeersResult {
  date: string;
  command: string;
  machine: Record<string, unknown>;
  settings: { k: number; queries: number; buildBudgetS: number; wallSeconds: number };
  sets: Array<{ name: string; items: number; dim: number; source: string }>;
  notes: string[];
  rows: PeerRow[];
  /** Where one `similar(id, { k: 100 })` call's time goes, at 100k int8. */
  breakdown: {
    set: string;
    items: number;
    dtype: string;
    totalP50Ms: number;
    kernelP50Ms: number | null;
    roundTripP50Ms: number;
    cloneP50Ms: number;
    resultJsonBytes: number;
    /** The same calls with `{ lean: true }` (ids + transferred scores, no result objects). */
    leanP50Ms?: number;
  } | null;
  versions: Record<string, string>;
}

const ms = (x: number | null): string => (x === null ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (b: number | null | undefined): string => (b == null ? '—' : `${(b / 1e6).toFixed(b >= 1e7 ? 0 : 1)}`);
const buildText = (r: PeerRow): string =>
  r.buildMs === null ? '—' : r.buildMs >= 10_000 ? `${(r.buildMs / 1000).toFixed(1)} s` : `${r.buildMs.toFixed(0)} ms`;

/** Per session: start-up or build (or download + load) plus 100 queries at the p50. */
export const sessionMs = (r: PeerRow): number | null => (r.buildMs === null || r.queryP50Ms === null ? null : r.buildMs + 100 * r.queryP50Ms);

export function peersMarkdown(result: PeersResult): string {
  const out: string[] = [];
  out.push(
    `Made by \`${result.command}\` on ${result.date}: ${String(result.machine.cpu)}, ${String(result.machine.cores)} cores (a shared VM: other engineers ran tests on it at the same time), ${String(result.machine.browser).replace(/^.*?(Chrome\/[\d.]+).*$/, 'Chromium $1')} headless. Top-${result.settings.k}, ${result.settings.queries} queries per set, one at a time; build budget ${result.settings.buildBudgetS} s.`,
  );
  for (const set of result.sets) {
    const rows = result.rows.filter((r) => r.set === set.name);
    out.push(`\n### ${set.name} (${set.items.toLocaleString('en')} × ${set.dim})\n\n${set.source}.\n`);
    out.push(
      '| peer | method | query p50 / p95 ms | build on device | recall@100 | memory MB | ships: library + data, brotli (raw) | session: build + 100 queries |',
    );
    out.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const ship = r.shipBytes
        ? `${(r.shipBytes.library.brotli / 1e3).toFixed(0)} KB + ${mb(r.shipBytes.data.brotli)} MB (${mb(r.shipBytes.library.raw + r.shipBytes.data.raw)} MB)`
        : '—';
      const q = r.queryP50Ms === null ? '—' : `${ms(r.queryP50Ms)} / ${ms(r.queryP95Ms)}`;
      const session = sessionMs(r);
      const recall = r.recallAt100 === null ? '—' : r.recallAt100.toFixed(3);
      out.push(
        `| ${r.peer} | ${r.kind}${r.note ? ` — ${r.note}` : ''} | ${q} | ${buildText(r)} | ${recall} | ${mb(r.memoryBytes)} | ${ship} | ${session === null ? '—' : session >= 10_000 ? `${(session / 1000).toFixed(1)} s` : `${session.toFixed(0)} ms`} |`,
      );
    }
  }
  const b = result.breakdown;
  if (b) {
    const rest = b.totalP50Ms - (b.kernelP50Ms ?? 0) - b.roundTripP50Ms;
    out.push(`\n### Where Vitrine's \`similar(id, { k: 100 })\` goes (${b.set}, ${b.dtype})\n`);
    out.push('| part | p50 ms | how |');
    out.push('|---|---:|---|');
    out.push(`| the whole call, page → page | ${ms(b.totalP50Ms)} | as in the table |`);
    out.push(`| kernel (scan + top-k + re-score) | ${ms(b.kernelP50Ms)} | \`SimdScorer.similar\` called in a worker, no API |`);
    out.push(`| Comlink round trip, no work | ${ms(b.roundTripP50Ms)} | \`rec.items([])\` |`);
    out.push(
      `| the rest: id lookup, 100 result objects with metadata, their structured clone | ${ms(rest)} | difference; a \`structuredClone\` of the 100 results alone: ${ms(b.cloneP50Ms)} ms (≈ ${(b.resultJsonBytes / 1024).toFixed(0)} KB as JSON) |`,
    );
    if (b.leanP50Ms !== undefined)
      out.push(
        `| the whole call with \`{ lean: true }\`, page → page | ${ms(b.leanP50Ms)} | ids + transferred scores, no result objects (row "vitrine int8 lean") |`,
      );
  }
  out.push(
    `\nVersions: ${Object.entries(result.versions)
      .map(([p, v]) => `${p} ${v}`)
      .join(', ')}.`,
  );
  if (result.notes.length > 0) out.push(`\n${result.notes.map((n) => `- ${n}`).join('\n')}`);
  return `${out.join('\n')}\n`;
}

/** Query p50 (log scale) by catalog size, one line per peer; missing points are builds that did not finish. */
export function peersSvg(result: PeersResult): string {
  const W = 760;
  const H = 440;
  const m = { l: 70, r: 220, t: 40, b: 50 };
  const sizes = result.sets.map((s) => s.items);
  const peers = [...new Set(result.rows.map((r) => r.peer))];
  const values = result.rows.map((r) => r.queryP50Ms).filter((v): v is number => v !== null && v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const xs = (i: number): number => m.l + (sizes.length === 1 ? 0 : (i * (W - m.l - m.r)) / (sizes.length - 1));
  const ys = (v: number): number => m.t + ((hi - Math.log10(v)) * (H - m.t - m.b)) / Math.max(1, hi - lo);
  const colours = ['#1b6ef3', '#0b3d91', '#6aa5ff', '#9bbcf0', '#e4572e', '#f3a712', '#29bf12', '#a833b9', '#555555', '#00a6a6'];
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(
    `<text x="${m.l}" y="22" font-size="14" font-weight="bold">Top-100 query p50 (ms, log scale) by catalog size — ${result.date}, shared 2-core VM</text>`,
  );
  for (let e = lo; e <= hi; e++) {
    const y = ys(10 ** e);
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${m.l - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`,
    );
  }
  sizes.forEach((n, i) => {
    const set = result.sets[i]!;
    parts.push(
      `<text x="${xs(i)}" y="${H - m.b + 18}" text-anchor="middle">${n >= 1e6 ? `${n / 1e6}M` : `${Math.round(n / 1000)}k`}</text><text x="${xs(i)}" y="${H - m.b + 32}" text-anchor="middle" fill="#666" font-size="10">${set.name}</text>`,
    );
  });
  peers.forEach((peer, p) => {
    const colour = colours[p % colours.length]!;
    const pts = result.sets.map((s, i) => {
      const r = result.rows.find((x) => x.set === s.name && x.peer === peer);
      return r && r.queryP50Ms !== null && r.queryP50Ms > 0 ? [xs(i), ys(r.queryP50Ms)] : null;
    });
    let path = '';
    pts.forEach((pt, i) => {
      if (!pt) return;
      path += `${path && pts[i - 1] ? 'L' : 'M'}${pt[0]!.toFixed(1)},${pt[1]!.toFixed(1)} `;
    });
    const dash = peer.startsWith('vitrine') ? '' : ' stroke-dasharray="5 3"';
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    for (const pt of pts) if (pt) parts.push(`<circle cx="${pt[0]}" cy="${pt[1]}" r="3" fill="${colour}"/>`);
    const ly = m.t + 16 * p;
    parts.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/><text x="${W - m.r + 38}" y="${ly + 4}">${peer.replace(/&/g, '&amp;')}</text>`,
    );
  });
  parts.push(
    `<text x="${W - m.r + 12}" y="${m.t + 16 * peers.length + 14}" fill="#666" font-size="10">no point: not built in ${result.settings.buildBudgetS} s / failed</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
