// Operating the pipeline: alarms on the age and backlog of every work queue, alarm actions
// taken from the stage configuration, and the dashboard's graphs of what the alarms count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/routing.ts';
import { REPO_ROOT } from '../../infra/bundling.ts';
import {
  CLOSE_BACKLOG_MESSAGES,
  CONSUMER_BACKLOG_MESSAGES,
  EXPORT_BACKLOG_MESSAGES,
} from '../../infra/constructs/pipeline-alarms.ts';
import { stageConfigFrom } from '../../infra/stage-config.ts';
import { billingApp, type CfnResource, type CfnResources, only, referencedId, TEST_CONTEXT } from './billing-app.ts';

const PAGER = 'arn:aws:sns:ap-northeast-1:123456789012:pagerduty-billing';
const CHATBOT = 'arn:aws:sns:ap-northeast-1:123456789012:chatbot-billing';

let resources: CfnResources;
let withActions: CfnResources;
const typed = (from: CfnResources, type: string): [string, CfnResource][] =>
  Object.entries(from).filter(([, r]) => r.Type === type);
const alarmNamed = (from: CfnResources, suffix: string): CfnResource =>
  only(
    typed(from, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties.AlarmName === `${TEST_CONTEXT.prefix}-${suffix}`,
    ),
    `alarm ${suffix}`,
  )[1];
const queueOf = (alarm: CfnResource): string | undefined =>
  referencedId((alarm.Properties.Dimensions as { Name: string; Value: unknown }[])[0]?.Value);
