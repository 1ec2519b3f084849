// The export-entries Lambda (functions/export-entries.ts) when another run holds the month's
// export: a request from the export queue (the close's, perhaps for statements the running
// export read before) is handed back to SQS to be done after it, never dropped; an operator's
// direct invocation is answered with the running export. The handler is the deployed module,
// reading its settings from the environment, against the test store through the real SDK; S3
// is never reached (no export runs), and Lambda's invocation context is a plain object.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CloseStatusStore } from '#shared/store/close-status.ts';
import { EntriesExportStore } from '#shared/store/entries-exports.ts';
import { SHARD_COUNT } from '#shared/store/keys.ts';
import { LOCAL_CREDENTIALS, startTestStore } from '#test/support/dynamo.ts';
import { sqsEvent, sqsRecord } from '#test/support/sqs.ts';

const MONTH = '2026-10';
let db: Awaited<ReturnType<typeof startTestStore>>;
let handler: (event: SQSEvent | { month: string }, context: Context) => Promise<unknown>;

beforeAll(async () => {
  db = await startTestStore();
  const env = {
    TABLE_NAME: db.tableName,
    EXPORT_BUCKET_NAME: 'billing-exports-test',
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const closes = new CloseStatusStore(db.doc, db.tableName);
  await closes.start(MONTH, '2026-11-01T01:00:00+09:00');
  for (let shard = 0; shard < SHARD_COUNT; shard++) await closes.shardDone(MONTH, shard, '2026-11-01T01:05:00+09:00');
  expect(await closes.closedThrough()).toBe(MONTH);
  // A run started a minute ago, well within the 20 minutes after which it would be taken over.
  const startedAt = new Date(Date.now() - 60_000).toISOString();
  const claim = await new EntriesExportStore(db.doc, db.tableName).claim(MONTH, 'run-in-progress', startedAt, '');
  expect(claim).toEqual({ claimed: true });
  vi.resetModules();
  ({ handler } = (await import('../../functions/export-entries.ts')) as unknown as { handler: typeof handler });
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.resetModules();
  await db?.stop();
});

const context = {
  functionName: 'billing-export-entries',
  awsRequestId: 'req-export-1',
  getRemainingTimeInMillis: () => 900_000,
} as Context;

describe('the export function while another run holds the month', () => {
  it('hands a queued request back to SQS, to be done after that run', async () => {
    const record = sqsRecord(JSON.stringify({ month: MONTH }));
    const response = (await handler(sqsEvent([record]), context)) as SQSBatchResponse;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });

  it("answers an operator's invocation with the running export", async () => {
    expect(await handler({ month: MONTH }, context)).toMatchObject({
      month: MONTH,
      state: 'running',
      runId: 'run-in-progress',
    });
  });
});
