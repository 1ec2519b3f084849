// The pipeline's queues: every one encrypted and refusing requests that are not TLS. A work
// queue holds a message minutes, under SSE-SQS; a dead-letter queue that keeps raw inbound
// events for 14 days is under the pipeline's customer-managed key (pipeline-key.ts), which only
// the pipeline's roles may use. The alarm e-mail's dead letters (alarm texts) stay on SSE-SQS.
import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRule } from '../compliance.ts';

/** Longest SQS keeps a message: the time an operator has to look at a dead letter and redrive it. */
const DEAD_LETTER_RETENTION = Duration.days(14);

/** End of a redrive chain: nothing redrives it automatically, an alarm watches its depth. */
export class DeadLetterQueue extends Queue {
  constructor(scope: Construct, id: string, key?: IKey) {
    super(scope, id, {
      ...(key
        ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key }
        : { encryption: QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    acknowledgeRule(
      this,
      'Serverless-SQSRedrivePolicy',
      'This is a dead-letter queue: its messages wait 14 days for an operator (docs/deploy.md, redrive), an alarm fires on its depth, and a DLQ of its own would only move them out of sight.',
    );
  }
}

export interface WorkQueueProps {
  /** The timeout of the function consuming the queue. */
  consumerTimeout: Duration;
  /** Deliveries before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: number;
  /** Encrypts the dead-letter queue (pipeline-key.ts). */
  deadLetterKey?: IKey;
}

/** A queue a Lambda consumes, with its dead-letter queue. */
export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', props.deadLetterKey);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for Lambda consumers: a batch retried after a throttle or a timeout must
      // not reappear while the first attempt may still be running.
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
