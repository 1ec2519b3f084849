// The customer aggregate item and the commit protocol's writes (docs/table-design.md):
// one conditional PutItem on the aggregate's version is the commit point; the effects it
// carries in its outbox are then projected with idempotent writes and the outbox cleared.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type CustomerHistory,
  type CustomerState,
  type JournalRecord,
  type LedgerEntry,
  type Month,
  monthStartKey,
  type Snapshot,
  type Statement,
} from '../domain/index.ts';
import { isConditionFailure } from './client.ts';
import { GetCoalescer, WriteCoalescer } from './coalesce.ts';
import {
  aggregateItem,
  entryItem,
  journalItem,
  type OutboxEntry,
  outboxKey,
  type StoredCustomer,
  statementItem,
  versionOfKey,
} from './customer-items.ts';
import { appliedEventItem } from './event-registry.ts';
import { ITEM_LIMIT_BYTES, ItemLimitError, itemBytes, valueBytes } from './item-size.ts';
import {
  customerOfDueKey,
  customerPk,
  dueKey,
  dueThroughKey,
  ENTRY_END,
  ENTRY_PREFIX,
  INDEX,
  JOURNAL_END,
  journalSk,
  SHARD_COUNT,
  SNAPSHOT_SK,
  STATE_SK,
  shardKey,
} from './keys.ts';
import { toEntry } from './ledger-reads.ts';

export interface CommitOptions {
  /** The most the state may grow to in this commit (events: `STATE_BUDGET_BYTES`); the item limit always holds. */
  stateBudgetBytes?: number;
}

