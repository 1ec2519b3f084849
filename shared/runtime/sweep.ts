// The daily deadline sweep: the customers whose next unassessed deadline is due by `asOf`,
// found through the sparse due-date index, each swept through the commit protocol.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { jstDate, sweepDeadlines } from '../domain/index.ts';
import { dueKey, INDEX, SHARD_COUNT } from '../store/keys.ts';
import { runCustomerStep } from './customer-step.ts';
import type { Pipeline } from './pipeline.ts';

export async function sweepDue(p: Pipeline, asOf: string): Promise<{ customers: number; assessed: number }> {
  const today = jstDate(asOf);
  let customers = 0;
  let assessed = 0;
  const sweepShard = async (shard: number) => {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await p.doc.send(
        new QueryCommand({
          TableName: p.tableName,
          IndexName: INDEX.byDue,
          // Sort keys are `${dueDate}#${customerId}`: every due date up to today sorts below `${today}$`.
          KeyConditionExpression: 'gsi3pk = :k AND gsi3sk < :upTo',
          ExpressionAttributeValues: { ':k': dueKey(shard), ':upTo': `${today}$` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const sortKey = item.gsi3sk as string;
        const customerId = sortKey.slice(sortKey.indexOf('#') + 1);
        const result = await runCustomerStep(p, customerId, (state) => sweepDeadlines(state, asOf));
        customers++;
        assessed += result.effects.entries.length;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  };
  await Promise.all(Array.from({ length: SHARD_COUNT }, (_, shard) => sweepShard(shard)));
  return { customers, assessed };
}
