import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // A temporary directory per run, and a failed run if the tests leave anything in it.
    globalSetup: ['./test/temp-guard.ts'],
    environment: 'node',
    // Real tfjs models run in tests: separate processes keep native backends apart,
    // and the timeouts leave room for loading and running them.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Browser tests poll the page; this shared machine can take seconds to answer.
    expect: { poll: { timeout: 10_000 } },
  },
});
