// Issue 16's security half, on the synthesized template: the bus takes each source only from
// its producers and `device-supply.billing` only from the pipeline; raw inbound events at rest
// (dead-letter queues, archive) under a key only the pipeline uses; finance confined to the
// partitions it reads; the read-only role trusting a named principal; the alarm topic
// encrypted; no account-wide setting without the flag; no region literal.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_RETENTION_DAYS } from '#shared/domain/policy.ts';
import { ROUTES } from '#shared/routing.ts';
import { BILLING_SOURCE } from '#shared/schemas/outbound.ts';
import { FINANCE_READABLE_KEY_PREFIXES } from '#shared/store/keys.ts';
import { addBillingStack } from '../../infra/billing-stack.ts';
import { OPERATION_ENTRIES } from '../../infra/bundling.ts';
import { KEY_USE_ACTIONS } from '../../infra/constructs/pipeline-key.ts';
import { stageConfigFrom, UPSTREAM_SOURCES } from '../../infra/stage-config.ts';
import { billingApp, type CfnResources, only, referencedId, TEST_CONTEXT } from './billing-app.ts';

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const ORDERS_ROLE = 'arn:aws:iam::111122223333:role/orders-publisher';
const CLAIMS_ROLES = ['arn:aws:iam::444455556666:role/claims', 'arn:aws:iam::444455556666:user/claims-batch'];
const FINANCE_ROLE = 'arn:aws:iam::111122223333:role/finance-analysts';
const OPERATOR = 'arn:aws:iam::111122223333:role/billing-operator';

const synth = (context: Record<string, string> = {}) =>
  Template.fromStack(billingApp({ context }).stack).toJSON().Resources as CfnResources;

let plain: CfnResources;
let configured: CfnResources;

// Synthesis includes CDK's own template validation: seconds, not milliseconds.
beforeAll(() => {
  plain = synth();
  configured = synth({
    producers: JSON.stringify({ 'device-supply.orders': [ORDERS_ROLE], 'device-supply.claims': CLAIMS_ROLES }),
    financePrincipalArn: FINANCE_ROLE,
    deadLetterOperatorArns: OPERATOR,
    apiGatewayCloudWatchRole: 'true',
  });
}, 120_000);

