import { chromium, type Browser } from '@playwright/test';

/**
 * Debian's Chromium as the benchmarks drive it: headless, no background networking (the machines
 * reach no outside host), plus each benchmark's own flags (`--enable-unsafe-webgpu`,
 * `--js-flags=--expose-gc`, …). CHROMIUM_PATH points at another build.
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
