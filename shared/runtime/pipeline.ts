// Wires the stores and the publisher from clients: the Lambda entries build it from their
// environment, the local stack and the tests from their embedded endpoints. The table's client
// goes to the stores (shared/store/stores.ts); the runtime is given the stores, never the client.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { documentClient, type TableClient } from '../store/client.ts';
import { createStores, type Stores } from '../store/stores.ts';
import { requiredEnv } from './env.ts';
import type { IngestDeps } from './ingest.ts';
import type { CloseDeps } from './month-close.ts';
import { EventBridgePublisher, type EventPublisher } from './publisher.ts';

export { requiredEnv };

/** The table's stores and the publisher: every entry point takes the part of it it needs. */
export interface Pipeline extends Stores, IngestDeps, CloseDeps {
  publisher: EventPublisher;
}

export function createPipeline(doc: TableClient, tableName: string, publisher: EventPublisher): Pipeline {
  return { publisher, ...createStores(doc, tableName) };
}

/** In a Lambda: TABLE_NAME and EVENT_BUS_NAME from the stack, endpoints from the SDK's defaults. */
export function pipelineFromEnv(): Pipeline {
  return createPipeline(
    documentClient(),
    requiredEnv('TABLE_NAME'),
    new EventBridgePublisher(new EventBridgeClient({}), requiredEnv('EVENT_BUS_NAME')),
  );
}
