// The layering check (.dependency-cruiser.cjs) on src/ passes, and on a probe tree with one
// upward import and one cycle it fails with both: the rule is live, not vacuous.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const depcruise = (cwd: string): { status: number; output: string } => {
  try {
    const output = execFileSync(
      process.execPath,
      [
        resolve(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        'src/**/*.ts',
        '--config',
        resolve(ROOT, '.dependency-cruiser.cjs'),
        '--output-type',
        'err',
      ],
      {
        cwd,
        encoding: 'utf8',
      },
    );
    return { status: 0, output };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { status: e.status, output: e.stdout };
  }
};

describe('layering check', () => {
  it('src/ has no upward import and no cycle', () => {
    const { status, output } = depcruise(ROOT);
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it('fails on an upward import and on a cycle', () => {
    const { status, output } = depcruise(resolve(import.meta.dirname, 'probe'));
    expect(status).not.toBe(0);
    expect(output).toMatch(/no-upward-from-shared: src\/shared\/upward\.ts → src\/worker\/facade\.ts/);
    expect(output).toMatch(/no-cycles: src\/catalog\/a\.ts/);
  });
});
