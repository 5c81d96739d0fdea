import { defineConfig } from 'vitest/config';

// Integration tests start real processes (the Collector, the embedded engine); they get
// generous per-test timeouts, and files run one at a time so two suites never race for ports.
// packages/*/test are the tests of the workspace packages (the client), run with the rest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
