// The month report's totals, one item per (month, shard), written by the close: the report
// reads 32 small items instead of every statement of the month (docs/table-design.md).
//
// Each item is recomputed from the shard's statements of the month (the `gsi1` partition
// `STMTS#{month}#{shard}`, paginated, folded into one accumulator) rather than incremented as
// customers close. A recomputation is idempotent by construction: a shard closed over several
// invocations, retried after a crash at any point, run twice at once or re-run gives the same
// item, with no position or customer set to keep consistent with the statements. It costs one
// read of the shard's statements per shard end (the close has just written them; the same
// read the report made on every request before).
import { type DynamoDBDocumentClient, PutCommand, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Month } from '../domain/calendar.ts';
import { addStatement, emptyMonthTotals, type MonthTotals, type Statement } from '../domain/index.ts';
import { isConditionFailure } from './client.ts';
import { CLOSE_PK, INDEX, monthStatementsKey, SHARD_COUNT, shardTotalsPrefix, shardTotalsSk } from './keys.ts';

export interface ShardTotals extends MonthTotals {
  month: Month;
  shard: number;
  computedAt: string;
}

export class ShardTotalsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Sums the shard's statements of `month`, a page at a time, and stores the sums. */
  async recompute(month: Month, shard: number, at: string): Promise<ShardTotals> {
    const sums = emptyMonthTotals();
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        IndexName: INDEX.byMonth,
        KeyConditionExpression: 'gsi1pk = :k',
        ExpressionAttributeValues: { ':k': monthStatementsKey(month, shard) },
        ProjectionExpression: 'statement',
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? []) addStatement(sums, JSON.parse(item.statement as string) as Statement);
    const totals: ShardTotals = { month, shard, computedAt: at, ...sums };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: CLOSE_PK, sk: shardTotalsSk(month, shard), type: 'shard-totals', ...totals },
          // A closed statement is never removed, so a month's count only grows: a slower
          // recomputation that read fewer statements never overwrites a newer one.
          ConditionExpression: 'attribute_not_exists(pk) OR statements <= :n',
          ExpressionAttributeValues: { ':n': totals.statements },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return totals;
  }

  /**
   * The totals of every shard of `month`, or undefined when some shard has none (a month
   * closed before the close wrote them, or whose close is not done).
   */
  async month(month: Month): Promise<ShardTotals[] | undefined> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': CLOSE_PK, ':prefix': shardTotalsPrefix(month) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    if (items.length < SHARD_COUNT) return undefined;
    return items.map((item) => ({
      month,
      shard: item.shard as number,
      computedAt: item.computedAt as string,
      statements: item.statements as number,
      totals: item.totals as MonthTotals['totals'],
      byKind: item.byKind as MonthTotals['byKind'],
      byTaxClass: item.byTaxClass as MonthTotals['byTaxClass'],
    }));
  }
}
