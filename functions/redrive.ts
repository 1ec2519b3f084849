// Lambda, run by an operator: sends dead letters back to their consumers' queues.
// Input: `{ "ids": [...] }` to redrive some, nothing to redrive all.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { requiredEnv } from '#shared/runtime/env.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import { documentClient } from '#shared/store/client.ts';
import { DeadLetterStore } from '#shared/store/dead-letters.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './lib/logger.ts';
import { sendToQueue } from './lib/sqs-send.ts';

// The dead letters only: this function never publishes, and `pipelineFromEnv` would bring in
// an EventBridge client (its code in the bundle, made at init) for nothing.
const deadLetters = new DeadLetterStore(documentClient(), requiredEnv('TABLE_NAME'));
/** `{"orders": url, "claims": url, "logistics": url}` from the stack. */
const queues = JSON.parse(requiredEnv('CONSUMER_QUEUE_URLS')) as Record<string, string>;

export const handler = middy<{ ids?: string[] }, unknown>()
  .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
  .handler(async (input) => {
    const ids = input?.ids ? new Set(input.ids) : undefined;
    const result = await redriveDeadLetters(
      deadLetters,
      async (consumer, body) => {
        const url = queues[consumer];
        if (!url) throw new Error(`no queue for consumer ${consumer}`);
        await sendToQueue(url, body);
      },
      ids ? (id) => ids.has(id) : undefined,
    );
    logger.info('dead letters redriven', result);
    return result;
  });
