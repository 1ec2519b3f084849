// Wires the stores and the publisher from clients: the Lambda entries build it from their
// environment, the local stack and the tests from their embedded endpoints.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../store/client.ts';
import { CloseStatusStore } from '../store/close-status.ts';
import { CustomerStore } from '../store/customer-store.ts';
import { DeadLetterStore } from '../store/dead-letters.ts';
import { EventRegistry } from '../store/event-registry.ts';
import { HeldCustomerStore } from '../store/held-customers.ts';
import { requiredEnv } from './env.ts';
import type { IngestDeps } from './ingest.ts';

export { requiredEnv };
import { EventBridgePublisher, type EventPublisher } from './publisher.ts';

export interface Pipeline extends IngestDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  holds: HeldCustomerStore;
}

export function createPipeline(doc: DynamoDBDocumentClient, tableName: string, publisher: EventPublisher): Pipeline {
  return {
    doc,
    tableName,
    publisher,
    customers: new CustomerStore(doc, tableName),
    closes: new CloseStatusStore(doc, tableName),
    events: new EventRegistry(doc, tableName),
    deadLetters: new DeadLetterStore(doc, tableName),
    holds: new HeldCustomerStore(doc, tableName),
  };
}


/** In a Lambda: TABLE_NAME and EVENT_BUS_NAME from the stack, endpoints from the SDK's defaults. */
export function pipelineFromEnv(): Pipeline {
  return createPipeline(documentClient(), requiredEnv('TABLE_NAME'), new EventBridgePublisher(new EventBridgeClient({}), requiredEnv('EVENT_BUS_NAME')));
}
