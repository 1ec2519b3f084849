import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Property tests run hundreds of cases; keep the default timeout generous but finite.
    testTimeout: 30_000,
  },
});
