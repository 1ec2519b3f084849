// Lambda: orders events from the orders queue (EventBridge rule → SQS → here).
import { pipelineFromEnv } from '#shared/runtime/pipeline.ts';
import { makeIngestHandler } from './lib/sqs-ingest.ts';

export const handler = makeIngestHandler(pipelineFromEnv(), 'orders');
