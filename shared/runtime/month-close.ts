// The monthly close over all customers: started once per month, fanned out one message per
// shard, each shard closing its customers through the same commit protocol as events.
import { INDEX, SHARD_COUNT, shardKey } from '../store/keys.ts';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { closeMonth, jstMonth, addMonths, monthHasEnded, MonthNotEndedError, type Month } from '../domain/index.ts';
import { runCustomerStep, type StepDeps } from './customer-step.ts';
import type { Pipeline } from './pipeline.ts';

export interface CloseShardMessage {
  month: Month;
  shard: number;
  /** Where the previous invocation stopped in this shard (a continuation). */
  after?: string;
}

export type SendCloseMessage = (message: CloseShardMessage) => Promise<void>;

/** The month the scheduled close on the 1st closes: the previous JST month. */
export function monthToClose(now: string): Month {
  return addMonths(jstMonth(now), -1);
}

/**
 * Starts closing `month` (refused while it has not ended). A close already started is
 * resumed: the shards not yet done are sent again, which is harmless for the others.
 */
export async function startMonthClose(p: Pipeline, month: Month, now: string, send: SendCloseMessage): Promise<{ status: 'started' | 'resumed' | 'already-closed'; shards: number }> {
  if (!monthHasEnded(month, now)) throw new MonthNotEndedError(month, now);
  const started = await p.closes.start(month, now);
  const status = started ? undefined : await p.closes.get(month);
  if (status?.status === 'closed') return { status: 'already-closed', shards: 0 };
  const done = new Set(status?.shardsDone ?? []);
  const shards = Array.from({ length: SHARD_COUNT }, (_, shard) => shard).filter((shard) => !done.has(shard));
  await Promise.all(shards.map((shard) => send({ month, shard })));
  return { status: started ? 'started' : 'resumed', shards: shards.length };
}

/** Customers closed at once within a shard: enough to hide latency, few enough for DynamoDB. */
const CONCURRENCY = 16;
const PAGE_SIZE = 200;

export interface CloseShardOptions {
  /** Asked before each further page: false stops and returns a continuation. */
  hasTime?: () => boolean;
  pageSize?: number;
}

/**
 * Closes the customers of one shard, page by page, until done or `hasTime()` says to stop;
 * returns a continuation when it stopped early.
 */
export async function closeShard(p: Pipeline, message: CloseShardMessage, now: string, options: CloseShardOptions = {}): Promise<{ closed: number; continueAfter?: string }> {
  const hasTime = options.hasTime ?? (() => true);
  let after = message.after;
  let closed = 0;
  do {
    const page = await p.doc.send(
      new QueryCommand({
        TableName: p.tableName,
        IndexName: INDEX.byShard,
        KeyConditionExpression: after ? 'gsi2pk = :s AND gsi2sk > :after' : 'gsi2pk = :s',
        ExpressionAttributeValues: after ? { ':s': shardKey(message.shard), ':after': after } : { ':s': shardKey(message.shard) },
        Limit: options.pageSize ?? PAGE_SIZE,
      }),
    );
    const customerIds = (page.Items ?? []).map((item) => item.gsi2sk as string);
    for (let i = 0; i < customerIds.length; i += CONCURRENCY) {
      await Promise.all(customerIds.slice(i, i + CONCURRENCY).map((id) => runCustomerStep(p, id, (state) => closeMonth(state, message.month, now))));
    }
    closed += customerIds.length;
    after = page.LastEvaluatedKey ? customerIds.at(-1) : undefined;
  } while (after && hasTime());
  if (after) return { closed, continueAfter: after };
  await p.closes.shardDone(message.month, message.shard, now);
  return { closed };
}

/**
 * A customer's first commit can race the start of a close: it read LATEST_STARTED before the
 * close moved it to M and committed after its shard was listed, so it starts with M−1 closed
 * and no shard closes M for it. Called after a customer's first commit, this closes what the
 * customer missed, through the same step as a shard would.
 */
export async function closeMissedMonths(p: StepDeps, customerId: string, closedThrough: Month | undefined, now: string): Promise<boolean> {
  const latest = await p.closes.latestStarted();
  if (latest === undefined || (closedThrough !== undefined && closedThrough >= latest)) return false;
  // The close of `latest` started, so the month has ended by the close's clock; a local clock
  // set ahead of the real time needs the first instant after the month instead.
  const at = monthHasEnded(latest, now) ? now : `${addMonths(latest, 1)}-01T00:00:00+09:00`;
  await runCustomerStep(p, customerId, (state) => closeMonth(state, latest, at));
  return true;
}
