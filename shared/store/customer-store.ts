// The customer aggregate item and the commit protocol's writes (docs/table-design.md):
// one conditional PutItem on the aggregate's version is the commit point; the effects it
// carries in its outbox are then projected with idempotent writes and the outbox cleared.
import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nextDeadline, type CustomerState, type Effects, type LedgerEntry, type Statement } from '../domain/index.ts';
import { isConditionFailure } from './client.ts';
import { customerPk, dueKey, dueSortKey, entrySk, monthEntriesKey, monthStatementsKey, shardKey, shardOf, STATE_SK, statementSk } from './keys.ts';

/** Effects committed with one version of the aggregate and perhaps not yet projected. */
export interface OutboxEntry {
  /** When they were committed (processing time: only for the projection lease). */
  committedAt: number;
  effects: Effects;
}

export interface StoredCustomer {
  state: CustomerState;
  /** Keyed by the version that committed them, e.g. `v12`. */
  outbox: Record<string, OutboxEntry>;
}

export const outboxKey = (version: number): string => `v${version}`;

const BATCH_LIMIT = 25;

export class CustomerStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(customerId: string): Promise<StoredCustomer | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: STATE_SK }, ConsistentRead: true }));
    if (!Item) return undefined;
    const outbox: Record<string, OutboxEntry> = {};
    for (const [key, value] of Object.entries((Item.outbox ?? {}) as Record<string, string>)) outbox[key] = JSON.parse(value) as OutboxEntry;
    return { state: JSON.parse(Item.state as string) as CustomerState, outbox };
  }

  /**
   * Writes `next` if the stored aggregate is still at `previousVersion` (absent for a new
   * customer), with `outbox`: the unprojected effects carried over plus those of this
   * commit. Returns false when another writer got there first.
   */
  async commit(next: CustomerState, previousVersion: number | undefined, outbox: Record<string, OutboxEntry>): Promise<boolean> {
    const shard = shardOf(next.customerId);
    const due = nextDeadline(next);
    const item: Record<string, unknown> = {
      pk: customerPk(next.customerId),
      sk: STATE_SK,
      customerId: next.customerId,
      version: next.version,
      state: JSON.stringify(next),
      gsi2pk: shardKey(shard),
      gsi2sk: next.customerId,
    };
    if (due) Object.assign(item, { gsi3pk: dueKey(shard), gsi3sk: dueSortKey(due, next.customerId) });
    const serialized = Object.fromEntries(Object.entries(outbox).filter(([, o]) => !isEmpty(o.effects)).map(([k, o]) => [k, JSON.stringify(o)]));
    if (Object.keys(serialized).length > 0) item.outbox = serialized;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: previousVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(previousVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': previousVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Removes projected outbox entries; one already gone (a later commit dropped it) is fine. */
  async clearOutbox(customerId: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: customerPk(customerId), sk: STATE_SK },
            UpdateExpression: 'REMOVE outbox.#k',
            ConditionExpression: 'attribute_exists(outbox.#k)',
            ExpressionAttributeNames: { '#k': key },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  /** Writes ledger entries and statements. Their ids are deterministic, so a repeat writes the same items. */
  async project(entries: readonly LedgerEntry[], statements: readonly Statement[]): Promise<void> {
    const items = [...entries.map(entryItem), ...statements.map(statementItem)];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < items.length; i += BATCH_LIMIT) writes.push(this.batchPut(items.slice(i, i + BATCH_LIMIT)));
    await Promise.all(writes);
  }

  private async batchPut(items: Record<string, unknown>[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      if (attempt > 8) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
      const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }
}

function isEmpty(effects: Effects): boolean {
  return effects.entries.length === 0 && effects.statements.length === 0 && effects.emitted.length === 0;
}

export function entryItem(entry: LedgerEntry): Record<string, unknown> {
  return {
    pk: customerPk(entry.customerId),
    sk: entrySk(entry.billingMonth, entry.entryId),
    gsi1pk: monthEntriesKey(entry.billingMonth, shardOf(entry.customerId)),
    gsi1sk: `${entry.customerId}#${entry.entryId}`,
    type: 'entry',
    ...entry,
  };
}

export function statementItem(statement: Statement): Record<string, unknown> {
  return {
    pk: customerPk(statement.customerId),
    sk: statementSk(statement.month),
    gsi1pk: monthStatementsKey(statement.month, shardOf(statement.customerId)),
    gsi1sk: statement.customerId,
    type: 'statement',
    statement: JSON.stringify(statement),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
