// Lambda: closes the customers of one shard (close queue → here). A shard too large for one
// invocation is continued by a new message that says where it stopped.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { HELD_LOG_MESSAGE } from '#shared/runtime/log-messages.ts';
import { type CloseShardMessage, closeShard } from '#shared/runtime/month-close.ts';
import { pipelineFromEnv, requiredEnv } from '#shared/runtime/pipeline.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './lib/logger.ts';
import { sendToQueue } from './lib/sqs-send.ts';

const pipeline = pipelineFromEnv();
const queueUrl = requiredEnv('CLOSE_QUEUE_URL');
/** The export-entries function's queue: the month's entries file is written once its close finishes. */
const exportQueueUrl = requiredEnv('EXPORT_QUEUE_URL');
/** Stop starting new pages when less than this is left of the invocation. */
const RESERVE_MS = 60_000;

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
  .handler((event, context) =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const message = JSON.parse(record.body) as CloseShardMessage;
        const result = await closeShard(pipeline, message, new Date().toISOString(), {
          hasTime: () => context.getRemainingTimeInMillis() > RESERVE_MS,
        });
        if (result.continueAfter)
          await sendToQueue(queueUrl, JSON.stringify({ ...message, after: result.continueAfter }));
        // The files of the months this close closed, once it is closed, and again of each closed
        // month a released hold changed.
        const exports = new Set([...(result.closedMonths ?? []), ...result.reexport]);
        for (const month of exports) await sendToQueue(exportQueueUrl, JSON.stringify({ month }));
        // One line per held customer: the metric filter behind the "customers held" alarm counts them.
        for (const held of result.held)
          logger.error(HELD_LOG_MESSAGE, { month: held.month, customerId: held.customerId, reason: held.reason });
        for (const customerId of result.released)
          logger.info('held customer closed', { month: message.month, customerId });
        logger.info('close shard progress', {
          month: message.month,
          shard: message.shard,
          closed: result.closed,
          held: result.held.length,
          continueAfter: result.continueAfter,
        });
      },
      // One per invocation: a processor holds its batch's state (see lib/sqs-ingest.ts).
      new BatchProcessor(EventType.SQS),
      { context, throwOnFullBatchFailure: false },
    ),
  );
