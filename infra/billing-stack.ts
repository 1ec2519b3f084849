// The billing pipeline in AWS (docs/deploy.md): the `device-supply` bus, its archive and the
// schema registry of its events, one rule → queue → consumer per route of `shared/routing.ts`,
// the table, the monthly close and the deadline sweep on Scheduler, the finance API, and alarms.
import { CfnOutput, Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { Archive, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { ARCHIVE_RETENTION_DAYS, MONTHLY_CLOSE_HOUR_JST } from '#shared/domain/policy.ts';
import { type Consumer, ROUTES } from '#shared/routing.ts';
import { INDEX } from '#shared/store/keys.ts';
import { OPERATION_ENTRIES } from './bundling.ts';
import { acknowledgeRule, acknowledgeWildcardResource } from './compliance.ts';
import { createBillingTable } from './constructs/billing-table.ts';
import { EventSchemas } from './constructs/event-schemas.ts';
import { FinanceApi } from './constructs/finance-api.ts';
import {
  FunctionWithLogGroup,
  type FunctionWithLogGroupProps,
  type TableAction,
} from './constructs/function-with-log-group.ts';
import { PipelineAlarms } from './constructs/pipeline-alarms.ts';
import { DeadLetterQueue, WorkQueue } from './constructs/queues.ts';
import type { StageConfig } from './stage-config.ts';

/** Contract §1: upstream systems put their events on the bus of this name. */
export const EVENT_BUS_NAME = 'device-supply';

/** Above the 6 deliveries after which ingest dead-letters a waiting event in the table itself. */
const CONSUMER_MAX_RECEIVE_COUNT = 10;
/**
 * Concurrent batches per consumer queue. A replay from the archive or a redrive can put a
 * month of events on the queues at once; this keeps DynamoDB on-demand within the
 * throughput it ramps to without throttling, and the queues absorb the backlog.
 */
const CONSUMER_MAX_CONCURRENCY = 20;
/** Each close-shard invocation closes 16 customers at a time; 8 of them stay below ~130 writers. */
const CLOSE_SHARD_MAX_CONCURRENCY = 8;
/** A shard message is idempotent (closed customers are skipped), so a few retries are cheap. */
const CLOSE_MAX_RECEIVE_COUNT = 5;
/** Long enough to replay any month finance can still read (derived from the lookback in policy.ts). */
const ARCHIVE_RETENTION = Duration.days(ARCHIVE_RETENTION_DAYS);

/**
 * A customer step (shared/runtime/customer-step.ts) reads aggregates (GetItem, or BatchGetItem
 * when reads coalesce) and the close pointer, commits with PutItem, clears the outbox with
 * UpdateItem and projects entries with BatchWriteItem. Ingest adds PutItem (event registry,
 * dead letters); the close's shard progress adds UpdateItem and PutItem.
 */
const CUSTOMER_STEP: TableAction[] = ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'];

type Sizing = Pick<FunctionWithLogGroupProps, 'timeout' | 'memorySize'>;
const INGEST: Sizing = { timeout: Duration.seconds(30), memorySize: 512 };
// close-shard stops starting pages when less than a minute is left, so it needs several.
const CLOSE_SHARD: Sizing = { timeout: Duration.minutes(5), memorySize: 1024 };
const CLOSE_START: Sizing = { timeout: Duration.minutes(1), memorySize: 256 };
const SWEEP: Sizing = { timeout: Duration.minutes(15), memorySize: 1024 };
// API Gateway gives up on an integration after 29 seconds.
const FINANCE_API: Sizing = { timeout: Duration.seconds(29), memorySize: 1024 };
const REDRIVE: Sizing = { timeout: Duration.minutes(15), memorySize: 256 };

const pascal = (kebab: string): string => kebab.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

export interface BillingStackProps extends StackProps {
  config: StageConfig;
}

/** The stack of one stage, in the stage's account and region when they are known. */
export function addBillingStack(scope: Construct, config: StageConfig): BillingStack {
  return new BillingStack(scope, `${config.prefix}-device-supply-billing`, {
    config,
    env: { account: config.account, region: config.region },
    description: 'Device supply billing pipeline: event bus, queues, handlers, ledger table, schedules, finance API',
  });
}

export class BillingStack extends Stack {
  readonly functions: FunctionWithLogGroup[] = [];

  constructor(scope: Construct, id: string, props: BillingStackProps) {
    super(scope, id, props);
    const { config } = props;

    const table = createBillingTable(this, 'Table');
    const bus = new EventBus(this, 'Bus', { eventBusName: EVENT_BUS_NAME });
    // The bus's event contract, registered for senders and consumers to build against (docs/events.md).
    new EventSchemas(this, 'EventSchemas', { registryName: EVENT_BUS_NAME });
    const archive = new Archive(this, 'InboundArchive', {
      sourceEventBus: bus,
      description: 'Every inbound event, for replay through the routing rules',
      eventPattern: { source: [...new Set(ROUTES.flatMap((route) => route.pattern.source))] },
      retention: ARCHIVE_RETENTION,
    });
    const alarms = new PipelineAlarms(this, 'Alarms', {
      prefix: config.prefix,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
    const busDeliveryDeadLetters = new DeadLetterQueue(this, 'BusDeliveryDeadLetters');
    acknowledgeRule(
      busDeliveryDeadLetters,
      'AwsSolutions-SQS3',
      "This queue is the dead-letter queue of the routing rules' targets (their DeadLetterConfig), a use cdk-nag only recognises for queues and Lambda functions.",
    );
    alarms.onDeadLetters(
      'BusDeliveryDeadLetters',
      busDeliveryDeadLetters,
      'the routing rules (EventBridge could not deliver to a consumer queue)',
    );
    // Lambda's dead-letter queue for the asynchronously invoked functions, and Scheduler's.
    const invocationDeadLetters = new DeadLetterQueue(this, 'InvocationDeadLetters');
    alarms.onDeadLetters(
      'InvocationDeadLetters',
      invocationDeadLetters,
      'scheduled and operator invocations (close start, sweep, redrive)',
    );

    const environment = { TABLE_NAME: table.tableName };
    // Only a function that emits decisions is told the bus and may put events on it.
    const publishes = (fn: FunctionWithLogGroup) => {
      fn.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
      bus.grantPutEventsTo(fn);
    };
    const lambda = (name: string, entry: string, sizing: Sizing, extra: Partial<FunctionWithLogGroupProps> = {}) => {
      const fn = new FunctionWithLogGroup(this, name, {
        entry,
        ...sizing,
        logRetention: config.logRetention,
        ...extra,
        environment: { ...environment, ...extra.environment },
      });
      alarms.onThrottles(fn, entry);
      this.functions.push(fn);
      return fn;
    };

    const consumerQueues = {} as Record<Consumer, WorkQueue>;
    const routingRules: Rule[] = [];
    for (const route of ROUTES) {
      const name = pascal(`ingest-${route.consumer}`);
      const consumer = lambda(name, route.handlerEntry, INGEST);
      const work = new WorkQueue(this, `${name}Queue`, {
        consumerTimeout: INGEST.timeout,
        maxReceiveCount: CONSUMER_MAX_RECEIVE_COUNT,
      });
      consumerQueues[route.consumer] = work;
      routingRules.push(
        new Rule(this, `${name}Route`, {
          eventBus: bus,
          description: `${route.consumer} events to ${route.handlerEntry}`,
          eventPattern: { source: route.pattern.source, detailType: route.pattern['detail-type'] },
          targets: [new SqsQueue(work.queue, { deadLetterQueue: busDeliveryDeadLetters })],
        }),
      );
      consumer.addEventSource(
        new SqsEventSource(work.queue, {
          batchSize: 10,
          reportBatchItemFailures: true,
          maxConcurrency: CONSUMER_MAX_CONCURRENCY,
        }),
      );
      acknowledgeQueueConsumer(consumer);
      consumer.grantTable(table, CUSTOMER_STEP);
      publishes(consumer);
      alarms.onErrors(consumer, route.handlerEntry);
      alarms.onDeadLetters(`${name}DeadLetters`, work.deadLetterQueue, `the ${route.consumer} queue`);
      alarms.countDeadLettered(consumer.logGroup, `${name}DeadLettered`);
    }

    const closeWork = new WorkQueue(this, 'CloseQueue', {
      consumerTimeout: CLOSE_SHARD.timeout,
      maxReceiveCount: CLOSE_MAX_RECEIVE_COUNT,
    });
    const closeQueueUrl = { CLOSE_QUEUE_URL: closeWork.queue.queueUrl };
    const closeStart = lambda('CloseStart', OPERATION_ENTRIES.closeStart, CLOSE_START, {
      environment: closeQueueUrl,
      deadLetterQueue: invocationDeadLetters,
    });
    // Query: the held customers of a closed month, whose shards a re-run sends again.
    closeStart.grantTable(table, ['GetItem', 'PutItem', 'Query']);
    closeWork.queue.grantSendMessages(closeStart);

    const closeShard = lambda('CloseShard', OPERATION_ENTRIES.closeShard, CLOSE_SHARD, {
      environment: closeQueueUrl,
      // A shard too large for one invocation continues itself through its own queue; each
      // continuation starts after a later customer id, so the loop ends.
      recursiveLoop: RecursiveLoop.ALLOW,
    });
    closeShard.addEventSource(
      new SqsEventSource(closeWork.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: CLOSE_SHARD_MAX_CONCURRENCY,
      }),
    );
    acknowledgeQueueConsumer(closeShard);
    // Query and DeleteItem: the shard's held customers, retried and released.
    closeShard.grantTable(table, [...CUSTOMER_STEP, 'Query', 'DeleteItem'], [INDEX.byShard]);
    closeWork.queue.grantSendMessages(closeShard);
    publishes(closeShard);
    alarms.onCloseFailure(closeStart, closeShard, closeWork.deadLetterQueue);
    alarms.onHeldCustomers(closeShard.logGroup);

    const sweep = lambda('Sweep', OPERATION_ENTRIES.sweep, SWEEP, { deadLetterQueue: invocationDeadLetters });
    sweep.grantTable(table, CUSTOMER_STEP, [INDEX.byDue]);
    publishes(sweep);
    alarms.onErrors(sweep, OPERATION_ENTRIES.sweep);

    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    const scheduled = (fn: FunctionWithLogGroup) => {
      acknowledgeWildcardResource(
        schedulerRole,
        `${fn.functionArn}:*`,
        `Scheduler invokes ${fn.entryPath}; the grant covers that function's versions and aliases (:*), no other function.`,
      );
      return new LambdaInvoke(fn, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({}),
        deadLetterQueue: invocationDeadLetters,
        retryAttempts: 5,
        maxEventAge: Duration.hours(6),
      });
    };
    // On the 1st at MONTHLY_CLOSE_HOUR_JST (01:00), Asia/Tokyo, so the hour is the Policy's as it
    // stands: the last events of the month get an hour to drain through the queues; later ones
    // still bill, in the next open month.
    new Schedule(this, 'MonthlyClose', {
      scheduleName: `${config.prefix}-monthly-close`,
      description: 'Closes the previous month (Asia/Tokyo)',
      schedule: ScheduleExpression.cron({
        minute: '0',
        hour: String(MONTHLY_CLOSE_HOUR_JST),
        day: '1',
        timeZone: TimeZone.ASIA_TOKYO,
      }),
      target: scheduled(closeStart),
      timeWindow: TimeWindow.off(),
    });
    new Schedule(this, 'DailyDeadlineSweep', {
      scheduleName: `${config.prefix}-deadline-sweep`,
      description: 'Assesses the return and loaner deadlines that passed (Asia/Tokyo)',
      schedule: ScheduleExpression.cron({ minute: '30', hour: '0', timeZone: TimeZone.ASIA_TOKYO }),
      target: scheduled(sweep),
      timeWindow: TimeWindow.off(),
    });

    const financeHandler = lambda('FinanceApi', OPERATION_ENTRIES.financeApi, FINANCE_API);
    financeHandler.grantTable(table, ['GetItem', 'Query'], [INDEX.byMonth]);
    acknowledgeSynchronousInvocation(financeHandler, 'API Gateway');
    alarms.onErrors(financeHandler, OPERATION_ENTRIES.financeApi);
    const finance = new FinanceApi(this, 'Finance', {
      handler: financeHandler,
      prefix: config.prefix,
      logRetention: config.logRetention,
    });

    const redrive = lambda('Redrive', OPERATION_ENTRIES.redrive, REDRIVE, {
      environment: {
        CONSUMER_QUEUE_URLS: this.toJsonString(
          Object.fromEntries(ROUTES.map((r) => [r.consumer, consumerQueues[r.consumer].queue.queueUrl])),
        ),
      },
      deadLetterQueue: invocationDeadLetters,
    });
    redrive.grantTable(table, ['Query', 'DeleteItem']);
    for (const work of Object.values(consumerQueues)) work.queue.grantSendMessages(redrive);
    alarms.onErrors(redrive, OPERATION_ENTRIES.redrive);

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('EventBusArn', bus.eventBusArn, 'The bus upstream systems put events on');
    output('ArchiveArn', archive.archiveArn, 'Archive of inbound events (replay: docs/deploy.md)');
    output(
      'RoutingRuleArns',
      routingRules.map((rule) => rule.ruleArn).join(','),
      'FilterArns for a replay into the routing rules',
    );
    output('TableName', table.tableName, 'The billing table');
    output('FinanceApiUrl', finance.api.url, 'Finance API base URL (SigV4)');
    output(
      'FinanceReadOnlyPolicyArn',
      finance.readOnlyPolicy.managedPolicyArn,
      'Attach to finance principals to let them call the finance API',
    );
    output(
      'FinanceReadOnlyRoleArn',
      finance.readOnlyRole.roleArn,
      'Role with that policy, assumable by principals of this account that are allowed to',
    );
    output('CloseStartFunction', closeStart.functionName, 'Invoke with {"month":"YYYY-MM"} to (re)run a close');
    output('SweepFunction', sweep.functionName, 'Invoke with {"asOf":ISO} to run the deadline sweep');
    output('RedriveFunction', redrive.functionName, 'Invoke to redrive dead letters stored in the table');
    output('AlarmTopicArn', alarms.topic.topicArn, 'Alarms notify this topic');
    for (const route of ROUTES) {
      const name = pascal(route.consumer);
      output(`${name}QueueArn`, consumerQueues[route.consumer].queue.queueArn, `The ${route.consumer} consumer queue`);
      output(
        `${name}DeadLetterQueueArn`,
        consumerQueues[route.consumer].deadLetterQueue.queueArn,
        `Dead letters of the ${route.consumer} queue`,
      );
    }
    output('CloseDeadLetterQueueArn', closeWork.deadLetterQueue.queueArn, 'Dead letters of the close queue');
    output(
      'BusDeliveryDeadLetterQueueArn',
      busDeliveryDeadLetters.queueArn,
      'Events EventBridge could not deliver to a consumer queue',
    );
    output(
      'InvocationDeadLetterQueueArn',
      invocationDeadLetters.queueArn,
      'Failed scheduled or asynchronous invocations',
    );
  }
}

function acknowledgeQueueConsumer(fn: FunctionWithLogGroup): void {
  acknowledgeRule(
    fn,
    'Serverless-LambdaEventSourceMappingDestination',
    "Lambda offers on-failure destinations for stream and Kafka sources, not for SQS: a record that keeps failing goes to the queue's dead-letter queue through its redrive policy.",
  );
  acknowledgeSynchronousInvocation(fn, 'its SQS event source mapping');
}

function acknowledgeSynchronousInvocation(fn: FunctionWithLogGroup, invokedBy: string): void {
  acknowledgeRule(
    fn,
    'Serverless-LambdaDLQ',
    `Invoked synchronously by ${invokedBy}, never asynchronously: a Lambda dead-letter queue only receives failed asynchronous invocations.`,
  );
}
