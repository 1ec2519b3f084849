// Back-off for a record that waits for an earlier event: hide it for longer on each delivery.
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** arn:aws:sqs:REGION:ACCOUNT:NAME → the queue URL SQS expects. */
export function queueUrlOf(arn: string): string {
  const [, partition, , region, account, name] = arn.split(':');
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

export function sqsDelay(client = new SQSClient({})) {
  return async (record: SQSRecord, seconds: number): Promise<void> => {
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrlOf(record.eventSourceARN), ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
  };
}
