// The entries export in the template (infra/constructs/export-bucket.ts): a bucket that is
// encrypted, TLS-only, private, versioned, retained and logged, whose files expire after the
// Policy's 7 years; the export function started from the close through its queue; and grants
// narrowed to the export's prefix and its own table items.
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_RETENTION_YEARS } from '#shared/domain/policy.ts';
import { EXPORT_OBJECT_PREFIX } from '#shared/runtime/entries-export.ts';
import { CLOSE_PK, INDEX } from '#shared/store/keys.ts';
import { OPERATION_ENTRIES } from '../../infra/bundling.ts';
import { EXPORT_RETENTION_DAYS } from '../../infra/constructs/export-bucket.ts';
import { billingApp, type CfnResource, type CfnResources, only, referencedId } from './billing-app.ts';

let resources: CfnResources;
beforeAll(() => {
  const { app, stack } = billingApp();
  resources = app.synth().getStackByName(stack.stackName).template.Resources as CfnResources;
}, 120_000);

const ofType = (type: string): [string, CfnResource][] => Object.entries(resources).filter(([, r]) => r.Type === type);
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const functionFor = (entry: string): [string, CfnResource] =>
  only(
    ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Description === entry),
    `function for ${entry}`,
  );

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

function statementsOf(functionId: string): Statement[] {
  const roleId = referencedId(resources[functionId]?.Properties.Role);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => asArray(p.Properties.Roles).some((role) => referencedId(role) === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (statements: Statement[], service: string) =>
  statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith(`${service}:`));

/** The export bucket: the one whose lifecycle names the export prefix. */
function exportBucket(): [string, CfnResource] {
  return only(
    ofType('AWS::S3::Bucket').filter(([, b]) =>
      asArray<{ Prefix?: string }>(b.Properties.LifecycleConfiguration?.Rules).some(
        (r) => r.Prefix === EXPORT_OBJECT_PREFIX,
      ),
    ),
    'export bucket',
  );
}

const onExportFiles = (resource: unknown, bucketId: string): boolean => {
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return !!join && referencedId(join[1][0]) === bucketId && join[1].slice(1).join('') === `/${EXPORT_OBJECT_PREFIX}*`;
};

describe('the export bucket', () => {
  it('is encrypted, TLS-only, private, versioned, retained and logged', () => {
    const [id, bucket] = exportBucket();
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const logs = resources[referencedId(bucket.Properties.LoggingConfiguration.DestinationBucketName) ?? ''];
    expect(logs?.Type).toBe('AWS::S3::Bucket');
    const [, policy] = only(
      ofType('AWS::S3::BucketPolicy').filter(([, p]) => referencedId(p.Properties.Bucket) === id),
      'export bucket policy',
    );
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it("expires a file after the Policy's years, a replaced one after 30 days, a crashed upload's parts after a day", () => {
    expect(EXPORT_RETENTION_DAYS).toBeGreaterThanOrEqual(EXPORT_RETENTION_YEARS * 365.25);
    const [, bucket] = exportBucket();
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Prefix: EXPORT_OBJECT_PREFIX,
        Status: 'Enabled',
        ExpirationInDays: EXPORT_RETENTION_DAYS,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
  });
});

describe('the export function', () => {
  it('is started by the close through its queue, one month a message, and may be invoked by an operator', () => {
    const [exportId, exporter] = functionFor(OPERATION_ENTRIES.exportEntries);
    const [, mapping] = only(
      ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => referencedId(m.Properties.FunctionName) === exportId),
      'export queue mapping',
    );
    expect(mapping.Properties.BatchSize).toBe(1);
    const queueId = referencedId(mapping.Properties.EventSourceArn) ?? '';
    expect(resources[queueId]?.Properties.RedrivePolicy).toBeDefined();
    const [closeShardId, closeShard] = functionFor(OPERATION_ENTRIES.closeShard);
    expect(referencedId(closeShard.Properties.Environment.Variables.EXPORT_QUEUE_URL)).toBe(queueId);
    expect(
      statementsOf(closeShardId).some(
        (s) => asArray(s.Action).includes('sqs:SendMessage') && referencedId(s.Resource) === queueId,
      ),
    ).toBe(true);
    // An operator's asynchronous invocation that keeps failing is kept.
    expect(exporter.Properties.DeadLetterConfig).toBeDefined();
    expect(exporter.Properties.Timeout).toBe(900);
  });

  it('may read the month index, Get and Put in the CLOSE partition only, and write under the export prefix only', () => {
    const [exportId, exporter] = functionFor(OPERATION_ENTRIES.exportEntries);
    const [bucketId] = exportBucket();
    expect(referencedId(exporter.Properties.Environment.Variables.EXPORT_BUCKET_NAME)).toBe(bucketId);
    const statements = statementsOf(exportId);
    const table = statements.filter((s) => actionsOf([s], 'dynamodb').length > 0);
    expect(table.map((s) => [asArray(s.Action).sort(), s.Condition ?? null])).toEqual([
      [
        ['dynamodb:GetItem', 'dynamodb:PutItem'],
        { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CLOSE_PK] } },
      ],
      [['dynamodb:Query'], null],
    ]);
    expect(JSON.stringify(table[1]?.Resource)).toContain(`/index/${INDEX.byMonth}`);
    const s3 = statements.filter((s) => actionsOf([s], 's3').length > 0);
    expect(s3.map((s) => asArray(s.Action).sort())).toEqual([['s3:AbortMultipartUpload', 's3:PutObject']]);
    expect(onExportFiles(s3[0]?.Resource, bucketId)).toBe(true);
  });

  it('gives the finance function only GetObject on the export files, for the presigned download', () => {
    const [financeId, finance] = functionFor(OPERATION_ENTRIES.financeApi);
    const [bucketId] = exportBucket();
    expect(referencedId(finance.Properties.Environment.Variables.EXPORT_BUCKET_NAME)).toBe(bucketId);
    const s3 = statementsOf(financeId).filter((s) => actionsOf([s], 's3').length > 0);
    expect(s3.map((s) => asArray(s.Action))).toEqual([['s3:GetObject']]);
    expect(onExportFiles(s3[0]?.Resource, bucketId)).toBe(true);
    // No other function touches the bucket.
    const others = ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => id !== financeId && id !== functionFor(OPERATION_ENTRIES.exportEntries)[0]);
    for (const id of others) expect(actionsOf(statementsOf(id), 's3'), id).toEqual([]);
  });
});
