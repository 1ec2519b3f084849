// The local stack's store: dynalite, a DynamoDB-compatible server, reached through the real
// AWS SDK exactly as the Lambdas reach DynamoDB. On disk (LevelDB) unless asked for memory.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { documentClient } from '#shared/store/client.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';

export const LOCAL_TABLE_NAME = 'device-supply-billing';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startEmbeddedDynamo(dataDir: string | null, tableName = LOCAL_TABLE_NAME) {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = dynalite({ path: dataDir ?? undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { endpoint, region: 'local', credentials: LOCAL_CREDENTIALS };
  const client = new DynamoDBClient(config);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  }
  return {
    endpoint,
    tableName,
    doc: documentClient(config),
    stop: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.close(() => resolve());
      }),
  };
}
