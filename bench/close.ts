// Monthly close: seconds to close a month for N customers through `POST /admin/close` of the
// local stack (the same startMonthClose/closeShard the Lambdas run), next to BatchWriteItem of
// the very items that close writes (entries, statements, aggregates) into a twin table of the
// same dynalite.
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CustomerState,
  closeMonth,
  closeTimeOf,
  decide,
  emptyCustomerState,
  type Month,
} from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { aggregateItem, entryItem, outboxKey, statementItem } from '#shared/store/customer-items.ts';
import { INDEX, monthStatementsKey, SHARD_COUNT } from '#shared/store/keys.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { LOCAL_TABLE_NAME } from '../local/embedded-dynamo.ts';
import { peakRssMb, perUnit, round, timed, timedWithCpu } from './measure.ts';
import { profiled } from './profile.ts';
import { batchWriteAll, stackWithStore } from './seed.ts';
import { customerIdOf, tenEventCustomer } from './workload.ts';

export interface CloseBenchOptions {
  customers: number;
  /**
   * Customers whose close items the raw baseline writes (default: all). A sample keeps the
   * full-size bench within minutes; the ratio compares rates, raw's scaled to all customers.
   */
  rawSample?: number;
  /** BatchWriteItem calls in flight for the raw rate (the close runs 8 shards × 16 customers). */
  rawConcurrency?: number;
}

const PREVIOUS: Month = '2026-08';
const MONTH: Month = '2026-09';
const CLOSE_AT = closeTimeOf(MONTH);
const RAW_TABLE = `${LOCAL_TABLE_NAME}-raw`;

/**
 * A customer as the close finds it: its August and September events applied by the engine,
 * August already closed, September open (an installment, two protection fees, claim fees).
 */
function seededState(customerId: string, index: number): CustomerState {
  let state = emptyCustomerState(customerId, '2026-07');
  const events = tenEventCustomer(customerId, index).filter((e) => e.detail.occurredAt.slice(0, 7) <= MONTH);
  let closedPrevious = false;
  for (const event of events) {
    if (!closedPrevious && event.detail.occurredAt.slice(0, 7) > PREVIOUS) {
      state = closeMonth(state, PREVIOUS, closeTimeOf(PREVIOUS)).state;
      closedPrevious = true;
    }
    state = decide(state, event, fingerprintOf(event)).state;
  }
  if (!closedPrevious) state = closeMonth(state, PREVIOUS, closeTimeOf(PREVIOUS)).state;
  return state;
}

/** What the close of MONTH writes for this customer, built by the store's own item code. */
function closeItems(state: CustomerState): Record<string, unknown>[] {
  const { state: next, effects } = closeMonth(state, MONTH, CLOSE_AT);
  return [
    ...effects.entries.map(entryItem),
    ...effects.statements.map(statementItem),
    aggregateItem(next, { [outboxKey(next.version)]: { committedAt: Date.now(), effects } }),
  ];
}

async function countStatements(doc: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let total = 0;
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byMonth,
          KeyConditionExpression: 'gsi1pk = :k',
          ExpressionAttributeValues: { ':k': monthStatementsKey(MONTH, shard) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return total;
}

export async function benchClose(options: CloseBenchOptions) {
  const rawConcurrency = options.rawConcurrency ?? 16;
  const rawCustomers = Math.min(options.customers, options.rawSample ?? options.customers);
  // The close alone, as the Lambdas run it: the cloud hands the entries exports to another
  // function (their own figure, `export`), where the local close would run them in its request.
  const { stack, doc, calls, post } = await stackWithStore(CLOSE_AT, { closeExports: false });
  try {
    await doc.send(new CreateTableCommand(tableDefinition(RAW_TABLE)) as never);
    // Both tables get the same aggregates, so that the close's aggregate writes and raw's are both overwrites.
    const seed = await timed(async () => {
      const chunk = 5_000;
      for (let from = 0; from < options.customers; from += chunk) {
        const indexes = Array.from({ length: Math.min(chunk, options.customers - from) }, (_, k) => from + k);
        const bench = indexes.map((i) => aggregateItem(seededState(customerIdOf('C', i), i), {}));
        const raw = indexes
          .filter((i) => i < rawCustomers)
          .map((i) => aggregateItem(seededState(customerIdOf('R', i), i), {}));
        await batchWriteAll(doc, LOCAL_TABLE_NAME, bench);
        await batchWriteAll(doc, RAW_TABLE, raw);
      }
    });
    let rawItems = Array.from({ length: rawCustomers }, (_, i) =>
      closeItems(seededState(customerIdOf('R', i), i)),
    ).flat();
    const rawItemCount = rawItems.length;

    calls.reset();
    const raw = await timedWithCpu(() => batchWriteAll(doc, RAW_TABLE, rawItems, rawConcurrency));
    const rawCalls = calls.snapshot().total;
    // Neither the raw items nor the twin table may weigh on the close's heap (GC is a fifth of its time).
    rawItems = [];
    await doc.send(new DeleteTableCommand({ TableName: RAW_TABLE }) as never);

    calls.reset();
    const { value: close, profile } = await profiled('close', () =>
      timedWithCpu(() => post('/admin/close', { month: MONTH })),
    );
    const closeCalls = calls.snapshot();
    if (close.value.customers !== options.customers)
      throw new Error(`close: ${String(close.value.customers)} customers closed, expected ${options.customers}`);
    const statements = await countStatements(doc, LOCAL_TABLE_NAME);
    if (statements !== options.customers)
      throw new Error(`close: ${statements} statements for ${MONTH}, expected ${options.customers}`);

    const scale = options.customers / rawCustomers;
    return {
      customers: options.customers,
      month: MONTH,
      seedSeconds: round(seed.seconds, 1),
      closeSeconds: round(close.seconds, 2),
      closeCpuSeconds: round(close.cpuSeconds, 2),
      customersPerSecond: round(options.customers / close.seconds),
      rawCustomers,
      rawItems: rawItemCount,
      itemsPerCustomer: round(rawItemCount / rawCustomers, 2),
      rawSeconds: round(raw.seconds, 2),
      rawCpuSeconds: round(raw.cpuSeconds, 2),
      rawSecondsForAll: round(raw.seconds * scale, 2),
      rawItemsPerSecond: round(rawItemCount / raw.seconds),
      rawCalls,
      rawConcurrency,
      ratio: round((raw.seconds * scale) / close.seconds, 3),
      /** The same ratio in CPU seconds of this process: much less moved by other work on the machine than wall time. */
      cpuRatio: round((raw.cpuSeconds * scale) / close.cpuSeconds, 3),
      goalRatio: 0.6,
      dynamoCallsPerCustomer: perUnit(closeCalls, options.customers),
      profile,
      peakRssMb: peakRssMb(),
    };
  } finally {
    calls.restore();
    await stack.close();
  }
}
