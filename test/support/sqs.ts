// SQS events as Lambda receives them from a queue fed by an EventBridge rule: each record's
// body is the EventBridge event as JSON.
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { expectedSourceFor } from '#shared/schemas/inbound.ts';

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

export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-1:000000000000:billing-test',
    awsRegion: 'ap-northeast-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
