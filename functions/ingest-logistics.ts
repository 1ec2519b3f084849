// Lambda: logistics events from the logistics queue (EventBridge rule → SQS → here).
import { pipelineFromEnv } from '#shared/runtime/pipeline.ts';
import { makeIngestHandler } from './lib/sqs-ingest.ts';

export const handler = makeIngestHandler(pipelineFromEnv(), 'logistics');
