// Lambda, invoked daily by EventBridge Scheduler (Asia/Tokyo): assesses the return and loaner
// deadlines that have passed. Idempotent: a late or repeated run changes nothing more.
import middy from '@middy/core';
import { pipelineFromEnv } from '#shared/runtime/pipeline.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { logger } from './lib/logger.ts';

const pipeline = pipelineFromEnv();

export const handler = middy<{ asOf?: string }, unknown>().handler(async (input) => {
  const asOf = input?.asOf ?? new Date().toISOString();
  const result = await sweepDue(pipeline, asOf);
  logger.info('deadline sweep done', { asOf, ...result });
  return { asOf, ...result };
});
