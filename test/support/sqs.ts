// SQS events as Lambda receives them from a queue fed by an EventBridge rule: each record's
// body is the EventBridge event as JSON. The records are the local queue's (local/local-queue.ts).
import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { expectedSourceFor } from '#shared/schemas/inbound.ts';
import { queueRecord } from '../../local/local-queue.ts';

export { sqsEvent } from '../../local/local-queue.ts';

export function busEventBody(event: InboundEvent | { detailType: string; detail: unknown; source?: string }): string {
  const source = 'source' in event && event.source ? event.source : expectedSourceFor(event.detailType as never);
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': event.detailType,
    source,
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'local',
    resources: [],
    detail: event.detail,
  });
}

/** A record of the test queue, with a message id of its own: `queueRecord`, as the local queues build theirs. */
export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  return queueRecord('billing-test', { messageId: randomUUID(), body, receiveCount });
}
