// A fresh table and bus for one run: dynalite in a child process, so that the store and the
// pipeline each get a core of their own (about 1.5× faster here than the in-process dynalite
// of test/support, which is the same server and is kept as an option).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createPipeline, type Pipeline } from '#shared/runtime/pipeline.ts';
import { documentClient, type TableClient } from '#shared/store/client.ts';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { startBusCapture } from '#test/support/bus-capture.ts';
import { LOCAL_CREDENTIALS, testStore } from '#test/support/dynamo.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';

/** The run's table, for what only the harness does with it: scanning it, building stores of its own. */
export interface Table {
  doc: TableClient;
  tableName: string;
}

export interface Environment {
  pipeline: Pipeline;
  table: Table;
  reads: LedgerReads;
  /** What reached the bus, in order. */
  published: readonly { detail: unknown }[];
  stop(): Promise<void>;
}

export type EnvironmentFactory = () => Promise<Environment>;

export const inProcess: EnvironmentFactory = async () => {
  const t = await startTestPipeline();
  return {
    pipeline: t.pipeline,
    table: { doc: t.db.doc, tableName: t.db.tableName },
    reads: t.reads,
    published: t.bus.received,
    stop: () => t.stop(),
  };
};

const SERVER = `
const server = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

export const childProcess: EnvironmentFactory = async () => {
  const child = spawn(process.execPath, ['-e', SERVER], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  const config = { endpoint: `http://127.0.0.1:${port}`, region: 'local', credentials: LOCAL_CREDENTIALS };
  const tableName = 'billing-chaos';
  await new DynamoDBClient(config).send(new CreateTableCommand(tableDefinition(tableName)));
  const doc = documentClient(config);
  const bus = await startBusCapture();
  return {
    pipeline: createPipeline(doc, tableName, bus.publisher),
    table: { doc, tableName },
    reads: new LedgerReads(doc, tableName),
    published: bus.received,
    async stop() {
      await bus.stop();
      child.kill();
    },
  };
};

/**
 * The store the test run picked (BILLING_TEST_STORE): a table of its own on the run's DynamoDB
 * Local, or a dynalite child process. Only inside vitest, whose globalSetup starts DynamoDB Local.
 */
export const chosenStore: EnvironmentFactory = () => (testStore() === 'dynamodb-local' ? inProcess() : childProcess());
