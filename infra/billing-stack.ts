// The billing pipeline in AWS (docs/deploy.md): the `device-supply` bus, its archive and the
// schema registry of its events, one rule → queue → consumer per route of `shared/routing.ts`,
// the table, the monthly close and the deadline sweep on Scheduler, the finance API, the
// entries export, the bus policy and pipeline key, backups, the dashboard and alarms. Past 300
// lines because it is the one place where these are wired to each other (who may read, send,
// publish or decrypt what); each piece is a construct of constructs/, its sizing is in
// function-sizing.ts and its outputs in stack-outputs.ts.
import { Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { Archive, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { MONTHLY_CLOSE_HOUR_JST } from '#shared/domain/policy.ts';
import { type Consumer, ROUTES } from '#shared/routing.ts';
import { FINANCE_READABLE_KEY_PREFIXES, INDEX } from '#shared/store/keys.ts';
import { OPERATION_ENTRIES } from './bundling.ts';
import { acknowledgeRule, acknowledgeWildcardResource } from './compliance.ts';
import { createBillingTable } from './constructs/billing-table.ts';
import { BusPolicy, grantPublish } from './constructs/bus-policy.ts';
import { EventSchemas } from './constructs/event-schemas.ts';
import { EntriesExports, EXPORT_ENTRIES_SIZING } from './constructs/export-bucket.ts';
import { FinanceApi } from './constructs/finance-api.ts';
import { FunctionWithLogGroup, type FunctionWithLogGroupProps } from './constructs/function-with-log-group.ts';
import {
  CLOSE_BACKLOG_MESSAGES,
  CONSUMER_BACKLOG_MESSAGES,
  EXPORT_BACKLOG_MESSAGES,
  PipelineAlarms,
} from './constructs/pipeline-alarms.ts';
import { PipelineDashboard } from './constructs/pipeline-dashboard.ts';
import { PipelineKey } from './constructs/pipeline-key.ts';
import { DeadLetterQueue, WorkQueue } from './constructs/queues.ts';
import { LedgerRetention } from './constructs/retention.ts';
import {
  ARCHIVE_RETENTION,
  CLOSE_MAX_RECEIVE_COUNT,
  CLOSE_SHARD,
  CLOSE_SHARD_MAX_CONCURRENCY,
  CLOSE_START,
  CONSUMER_MAX_CONCURRENCY,
  CONSUMER_MAX_RECEIVE_COUNT,
  CUSTOMER_STEP,
  FINANCE_API,
  INGEST,
  REDRIVE,
  type Sizing,
  SWEEP,
} from './function-sizing.ts';
import { addStackOutputs, pascal } from './stack-outputs.ts';
import { type StageConfig, UPSTREAM_SOURCES } from './stage-config.ts';

/** Contract §1: upstream systems put their events on the bus of this name. */
export const EVENT_BUS_NAME = 'device-supply';

export interface BillingStackProps extends StackProps {
  config: StageConfig;
}

/** The stack of one stage, in the stage's account and region when they are known. */
export function addBillingStack(scope: Construct, config: StageConfig): BillingStack {
  return new BillingStack(scope, `${config.prefix}-device-supply-billing`, {
    config,
    env: { account: config.account, region: config.region },
    // CDK's version metadata resource comes with a condition listing every region by name: the
    // template stays free of region literals without it (test/infra/security.test.ts).
    analyticsReporting: false,
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
    // Raw inbound events at rest (the archive, the dead-letter queues) under a key only the pipeline uses.
    const pipelineKey = new PipelineKey(this, 'PipelineKey', { operatorArns: config.deadLetterOperatorArns });
    const publishers: FunctionWithLogGroup[] = [];
    // The bus's event contract, registered for senders and consumers to build against (docs/events.md).
    new EventSchemas(this, 'EventSchemas', { registryName: EVENT_BUS_NAME });
    const archive = new Archive(this, 'InboundArchive', {
      sourceEventBus: bus,
      description: 'Every inbound event, for replay through the routing rules',
      eventPattern: { source: [...new Set(ROUTES.flatMap((route) => route.pattern.source))] },
      retention: ARCHIVE_RETENTION,
      kmsKey: pipelineKey.key,
    });
    const alarms = new PipelineAlarms(this, 'Alarms', {
      prefix: config.prefix,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      ...(config.alarmActionArns ? { alarmActionArns: config.alarmActionArns } : {}),
    });
    const busDeliveryDeadLetters = new DeadLetterQueue(this, 'BusDeliveryDeadLetters', pipelineKey.key);
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
    const invocationDeadLetters = new DeadLetterQueue(this, 'InvocationDeadLetters', pipelineKey.key);
    alarms.onDeadLetters(
      'InvocationDeadLetters',
      invocationDeadLetters,
      'scheduled and operator invocations (close start, sweep, redrive)',
    );

    const environment = { TABLE_NAME: table.tableName };
    // Only a function that emits decisions is told the bus and may put events on it.
    const publishes = (fn: FunctionWithLogGroup) => {
      fn.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
      grantPublish(bus, fn);
      publishers.push(fn);
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
        deadLetterKey: pipelineKey.key,
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
      alarms.onBacklog(`${name}Queue`, work.queue, CONSUMER_BACKLOG_MESSAGES, `the ${route.consumer} queue`);
      alarms.countDeadLettered(consumer.logGroup, `${name}DeadLettered`);
    }

    const closeWork = new WorkQueue(this, 'CloseQueue', {
      consumerTimeout: CLOSE_SHARD.timeout,
      maxReceiveCount: CLOSE_MAX_RECEIVE_COUNT,
      deadLetterKey: pipelineKey.key,
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
    alarms.onBacklog('CloseQueue', closeWork.queue, CLOSE_BACKLOG_MESSAGES, 'the close queue');
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
    financeHandler.grantTable(
      table,
      ['GetItem', 'Query'],
      [INDEX.byMonth, INDEX.bySearch],
      FINANCE_READABLE_KEY_PREFIXES,
    );
    acknowledgeSynchronousInvocation(financeHandler, 'API Gateway');
    alarms.onErrors(financeHandler, OPERATION_ENTRIES.financeApi);
    const finance = new FinanceApi(this, 'Finance', {
      handler: financeHandler,
      prefix: config.prefix,
      logRetention: config.logRetention,
      apiGatewayCloudWatchRole: config.apiGatewayCloudWatchRole,
      ...(config.financePrincipalArn ? { financePrincipalArn: config.financePrincipalArn } : {}),
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

    // The month's entries file, written when its close finishes (or by an operator's invocation).
    const exporter = lambda('ExportEntries', OPERATION_ENTRIES.exportEntries, EXPORT_ENTRIES_SIZING, {
      deadLetterQueue: invocationDeadLetters,
    });
    const exports = new EntriesExports(this, 'EntriesExports', {
      table,
      exporter,
      closeShard,
      finance: financeHandler,
    });
    alarms.onErrors(exporter, OPERATION_ENTRIES.exportEntries);
    alarms.onDeadLetters('ExportDeadLetters', exports.work.deadLetterQueue, 'the entries export queue');
    alarms.onBacklog('ExportQueue', exports.work.queue, EXPORT_BACKLOG_MESSAGES, 'the entries export queue');

    const retention = new LedgerRetention(this, 'Retention', { prefix: config.prefix, table, notify: alarms.topic });
    const dashboard = new PipelineDashboard(this, 'Dashboard', {
      prefix: config.prefix,
      consumerQueues,
      closeQueue: closeWork,
      exportQueue: exports.work,
      closeShard,
      alarms,
      table,
      financeApi: finance.api,
      functions: this.functions,
    });

    new BusPolicy(this, 'BusPolicy', {
      bus,
      producers: config.producers,
      upstreamSources: UPSTREAM_SOURCES,
      publishers: () => publishers.map((fn) => fn.role as Role),
    });

    addStackOutputs(this, {
      table,
      bus,
      archive,
      routingRules,
      consumerQueues,
      closeWork,
      busDeliveryDeadLetters,
      invocationDeadLetters,
      finance,
      closeStart,
      sweep,
      redrive,
      exporter,
      exports,
      alarms,
      retention,
      dashboard,
    });

    // Last, once every function exists: each but finance's sends to or consumes a queue whose
    // dead letters the key encrypts.
    pipelineKey.allowRoles([
      ...this.functions.filter((fn) => fn !== financeHandler).map((fn) => fn.role as Role),
      schedulerRole,
    ]);
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
