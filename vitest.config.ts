import { defineConfig } from 'vitest/config';

// Handlers log every event at INFO (for CloudWatch); in a test run that buries the report.
// BILLING_TEST_LOG_LEVEL=INFO (or DEBUG, WARN…) shows them.
const logLevel = process.env.BILLING_TEST_LOG_LEVEL ?? 'SILENT';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Property tests run hundreds of cases; keep the default timeout generous but finite.
    testTimeout: 30_000,
    // Hooks build whole scenarios (finance-api's beforeAll closes 13 months; the e2e hooks start
    // stacks and browsers): under vitest's 10 s they failed on a busy 2-core machine. Generous
    // but finite, as the test timeout; the teardown stops DynamoDB Local's JVM.
    hookTimeout: 120_000,
    teardownTimeout: 120_000,
    // BILLING_TEST_STORE=dynamodb-local starts one DynamoDB Local for the run (test/support/dynamo.ts).
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/worker-setup.ts'],
    // POWERTOOLS_LOG_LEVEL for the handlers' logger, BILLING_LOG_LEVEL for the local stack's.
    env: { POWERTOOLS_LOG_LEVEL: logLevel, BILLING_LOG_LEVEL: logLevel },
  },
});
