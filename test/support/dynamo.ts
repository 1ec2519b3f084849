// An embedded dynalite for integration tests: the real AWS SDK v3 talks HTTP to it.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { documentClient } from '#shared/store/client.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startDynalite(tableName = 'billing-test') {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { endpoint, region: 'local', credentials: LOCAL_CREDENTIALS };
  await new DynamoDBClient(config).send(new CreateTableCommand(tableDefinition(tableName)));
  const doc = documentClient(config);
  return {
    endpoint,
    tableName,
    doc,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
