// The synthesized template against the design: routing from the one routing table, queues
// with dead-letter queues, the table from its definition, schedules in Asia/Tokyo, the
// IAM-authorized finance API, least-privilege roles and alarms on every failure path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routesFor } from '#shared/routing.ts';
import { MAX_DELIVERIES } from '#shared/runtime/ingest.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { EVENT_BUS_NAME } from '../../infra/billing-stack.ts';
import { OPERATION_ENTRIES, REPO_ROOT } from '../../infra/bundling.ts';
import { billingApp, type CfnResource, type CfnResources, only, referencedId, TEST_CONTEXT } from './billing-app.ts';

let template: Record<string, unknown>;
let resources: CfnResources;

// Synthesis includes CDK's own template validation: seconds, not milliseconds.
beforeAll(() => {
  template = Template.fromStack(billingApp().stack).toJSON();
  resources = template.Resources as CfnResources;
}, 120_000);

const ofType = (type: string): [string, CfnResource][] => Object.entries(resources).filter(([, r]) => r.Type === type);
const resource = (id: string | undefined): CfnResource => {
  const found = id === undefined ? undefined : resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};
const functionFor = (entry: string): string =>
  only(
    ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Description === entry),
    `function for ${entry}`,
  )[0];
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
}

/** Every statement of every IAM identity policy: inline, attached and managed. */
function identityStatements(): { owner: string; statement: Statement }[] {
  const documents: [string, { Statement: Statement[] }][] = [
    ...ofType('AWS::IAM::Policy').map(
      ([id, p]) => [id, p.Properties.PolicyDocument] as [string, { Statement: Statement[] }],
    ),
    ...ofType('AWS::IAM::ManagedPolicy').map(
      ([id, p]) => [id, p.Properties.PolicyDocument] as [string, { Statement: Statement[] }],
    ),
    ...ofType('AWS::IAM::Role').flatMap(([id, r]) =>
      asArray<{ PolicyDocument: { Statement: Statement[] } }>(r.Properties.Policies).map(
        (p) => [id, p.PolicyDocument] as [string, { Statement: Statement[] }],
      ),
    ),
  ];
  return documents.flatMap(([owner, document]) => document.Statement.map((statement) => ({ owner, statement })));
}

/** The Allow statements of the policies attached to a function's execution role. */
function functionStatements(functionId: string): Statement[] {
  const roleId = referencedId(resource(functionId).Properties.Role);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => asArray(p.Properties.Roles).some((role) => referencedId(role) === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow'));
}

describe('the event bus and its routing rules', () => {
  it('is the device-supply bus, archived for replay of every inbound source', () => {
    const [busId, bus] = only(ofType('AWS::Events::EventBus'), 'event bus');
    expect(bus.Properties.Name).toBe(EVENT_BUS_NAME);
    const [, archive] = only(ofType('AWS::Events::Archive'), 'archive');
    expect(referencedId(archive.Properties.SourceArn)).toBe(busId);
    expect([...archive.Properties.EventPattern.source].sort()).toEqual(
      [...new Set(ROUTES.flatMap((r) => r.pattern.source))].sort(),
    );
  });

  it('has one rule per route, each matching exactly its route’s sources and detail-types', () => {
    expect(ofType('AWS::Events::Rule')).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      only(
        ofType('AWS::Events::Rule').filter(([, rule]) =>
          isDeepStrictEqual(rule.Properties.EventPattern, route.pattern),
        ),
        `rule with the pattern of ${route.consumer}`,
      );
    }
  });

  it('routes each route’s events to a queue consumed by the route’s handler, from the bus', () => {
    const busId = only(ofType('AWS::Events::EventBus'), 'event bus')[0];
    for (const route of ROUTES) {
      const [, rule] = only(
        ofType('AWS::Events::Rule').filter(([, r]) => isDeepStrictEqual(r.Properties.EventPattern, route.pattern)),
        `rule for ${route.consumer}`,
      );
      expect(referencedId(rule.Properties.EventBusName)).toBe(busId);
      const target = only(
        rule.Properties.Targets as { Arn: unknown; DeadLetterConfig?: { Arn: unknown } }[],
        `target of ${route.consumer}`,
      );
      const queueId = referencedId(target.Arn);
      expect(resource(queueId).Type).toBe('AWS::SQS::Queue');
      expect(resource(referencedId(target.DeadLetterConfig?.Arn)).Type).toBe('AWS::SQS::Queue');
      const [, mapping] = only(
        ofType('AWS::Lambda::EventSourceMapping').filter(
          ([, m]) => referencedId(m.Properties.EventSourceArn) === queueId,
        ),
        `consumer of ${route.consumer}`,
      );
      expect(resource(referencedId(mapping.Properties.FunctionName)).Properties.Description).toBe(route.handlerEntry);
    }
  });
});

