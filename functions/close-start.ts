// Lambda, invoked by EventBridge Scheduler on the 1st of each month (Asia/Tokyo): starts the
// close of the previous month, or of `{ "month": "YYYY-MM" }` when run by hand.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { jstMonth, type Month } from '#shared/domain/calendar.ts';
import { requiredEnv } from '#shared/runtime/env.ts';
import { monthToClose, startMonthClose } from '#shared/runtime/month-close.ts';
import { isYearMonth } from '#shared/schemas/primitives.ts';
import { documentClient } from '#shared/store/client.ts';
import { createStores } from '#shared/store/stores.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './lib/logger.ts';
import { sendToQueue } from './lib/sqs-send.ts';

// The table's stores only: this function never publishes, and `pipelineFromEnv` would bring in
// an EventBridge client (its code in the bundle, made at init) for nothing.
const stores = createStores(documentClient(), requiredEnv('TABLE_NAME'));
const queueUrl = requiredEnv('CLOSE_QUEUE_URL');

/**
 * The month an invocation asks for, checked before anything is read or written: a month
 * `YYYY-MM` (01–12) that has ended in JST, or none (the schedule's `{}`: the previous month).
 */
export function requestedMonth(input: unknown, now: string): Month {
  const month = typeof input === 'object' && input !== null ? (input as { month?: unknown }).month : undefined;
  if (month === undefined || month === null) return monthToClose(now);
  if (typeof month !== 'string' || !isYearMonth(month))
    throw new Error(
      `month must be a string YYYY-MM (e.g. {"month":"2026-01"}), got ${JSON.stringify(month)?.slice(0, 40)}`,
    );
  const current = jstMonth(now);
  if (month >= current)
    throw new Error(
      `month ${month} has not ended yet (it is ${current} in Asia/Tokyo): only an ended month can be closed`,
    );
  return month;
}

export const handler = middy<{ month?: string }, unknown>()
  .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
  .handler(async (input) => {
    const now = new Date().toISOString();
    const month = requestedMonth(input, now);
    const result = await startMonthClose(stores, month, now, (message) =>
      sendToQueue(queueUrl, JSON.stringify(message)),
    );
    logger.info('monthly close started', { month, ...result });
    return { month, ...result };
  });