/** The consumer queues and the close queue: the work queues (with a dead-letter queue) events and the close go through. */
const pipelineQueues = (from: CfnResources): [string, CfnResource][] =>
  typed(from, 'AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy); // a work queue, not a dead-letter one
const pascal = (kebab: string): string => kebab.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

// Synthesis includes CDK's own template validation: seconds, not milliseconds.
beforeAll(() => {
  resources = Template.fromStack(billingApp().stack).toJSON().Resources as CfnResources;
  withActions = Template.fromStack(billingApp({ context: { alarmActionArns: `${PAGER},${CHATBOT}` } }).stack).toJSON()
    .Resources as CfnResources;
}, 120_000);

describe('queue age and backlog alarms', () => {
  const queues = () => [
    ...ROUTES.map((route) => ({ alarm: `Ingest${pascal(route.consumer)}Queue`, backlog: CONSUMER_BACKLOG_MESSAGES })),
    { alarm: 'CloseQueue', backlog: CLOSE_BACKLOG_MESSAGES },
    { alarm: 'ExportQueue', backlog: EXPORT_BACKLOG_MESSAGES },
  ];

  it("watch every work queue: the consumers', the close's and the export's", () => {
    const workQueues = pipelineQueues(resources)
      .map(([id]) => id)
      .sort();
    const watched = (metric: string) =>
      typed(resources, 'AWS::CloudWatch::Alarm')
        .filter(([, a]) => a.Properties.MetricName === metric && a.Properties.Namespace === 'AWS/SQS')
        .map(([, a]) => queueOf(a) as string)
        .sort();
    expect(watched('ApproximateAgeOfOldestMessage')).toEqual(expect.arrayContaining(workQueues));
    expect(workQueues).toHaveLength(ROUTES.length + 2);
    const visible = watched('ApproximateNumberOfMessagesVisible');
    for (const id of workQueues) expect(visible, id).toContain(id);
  });

  it('alarm on an age past the time a failing message is retried, read from the queue itself', () => {
    for (const { alarm } of queues()) {
      const age = alarmNamed(resources, `${alarm}Age`);
      const queue = resources[queueOf(age) as string] as CfnResource;
      const retried = queue.Properties.VisibilityTimeout * queue.Properties.RedrivePolicy.maxReceiveCount;
      expect(age.Properties, alarm).toMatchObject({
        Threshold: retried,
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    // Consumers: 10 deliveries of 3 minutes, half the hour the close waits for the queues to drain.
    expect(alarmNamed(resources, 'IngestOrdersQueueAge').Properties.Threshold).toBe(30 * 60);
  });

  it('alarm on a backlog that stays above its threshold for 15 minutes, not on a burst', () => {
    for (const { alarm, backlog } of queues()) {
      expect(alarmNamed(resources, `${alarm}Backlog`).Properties, alarm).toMatchObject({
        Threshold: backlog,
        EvaluationPeriods: 3,
        Period: 300,
        // The minimum of a period: one drained moment in it means the queue drains.
        Statistic: 'Minimum',
      });
    }
  });
});

describe('alarm actions from the stage configuration', () => {
  it('notify each configured topic besides the alarm topic, on ALARM and on OK', () => {
    const [topicId] = only(typed(withActions, 'AWS::SNS::Topic'), 'topic');
    const alarms = typed(withActions, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBe(typed(resources, 'AWS::CloudWatch::Alarm').length);
    for (const [id, alarm] of alarms) {
      const [own, ...extra] = alarm.Properties.AlarmActions as unknown[];
      expect(referencedId(own), id).toBe(topicId);
      expect(extra, id).toEqual([PAGER, CHATBOT]);
      expect(alarm.Properties.OKActions, id).toEqual([PAGER, CHATBOT]);
    }
  });

  it('add no OK action without them', () => {
    for (const [id, alarm] of typed(resources, 'AWS::CloudWatch::Alarm'))
      expect(alarm.Properties.OKActions, id).toBeUndefined();
  });

  it('are read from context as a list or comma-separated, or from the environment', () => {
    const context = (values: Record<string, unknown>) => (key: string) => values[key];
    expect(stageConfigFrom(context({ alarmActionArns: [PAGER, CHATBOT] }), {}).alarmActionArns).toEqual([
      PAGER,
      CHATBOT,
    ]);
    expect(stageConfigFrom(context({ alarmActionArns: ` ${PAGER} , ${CHATBOT}` }), {}).alarmActionArns).toEqual([
      PAGER,
      CHATBOT,
    ]);
    expect(stageConfigFrom(context({}), { BILLING_ALARM_ACTION_ARNS: PAGER }).alarmActionArns).toEqual([PAGER]);
    expect(stageConfigFrom(context({ alarmActionArns: JSON.stringify([CHATBOT]) }), {}).alarmActionArns).toEqual([
      CHATBOT,
    ]);
    expect(stageConfigFrom(context({}), {})).not.toHaveProperty('alarmActionArns');
  });

  it.each([
    ['arn:aws:sqs:ap-northeast-1:123456789012:queue', /not the ARN of a standard SNS topic/],
    ['arn:aws:sns:ap-northeast-1:123456789012:topic.fifo', /not the ARN of a standard SNS topic/],
    ['arn:aws:sns:ap-northeast-1:12345:topic', /not the ARN of a standard SNS topic/],
    ['pagerduty', /not the ARN of a standard SNS topic/],
    [
      'arn:aws:sns:us-west-2:123456789012:topic',
      /is in us-west-2; alarms of ap-northeast-1 notify topics of ap-northeast-1 only/,
    ],
    [`${PAGER},${PAGER}`, /listed twice/],
  ])('refuses %s', (arns, message) => {
    expect(() => stageConfigFrom((key) => ({ alarmActionArns: arns, region: 'ap-northeast-1' })[key], {})).toThrow(
      message,
    );
  });
});

interface Widget {
  type: string;
  properties: { title?: string; region?: string; query?: string; metrics?: unknown[][] };
}

/** The dashboard's widgets, each reference written `<Id>` or `<Id.Attribute>`. */
function dashboardWidgets(): Widget[] {
  const [, dashboard] = only(typed(resources, 'AWS::CloudWatch::Dashboard'), 'dashboard');
  expect(dashboard.Properties.DashboardName).toBe(`${TEST_CONTEXT.prefix}-billing`);
  const [separator, parts] = dashboard.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return ref.Ref ? `<${ref.Ref}>` : `<${ref['Fn::GetAtt']?.join('.')}>`;
    })
    .join(separator);
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

const widgetTitled = (start: string): Widget =>
  only(
    dashboardWidgets().filter((w) => w.properties.title?.startsWith(start)),
    `widget "${start}"`,
  );
/** A metric line of a widget: namespace, name, then dimension name/value pairs, then options. */
const metricsOf = (widget: Widget): string[][] =>
  (widget.properties.metrics ?? []).map((line) => line.filter((x): x is string => typeof x === 'string'));
const hasMetric = (widget: Widget, ...line: string[]) =>
  metricsOf(widget).some((m) => line.every((part, i) => m[i] === part));

describe('the dashboard', () => {
  const workQueues = () => pipelineQueues(resources);

  it('graphs what is routed to and received from each consumer queue', () => {
    const ingest = widgetTitled('Ingest');
    for (const [id] of workQueues().filter(([id]) => id.startsWith('Ingest'))) {
      expect(hasMetric(ingest, 'AWS/SQS', 'NumberOfMessagesSent', 'QueueName', `<${id}.QueueName>`), id).toBe(true);
      expect(hasMetric(ingest, 'AWS/SQS', 'NumberOfMessagesReceived', 'QueueName', `<${id}.QueueName>`), id).toBe(true);
    }
  });

  it('graphs the backlog and age of every work queue and the depth of its dead-letter queue', () => {
    const queues = widgetTitled('Queues');
    const deadLetters = widgetTitled('Dead letters');
    for (const [id, queue] of workQueues()) {
      for (const metric of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'])
        expect(hasMetric(queues, 'AWS/SQS', metric, 'QueueName', `<${id}.QueueName>`), `${id} ${metric}`).toBe(true);
      const dlq = referencedId(queue.Properties.RedrivePolicy.deadLetterTargetArn) as string;
      expect(
        hasMetric(deadLetters, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `<${dlq}.QueueName>`),
        dlq,
      ).toBe(true);
    }
  });

  it('graphs the alarms’ own counts, from their metric filters: events dead-lettered in the table and customers held', () => {
    const namespace = `DeviceSupplyBilling/${TEST_CONTEXT.prefix}`;
    const filtered = (metric: string) =>
      typed(resources, 'AWS::Logs::MetricFilter').some(
        ([, f]) =>
          f.Properties.MetricTransformations[0].MetricName === metric &&
          f.Properties.MetricTransformations[0].MetricNamespace === namespace,
      );
    expect(hasMetric(widgetTitled('Dead letters'), namespace, 'EventsDeadLettered')).toBe(true);
    expect(hasMetric(widgetTitled('Monthly close: shard'), namespace, 'CustomersHeld')).toBe(true);
    expect([filtered('EventsDeadLettered'), filtered('CustomersHeld')]).toEqual([true, true]);
  });

  it('queries the lines ingest and close-shard write, in their own log groups', () => {
    const logGroupOf = (entry: string) => {
      const [fnId] = only(
        typed(resources, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Description === entry),
        entry,
      );
      return `<${referencedId(resources[fnId]?.Properties.LoggingConfig.LogGroup)}>`;
    };
    const waiting = widgetTitled('Events put to wait').properties.query ?? '';
    expect(waiting).toContain('filter message = "event processed" and result = "waiting"');
    for (const route of ROUTES) expect(waiting, route.consumer).toContain(`SOURCE '${logGroupOf(route.handlerEntry)}'`);
    const close = widgetTitled('Monthly close: customers').properties.query ?? '';
    expect(close).toContain('filter message = "close shard progress"');
    expect(close).toContain(`SOURCE '${logGroupOf('functions/close-shard.ts')}'`);
    // The fields queried are the ones the handlers log.
    const source = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');
    expect(source('functions/lib/sqs-ingest.ts')).toMatch(
      /logger\.info\('event processed', \{[^}]*result: result\.result/s,
    );
    expect(source('functions/close-shard.ts')).toMatch(
      /logger\.info\('close shard progress', \{[^}]*closed: result\.closed,\s*held:/s,
    );
  });

  it('graphs the finance API’s p99 latency, every function’s throttles and the table’s throttled requests', () => {
    const [, api] = only(typed(resources, 'AWS::ApiGateway::RestApi'), 'REST API');
    const latency = widgetTitled('Finance API latency');
    const p99 = (latency.properties.metrics ?? []).find(
      (line) => line[1] === 'Latency' && (line.at(-1) as { stat?: string }).stat === 'p99',
    );
    expect(p99?.slice(0, 4)).toEqual(['AWS/ApiGateway', 'Latency', 'ApiName', api.Properties.Name]);
    const throttles = widgetTitled('Throttles');
    for (const [id] of typed(resources, 'AWS::Lambda::Function'))
      expect(hasMetric(throttles, 'AWS/Lambda', 'Throttles', 'FunctionName', `<${id}>`), id).toBe(true);
    const [tableId] = only(typed(resources, 'AWS::DynamoDB::Table'), 'table');
    for (const operation of ['PutItem', 'UpdateItem', 'BatchWriteItem', 'GetItem', 'Query'])
      expect(
        hasMetric(throttles, 'AWS/DynamoDB', 'ThrottledRequests', 'Operation', operation, 'TableName', `<${tableId}>`),
        operation,
      ).toBe(true);
  });

  it('names no region or account: every widget’s region is the stack’s', () => {
    for (const widget of dashboardWidgets().filter((w) => w.type !== 'text'))
      expect(widget.properties.region, widget.properties.title).toBe('<AWS::Region>');
    expect(JSON.stringify(dashboardWidgets())).not.toMatch(/[a-z]{2}-[a-z]+-\d|\d{12}/);
  });
});
