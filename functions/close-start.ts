// Lambda, invoked by EventBridge Scheduler on the 1st of each month (Asia/Tokyo): starts the
// close of the previous month, or of `{ "month": "YYYY-MM" }` when run by hand.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { requiredEnv } from '#shared/runtime/env.ts';
import { monthToClose, startMonthClose } from '#shared/runtime/month-close.ts';
import { documentClient } from '#shared/store/client.ts';
import { createStores } from '#shared/store/stores.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './lib/logger.ts';
import { sendToQueue } from './lib/sqs-send.ts';

// The table's stores only: this function never publishes, and `pipelineFromEnv` would bring in
// an EventBridge client (its code in the bundle, made at init) for nothing.
const stores = createStores(documentClient(), requiredEnv('TABLE_NAME'));
const queueUrl = requiredEnv('CLOSE_QUEUE_URL');

export const handler = middy<{ month?: string }, unknown>()
  .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
  .handler(async (input) => {
    const now = new Date().toISOString();
    const month = input?.month ?? monthToClose(now);
    const result = await startMonthClose(stores, month, now, (message) =>
      sendToQueue(queueUrl, JSON.stringify(message)),
    );
    logger.info('monthly close started', { month, ...result });
    return { month, ...result };
  });
