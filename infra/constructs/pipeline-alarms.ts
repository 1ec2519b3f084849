// Alarms to one SNS topic. Each metric is watched by one alarm: the monthly close has its own
// alarm over its functions and queue, so that its failure is named as such and not also
// reported piecemeal.
import { Duration, Stack } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { CfnQueue, IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTERED_LOG_MESSAGE, HELD_LOG_MESSAGE } from '#shared/runtime/log-messages.ts';
import { acknowledgeRule } from '../compliance.ts';
import { alarmTopicKey } from './pipeline-key.ts';
import { DeadLetterQueue } from './queues.ts';

const PERIOD = Duration.minutes(5);
/**
 * A work queue's backlog must stay this high for 3 periods (15 minutes) to alarm. A consumer
 * queue drains ~6,000 events/s (docs/performance.md) and the bus delivers at most 2,250/s even
 * in a replay, so 10,000 messages that stay visible for a quarter of an hour are not draining.
 */
export const CONSUMER_BACKLOG_MESSAGES = 10_000;
/**
 * The close queue holds a month's 32 shard messages (SHARD_COUNT) and their continuations, at
 * most 8 of them in flight; more than twice a month's shards waiting means two closes pile up
 * or continuations loop.
 */
export const CLOSE_BACKLOG_MESSAGES = 64;
/**
 * The export queue holds one message a month closed or exported by an operator; an operator
 * exporting every month of the 7-year retention sends 84. More than that waiting is not draining.
 */
export const EXPORT_BACKLOG_MESSAGES = 100;
const BACKLOG_PERIODS = 3;

export interface PipelineAlarmsProps {
  /** Prefixes alarm names, which are unique per account and region. */
  prefix: string;
  alarmEmail?: string;
  /** Further SNS topics every alarm notifies, and tells when it is OK again (PagerDuty, Chatbot). */
  alarmActionArns?: readonly string[];
}

