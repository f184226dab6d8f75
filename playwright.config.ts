import { defineConfig } from '@playwright/test';

// Browser tests: Debian's Chromium (no Playwright browser download is possible here), pages
// served by vite, WebGPU enabled (a software adapter on machines without a GPU).
// VITRINE_TEST_PORT lets several suites run side by side on one machine.
const PORT = Number(process.env.VITRINE_TEST_PORT ?? 5174);
export default defineConfig({
  // test/browser: features; test/robustness: faults, bad input, load, privacy, hostile data;
  // test/consumers: the packed tarball installed into fixture shop apps (they run their own servers).
  testDir: 'test',
  testMatch: /\/(browser|robustness|consumers)\/.*\.spec\.ts$/,
  globalSetup: './test/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // The counts reporter prints the robustness counts (faults, random inputs, events) last.
  reporter: [['list'], ['./test/robustness/counts-reporter.ts']],
  outputDir: 'test-results/playwright',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: {
    command: `npx vite --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/test/fixtures/index.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
