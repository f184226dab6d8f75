import { defineConfig } from 'vitest/config';

// Unit tests run in Node, next to the code they test (src/**/*.test.ts) or in test/unit/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