export class PipelineAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly prefix: string;
  /** Inbound events stored as dead letters in the table (the dashboard shows it). */
  readonly deadLetteredMetric: Metric;
  /** Customers held back from a close; set by onHeldCustomers. */
  heldMetric?: Metric;
  private readonly extraActions: IAlarmAction[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.prefix = props.prefix;
    this.extraActions = (props.alarmActionArns ?? []).map(
      (arn, i): IAlarmAction => new SnsAction(Topic.fromTopicArn(this, `ExtraAction${i}`, arn)),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: `${props.prefix} billing pipeline alarms`,
      enforceSSL: true,
      masterKey: alarmTopicKey(this, 'TopicKey'),
    });
    // enforceSSL replaces the topic's default policy, which is what let CloudWatch publish.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${props.prefix}-*`,
          },
        },
      }),
    );
    if (props.alarmEmail) {
      const undelivered = new DeadLetterQueue(this, 'UndeliveredNotifications');
      acknowledgeRule(
        undelivered,
        'AwsSolutions-SQS3',
        'This queue is the dead-letter queue of the alarm e-mail subscription (its redrive policy), a use cdk-nag only recognises for queues and Lambda functions.',
      );
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail, { deadLetterQueue: undelivered }));
      this.onDeadLetters('UndeliveredNotifications', undelivered, 'alarm notifications SNS could not deliver');
    }
    this.deadLetteredMetric = new Metric({
      namespace: `DeviceSupplyBilling/${props.prefix}`,
      metricName: 'EventsDeadLettered',
      statistic: 'Sum',
      period: PERIOD,
    });
    this.alarm(
      'EventsDeadLettered',
      this.deadLetteredMetric,
      'Inbound events were stored as dead letters in the table (malformed, refused or never applicable): read them and redrive (docs/deploy.md).',
    );
  }

  /** Lambda errors: crashes, timeouts and failed async invocations (record failures go to the queue's DLQ). */
  onErrors(fn: IFunction, what: string): void {
    this.alarm(
      `${fn.node.id}Errors`,
      fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      `${what} failed (errors or timeouts).`,
    );
  }

  onThrottles(fn: IFunction, what: string): void {
    this.alarm(
      `${fn.node.id}Throttles`,
      fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      `${what} was throttled: the account's concurrency is exhausted.`,
    );
  }

  onDeadLetters(id: string, queue: IQueue, what: string): void {
    this.alarm(
      `${id}Depth`,
      queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      `Messages in the dead-letter queue of ${what}: inspect and redrive (docs/deploy.md).`,
    );
  }

  /**
   * A work queue that stops draining: its oldest message is older than a message that keeps
   * failing can get (its deliveries × visibility timeout, read from the queue itself: such a
   * message is in the dead-letter queue by then), or its backlog stays high for 15 minutes.
   */
  onBacklog(id: string, queue: Queue, maxMessages: number, what: string): void {
    const cfn = queue.node.defaultChild as CfnQueue;
    const visibility = Number(cfn.visibilityTimeout);
    const deliveries = Number((cfn.redrivePolicy as { maxReceiveCount?: number } | undefined)?.maxReceiveCount);
    if (!(visibility > 0 && deliveries > 0))
      throw new Error(`${id}: a work queue needs a visibility timeout and a redrive policy`);
    const maxAgeSeconds = visibility * deliveries;
    this.alarm(
      `${id}Age`,
      queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      `The oldest message in ${what} waited over ${maxAgeSeconds / 60} minutes, longer than a failing message is retried: its consumer is not keeping up or not running (throttles, concurrency, a stuck replay). Expected during a large archive replay.`,
      { threshold: maxAgeSeconds },
    );
    this.alarm(
      `${id}Backlog`,
      queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Minimum' }),
      `At least ${maxMessages} messages stayed visible in ${what} for ${BACKLOG_PERIODS * PERIOD.toMinutes()} minutes: its consumer does not drain it.`,
      { threshold: maxMessages, evaluationPeriods: BACKLOG_PERIODS },
    );
  }

  /** Counts the ingest log lines that record a dead letter stored in the table. */
  countDeadLettered(logGroup: ILogGroup, id: string): void {
    new MetricFilter(this, id, {
      logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', DEAD_LETTERED_LOG_MESSAGE),
      metricNamespace: this.deadLetteredMetric.namespace,
      metricName: this.deadLetteredMetric.metricName,
      metricValue: '1',
    });
  }

  /** Customers held back from a month's close (their close step kept failing): one alarm, counted from close-shard's log. */
  onHeldCustomers(logGroup: ILogGroup): void {
    const metric = new Metric({
      namespace: this.deadLetteredMetric.namespace,
      metricName: 'CustomersHeld',
      statistic: 'Sum',
      period: PERIOD,
    });
    this.heldMetric = metric;
    new MetricFilter(this, 'CustomersHeldFilter', {
      logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', HELD_LOG_MESSAGE),
      metricNamespace: metric.namespace,
      metricName: metric.metricName,
      metricValue: '1',
    });
    this.alarm(
      'CustomersHeld',
      metric,
      "Customers were held back from a month's close: the month closed without them. Read the report's held list for the reasons, fix the cause, and re-run close-start for the month (docs/deploy.md).",
    );
  }

  /** The monthly close as one alarm: its start or shard functions fail, or a shard message dead-letters. */
  onCloseFailure(closeStart: IFunction, closeShard: IFunction, closeDeadLetters: IQueue): void {
    const usingMetrics: Record<string, IMetric> = {
      startErrors: closeStart.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      shardErrors: closeShard.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      deadShards: closeDeadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
    };
    const expression = Object.keys(usingMetrics)
      .map((name) => `FILL(${name}, 0)`)
      .join(' + ');
    this.alarm(
      'MonthlyCloseFailed',
      new MathExpression({ expression, usingMetrics, period: PERIOD, label: 'close failures' }),
      'The monthly close failed: close-start or close-shard errored, or a shard message reached the close dead-letter queue. Re-run close-start for the month (docs/deploy.md): it resumes the shards not done.',
    );
  }

  private alarm(
    id: string,
    metric: IMetric,
    description: string,
    { threshold = 1, evaluationPeriods = 1 }: { threshold?: number; evaluationPeriods?: number } = {},
  ): void {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.prefix}-${id}`,
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing failed: Lambda and SQS publish no point for a quiet period.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic), ...this.extraActions);
    // An incident tool opens on ALARM and resolves on OK; e-mail needs only the first.
    alarm.addOkAction(...this.extraActions);
    this.alarms.push(alarm);
  }
}
