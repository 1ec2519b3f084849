// Lambda: writes a month's entries file to the export bucket (shared/runtime/entries-export.ts).
// Started by the close (a message on the export queue when a month's last shard is done) or
// by an operator, invoked with {"month": "YYYY-MM"} for any closed month of the last 7 years.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { exportEntries, exportRefusal } from '#shared/runtime/entries-export.ts';
import { requiredEnv } from '#shared/runtime/env.ts';
import { isYearMonth } from '#shared/schemas/primitives.ts';
import { documentClient } from '#shared/store/client.ts';
import { CloseStatusStore } from '#shared/store/close-status.ts';
import { EntriesExportStore } from '#shared/store/entries-exports.ts';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './lib/logger.ts';
import { s3ExportSink } from './lib/s3-exports.ts';

const doc = documentClient();
const tableName = requiredEnv('TABLE_NAME');
const closes = new CloseStatusStore(doc, tableName);
const deps = {
  reads: new LedgerReads(doc, tableName),
  exports: new EntriesExportStore(doc, tableName),
  openSink: s3ExportSink(new S3Client({}), requiredEnv('EXPORT_BUCKET_NAME')),
};

/** What the export queue carries, and what an operator invokes the function with. */
export interface ExportRequest {
  month: string;
}

/** Another run holds the month's export: a queued request waits for it (SQS delivers it again later). */
class ExportBusyError extends Error {}

async function run(request: ExportRequest, fromQueue: boolean) {
  const { month } = request;
  if (typeof month !== 'string' || !isYearMonth(month))
    return { error: 'BAD_REQUEST', message: 'invoke with {"month": "YYYY-MM"}' };
  const now = () => new Date().toISOString();
  const refused = await exportRefusal(closes, month, now());
  if (refused) {
    logger.warn('entries export refused', { month, ...refused });
    return refused;
  }
  const outcome = await exportEntries(deps, month, now);
  logger.info('entries export', { ...outcome });
  // A request from the close must not be lost to a run that may have read the month before the
  // statements that asked for it (a released hold): it is done after that run, not dropped.
  if (fromQueue && outcome.state === 'running')
    throw new ExportBusyError(`the export of ${month} is held by run ${outcome.runId} since ${outcome.startedAt}`);
  return outcome;
}

export const handler = middy<SQSEvent | ExportRequest, unknown, Error, Context>()
  .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
  .handler(async (event) => {
    // From the queue, one message a batch: a failed export is reported, and SQS delivers it again.
    if ('Records' in event) {
      const batchItemFailures: SQSBatchItemFailure[] = [];
      for (const record of event.Records) {
        try {
          await run(JSON.parse(record.body) as ExportRequest, true);
        } catch (error) {
          logger.error('entries export failed', { body: record.body, error: error as Error });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures } satisfies SQSBatchResponse;
    }
    return run(event, false);
  });
