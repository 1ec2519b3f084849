// vitest's globalSetup: with BILLING_TEST_STORE=dynamodb-local, one DynamoDB Local JVM for the
// whole run, its endpoint provided to every worker (test/support/worker-setup.ts), and the JVM
// stopped at teardown, which vitest runs whether the tests passed or failed. And the CLI's
// build (dist/cli.js) brought up to date with the sources, once, before any test runs the bin.
import type { TestProject } from 'vitest/node';
import { buildCli, buildFailure, staleReason } from '../../bin/build-cli.js';
import { testStore } from './dynamo.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbLocalEndpoint: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // The bin would rebuild it itself, but with a note on stderr, which the CLI tests read. A
  // source that does not build fails the tests that run the bin, not the whole run.
  if (staleReason() !== undefined)
    await buildCli().catch((error: unknown) => console.warn(`dist/cli.js not built: ${buildFailure(error)}`));
  if (testStore() !== 'dynamodb-local') {
    project.provide('dynamodbLocalEndpoint', null);
    return;
  }
  const started = Date.now();
  const server = await startDynamoDbLocal();
  console.log(
    `DynamoDB Local (pid ${server.pid}) answers on ${server.endpoint} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide('dynamodbLocalEndpoint', server.endpoint);
  return () => server.stop();
}
