// Customers held back from a month's close: their close step kept failing, so the rest of
// their shard and the month closed without them (invariant 7). A hold names the reason; it is
// retried by every later run of a close of its shard and released when the customer closes.
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Month } from '../domain/calendar.ts';
import { CLOSE_PK, HELD_PREFIX, heldShardPrefix, heldSk, shardOf } from './keys.ts';

export interface HeldCustomer {
  customerId: string;
  month: Month;
  shard: number;
  reason: string;
  heldAt: string;
}

/** A reason is kept short enough for any item and any screen; the log keeps the whole error. */
const REASON_MAX = 500;

export class HeldCustomerStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async hold(month: Month, customerId: string, reason: string, at: string): Promise<HeldCustomer> {
    const held: HeldCustomer = {
      customerId,
      month,
      shard: shardOf(customerId),
      reason: reason.slice(0, REASON_MAX),
      heldAt: at,
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: CLOSE_PK, sk: heldSk(held.shard, month, customerId), type: 'held', ...held },
      }),
    );
    return held;
  }

  /** Releases the customer's holds of `throughMonth` and earlier: it has closed them. */
  async release(customerId: string, holds: readonly HeldCustomer[], throughMonth: Month): Promise<void> {
    for (const h of holds) {
      if (h.customerId !== customerId || h.month > throughMonth) continue;
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: CLOSE_PK, sk: heldSk(h.shard, h.month, h.customerId) },
        }),
      );
    }
  }

  /** The holds of one shard (of every month), oldest month first. */
  inShard(shard: number): Promise<HeldCustomer[]> {
    return this.query(heldShardPrefix(shard));
  }

  /** Every hold, or those of one month: few by design, each one an alarm. */
  async all(month?: Month): Promise<HeldCustomer[]> {
    const holds = await this.query(HELD_PREFIX);
    return (month ? holds.filter((h) => h.month === month) : holds).sort(
      (a, b) => a.month.localeCompare(b.month) || a.customerId.localeCompare(b.customerId),
    );
  }

  /** The hold of this customer in this month, if any (the finance API says why a statement is missing). */
  async find(customerId: string, month: Month): Promise<HeldCustomer | undefined> {
    const prefix = heldSk(shardOf(customerId), month, customerId);
    return (await this.query(prefix)).find((h) => h.customerId === customerId && h.month === month);
  }

  private async query(prefix: string): Promise<HeldCustomer[]> {
    const holds: HeldCustomer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': CLOSE_PK, ':prefix': prefix },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? [])
        holds.push({
          customerId: item.customerId,
          month: item.month,
          shard: item.shard,
          reason: item.reason,
          heldAt: item.heldAt,
        });
      start = page.LastEvaluatedKey;
    } while (start);
    return holds;
  }
}