// Contract §1, written out rather than derived from the routing table, so that an event type
// dropped from shared/routing.ts (or from the schemas it is built from) fails here.
const LOGISTICS_SOURCE = 'device-supply.logistics';
const LOGISTICS_DETAIL_TYPES = [
  'DeviceDelivered',
  'ReplacementDelivered',
  'DeviceReturned',
  'LoanerDelivered',
  'FaultyDeviceReceived',
  'RepairedDeviceDelivered',
  'LoanerReturned',
  'LoanerDamaged',
];

describe('LoanerDamaged (contract §1, rules §5) on the device-supply bus', () => {
  const rules = () => ofType('AWS::Events::Rule');
  const listsLoanerDamaged = ([, rule]: [string, CfnResource]) =>
    asArray<string>(rule.Properties.EventPattern?.['detail-type']).includes('LoanerDamaged');

  it('comes from the routing table: the logistics route lists it, and only that route matches it from its source', () => {
    expect(
      routesFor({ source: LOGISTICS_SOURCE, 'detail-type': 'LoanerDamaged' }).map((r) => [r.consumer, r.handlerEntry]),
    ).toEqual([['logistics', 'functions/ingest-logistics.ts']]);
    // From another producer's source it matches nothing (the bus takes each source only from its producers).
    for (const source of ['device-supply.orders', 'device-supply.claims', 'device-supply.billing'])
      expect(routesFor({ source, 'detail-type': 'LoanerDamaged' }), source).toEqual([]);
  });

  it('is matched by the logistics rule on the device-supply bus: source device-supply.logistics, with every other logistics event', () => {
    const synthesized = Template.fromJSON(template);
    const busId = only(ofType('AWS::Events::EventBus'), 'event bus')[0];
    synthesized.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: { source: [LOGISTICS_SOURCE], 'detail-type': Match.arrayWith(['LoanerDamaged']) },
    });
    // One rule lists it, and it is the same rule as the other logistics events: exactly the contract's list.
    const [, rule] = only(rules().filter(listsLoanerDamaged), 'rule matching LoanerDamaged');
    expect(rule.Properties.EventPattern.source).toEqual([LOGISTICS_SOURCE]);
    expect([...rule.Properties.EventPattern['detail-type']].sort()).toEqual([...LOGISTICS_DETAIL_TYPES].sort());
    expect(referencedId(rule.Properties.EventBusName)).toBe(busId);
    expect(rule.Properties.State).toBe('ENABLED');
    // The synthesized pattern is the route's own (the rules are derived from shared/routing.ts).
    const logistics = only(
      ROUTES.filter((route) => route.consumer === 'logistics'),
      'logistics route',
    );
    expect(rule.Properties.EventPattern).toEqual(logistics.pattern);
  });

  it('goes to the ingest path of logistics: the rule targets the queue that functions/ingest-logistics.ts consumes, with the bus-delivery DLQ', () => {
    const [, rule] = only(rules().filter(listsLoanerDamaged), 'rule matching LoanerDamaged');
    const target = only(
      rule.Properties.Targets as { Arn: unknown; DeadLetterConfig?: { Arn: unknown } }[],
      'target of the LoanerDamaged rule',
    );
    const queueId = referencedId(target.Arn);
    expect(resource(queueId).Type).toBe('AWS::SQS::Queue');
    expect(resource(referencedId(target.DeadLetterConfig?.Arn)).Type).toBe('AWS::SQS::Queue');
    const [, mapping] = only(
      ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => referencedId(m.Properties.EventSourceArn) === queueId,
      ),
      'consumer of the LoanerDamaged queue',
    );
    expect(referencedId(mapping.Properties.FunctionName)).toBe(functionFor('functions/ingest-logistics.ts'));
    // The same queue as DeviceDelivered, ReplacementDelivered and the rest of logistics.
    for (const detailType of LOGISTICS_DETAIL_TYPES) {
      const [, other] = only(
        rules().filter(([, r]) => asArray<string>(r.Properties.EventPattern?.['detail-type']).includes(detailType)),
        `rule matching ${detailType}`,
      );
      expect(referencedId(only(other.Properties.Targets as { Arn: unknown }[], detailType).Arn), detailType).toBe(
        queueId,
      );
    }
  });

  it('is archived for replay with the rest of the logistics source', () => {
    const [, archive] = only(ofType('AWS::Events::Archive'), 'archive');
    expect(archive.Properties.EventPattern.source).toContain(LOGISTICS_SOURCE);
    expect(archive.Properties.EventPattern['detail-type']).toBeUndefined();
  });
});

