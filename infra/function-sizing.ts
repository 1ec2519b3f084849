// How each function of the stack is sized and how far its queue may drive it: timeouts,
// memory, concurrency and retries, with why each is what it is, and the table actions a
// customer step needs. The numbers behind them are in docs/performance.md.
import { Duration } from 'aws-cdk-lib';
import { ARCHIVE_RETENTION_DAYS } from '#shared/domain/policy.ts';
import type { FunctionWithLogGroupProps, TableAction } from './constructs/function-with-log-group.ts';

/** Above the 6 deliveries after which ingest dead-letters a waiting event in the table itself. */
export const CONSUMER_MAX_RECEIVE_COUNT = 10;
/**
 * Concurrent batches per consumer queue. A replay from the archive or a redrive can put a
 * month of events on the queues at once; this keeps DynamoDB on-demand within the
 * throughput it ramps to without throttling, and the queues absorb the backlog.
 */
export const CONSUMER_MAX_CONCURRENCY = 20;
/** Each close-shard invocation closes 16 customers at a time; 8 of them stay below ~130 writers. */
export const CLOSE_SHARD_MAX_CONCURRENCY = 8;
/** A shard message is idempotent (closed customers are skipped), so a few retries are cheap. */
export const CLOSE_MAX_RECEIVE_COUNT = 5;
/** Long enough to replay any month finance can still read (derived from the lookback in policy.ts). */
export const ARCHIVE_RETENTION = Duration.days(ARCHIVE_RETENTION_DAYS);

/**
 * A customer step (shared/runtime/customer-step.ts) reads aggregates (GetItem, or BatchGetItem
 * when reads coalesce) and the close pointer, commits with PutItem, clears the outbox with
 * UpdateItem and projects entries with BatchWriteItem. Ingest adds PutItem (event registry,
 * dead letters); the close's shard progress adds UpdateItem and PutItem.
 */
export const CUSTOMER_STEP: TableAction[] = ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'];

export type Sizing = Pick<FunctionWithLogGroupProps, 'timeout' | 'memorySize'>;
export const INGEST: Sizing = { timeout: Duration.seconds(30), memorySize: 512 };
// close-shard stops starting pages when less than a minute is left, so it needs several.
export const CLOSE_SHARD: Sizing = { timeout: Duration.minutes(5), memorySize: 1024 };
export const CLOSE_START: Sizing = { timeout: Duration.minutes(1), memorySize: 256 };
export const SWEEP: Sizing = { timeout: Duration.minutes(15), memorySize: 1024 };
// API Gateway gives up on an integration after 29 seconds.
export const FINANCE_API: Sizing = { timeout: Duration.seconds(29), memorySize: 1024 };
export const REDRIVE: Sizing = { timeout: Duration.minutes(15), memorySize: 256 };
