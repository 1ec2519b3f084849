// The stack's outputs: what an operator looks up to run, replay, restore or give access
// (docs/deploy.md names each). Their ids are the CloudFormation export names operators' scripts
// read, so they stay as they are when the stack is rearranged.
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Archive, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { type Consumer, ROUTES } from '#shared/routing.ts';
import type { EntriesExports } from './constructs/export-bucket.ts';
import type { FinanceApi } from './constructs/finance-api.ts';
import type { FunctionWithLogGroup } from './constructs/function-with-log-group.ts';
import type { PipelineAlarms } from './constructs/pipeline-alarms.ts';
import type { PipelineDashboard } from './constructs/pipeline-dashboard.ts';
import type { WorkQueue } from './constructs/queues.ts';
import type { LedgerRetention } from './constructs/retention.ts';

export interface StackOutputsProps {
  table: Table;
  bus: EventBus;
  archive: Archive;
  routingRules: Rule[];
  consumerQueues: Record<Consumer, WorkQueue>;
  closeWork: WorkQueue;
  busDeliveryDeadLetters: IQueue;
  invocationDeadLetters: IQueue;
  finance: FinanceApi;
  closeStart: FunctionWithLogGroup;
  sweep: FunctionWithLogGroup;
  redrive: FunctionWithLogGroup;
  exporter: FunctionWithLogGroup;
  exports: EntriesExports;
  alarms: PipelineAlarms;
  retention: LedgerRetention;
  dashboard: PipelineDashboard;
}

/** `ingest-orders` → `IngestOrders`: a consumer's name in logical ids and output names. */
export const pascal = (kebab: string): string => kebab.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

export function addStackOutputs(stack: Stack, parts: StackOutputsProps): void {
  const { finance, consumerQueues } = parts;
  const output = (id: string, value: string, description: string) => new CfnOutput(stack, id, { value, description });
  output(
    'BackupVaultName',
    parts.retention.vault.backupVaultName,
    'Vault of the table’s 7-year backups (restore: docs/deploy.md)',
  );
  output('BackupRoleArn', parts.retention.role.roleArn, 'Role for AWS Backup restore jobs of the table');
  output('DashboardName', parts.dashboard.dashboard.dashboardName, 'CloudWatch dashboard of the pipeline');
  output('EventBusArn', parts.bus.eventBusArn, 'The bus upstream systems put events on');
  output('ArchiveArn', parts.archive.archiveArn, 'Archive of inbound events (replay: docs/deploy.md)');
  output(
    'RoutingRuleArns',
    parts.routingRules.map((rule) => rule.ruleArn).join(','),
    'FilterArns for a replay into the routing rules',
  );
  output('TableName', parts.table.tableName, 'The billing table');
  output('FinanceApiUrl', finance.api.url, 'Finance API base URL (SigV4)');
  output(
    'FinanceReadOnlyPolicyArn',
    finance.readOnlyPolicy.managedPolicyArn,
    'Attach to finance principals to let them call the finance API',
  );
  if (finance.readOnlyRole)
    output(
      'FinanceReadOnlyRoleArn',
      finance.readOnlyRole.roleArn,
      'Role with that policy, assumable by financePrincipalArn',
    );
  output('CloseStartFunction', parts.closeStart.functionName, 'Invoke with {"month":"YYYY-MM"} to (re)run a close');
  output('SweepFunction', parts.sweep.functionName, 'Invoke with {"asOf":ISO} to run the deadline sweep');
  output('RedriveFunction', parts.redrive.functionName, 'Invoke to redrive dead letters stored in the table');
  output(
    'ExportEntriesFunction',
    parts.exporter.functionName,
    'Invoke with {"month":"YYYY-MM"} to export a month again',
  );
  output(
    'ExportBucketName',
    parts.exports.bucket.bucketName,
    "The months' entries files (entries/entries-YYYY-MM.csv)",
  );
  output('AlarmTopicArn', parts.alarms.topic.topicArn, 'Alarms notify this topic');
  for (const route of ROUTES) {
    const name = pascal(route.consumer);
    output(`${name}QueueArn`, consumerQueues[route.consumer].queue.queueArn, `The ${route.consumer} consumer queue`);
    output(
      `${name}DeadLetterQueueArn`,
      consumerQueues[route.consumer].deadLetterQueue.queueArn,
      `Dead letters of the ${route.consumer} queue`,
    );
  }
  output('CloseDeadLetterQueueArn', parts.closeWork.deadLetterQueue.queueArn, 'Dead letters of the close queue');
  output(
    'BusDeliveryDeadLetterQueueArn',
    parts.busDeliveryDeadLetters.queueArn,
    'Events EventBridge could not deliver to a consumer queue',
  );
  output(
    'InvocationDeadLetterQueueArn',
    parts.invocationDeadLetters.queueArn,
    'Failed scheduled or asynchronous invocations',
  );
}
