// Each robustness test records what it exercised; the Playwright global teardown sums the files
// so that `npm test` ends with one line of counts. One file per test, overwritten on each run.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RobustnessCounts {
  /** Faults injected: failed downloads, quota hits, missing IndexedDB, upgrades, tabs… */
  faults?: number;
  /** Random or hostile inputs fed to the library. */
  randomInputs?: number;
  /** Events the library accepted for storage. */
  eventsWritten?: number;
  /** Events read back from storage and checked. */
  eventsReadBack?: number;
}

export const COUNTS_DIR = join(process.cwd(), 'test-results', 'robustness-counts');
export const COUNTS_SUMMARY = join(process.cwd(), 'test-results', 'robustness-counts.json');

const slug = (name: string): string => name.replace(/[^\w.-]+/g, '-').slice(0, 120);

export function recordCounts(testName: string, counts: RobustnessCounts): void {
  mkdirSync(COUNTS_DIR, { recursive: true });
  writeFileSync(join(COUNTS_DIR, `${slug(testName)}.json`), JSON.stringify({ test: testName, ...counts }));
}

/** Sums every test's file into test-results/robustness-counts.json and returns the totals. */
export function summariseCounts(): Required<RobustnessCounts> & { tests: number } {
  const total = { tests: 0, faults: 0, randomInputs: 0, eventsWritten: 0, eventsReadBack: 0 };
  let files: string[] = [];
  try {
    files = readdirSync(COUNTS_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    // No robustness test ran.
  }
  for (const file of files) {
    const c = JSON.parse(readFileSync(join(COUNTS_DIR, file), 'utf8')) as RobustnessCounts;
    total.tests++;
    total.faults += c.faults ?? 0;
    total.randomInputs += c.randomInputs ?? 0;
    total.eventsWritten += c.eventsWritten ?? 0;
    total.eventsReadBack += c.eventsReadBack ?? 0;
  }
  writeFileSync(COUNTS_SUMMARY, JSON.stringify(total, null, 2));
  return total;
}
