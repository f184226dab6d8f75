import type { Reporter } from '@playwright/test/reporter';
import { summariseCounts } from './counts.js';

/**
 * Prints the robustness counts (faults injected, random inputs, events written and read back)
 * as the last line of the run, after the list reporter's summary. Counts come from the files the
 * tests wrote, the vitest property tests included.
 */
export default class CountsReporter implements Reporter {
  onEnd(): void {
    const t = summariseCounts();
    if (t.tests === 0) return;
    console.log(
      `Robustness: ${t.faults} faults injected, ${t.randomInputs} random/hostile inputs tried, ` +
        `${t.eventsWritten} events written, ${t.eventsReadBack} read back and checked ` +
        `(latest run of ${t.tests} tests; test-results/robustness-counts.json)`,
    );
  }

  printsToStdio(): boolean {
    return false;
  }
}
