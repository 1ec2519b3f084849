// The store of the integration tests, reached by the real AWS SDK v3 over HTTP: an embedded
// dynalite by default, or Amazon's DynamoDB Local with BILLING_TEST_STORE=dynamodb-local (one
// JVM per vitest run, test/support/global-setup.ts). Either way each call gets a table of its own.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { LOCAL_CREDENTIALS } from '../../local/credentials.ts';
import { DYNAMODB_LOCAL_ENDPOINT_VAR, type EmbeddedDynamo, tableOn } from '../../local/embedded-dynamo.ts';

export { LOCAL_CREDENTIALS };

export const TEST_STORES = ['dynalite', 'dynamodb-local'] as const;
export type TestStore = (typeof TEST_STORES)[number];

/** The store picked by BILLING_TEST_STORE (default dynalite); any other value is an error, not a silent default. */
export function testStore(): TestStore {
  const value = process.env.BILLING_TEST_STORE || 'dynalite';
  if (!(TEST_STORES as readonly string[]).includes(value))
    throw new Error(`BILLING_TEST_STORE=${value}: use one of ${TEST_STORES.join(', ')}`);
  return value as TestStore;
}

export type TestTable = EmbeddedDynamo;

export async function startTestStore(tableName = 'billing-test'): Promise<TestTable> {
  const name = `${tableName}-${randomUUID()}`;
  if (testStore() === 'dynamodb-local') {
    const endpoint = process.env[DYNAMODB_LOCAL_ENDPOINT_VAR];
    if (!endpoint)
      throw new Error(
        `BILLING_TEST_STORE=dynamodb-local but no ${DYNAMODB_LOCAL_ENDPOINT_VAR}: run the tests through vitest (its globalSetup starts DynamoDB Local)`,
      );
    return tableOn(endpoint, name, { dropOnStop: true });
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return tableOn(endpoint, name, { dropOnStop: false, onStop: closeServer }).catch(async (error: unknown) => {
    await closeServer();
    throw error;
  });
}
