// Lambda, invoked daily by EventBridge Scheduler (Asia/Tokyo): assesses the return and loaner
// deadlines that have passed. Idempotent: a late or repeated run changes nothing more.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { pipelineFromEnv } from '#shared/runtime/pipeline.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './lib/logger.ts';

const pipeline = pipelineFromEnv();

export const handler = middy<{ asOf?: string }, unknown>()
  .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
  .handler(async (input) => {
    const asOf = input?.asOf ?? new Date().toISOString();
    const result = await sweepDue(pipeline, asOf);
    logger.info('deadline sweep done', { asOf, ...result });
    return { asOf, ...result };
  });
