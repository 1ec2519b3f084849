// The monthly close's global status: which month is closed for every customer, and the
// progress of each month's fan-out by shard.
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addMonths, type Month } from '../domain/calendar.ts';
import { LOOKBACK_MONTHS } from '../domain/policy.ts';
import { isConditionFailure } from './client.ts';
import { GetCoalescer } from './coalesce.ts';
import { CLOSE_FINISHED_SK, CLOSE_LATEST_SK, CLOSE_PK, closeSk, SHARD_COUNT } from './keys.ts';
import { type ShardTotals, ShardTotalsStore } from './shard-totals.ts';

export interface MonthClose {
  month: Month;
  /**
   * The first month this close closes: the month after the last one closed when it started (a
   * missed close leaves months for the next to close with its own), at most LOOKBACK_MONTHS
   * back (the first close of a stage: the lookback's first month).
   */
  closesFrom: Month;
  status: 'closing' | 'closed';
  startedAt: string;
  closedAt?: string;
  shardsDone: number[];
}

export class CloseStatusStore {
  private readonly reads: GetCoalescer;
  private readonly totals: ShardTotalsStore;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.reads = new GetCoalescer(doc, tableName);
    this.totals = new ShardTotalsStore(doc, tableName);
  }

  /**
   * Recomputes one shard's totals of `month` from its statements (shared/store/shard-totals.ts):
   * at the shard's end, before it is marked done, and after a held customer's statements land.
   */
  recomputeShardTotals(month: Month, shard: number, at: string): Promise<ShardTotals> {
    return this.totals.recompute(month, shard, at);
  }

  /** Every shard's totals of `month`, or undefined when some shard has none (a month closed by older code). */
  shardTotals(month: Month): Promise<ShardTotals[] | undefined> {
    return this.totals.month(month);
  }

  /**
   * The latest month whose close has started: new customers begin with it closed. Asked by
   * every step on a new customer; those asking in the same turn of the event loop share one
   * consistent read, which goes out after all of them asked: no answer is older than its
   * call, so it is always `fresh` (the option only lets a caller say that it relies on it).
   */
  async latestStarted(_options: { fresh?: boolean } = {}): Promise<Month | undefined> {
    const Item = await this.reads.get({ pk: CLOSE_PK, sk: CLOSE_LATEST_SK });
    return Item?.month as Month | undefined;
  }

  async get(month: Month): Promise<MonthClose | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: CLOSE_PK, sk: closeSk(month) }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const close: MonthClose = {
      month,
      // A close started by code before closesFrom closed its month only, as far as it knew.
      closesFrom: (Item.closesFrom as Month | undefined) ?? month,
      status: Item.status,
      startedAt: Item.startedAt,
      shardsDone: [...((Item.shardsDone as Set<number> | undefined) ?? [])].sort((a, b) => a - b),
    };
    if (Item.closedAt) close.closedAt = Item.closedAt;
    return close;
  }

  /** Starts the close of `month` once; returns false if it was already started. */
  async start(month: Month, at: string): Promise<boolean> {
    const through = await this.closedThrough();
    const lookbackStart = addMonths(month, 1 - LOOKBACK_MONTHS);
    const after = through === undefined ? lookbackStart : addMonths(through, 1);
    const closesFrom = after < lookbackStart ? lookbackStart : after > month ? month : after;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: CLOSE_PK, sk: closeSk(month), month, closesFrom, status: 'closing', startedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.advancePointer(CLOSE_LATEST_SK, month);
    return true;
  }

  /**
   * Records a shard as done; the month is closed when every shard is. True when every shard is
   * done (this call or a retry of it closed the month): the caller starts the entries export.
   */
  async shardDone(month: Month, shard: number, at: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: CLOSE_PK, sk: closeSk(month) },
        UpdateExpression: 'ADD shardsDone :s',
        ExpressionAttributeValues: { ':s': new Set([shard]) },
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    const done = (Attributes?.shardsDone as Set<number> | undefined)?.size ?? 0;
    if (done >= SHARD_COUNT && Attributes?.status !== 'closed') {
      await this.doc
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: CLOSE_PK, sk: closeSk(month) },
            UpdateExpression: 'SET #s = :closed, closedAt = :at',
            ConditionExpression: '#s = :closing',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':closed': 'closed', ':closing': 'closing', ':at': at },
          }),
        )
        .catch((error) => {
          if (!isConditionFailure(error)) throw error;
        });
      await this.advancePointer(CLOSE_FINISHED_SK, month);
    }
    return done >= SHARD_COUNT;
  }

  /** The latest month whose close has finished for every shard: what finance may read. */
  async closedThrough(): Promise<Month | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: CLOSE_PK, sk: CLOSE_FINISHED_SK }, ConsistentRead: true }),
    );
    return Item?.month as Month | undefined;
  }

  private async advancePointer(sk: string, month: Month): Promise<void> {
    await this.doc
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: CLOSE_PK, sk, month },
          ConditionExpression: 'attribute_not_exists(pk) OR #m < :m',
          ExpressionAttributeNames: { '#m': 'month' },
          ExpressionAttributeValues: { ':m': month },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }
}