export class CustomerStore {
  private readonly reads: GetCoalescer;
  private readonly writes: WriteCoalescer;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.reads = new GetCoalescer(doc, tableName);
    this.writes = new WriteCoalescer(doc, tableName);
  }

  /** A consistent read; reads of other customers made at the same time share a BatchGetItem. */
  async load(customerId: string): Promise<StoredCustomer | undefined> {
    const Item = await this.reads.get({ pk: customerPk(customerId), sk: STATE_SK });
    if (!Item) return undefined;
    const outbox: Record<string, OutboxEntry> = {};
    for (const [key, value] of Object.entries((Item.outbox ?? {}) as Record<string, string>))
      outbox[key] = JSON.parse(value) as OutboxEntry;
    return { state: JSON.parse(Item.state as string) as CustomerState, outbox };
  }

  /**
   * Writes `next` if the stored aggregate is still at `previousVersion` (absent for a new
   * customer), with `outbox`: the unprojected effects carried over plus those of this
   * commit. Returns false when another writer got there first.
   */
  async commit(
    next: CustomerState,
    previousVersion: number | undefined,
    outbox: Record<string, OutboxEntry>,
    options: CommitOptions = {},
  ): Promise<boolean> {
    const item = aggregateItem(next, outbox);
    const budget = options.stateBudgetBytes;
    if (budget !== undefined && valueBytes(item.state) > budget)
      throw new ItemLimitError(next.customerId, valueBytes(item.state), budget, 'state');
    const bytes = itemBytes(item);
    if (bytes > ITEM_LIMIT_BYTES) throw new ItemLimitError(next.customerId, bytes, ITEM_LIMIT_BYTES, 'aggregate item');
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...commitCondition(
            previousVersion,
            Object.keys(outbox).filter((k) => k !== outboxKey(next.version)),
          ),
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

  /**
   * Writes ledger entries and statements. Their ids are deterministic, so a repeat writes the
   * same items; projections made at the same time share BatchWriteItem calls.
   */
  async project(entries: readonly LedgerEntry[], statements: readonly Statement[]): Promise<void> {
    await this.writes.put([...entries.map(entryItem), ...statements.map(statementItem)]);
  }

  /** Writes journal records as their own items (the aggregate's tail, before it drops them). */
  async writeJournal(customerId: string, records: readonly JournalRecord[]): Promise<void> {
    await this.writes.put(records.map((r) => journalItem(customerId, r)));
  }

  /**
   * Keeps the customer's checkpoint, overwriting the one before, before the commit that names
   * it (it is too large to ride in the outbox). A writer whose commit then fails leaves a
   * snapshot no aggregate names, or overwrites the one named: either way its hash no longer
   * matches, and a re-derivation that finds no snapshot of the right hash reads everything.
   * One past the item limit is not kept, for the same outcome.
   */
  async keepSnapshot(customerId: string, snapshot: Snapshot): Promise<void> {
    const item = {
      pk: customerPk(customerId),
      sk: SNAPSHOT_SK,
      type: 'snapshot',
      month: snapshot.month,
      hash: snapshot.hash,
      state: JSON.stringify(snapshot.state),
    };
    if (itemBytes(item) > ITEM_LIMIT_BYTES) return;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** Removes events from the customer's journal (waiting events given up on); one already gone is fine. */
  async dropFromJournal(customerId: string, records: readonly JournalRecord[]): Promise<void> {
    for (const record of records) {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customerId), sk: journalSk(record.key) },
        }),
      );
    }
  }

  /**
   * What a re-derivation reads (§0): the customer's journal items (the latest records are in
   * the aggregate's `journalTail`, which the engine adds) and every entry billed, with what
   * `outbox` holds and has not been projected yet. Read after the aggregate: anything
   * committed since then makes the commit that uses it fail, and it is read again.
   */
  async history(
    customerId: string,
    outbox: Record<string, OutboxEntry>,
    checkpoint?: { month: Month; hash: string },
  ): Promise<CustomerHistory> {
    const snapshot = checkpoint ? await this.snapshot(customerId, checkpoint.hash) : undefined;
    const from = snapshot ? { month: snapshot.month, snapshot: snapshot.state } : undefined;
    // The whole history is one range (`ENTRY#…` sorts just before `LOG#…`, nothing between);
    // from a checkpoint, two ranges that each start at its month.
    const [logItems, entryItems] = from
      ? await Promise.all([
          this.queryRange(customerId, journalSk(monthStartKey(from.month)), JOURNAL_END),
          this.queryRange(customerId, `${ENTRY_PREFIX}${from.month}`, ENTRY_END),
        ])
      : splitHistory(await this.queryRange(customerId, ENTRY_PREFIX, JOURNAL_END));
    const journal = new Map<string, JournalRecord>();
    for (const item of logItems) {
      const record = JSON.parse(item.record as string) as JournalRecord;
      journal.set(record.event.detail.eventId, record);
    }
    const billed = entryItems.map(toEntry);
    const pending = Object.entries(outbox).sort(([a], [b]) => versionOfKey(a) - versionOfKey(b));
    for (const [, { effects }] of pending) {
      for (const x of effects.expired ?? []) journal.delete(x.record.event.detail.eventId);
      billed.push(...effects.entries);
    }
    return from ? { journal: [...journal.values()], billed, from } : { journal: [...journal.values()], billed };
  }

  /** The customer's snapshot, if it is the one of hash `hash`. */
  private async snapshot(customerId: string, hash: string): Promise<Snapshot | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customerId), sk: SNAPSHOT_SK },
        ConsistentRead: true,
      }),
    );
    if (!Item || Item.hash !== hash) return undefined;
    return { month: Item.month as Month, hash, state: JSON.parse(Item.state as string) as CustomerState };
  }

  /** A consistent query of the customer's partition, sort keys from `from` (inclusive) to `to`. */
  private async queryRange(customerId: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': customerPk(customerId), ':from': from, ':to': to },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /**
   * Marks in the registry every event of `processed` (eventId → fingerprint) as applied by
   * the customer's aggregate at `version` or before; only then may the aggregate forget them.
   */
  async markApplied(customerId: string, processed: Record<string, string>, version: number): Promise<void> {
    await this.writes.put(
      Object.entries(processed).map(([eventId, fingerprint], position) =>
        appliedEventItem({ eventId, fingerprint }, customerId, version, position),
      ),
    );
  }

  /**
   * One page of a shard's customer ids, in id order, after `after` (the close's fan-out), and
   * where the next page starts when there is one: pass it back as `after`.
   */
  async customersInShard(
    shard: number,
    after: string | undefined,
    limit: number,
  ): Promise<{ customerIds: string[]; continueAfter?: string }> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX.byShard,
        KeyConditionExpression: after ? 'gsi2pk = :s AND gsi2sk > :after' : 'gsi2pk = :s',
        ExpressionAttributeValues: after ? { ':s': shardKey(shard), ':after': after } : { ':s': shardKey(shard) },
        Limit: limit,
      }),
    );
    // The shard index's sort key is the customer id: the last one read is where the next page starts.
    const customerIds = (page.Items ?? []).map((item) => item.gsi2sk as string);
    return { customerIds, continueAfter: page.LastEvaluatedKey !== undefined ? customerIds.at(-1) : undefined };
  }

  /**
   * Every customer of a shard with something due on or before `today` — a deadline or a
   * waiting event to give up on (the sweep) — or, without `today`, everyone in the due index.
   */
  async dueCustomers(shard: number, today?: string): Promise<string[]> {
    const ids: string[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        IndexName: INDEX.byDue,
        // Sort keys are `${dueDate}#${customerId}`: every due date up to today sorts below `${today}$`.
        KeyConditionExpression: today === undefined ? 'gsi3pk = :k' : 'gsi3pk = :k AND gsi3sk < :upTo',
        ExpressionAttributeValues:
          today === undefined ? { ':k': dueKey(shard) } : { ':k': dueKey(shard), ':upTo': dueThroughKey(today) },
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? []) ids.push(customerOfDueKey(item.gsi3sk as string));
    return ids;
  }
}

/**
 * The shards customers are spread over, each queried on its own (`customersInShard`,
 * `dueCustomers`): the close fans out one message per shard, the sweep one query per shard.
 */
export function customerShards(): number[] {
  return Array.from({ length: SHARD_COUNT }, (_, shard) => shard);
}

/**
 * The commit's condition: the version it decided from, and every outbox entry it carries
 * still there. Without the second part a commit could bring back an entry its writer
 * cleared meanwhile (the clear does not change the version), and a close would publish
 * that entry's events a second time.
 */
function commitCondition(previousVersion: number | undefined, carried: readonly string[]) {
  if (previousVersion === undefined) return { ConditionExpression: 'attribute_not_exists(pk)' };
  const names = Object.fromEntries(carried.map((k, i) => [`#c${i}`, k]));
  return {
    ConditionExpression: ['version = :v', ...carried.map((_, i) => `attribute_exists(outbox.#c${i})`)].join(' AND '),
    ExpressionAttributeValues: { ':v': previousVersion },
    ...(carried.length > 0 ? { ExpressionAttributeNames: names } : {}),
  };
}

/** The items of a customer's whole history, journal records apart from entries. */
function splitHistory(items: Record<string, unknown>[]): [Record<string, unknown>[], Record<string, unknown>[]] {
  const journal: Record<string, unknown>[] = [];
  const entries: Record<string, unknown>[] = [];
  for (const item of items) {
    if (item.type === 'journal') journal.push(item);
    else if (item.type === 'entry') entries.push(item);
  }
  return [journal, entries];
}
