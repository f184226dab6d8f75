import { defineConfig } from 'vitest/config';

// Unit tests run in Node, next to the code they test (src/**/*.test.ts); test/unit holds cross-language checks; test/layers checks the layering rule.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/layers/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
