// The month's entries export in the cloud (shared/runtime/entries-export.ts): the bucket the
// files go to, the queue the close starts the export-entries function through, and each
// function's grants, narrowed to the export's prefix and the export's own table items.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPORT_RETENTION_YEARS } from '#shared/domain/policy.ts';
import { EXPORT_OBJECT_PREFIX } from '#shared/runtime/entries-export.ts';
import { CLOSE_PK, INDEX } from '#shared/store/keys.ts';
import { acknowledgeRule, acknowledgeWildcardResource } from '../compliance.ts';
import type { FunctionWithLogGroup, FunctionWithLogGroupProps } from './function-with-log-group.ts';
import { WorkQueue } from './queues.ts';

/** Lambda's longest run: at 100,000 customers an export takes under a minute (docs/performance.md). */
export const EXPORT_ENTRIES_SIZING: Pick<FunctionWithLogGroupProps, 'timeout' | 'memorySize'> = {
  timeout: Duration.minutes(15),
  // Lambda's CPU grows with memory: CSV writing is CPU-bound; the export itself stays near 100 MB.
  memorySize: 1024,
};
/** Days an export file is kept: EXPORT_RETENTION_YEARS years, their leap days included (at most 2). */
export const EXPORT_RETENTION_DAYS = EXPORT_RETENTION_YEARS * 365 + 2;
/** A file a re-export replaced stays this long as a noncurrent version: time to take back a bad re-export. */
const REPLACED_EXPORT_DAYS = 30;
/** How long the access logs are kept: a year of downloads to look back at. */
const ACCESS_LOG_DAYS = 400;
/** A message is one month's export: a failure is retried twice, then dead-lettered (and alarmed). */
const EXPORT_MAX_RECEIVE_COUNT = 3;

const S3_LOGS_BY_BUCKET_POLICY = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

export interface EntriesExportsProps {
  table: ITable;
  /** functions/export-entries.ts. */
  exporter: FunctionWithLogGroup;
  /** Sends the month to the export queue when its last shard is done. */
  closeShard: FunctionWithLogGroup;
  /** Presigns the download of a ready export. */
  finance: FunctionWithLogGroup;
}

export class EntriesExports extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly work: WorkQueue;

  constructor(scope: Construct, id: string, props: EntriesExportsProps) {
    super(scope, id);
    // S3 delivers the access logs as the log bucket's policy allows, not through an ACL, so that
    // both buckets keep ACLs disabled (CDK's feature flag, set for these buckets only).
    this.node.setContext(S3_LOGS_BY_BUCKET_POLICY, true);
    const { table, exporter, closeShard, finance } = props;
    // SSE-S3 rather than SSE-KMS: finance downloads through a URL the finance function presigns,
    // and with a customer key every download would also need that role's kms:Decrypt and a KMS
    // request; the files hold ids and amounts, no personal data (invariant 6), and SSE-S3 still
    // encrypts every object at rest with AES-256.
    const common = {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The files are finance's records for auditors: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [{ expiration: Duration.days(ACCESS_LOG_DAYS) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...common,
      // A re-export replaces the file; the version it replaced can be taken back for a while.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'export-bucket/',
      lifecycleRules: [
        {
          prefix: EXPORT_OBJECT_PREFIX,
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(REPLACED_EXPORT_DAYS),
          // The parts of an upload that crashed without its abort.
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    const files = this.bucket.arnForObjects(`${EXPORT_OBJECT_PREFIX}*`);

    this.work = new WorkQueue(this, 'Queue', {
      consumerTimeout: EXPORT_ENTRIES_SIZING.timeout,
      maxReceiveCount: EXPORT_MAX_RECEIVE_COUNT,
    });
    exporter.addEventSource(
      new SqsEventSource(this.work.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }),
    );
    acknowledgeRule(
      exporter,
      'Serverless-LambdaEventSourceMappingDestination',
      "Lambda offers on-failure destinations for stream and Kafka sources, not for SQS: a month whose export keeps failing goes to the queue's dead-letter queue through its redrive policy.",
    );
    closeShard.addEnvironment('EXPORT_QUEUE_URL', this.work.queue.queueUrl);
    this.work.queue.grantSendMessages(closeShard);

    exporter.addEnvironment('EXPORT_BUCKET_NAME', this.bucket.bucketName);
    // The close status and the export's item are in the CLOSE partition: Get and Put there only.
    exporter.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CLOSE_PK] } },
      }),
    );
    exporter.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${INDEX.byMonth}`] }),
    );
    // PutObject covers the multipart upload's create, parts and complete; its abort is its own.
    exporter.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [files] }),
    );
    acknowledgeWildcardResource(
      exporter.role as Role,
      files,
      `The export writes one file per month under ${EXPORT_OBJECT_PREFIX} of the export bucket, named by the month; nothing else of the bucket.`,
    );

    finance.addEnvironment('EXPORT_BUCKET_NAME', this.bucket.bucketName);
    // The presigned download is made with the finance function's own credentials.
    finance.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [files] }));
    acknowledgeWildcardResource(
      finance.role as Role,
      files,
      `Finance downloads any month's file under ${EXPORT_OBJECT_PREFIX} through a URL this function presigns; nothing else of the bucket.`,
    );
  }
}
