// Seven years of the books (docs/deploy.md, retention): AWS Backup copies of the table into a
// vault of its own, encrypted with a customer-managed key and locked, so that neither a
// mistaken `delete-table` nor a deleted stack nor an operator can shorten what the law keeps.
// Point-in-time recovery (35 days, on the table) stays the first resort for recent mistakes.
import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import {
  BackupPlan,
  BackupPlanRule,
  BackupResource,
  BackupSelection,
  BackupVault,
  BackupVaultEvents,
} from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MONTHLY_CLOSE_HOUR_JST } from '#shared/domain/policy.ts';
import { acknowledgeRule } from '../compliance.ts';

/**
 * Japanese bookkeeping law keeps books and vouchers 7 years (Corporation Tax Act, art. 126 and
 * its ordinance): 7 × 365 + 2 leap days. A monthly copy outlives every statement it holds by
 * that long, whichever month it was closed in.
 */
export const LEDGER_RETENTION_DAYS = 2_557;
/**
 * The monthly copy is taken on the 2nd of the month, a day after the close starts at
 * MONTHLY_CLOSE_HOUR_JST on the 1st: the close of 10 million customers takes about 65 minutes
 * (docs/performance.md), so the copy holds the month's statements and its re-runs' too.
 */
export const MONTHLY_BACKUP_DAY = 2;
/** Days a monthly copy stays warm: a quarter, for restores asked for by the last close's audit. */
export const COLD_STORAGE_AFTER_DAYS = 90;
/**
 * Daily copies beside PITR, kept a week: PITR answers any minute of the last 35 days but lives
 * with the table and its account's permissions; a locked vault copy does not.
 */
export const DAILY_BACKUP_RETENTION_DAYS = 7;
/** Daily copy at 03:00 JST: after the deadline sweep (00:30) and outside the close's hour. */
const DAILY_BACKUP_HOUR_JST = 3;
/** AWS Backup starts a job within this window of the scheduled time or fails it (and says so). */
const START_WINDOW = Duration.hours(2);
/** A full copy of a large table takes hours; the default 7 days leaves room for a slow one. */
const COMPLETION_WINDOW = Duration.days(2);

const VAULT_KEY_ACTIONS = [
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

export interface LedgerRetentionProps {
  prefix: string;
  table: ITable;
  /** Failed or expired backup jobs are reported here (the alarm topic). */
  notify?: ITopic;
}

export class LedgerRetention extends Construct {
  readonly vault: BackupVault;
  readonly key: Key;
  readonly plan: BackupPlan;
  /** AWS Backup's role for this table: takes the copies, and is the role a restore job uses. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: LedgerRetentionProps) {
    super(scope, id);
    this.key = new Key(this, 'VaultKey', {
      description: `Encrypts the ${props.prefix} billing ledger's backups in its vault`,
      enableKeyRotation: true,
      // Without the key the copies cannot be read: it outlives the stack, as the table does.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: `${props.prefix}-billing-ledger`,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      // The vault's access policy denies deleting a recovery point or shortening its lifecycle
      // to every principal; AWS Backup itself still expires points at the end of their retention.
      blockRecoveryPointDeletion: true,
      // Governance mode: no recovery point can be deleted before the shortest retention by
      // anyone without backup:DeleteBackupVaultLockConfiguration. Compliance mode
      // (changeableFor) is irreversible after 3 days, which is the operator's decision to
      // make (docs/deploy.md), not a default.
      lockConfiguration: { minRetention: Duration.days(DAILY_BACKUP_RETENTION_DAYS) },
      ...(props.notify
        ? {
            notificationTopic: props.notify,
            notificationEvents: [
              BackupVaultEvents.BACKUP_JOB_FAILED,
              BackupVaultEvents.BACKUP_JOB_EXPIRED,
              BackupVaultEvents.RESTORE_JOB_COMPLETED,
            ],
          }
        : {}),
    });
    this.plan = new BackupPlan(this, 'Plan', {
      backupPlanName: `${props.prefix}-billing-ledger`,
      backupVault: this.vault,
    });
    const jst = (hour: number, day?: number) =>
      Schedule.cron({ minute: '0', hour: String(hour), ...(day === undefined ? {} : { day: String(day) }) });
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Monthly7Years',
        scheduleExpression: jst(MONTHLY_CLOSE_HOUR_JST, MONTHLY_BACKUP_DAY),
        scheduleExpressionTimezone: TimeZone.ASIA_TOKYO,
        startWindow: START_WINDOW,
        completionWindow: COMPLETION_WINDOW,
        moveToColdStorageAfter: Duration.days(COLD_STORAGE_AFTER_DAYS),
        deleteAfter: Duration.days(LEDGER_RETENTION_DAYS),
      }),
    );
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: jst(DAILY_BACKUP_HOUR_JST),
        scheduleExpressionTimezone: TimeZone.ASIA_TOKYO,
        startWindow: START_WINDOW,
        completionWindow: COMPLETION_WINDOW,
        deleteAfter: Duration.days(DAILY_BACKUP_RETENTION_DAYS),
      }),
    );

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup: copies and restores the ${props.prefix} billing table`,
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    // What a backup or restore job does with the vault's key, named action by action; grants
    // only for the AWS resources (the table, its backups) that Backup creates them for.
    this.role.addToPolicy(new PolicyStatement({ actions: VAULT_KEY_ACTIONS, resources: [this.key.keyArn] }));
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [this.key.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': true } },
      }),
    );
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      acknowledgeRule(
        this.role,
        `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        `AWS Backup's documented service-role policy (${policy}): AWS keeps it current with what backing up and restoring DynamoDB needs; the role is assumable by backup.amazonaws.com only.`,
      );
    }
    new BackupSelection(this, 'Selection', {
      backupPlan: this.plan,
      backupSelectionName: 'billing-table',
      resources: [BackupResource.fromDynamoDbTable(props.table)],
      role: this.role,
    });
  }
}