describe('queues', () => {
  const deadLetterQueueIds = (): Set<string | undefined> =>
    new Set([
      ...ofType('AWS::SQS::Queue').map(([, q]) => referencedId(q.Properties.RedrivePolicy?.deadLetterTargetArn)),
      ...ofType('AWS::Events::Rule').flatMap(([, r]) =>
        (r.Properties.Targets as { DeadLetterConfig?: { Arn: unknown } }[]).map((t) =>
          referencedId(t.DeadLetterConfig?.Arn),
        ),
      ),
      ...ofType('AWS::Lambda::Function').map(([, f]) => referencedId(f.Properties.DeadLetterConfig?.TargetArn)),
      ...ofType('AWS::Scheduler::Schedule').map(([, s]) => referencedId(s.Properties.Target.DeadLetterConfig?.Arn)),
      ...ofType('AWS::SNS::Subscription').map(([, s]) => referencedId(s.Properties.RedrivePolicy?.deadLetterTargetArn)),
    ]);

  it('are all encrypted, refuse requests without TLS, and have a dead-letter queue or are one', () => {
    const deadLetterQueues = deadLetterQueueIds();
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(ROUTES.length * 2);
    for (const [id, queue] of queues) {
      expect(
        queue.Properties.SqsManagedSseEnabled === true || queue.Properties.KmsMasterKeyId !== undefined,
        `${id} encrypted`,
      ).toBe(true);
      const policies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) =>
        asArray(p.Properties.Queues).some((q) => referencedId(q) === id),
      );
      const statements = policies.flatMap(
        ([, p]) =>
          p.Properties.PolicyDocument.Statement as {
            Effect: string;
            Condition?: Record<string, Record<string, string>>;
          }[],
      );
      expect(
        statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
        `${id} TLS only`,
      ).toBe(true);
      if (deadLetterQueues.has(id)) {
        expect(queue.Properties.RedrivePolicy, `${id} is a DLQ, the end of its chain`).toBeUndefined();
      } else {
        expect(
          resource(referencedId(queue.Properties.RedrivePolicy?.deadLetterTargetArn)).Type,
          `${id} has a DLQ`,
        ).toBe('AWS::SQS::Queue');
      }
    }
  });

  it('are consumed with partial batch responses, bounded concurrency, and hidden for 6 function timeouts', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    // The consumers, the close and the entries export.
    expect(mappings).toHaveLength(ROUTES.length + 2);
    for (const [id, mapping] of mappings) {
      expect(mapping.Properties.FunctionResponseTypes, id).toEqual(['ReportBatchItemFailures']);
      expect(mapping.Properties.ScalingConfig?.MaximumConcurrency, id).toBeGreaterThanOrEqual(2);
      const queue = resource(referencedId(mapping.Properties.EventSourceArn));
      const fn = resource(referencedId(mapping.Properties.FunctionName));
      expect(queue.Properties.VisibilityTimeout, id).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
    }
  });

  it('give ingest its own dead-lettering (after MAX_DELIVERIES) before SQS moves a message to the DLQ', () => {
    for (const route of ROUTES) {
      const [, mapping] = only(
        ofType('AWS::Lambda::EventSourceMapping').filter(
          ([, m]) => referencedId(m.Properties.FunctionName) === functionFor(route.handlerEntry),
        ),
        route.consumer,
      );
      const queue = resource(referencedId(mapping.Properties.EventSourceArn));
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBeGreaterThan(MAX_DELIVERIES);
    }
  });
});