const ofType = (resources: CfnResources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const busStatements = (resources: CfnResources): Statement[] =>
  ofType(resources, 'AWS::Events::EventBusPolicy').map(([, p]) => p.Properties.Statement as Statement);
const functionId = (resources: CfnResources, entry: string) =>
  only(
    ofType(resources, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Description === entry),
    entry,
  )[0];
const roleOf = (resources: CfnResources, entry: string) =>
  referencedId(resources[functionId(resources, entry)]?.Properties.Role);
const PUBLISHERS = [...ROUTES.map((r) => r.handlerEntry), OPERATION_ENTRIES.closeShard, OPERATION_ENTRIES.sweep];

describe('the bus policy (contract §1)', () => {
  it('denies device-supply.billing to every principal but the roles of the functions that publish', () => {
    for (const resources of [plain, configured]) {
      const deny = only(
        busStatements(resources).filter(
          (s) => s.Effect === 'Deny' && s.Condition?.StringEquals?.['events:source'] === BILLING_SOURCE,
        ),
        'deny of the billing source',
      );
      expect(deny.Principal).toEqual({ AWS: '*' });
      expect(deny.Action).toBe('events:PutEvents');
      const allowed = asArray(deny.Condition?.ArnNotEquals?.['aws:PrincipalArn']).map(referencedId);
      expect(allowed.sort()).toEqual(PUBLISHERS.map((entry) => roleOf(resources, entry)).sort());
      expect(Object.keys(deny.Condition ?? {}).sort()).toEqual(['ArnNotEquals', 'StringEquals']);
    }
  });

  it('with no producers configured, allows no other principal anything (same-account IAM only)', () => {
    expect(busStatements(plain).filter((s) => s.Effect === 'Allow')).toEqual([]);
    expect(busStatements(plain)).toHaveLength(1);
  });

  it('lets each producer put its own source only, and denies that source to anyone else', () => {
    const producers: Record<string, string[]> = {
      'device-supply.orders': [ORDERS_ROLE],
      'device-supply.claims': CLAIMS_ROLES,
    };
    const statements = busStatements(configured);
    for (const [source, arns] of Object.entries(producers)) {
      const bySource = statements.filter((s) => s.Condition?.StringEquals?.['events:source'] === source);
      const allow = only(
        bySource.filter((s) => s.Effect === 'Allow'),
        `allow of ${source}`,
      );
      expect(allow.Principal).toEqual({ AWS: arns.length === 1 ? arns[0] : arns });
      expect(allow.Action).toBe('events:PutEvents');
      const deny = only(
        bySource.filter((s) => s.Effect === 'Deny'),
        `deny of ${source}`,
      );
      expect(deny.Principal).toEqual({ AWS: '*' });
      expect(asArray(deny.Condition?.ArnNotEquals?.['aws:PrincipalArn'])).toEqual(arns);
    }
    // Every Allow names one source; logistics, not configured, has no statement.
    for (const s of statements.filter((x) => x.Effect === 'Allow'))
      expect(UPSTREAM_SOURCES).toContain(s.Condition?.StringEquals?.['events:source']);
    expect(statements.some((s) => JSON.stringify(s).includes('device-supply.logistics'))).toBe(false);
    expect(statements).toHaveLength(5);
  });

  it('lets the publishing functions put device-supply.billing only, and no other function put anything', () => {
    for (const [, policy] of ofType(plain, 'AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
        if (!asArray(s.Action).includes('events:PutEvents')) continue;
        expect(s.Condition).toEqual({ StringEquals: { 'events:source': BILLING_SOURCE } });
        const role = referencedId(asArray(policy.Properties.Roles)[0]);
        expect(PUBLISHERS.map((entry) => roleOf(plain, entry))).toContain(role);
      }
    }
  });
});

describe('the pipeline key: raw inbound events at rest', () => {
  const pipelineKey = (resources: CfnResources) =>
    only(
      ofType(resources, 'AWS::KMS::Key').filter(([, k]) =>
        (k.Properties.KeyPolicy.Statement as Statement[]).some((s) => s.Sid === 'PipelineRoles'),
      ),
      'pipeline key',
    );

  it('rotates, and gives the account its administration but no use, so no IAM policy can grant it', () => {
    const [, key] = pipelineKey(plain);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const statements = key.Properties.KeyPolicy.Statement as Statement[];
    const root = only(
      statements.filter((s) => JSON.stringify(s.Principal).includes(':root')),
      'account statement',
    );
    for (const action of asArray(root.Action))
      expect(action, action).not.toMatch(/^kms:(\*|Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant|Create\*)/);
    for (const s of statements) expect(s.Effect).toBe('Allow');
  });

  it('is used by the pipeline roles that send to or consume its queues, never by finance', () => {
    const [, key] = pipelineKey(plain);
    const roles = (key.Properties.KeyPolicy.Statement as Statement[]).find((s) => s.Sid === 'PipelineRoles');
    expect(asArray(roles?.Action).sort()).toEqual([...KEY_USE_ACTIONS].sort());
    const principals = asArray((roles?.Principal as { AWS?: unknown } | undefined)?.AWS).map(referencedId);
    expect(principals).not.toContain(roleOf(plain, OPERATION_ENTRIES.financeApi));
    // Every function of the stack, the ones added later included.
    const functions = ofType(plain, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties.Description as string);
    expect(functions.length).toBeGreaterThanOrEqual(ROUTES.length + Object.keys(OPERATION_ENTRIES).length);
    for (const entry of functions) {
      if (entry === OPERATION_ENTRIES.financeApi) continue;
      expect(principals, entry).toContain(roleOf(plain, entry));
    }
    expect(principals.some((id) => id?.startsWith('SchedulerRole'))).toBe(true);
  });

  it('lets the configured operators use it through SQS only', () => {
    const [, key] = pipelineKey(configured);
    const operators = only(
      (key.Properties.KeyPolicy.Statement as Statement[]).filter((s) => s.Sid === 'OperatorsThroughSqsOnly'),
      'operator statement',
    );
    expect(operators.Principal).toEqual({ AWS: OPERATOR });
    expect(JSON.stringify(operators.Condition?.StringEquals?.['kms:ViaService'])).toContain('sqs.');
    const [, plainKey] = pipelineKey(plain);
    expect(
      (plainKey.Properties.KeyPolicy.Statement as Statement[]).some((s) => s.Sid === 'OperatorsThroughSqsOnly'),
    ).toBe(false);
  });

  it('encrypts every dead-letter queue of events and the archive, which keeps ARCHIVE_RETENTION_DAYS', () => {
    const [keyId] = pipelineKey(plain);
    const queues = ofType(plain, 'AWS::SQS::Queue');
    // The dead-letter queues of the queues the ingest functions and close-shard consume.
    const consumers = [...ROUTES.map((r) => r.handlerEntry), OPERATION_ENTRIES.closeShard].map((entry) =>
      functionId(plain, entry),
    );
    const deadLetterIds = ofType(plain, 'AWS::Lambda::EventSourceMapping')
      .filter(([, m]) => consumers.includes(referencedId(m.Properties.FunctionName) ?? ''))
      .map(
        ([, m]) =>
          plain[referencedId(m.Properties.EventSourceArn) ?? '']?.Properties.RedrivePolicy?.deadLetterTargetArn,
      )
      .map(referencedId);
    expect(deadLetterIds).toHaveLength(ROUTES.length + 1);
    const underKey = queues.filter(([, q]) => referencedId(q.Properties.KmsMasterKeyId) === keyId).map(([id]) => id);
    for (const id of deadLetterIds) expect(underKey, id).toContain(id);
    for (const name of ['BusDeliveryDeadLetters', 'InvocationDeadLetters'])
      expect(
        underKey.some((id) => id.startsWith(name)),
        name,
      ).toBe(true);
    // Work queues keep SSE-SQS: a message waits there minutes, and EventBridge writes them.
    for (const [id, q] of queues.filter(([, q]) => q.Properties.RedrivePolicy))
      expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
    const [, archive] = only(ofType(plain, 'AWS::Events::Archive'), 'archive');
    expect(referencedId(archive.Properties.KmsKeyIdentifier)).toBe(keyId);
    expect(archive.Properties.RetentionDays).toBe(ARCHIVE_RETENTION_DAYS);
  });
});

describe('least privilege', () => {
  it('lets the finance function read only partitions under FINANCE_READABLE_KEY_PREFIXES, on the table and its indexes', () => {
    const roleId = roleOf(plain, OPERATION_ENTRIES.financeApi);
    const statements = ofType(plain, 'AWS::IAM::Policy')
      .filter(([, p]) => asArray(p.Properties.Roles).some((r) => referencedId(r) === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(statements.length).toBeGreaterThanOrEqual(2);
    for (const s of statements) {
      expect(s.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': FINANCE_READABLE_KEY_PREFIXES.map((p) => `${p}*`) },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      });
    }
    // The patterns do not reach the dead letters or the event registry.
    const patterns = FINANCE_READABLE_KEY_PREFIXES.map((p) => new RegExp(`^${p.replace(/[#$]/g, '\\$&')}`));
    for (const key of ['DEADLETTER', 'EVENT#e-1'])
      expect(
        patterns.some((p) => p.test(key)),
        key,
      ).toBe(false);
  });

  it('makes the finance read-only role only for a named principal, which it then trusts alone', () => {
    const financeRoles = (resources: CfnResources) =>
      ofType(resources, 'AWS::IAM::Role').filter(([id]) => id.startsWith('FinanceReadOnlyRole'));
    expect(financeRoles(plain)).toEqual([]);
    const [, role] = only(financeRoles(configured), 'finance role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: FINANCE_ROLE } },
    ]);
  });

  it('sets API Gateway’s account-wide CloudWatch role only when the stage config asks', () => {
    expect(ofType(plain, 'AWS::ApiGateway::Account')).toEqual([]);
    expect(ofType(configured, 'AWS::ApiGateway::Account')).toHaveLength(1);
  });

  it('encrypts the alarm topic with a key CloudWatch may use', () => {
    const [, topic] = only(ofType(plain, 'AWS::SNS::Topic'), 'alarm topic');
    const key = plain[referencedId(topic.Properties.KmsMasterKeyId) ?? ''];
    expect(key?.Type).toBe('AWS::KMS::Key');
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const cloudwatch = ((key?.Properties.KeyPolicy.Statement ?? []) as Statement[]).find(
      (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
    );
    expect(asArray(cloudwatch?.Action)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });
});

describe('no region literal', () => {
  it('synthesizes the template with AWS::Region tokens when the CLI found no account (offline, its us-east-1 default)', () => {
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'billing-cdk-')),
      // The CLI turns version reporting on, whose metadata condition lists every region by name.
      context: { ...TEST_CONTEXT, 'aws:cdk:bundling-stacks': [], 'aws:cdk:version-reporting': true },
    });
    // What `cdk synth` hands the app with no profile: a region, and no account.
    const config = stageConfigFrom((key) => app.node.tryGetContext(key), { CDK_DEFAULT_REGION: 'us-east-1' });
    const stack = addBillingStack(app, config);
    const text = JSON.stringify(app.synth().getStackByName(stack.stackName).template);
    expect(text.match(/[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d/g)).toBeNull();
    expect(text).toContain('AWS::Region');
  }, 120_000);
});
