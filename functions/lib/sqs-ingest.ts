// The SQS consumer shared by the order, claim and logistics functions: one record at a time
// through ingestMessage, partial batch failures reported so that one bad record never fails
// the others. A record throws only to be retried; the batch handler itself never throws.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type IngestDeps, type IngestResult, ingestMessage } from '#shared/runtime/ingest.ts';
import { DEAD_LETTERED_LOG_MESSAGE } from '#shared/runtime/log-messages.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './logger.ts';

export interface IngestHandlerOptions {
  now?: () => string;
  /** Told how each record ended (the local stack counts them for its drain report). */
  onResult?: (result: IngestResult) => void;
}

export function makeIngestHandler(deps: IngestDeps, consumer: string, options: IngestHandlerOptions = {}) {
  const now = options.now ?? (() => new Date().toISOString());

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const delivery = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
    try {
      const result = await ingestMessage(deps, { consumer, body: record.body, delivery }, now());
      options.onResult?.(result);
      if (result.result === 'dead-lettered') {
        logger.warn(DEAD_LETTERED_LOG_MESSAGE, {
          consumer,
          messageId: record.messageId,
          reason: result.reason,
          eventId: result.letter.eventId,
          customerId: result.letter.customerId,
        });
      } else if (result.result === 'not-ours') {
        logger.debug('detail-type not handled here', { consumer, detailType: result.detailType });
      } else {
        const { eventId, customerId } = result.event.detail;
        const reason = 'reason' in result.outcome ? result.outcome.reason : undefined;
        logger.info('event processed', {
          consumer,
          eventId,
          customerId,
          detailType: result.event.detailType,
          result: result.result,
          reason,
        });
      }
    } catch (error) {
      logger.error('event processing failed, will be retried', {
        consumer,
        messageId: record.messageId,
        delivery,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  };

  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
    .handler((event, context) =>
      // A processor per invocation: it keeps the batch's records and failures on itself, so one
      // shared by overlapping invocations (the local stack runs several batches of a queue at
      // once) would let one batch reset another's failures and delete records never applied.
      processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      }),
    );
}
