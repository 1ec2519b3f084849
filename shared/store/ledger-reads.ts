// Finance's reads: one customer's statements and entries (single-partition queries) and a
// month over all customers (one query per shard of the month index, run in parallel).
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Month } from '../domain/calendar.ts';
import type { LedgerEntry, Statement } from '../domain/index.ts';
import {
  customerPk,
  ENTRY_PREFIX,
  INDEX,
  monthEntriesKey,
  monthStatementsKey,
  SHARD_COUNT,
  STATEMENT_PREFIX,
  statementSk,
} from './keys.ts';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type'];

/** A ledger entry from its item (the keys removed). */
export function toEntry(item: Record<string, unknown>): LedgerEntry {
  const entry = { ...item };
  for (const key of KEY_ATTRIBUTES) delete entry[key];
  return entry as unknown as LedgerEntry;
}

export class LedgerReads {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** A customer's ledger entries, of one billing month or all of them. */
  async customerEntries(customerId: string, month?: Month): Promise<LedgerEntry[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': customerPk(customerId),
        ':prefix': month ? `${ENTRY_PREFIX}${month}#` : ENTRY_PREFIX,
      },
    });
    return items.map(toEntry);
  }

  async statement(customerId: string, month: Month): Promise<Statement | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: statementSk(month) } }),
    );
    return Item ? (JSON.parse(Item.statement as string) as Statement) : undefined;
  }

  /** The months a customer has a statement for, newest first. */
  async statementMonths(customerId: string): Promise<Month[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': customerPk(customerId), ':prefix': STATEMENT_PREFIX },
      ProjectionExpression: 'sk',
      ScanIndexForward: false,
    });
    return items.map((item) => (item.sk as string).slice(STATEMENT_PREFIX.length));
  }

  private async acrossShards(key: (shard: number) => string): Promise<Record<string, unknown>[]> {
    const shards = Array.from({ length: SHARD_COUNT }, (_, shard) =>
      this.queryAll({
        IndexName: INDEX.byMonth,
        KeyConditionExpression: 'gsi1pk = :k',
        ExpressionAttributeValues: { ':k': key(shard) },
      }),
    );
    return (await Promise.all(shards)).flat();
  }

  /** Every entry billed in a month, over all customers, ordered by customer and entry. */
  async monthEntries(month: Month): Promise<LedgerEntry[]> {
    const entries = (await this.acrossShards((shard) => monthEntriesKey(month, shard))).map(toEntry);
    return entries.sort((a, b) =>
      a.customerId === b.customerId ? cmp(a.entryId, b.entryId) : cmp(a.customerId, b.customerId),
    );
  }

  /**
   * One shard of a month's entries, a page at a time (at most `pageSize` items, ordered by
   * customer and entry id): the export reads a month of any size through this in constant memory.
   */
  async *monthEntryPages(month: Month, shard: number, pageSize: number): AsyncGenerator<LedgerEntry[]> {
    const pages = paginateQuery(
      { client: this.doc, pageSize },
      {
        TableName: this.tableName,
        IndexName: INDEX.byMonth,
        KeyConditionExpression: 'gsi1pk = :k',
        ExpressionAttributeValues: { ':k': monthEntriesKey(month, shard) },
      },
    );
    for await (const page of pages) yield (page.Items ?? []).map(toEntry);
  }

  async monthStatements(month: Month): Promise<Statement[]> {
    return (await this.acrossShards((shard) => monthStatementsKey(month, shard))).map(
      (item) => JSON.parse(item.statement as string) as Statement,
    );
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
