import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Property tests run hundreds of cases; keep the default timeout generous but finite.
    testTimeout: 30_000,
    // BILLING_TEST_STORE=dynamodb-local starts one DynamoDB Local for the run (test/support/dynamo.ts).
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/worker-setup.ts'],
  },
});
