// Seven years of the books (infra/constructs/retention.ts): the synthesized backup plan keeps a
// monthly copy of the billing table for at least 7 years, in a vault encrypted with its own
// rotated key, locked, and kept when the stack is deleted.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MONTHLY_CLOSE_HOUR_JST } from '#shared/domain/policy.ts';
import {
  COLD_STORAGE_AFTER_DAYS,
  DAILY_BACKUP_RETENTION_DAYS,
  LEDGER_RETENTION_DAYS,
  MONTHLY_BACKUP_DAY,
} from '../../infra/constructs/retention.ts';
import { billingApp, type CfnResource, type CfnResources, only, referencedId } from './billing-app.ts';

let resources: CfnResources;
const ofType = (type: string): [string, CfnResource][] => Object.entries(resources).filter(([, r]) => r.Type === type);

interface Rule {
  RuleName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  TargetBackupVault: unknown;
  Lifecycle?: { DeleteAfterDays?: number; MoveToColdStorageAfterDays?: number };
}

// Synthesis includes CDK's own template validation: seconds, not milliseconds.
beforeAll(() => {
  resources = Template.fromStack(billingApp().stack).toJSON().Resources as CfnResources;
}, 120_000);

const rules = (): Rule[] =>
  only(ofType('AWS::Backup::BackupPlan'), 'backup plan')[1].Properties.BackupPlan.BackupPlanRule;
const rule = (name: string): Rule =>
  only(
    rules().filter((r) => r.RuleName === name),
    `rule ${name}`,
  );

describe('the ledger is kept 7 years', () => {
  it('is 7 years of days, leap days included', () => {
    expect(LEDGER_RETENTION_DAYS).toBeGreaterThanOrEqual(7 * 365 + 1);
    expect(LEDGER_RETENTION_DAYS).toBe(2_557);
  });

  it('copies the billing table, and only it, with a monthly rule kept at least 7 years that moves to cold storage', () => {
    const [, selection] = only(ofType('AWS::Backup::BackupSelection'), 'backup selection');
    const [tableId] = only(ofType('AWS::DynamoDB::Table'), 'table');
    expect(selection.Properties.BackupSelection.Resources.map(referencedId)).toEqual([tableId]);
    const monthly = rule('Monthly7Years');
    expect(monthly.Lifecycle?.DeleteAfterDays).toBeGreaterThanOrEqual(LEDGER_RETENTION_DAYS);
    // AWS Backup refuses a point deleted less than 90 days after it moved to cold storage.
    expect(monthly.Lifecycle?.MoveToColdStorageAfterDays).toBe(COLD_STORAGE_AFTER_DAYS);
    expect((monthly.Lifecycle?.DeleteAfterDays ?? 0) - COLD_STORAGE_AFTER_DAYS).toBeGreaterThanOrEqual(90);
  });

  it('takes the monthly copy the day after the close starts, in Asia/Tokyo, and a daily one kept a week', () => {
    const monthly = rule('Monthly7Years');
    expect(monthly.ScheduleExpression).toBe(`cron(0 ${MONTHLY_CLOSE_HOUR_JST} ${MONTHLY_BACKUP_DAY} * ? *)`);
    expect(MONTHLY_BACKUP_DAY).toBeGreaterThan(1);
    const daily = rule('Daily');
    expect(daily.ScheduleExpression).toMatch(/^cron\(0 \d+ \* \* \? \*\)$/);
    expect(daily.Lifecycle).toEqual({ DeleteAfterDays: DAILY_BACKUP_RETENTION_DAYS });
    for (const r of rules()) expect(r.ScheduleExpressionTimezone, r.RuleName).toBe('Asia/Tokyo');
    expect(rules()).toHaveLength(2);
  });

  it('writes to one vault, encrypted with a rotated customer-managed key, locked, denying deletion, and retained with its key', () => {
    const [vaultId, vault] = only(ofType('AWS::Backup::BackupVault'), 'backup vault');
    for (const r of rules())
      expect(r.TargetBackupVault, r.RuleName).toEqual({ 'Fn::GetAtt': [vaultId, 'BackupVaultName'] });
    const keyId = referencedId(vault.Properties.EncryptionKeyArn) as string;
    const key = resources[keyId];
    expect(key?.Type).toBe('AWS::KMS::Key');
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect([vault.DeletionPolicy, key?.DeletionPolicy]).toEqual(['Retain', 'Retain']);
    // The lock refuses any job whose retention is below the shortest rule's, and nothing can
    // shorten a point: no rule may be shorter than the lock, or its jobs would fail.
    const minimum = vault.Properties.LockConfiguration.MinRetentionDays as number;
    expect(minimum).toBe(DAILY_BACKUP_RETENTION_DAYS);
    for (const r of rules()) expect(r.Lifecycle?.DeleteAfterDays, r.RuleName).toBeGreaterThanOrEqual(minimum);
    expect(vault.Properties.AccessPolicy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: expect.arrayContaining(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']),
      }),
    ]);
  });

  it('reports failed and expired backup jobs to the alarm topic', () => {
    const [, vault] = only(ofType('AWS::Backup::BackupVault'), 'backup vault');
    const [topicId] = only(ofType('AWS::SNS::Topic'), 'topic');
    expect(referencedId(vault.Properties.Notifications.SNSTopicArn)).toBe(topicId);
    expect(vault.Properties.Notifications.BackupVaultEvents).toEqual(
      expect.arrayContaining(['BACKUP_JOB_FAILED', 'BACKUP_JOB_EXPIRED']),
    );
    // The topic is encrypted: AWS Backup must be let publish to it and use its key.
    const allowsBackup = (document: unknown) =>
      JSON.stringify(document).includes(JSON.stringify({ Service: 'backup.amazonaws.com' }));
    const topicPolicies = ofType('AWS::SNS::TopicPolicy').filter(([, p]) =>
      (p.Properties.Topics as unknown[]).some((t) => referencedId(t) === topicId),
    );
    expect(topicPolicies.some(([, p]) => allowsBackup(p.Properties.PolicyDocument))).toBe(true);
    const topicKey = referencedId(resources[topicId]?.Properties.KmsMasterKeyId);
    if (topicKey) expect(allowsBackup(resources[topicKey]?.Properties.KeyPolicy)).toBe(true);
  });

  it('gives AWS Backup a role of its own that may use the vault key, and grants only for AWS resources', () => {
    const [, selection] = only(ofType('AWS::Backup::BackupSelection'), 'backup selection');
    const roleId = referencedId(selection.Properties.BackupSelection.IamRoleArn) as string;
    const role = resources[roleId];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'backup.amazonaws.com' } }),
    ]);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => referencedId(r) === roleId))
      .flatMap(
        ([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[],
      );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant']));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    const grant = only(
      statements.filter((s) => s.Action === 'kms:CreateGrant'),
      'CreateGrant statement',
    );
    expect(grant.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': true } });
  });
});
