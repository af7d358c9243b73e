import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'controller/**/*.test.ts',
      'reconcilers/**/*.test.ts',
      'schemas/**/*.test.ts',
      'e2e/**/*.test.ts',
      'router-build/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**', 'dist-bench/**'],
    reporters: ['default', './e2e/harness/summary-reporter.ts'],
    // The machines are shared; generous timeouts, and never assertions on timing.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