describe('the table', () => {
  it('is the table of shared/store/table-definition.ts: keys, attributes and indexes', () => {
    const definition = tableDefinition('any');
    const [, table] = only(ofType('AWS::DynamoDB::Table'), 'table');
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(items: T[]) =>
      [...items].sort((a, b) =>
        String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)),
      );
    expect(byName(table.Properties.AttributeDefinitions)).toEqual(byName(definition.AttributeDefinitions ?? []));
    expect(table.Properties.KeySchema).toEqual(definition.KeySchema);
    expect(byName(table.Properties.GlobalSecondaryIndexes)).toEqual(byName(definition.GlobalSecondaryIndexes ?? []));
  });

  it('is on-demand, with point-in-time recovery, deletion protection, encryption, and retained with the stack gone', () => {
    const [, table] = only(ofType('AWS::DynamoDB::Table'), 'table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('schedules', () => {
  const scheduleOf = (entry: string): CfnResource =>
    only(
      ofType('AWS::Scheduler::Schedule').filter(
        ([, s]) => referencedId(s.Properties.Target.Arn) === functionFor(entry),
      ),
      `schedule of ${entry}`,
    )[1];

  it('run the monthly close on the 1st and the sweep daily, in Asia/Tokyo, with retries and a DLQ', () => {
    expect(ofType('AWS::Scheduler::Schedule')).toHaveLength(2);
    expect(scheduleOf(OPERATION_ENTRIES.closeStart).Properties.ScheduleExpression).toBe('cron(0 1 1 * ? *)');
    expect(scheduleOf(OPERATION_ENTRIES.sweep).Properties.ScheduleExpression).toBe('cron(30 0 * * ? *)');
    for (const [id, schedule] of ofType('AWS::Scheduler::Schedule')) {
      expect(schedule.Properties.ScheduleExpressionTimezone, id).toBe('Asia/Tokyo');
      expect(schedule.Properties.FlexibleTimeWindow, id).toEqual({ Mode: 'OFF' });
      expect(schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts, id).toBeGreaterThan(0);
      expect(resource(referencedId(schedule.Properties.Target.DeadLetterConfig.Arn)).Type, id).toBe('AWS::SQS::Queue');
    }
  });

  it('are not EventBridge scheduled rules, which only know UTC', () => {
    expect(ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression !== undefined)).toEqual([]);
  });
});

describe('the finance API', () => {
  function pathOf(resourceId: string | undefined): string {
    const part = resources[resourceId ?? ''];
    if (part?.Type !== 'AWS::ApiGateway::Resource') return '';
    return `${pathOf(referencedId(part.Properties.ParentId))}/${part.Properties.PathPart}`;
  }

  it('serves the contract’s paths with GET only, each method IAM-authorized and proxied to the finance handler', () => {
    const handlerId = functionFor(OPERATION_ENTRIES.financeApi);
    const methods = ofType('AWS::ApiGateway::Method');
    expect(methods.map(([, m]) => pathOf(referencedId(m.Properties.ResourceId))).sort()).toEqual([
      '/customers',
      '/customers/{customerId}/open',
      '/customers/{customerId}/statements',
      '/customers/{customerId}/statements/{month}',
      '/reports/{month}',
      '/reports/{month}/entries.csv',
    ]);
    for (const [id, method] of methods) {
      expect(method.Properties.HttpMethod, id).toBe('GET');
      expect(method.Properties.AuthorizationType, id).toBe('AWS_IAM');
      expect(method.Properties.Integration.Type, id).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Properties.Integration.Uri), id).toContain(`"${handlerId}"`);
    }
    // The search's query parameters are declared, and optional: the handler answers a bad one with
    // the contract's 400 BAD_REQUEST, not API Gateway with its own.
    const search = methods.find(([, m]) => pathOf(referencedId(m.Properties.ResourceId)) === '/customers');
    expect(search?.[1].Properties.RequestParameters).toEqual({
      'method.request.querystring.prefix': false,
      'method.request.querystring.limit': false,
    });
  });

  it('comes with a finance read-only policy that may call those GET methods and nothing else', () => {
    const [policyId, policy] = only(ofType('AWS::IAM::ManagedPolicy'), 'managed policy');
    const statement = only(policy.Properties.PolicyDocument.Statement as Statement[], 'statement');
    expect(statement.Action).toBe('execute-api:Invoke');
    const arns = asArray(statement.Resource).map((arn) => JSON.stringify(arn));
    expect(arns).toHaveLength(6);
    for (const arn of arns) expect(arn).toMatch(/\/GET\//);
    // No financePrincipalArn in the test stage: no role to assume, the policy is attached by finance
    // (test/infra/security.test.ts has the role a named principal gets).
    expect(
      ofType('AWS::IAM::Role').filter(([, r]) =>
        asArray(r.Properties.ManagedPolicyArns).some((p) => referencedId(p) === policyId),
      ),
    ).toEqual([]);
  });
});

