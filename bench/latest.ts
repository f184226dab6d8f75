// bench/results/latest.json and latest.md are shared by three benches: `npm run bench` (run.ts)
// writes the scoring and end-to-end rows, `npm run bench:peers` the `peers` rows and
// `npm run bench:first-visit` the `firstVisit` rows. Each merges its own section and keeps the others.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endToEndTable, markdownTable, targetSummary, type BenchResult } from './report.js';

/** One peer on one vector set (our exact path is the peer `vitrine`). */
export interface LatestPeerRow {
  peer: string;
  /** Which variant of the peer: dtype, API or kernel, shipped index… */
  variant: string;
  set: string;
  items: number;
  dim: number;
  queryP50Ms: number | null;
  /** Index build on the device (for a shipped index: download + load). */
  buildMs: number | null;
  recallAt100: number | null;
  note?: string;
}

/** One first visit over a throttled network. */
export interface LatestFirstVisitRow {
  profile: string;
  catalog: string;
  /** `head-first` (docs/catalog-format.md) or `plain`. */
  layout: 'head-first' | 'plain';
  items: number;
  dtype: string;
  bytesOnWire: number;
  firstRailMs: number;
  firstPersonalMs: number;
  /** The whole catalog downloaded and serving. */
  totalMs: number;
}

export interface LatestSections {
  peers?: { date: string; command: string; rows: LatestPeerRow[] };
  firstVisit?: { date: string; command: string; rows: LatestFirstVisitRow[] };
}

export type LatestResult = Partial<BenchResult> & LatestSections;

const ms = (v: number | null): string => (v === null ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** latest.md: whatever sections latest.json holds. */
export function latestMarkdown(result: LatestResult): string {
  const parts: string[] = [];
  if (result.rows) {
    parts.push(markdownTable(result as BenchResult));
    if (result.endToEnd) parts.push(`### End to end (the library through Comlink)\n\n${endToEndTable(result.endToEnd)}`);
    if (result.notes) parts.push(result.notes.map((n) => `- ${n}`).join('\n'));
    const targets = targetSummary(result as BenchResult);
    if (targets.length > 0) parts.push(targets.map((t) => `- ${t}`).join('\n'));
  }
  if (result.peers) {
    parts.push(
      [
        `### Peers (\`${result.peers.command}\`, ${result.peers.date}; docs/peers.md)`,
        '',
        '| set | peer | variant | items × dim | query p50 ms | build ms | recall@100 |',
        '|---|---|---|---|---:|---:|---:|',
        ...result.peers.rows.map(
          (r) =>
            `| ${r.set} | ${r.peer} | ${r.variant}${r.note ? ` (${r.note})` : ''} | ${r.items.toLocaleString('en')} × ${r.dim} | ${ms(r.queryP50Ms)} | ${ms(r.buildMs)} | ${r.recallAt100?.toFixed(3) ?? '—'} |`,
        ),
      ].join('\n'),
    );
  }
  if (result.firstVisit) {
    parts.push(
      [
        `### First visit (\`${result.firstVisit.command}\`, ${result.firstVisit.date}; docs/first-visit.md)`,
        '',
        '| profile | catalog | layout | items | dtype | bytes on the wire | first rail ms | first personalised ms | whole catalog ms |',
        '|---|---|---|---:|---|---:|---:|---:|---:|',
        ...result.firstVisit.rows.map(
          (r) =>
            `| ${r.profile} | ${r.catalog} | ${r.layout} | ${r.items.toLocaleString('en')} | ${r.dtype} | ${(r.bytesOnWire / 1e6).toFixed(2)} MB | ${ms(r.firstRailMs)} | ${ms(r.firstPersonalMs)} | ${ms(r.totalMs)} |`,
        ),
      ].join('\n'),
    );
  }
  return parts.join('\n\n') + '\n';
}

/** Reads latest.json (empty when there is none). */
export function readLatest(dir: string): LatestResult {
  const path = join(dir, 'latest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as LatestResult) : {};
}

/** Writes latest.json and latest.md from `result`. */
export function writeLatest(dir: string, result: LatestResult): string {
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(result, null, 1)}\n`);
  const text = latestMarkdown(result);
  writeFileSync(join(dir, 'latest.md'), text);
  return text;
}

/** Replaces one section of latest.json (and latest.md), keeping every other. */
export function mergeLatest<K extends keyof LatestSections>(dir: string, key: K, section: NonNullable<LatestSections[K]>): void {
  const result = readLatest(dir);
  result[key] = section;
  writeLatest(dir, result);
}
