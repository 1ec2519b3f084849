// Every Lambda of the pipeline: the defaults set once (ARM64, Node 22, ESM bundle with source
// maps, tracing, JSON logs into its own log group with a retention), an execution role that
// starts empty, and table grants narrowed to the actions and indexes a function uses.

import { join } from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, type RecursiveLoop, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StagedBundle } from '../bundles.ts';
import { entryName, LAMBDA_RUNTIME, LOCK_FILE, nodejsBundling, REPO_ROOT } from '../bundling.ts';
import { acknowledgeRule } from '../compliance.ts';

export interface FunctionWithLogGroupProps {
  /** Relative to the repository root, e.g. `functions/sweep.ts`. */
  entry: string;
  timeout: Duration;
  memorySize: number;
  logRetention: RetentionDays;
  environment?: Record<string, string>;
  /** For asynchronously invoked functions: where an event goes after Lambda's own retries. */
  deadLetterQueue?: IQueue;
  recursiveLoop?: RecursiveLoop;
}

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'Query';

export class FunctionWithLogGroup extends NodejsFunction {
  readonly entryPath: string;

  constructor(scope: Construct, id: string, props: FunctionWithLogGroupProps) {
    const logGroup = new LogGroup(scope, `${id}LogGroup`, { retention: props.logRetention });
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    super(scope, id, {
      entry: join(REPO_ROOT, props.entry),
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      handler: 'handler',
      description: props.entry,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      role,
      bundling: nodejsBundling(),
      // Stack traces in the logs point at the TypeScript sources, not the minified bundle.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.recursiveLoop ? { recursiveLoop: props.recursiveLoop } : {}),
    });
    this.entryPath = props.entry;
    logGroup.grantWrite(role);
    acknowledgeRule(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which X-Ray does not scope to resources; the statement holds only those two actions.',
    );
    const runtimePin = `Pinned to ${LAMBDA_RUNTIME.name}, the Node version the tests and the local stack run on (the node devDependency): Lambda moves to a newer runtime together with them.`;
    acknowledgeRule(this, 'AwsSolutions-L1', runtimePin);
    acknowledgeRule(this, 'Serverless-LambdaLatestVersion', runtimePin);
  }

  /**
   * Grants table actions on the base table, and `Query` on the named indexes only. With
   * `leadingKeys`, every request must name partition keys (of the table or, on an index, of
   * the index) that begin with one of those prefixes: IAM refuses any other item.
   */
  grantTable(
    table: ITable,
    actions: readonly TableAction[],
    queryIndexes: readonly string[] = [],
    leadingKeys?: readonly string[],
  ): void {
    const conditions = leadingKeys
      ? {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys.map((prefix) => `${prefix}*`) },
          // ForAllValues holds for a request without keys at all (a Scan): require them.
          Null: { 'dynamodb:LeadingKeys': 'false' },
        }
      : undefined;
    this.addToRolePolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [table.tableArn],
        ...(conditions ? { conditions } : {}),
      }),
    );
    if (queryIndexes.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: queryIndexes.map((index) => `${table.tableArn}/index/${index}`),
          ...(conditions ? { conditions } : {}),
        }),
      );
    }
  }

  /** Where NodejsFunction staged this function's bundle, for the bundle-size report. */
  stagedBundle(): StagedBundle {
    const asset = this.node.findChild('Code') as Asset;
    return { name: entryName(this.entryPath), entry: this.entryPath, assetPath: asset.assetPath };
  }
}