describe('IAM', () => {
  it('grants no wildcard action: not `*`, not `dynamodb:*`, not any `service:*`', () => {
    const statements = identityStatements();
    expect(statements.length).toBeGreaterThan(20);
    for (const { owner, statement } of statements) {
      expect(statement.NotAction, owner).toBeUndefined();
      if (statement.Effect !== 'Allow') continue;
      for (const action of asArray(statement.Action)) {
        expect(action === '*' || action.endsWith(':*'), `${owner}: ${action}`).toBe(false);
      }
    }
  });

  // What the store code each function reaches calls (docs/table-design.md, access patterns).
  const CUSTOMER_STEP = ['BatchGetItem', 'BatchWriteItem', 'GetItem', 'PutItem', 'UpdateItem'];
  const TABLE_ACCESS: Record<string, { table: string[]; indexes: string[] }> = {
    ...Object.fromEntries(ROUTES.map((route) => [route.handlerEntry, { table: CUSTOMER_STEP, indexes: [] }])),
    // Query: a closed month's held customers (CLOSE partition); DeleteItem: a released hold.
    [OPERATION_ENTRIES.closeStart]: { table: ['GetItem', 'PutItem', 'Query'], indexes: [] },
    [OPERATION_ENTRIES.closeShard]: { table: [...CUSTOMER_STEP, 'DeleteItem', 'Query'].sort(), indexes: ['gsi2'] },
    [OPERATION_ENTRIES.sweep]: { table: CUSTOMER_STEP, indexes: ['gsi3'] },
    [OPERATION_ENTRIES.financeApi]: { table: ['GetItem', 'Query'], indexes: ['gsi1', 'gsi4'] },
    [OPERATION_ENTRIES.redrive]: { table: ['DeleteItem', 'Query'], indexes: [] },
  };
  const PUBLISHERS = [
    ...ROUTES.map((route) => route.handlerEntry),
    OPERATION_ENTRIES.closeShard,
    OPERATION_ENTRIES.sweep,
  ];

  it('gives each function only the table actions its store code uses, and Query only on its own index', () => {
    const tableId = only(ofType('AWS::DynamoDB::Table'), 'table')[0];
    for (const [entry, expected] of Object.entries(TABLE_ACCESS)) {
      const dynamo = functionStatements(functionFor(entry)).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith('dynamodb:')),
      );
      const onTable = dynamo.filter((s) => asArray(s.Resource).every((r) => referencedId(r) === tableId));
      const onIndexes = dynamo.filter((s) => !onTable.includes(s));
      expect(
        onTable
          .flatMap((s) => asArray(s.Action))
          .map((a) => a.replace('dynamodb:', ''))
          .sort(),
        entry,
      ).toEqual(expected.table);
      expect(
        onIndexes.flatMap((s) => asArray(s.Action)),
        entry,
      ).toEqual(expected.indexes.length ? ['dynamodb:Query'] : []);
      const indexNames = onIndexes
        .flatMap((s) => asArray(s.Resource))
        .map((r) => JSON.stringify(r).match(/\/index\/([\w-]+)/)?.[1]);
      expect(indexNames, entry).toEqual(expected.indexes);
    }
  });

  it('lets only the functions that emit events put them on the bus, and tells only them its name', () => {
    for (const entry of Object.keys(TABLE_ACCESS)) {
      const puts = functionStatements(functionFor(entry)).some((s) => asArray(s.Action).includes('events:PutEvents'));
      expect(puts, entry).toBe(PUBLISHERS.includes(entry));
      const variables = Object.keys(resource(functionFor(entry)).Properties.Environment.Variables);
      expect(variables.includes('EVENT_BUS_NAME'), entry).toBe(PUBLISHERS.includes(entry));
    }
  });
});

describe('functions', () => {
  it('run on ARM64 and Node 22 or newer, traced, with source maps, logging JSON to their own log group with the stage’s retention', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([, fn]) => fn.Properties.Description).sort()).toEqual(
      Object.keys({
        ...Object.fromEntries(ROUTES.map((r) => [r.handlerEntry, 0])),
        ...Object.fromEntries(Object.values(OPERATION_ENTRIES).map((e) => [e, 0])),
      }).sort(),
    );
    for (const [id, fn] of functions) {
      expect(Number(/^nodejs(\d+)\.x$/.exec(fn.Properties.Runtime)?.[1]), id).toBeGreaterThanOrEqual(22);
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
      expect(fn.Properties.LoggingConfig.LogFormat, id).toBe('JSON');
      expect(resource(referencedId(fn.Properties.LoggingConfig.LogGroup)).Properties.RetentionInDays, id).toBe(
        Number(TEST_CONTEXT.logRetentionDays),
      );
      expect(Object.keys(fn.Properties.Environment.Variables), id).toEqual(expect.arrayContaining(['TABLE_NAME']));
    }
  });
});

