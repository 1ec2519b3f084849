// The local stack's store: dynalite, a DynamoDB-compatible server, reached through the real
// AWS SDK exactly as the Lambdas reach DynamoDB. On disk (LevelDB) unless asked for memory.
// A test run with BILLING_TEST_STORE=dynamodb-local puts an in-memory stack on Amazon's
// DynamoDB Local instead (one JVM per run, started by test/support/global-setup.ts), in a
// table of its own; `npm start` (a data folder) always keeps dynalite.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { documentClient } from '#shared/store/client.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { LOCAL_CREDENTIALS } from './credentials.ts';

export const LOCAL_TABLE_NAME = 'device-supply-billing';
/** The region every client of a local table uses, with LOCAL_CREDENTIALS (local/credentials.ts). */
export const LOCAL_REGION = 'local';
/** Where the test run's DynamoDB Local answers; vitest's setup sets it in each worker. */
export const DYNAMODB_LOCAL_ENDPOINT_VAR = 'BILLING_DYNAMODB_LOCAL_ENDPOINT';

export interface EmbeddedDynamo {
  endpoint: string;
  tableName: string;
  doc: ReturnType<typeof documentClient>;
  stop(): Promise<void>;
}

export async function startEmbeddedDynamo(
  dataDir: string | null,
  tableName = LOCAL_TABLE_NAME,
): Promise<EmbeddedDynamo> {
  if (dataDir === null && process.env.BILLING_TEST_STORE === 'dynamodb-local') {
    const endpoint = process.env[DYNAMODB_LOCAL_ENDPOINT_VAR];
    if (!endpoint)
      throw new Error(
        `BILLING_TEST_STORE=dynamodb-local needs ${DYNAMODB_LOCAL_ENDPOINT_VAR}, which the vitest run that starts DynamoDB Local sets`,
      );
    return tableOn(endpoint, `${tableName}-${randomUUID()}`, { dropOnStop: true });
  }
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = dynalite({ path: dataDir ?? undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return tableOn(endpoint, tableName, { dropOnStop: false, keepExisting: true, onStop: closeServer }).catch(
    async (error: unknown) => {
      await closeServer();
      throw error;
    },
  );
}

export interface TableOptions {
  /** Deletes the table on stop: a shared server (DynamoDB Local) keeps in-memory tables until then. */
  dropOnStop: boolean;
  /** Uses the table if it exists (a data folder from an earlier start). */
  keepExisting?: boolean;
  onStop?: () => Promise<void>;
}

/** The table `tableName` on the store at `endpoint`, created from the one table definition. */
export async function tableOn(endpoint: string, tableName: string, options: TableOptions): Promise<EmbeddedDynamo> {
  const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const client = new DynamoDBClient(config);
  const exists = options.keepExisting
    ? await client.send(new DescribeTableCommand({ TableName: tableName })).then(
        () => true,
        (error: unknown) => {
          if (error instanceof ResourceNotFoundException) return false;
          throw error;
        },
      )
    : false;
  if (!exists) await client.send(new CreateTableCommand(tableDefinition(tableName)));
  const doc = documentClient(config);
  return {
    endpoint,
    tableName,
    doc,
    async stop() {
      try {
        if (options.dropOnStop) await client.send(new DeleteTableCommand({ TableName: tableName }));
      } finally {
        doc.destroy();
        client.destroy();
        await options.onStop?.();
      }
    },
  };
}
