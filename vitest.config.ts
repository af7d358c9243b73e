import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['controller/**/*.test.ts', 'reconcilers/**/*.test.ts', 'schemas/**/*.test.ts', 'e2e/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // The machines are shared; generous timeouts, and never assertions on timing.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