describe('alarms', () => {
  const alarmedMetrics = (): string[] =>
    ofType('AWS::CloudWatch::Alarm').flatMap(([, alarm]) => {
      const metrics = alarm.Properties.Metrics
        ? (alarm.Properties.Metrics as { MetricStat?: { Metric: unknown } }[]).flatMap((m) =>
            m.MetricStat ? [m.MetricStat.Metric] : [],
          )
        : [alarm.Properties];
      return metrics.map((metric) => JSON.stringify(metric));
    });

  it('watch every dead-letter queue, and the errors and throttles of every function', () => {
    const watched = alarmedMetrics();
    const isWatched = (metricName: string, dimension: unknown) =>
      watched.some((m) => m.includes(`"${metricName}"`) && m.includes(JSON.stringify(dimension)));
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      if (queue.Properties.RedrivePolicy) continue;
      expect(isWatched('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [id, 'QueueName'] }), id).toBe(true);
    }
    for (const [id] of ofType('AWS::Lambda::Function')) {
      expect(isWatched('Errors', { Ref: id }), `${id} errors`).toBe(true);
      expect(isWatched('Throttles', { Ref: id }), `${id} throttles`).toBe(true);
    }
  });

  it('name the monthly close’s failure, count events dead-lettered in the table and customers held from a close, and all notify the alarm topic', () => {
    const topicId = only(ofType('AWS::SNS::Topic'), 'topic')[0];
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.map(([, a]) => a.Properties.AlarmName)).toEqual(
      expect.arrayContaining([
        `${TEST_CONTEXT.prefix}-MonthlyCloseFailed`,
        `${TEST_CONTEXT.prefix}-EventsDeadLettered`,
        `${TEST_CONTEXT.prefix}-CustomersHeld`,
      ]),
    );
    for (const [id, alarm] of alarms)
      expect(asArray(alarm.Properties.AlarmActions).map(referencedId), id).toEqual([topicId]);
    // Each metric counts a line a function writes: the filter and the function must say the same.
    const logged = (file: string, pattern: RegExp) => pattern.exec(readFileSync(join(REPO_ROOT, file), 'utf8'))?.[1];
    const deadLettered = logged('shared/runtime/log-messages.ts', /DEAD_LETTERED_LOG_MESSAGE = '([^']*)'/);
    const held = logged('shared/runtime/log-messages.ts', /HELD_LOG_MESSAGE = '([^']*)'/);
    expect(readFileSync(join(REPO_ROOT, 'functions/lib/sqs-ingest.ts'), 'utf8')).toContain(
      'logger.warn(DEAD_LETTERED_LOG_MESSAGE',
    );
    expect(readFileSync(join(REPO_ROOT, 'functions/close-shard.ts'), 'utf8')).toContain(
      'logger.error(HELD_LOG_MESSAGE',
    );
    const patterns = ofType('AWS::Logs::MetricFilter').map(([, filter]) => filter.Properties.FilterPattern);
    expect(patterns.filter((p) => p === `{ $.message = "${deadLettered}" }`)).toHaveLength(ROUTES.length);
    expect(patterns.filter((p) => p === `{ $.message = "${held}" }`)).toHaveLength(1);
    expect(patterns).toHaveLength(ROUTES.length + 1);
    const [, subscription] = only(ofType('AWS::SNS::Subscription'), 'subscription');
    expect(subscription.Properties).toMatchObject({ Protocol: 'email', Endpoint: TEST_CONTEXT.alarmEmail });
  });
});

describe('stage configuration', () => {
  it('leaves the account out of the template when none is configured', () => {
    expect(JSON.stringify(template)).not.toMatch(/(?<![\w-])\d{12}(?![\w-])/);
  });

  it('takes account, region and prefix from context', () => {
    const { stack } = billingApp({ context: { account: '123456789012', region: 'ap-northeast-1', prefix: 'prod' } });
    expect([stack.account, stack.region]).toEqual(['123456789012', 'ap-northeast-1']);
    const names = Template.fromStack(stack).findResources('AWS::Scheduler::Schedule');
    expect(
      Object.values(names)
        .map((s) => (s as CfnResource).Properties.Name)
        .sort(),
    ).toEqual(['prod-deadline-sweep', 'prod-monthly-close']);
  });
});
