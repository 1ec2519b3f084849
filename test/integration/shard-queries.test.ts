// The store's shard queries, which the close and the sweep use instead of querying the table
// themselves: a shard's customers page by page with the continuation the store hands back,
// the customers due by a date, and the list of shards to fan out over.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCustomerState } from '#shared/domain/index.ts';
import { createPipeline } from '#shared/runtime/pipeline.ts';
import { aggregateItem } from '#shared/store/customer-items.ts';
import { CustomerStore, customerShards } from '#shared/store/customer-store.ts';
import { customerPk, dueKey, dueSortKey, SHARD_COUNT, STATE_SK, shardOf } from '#shared/store/keys.ts';
import { createStores } from '#shared/store/stores.ts';
import { startTestStore, type TestTable } from '#test/support/dynamo.ts';

let db: TestTable;
let store: CustomerStore;
beforeAll(async () => {
  db = await startTestStore('billing-shard-queries');
  store = new CustomerStore(db.doc, db.tableName);
});
afterAll(async () => db.stop());

/** `count` customer ids of shard `shard`, in id order. */
function idsInShard(shard: number, count: number, prefix: string): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) if (shardOf(`${prefix}-${i}`) === shard) ids.push(`${prefix}-${i}`);
  return ids.sort();
}

async function putCustomer(customerId: string): Promise<void> {
  const state = emptyCustomerState(customerId);
  state.version = 1;
  await db.doc.send(new PutCommand({ TableName: db.tableName, Item: aggregateItem(state, {}) }));
}

describe('the shards customers are spread over', () => {
  it('are every shard, once, in order', () => {
    expect(customerShards()).toEqual(Array.from({ length: SHARD_COUNT }, (_, shard) => shard));
    // A fresh list each time: a caller filtering it changes no one else's.
    expect(customerShards()).not.toBe(customerShards());
  });
});

describe('customersInShard', () => {
  it('pages through a shard in id order, each page saying where the next one starts, the last none', async () => {
    const shard = 7;
    const ids = idsInShard(shard, 5, 'SQ');
    for (const id of ids) await putCustomer(id);
    await putCustomer(idsInShard(shard + 1, 1, 'SQ')[0]!); // another shard's customer is not listed

    const pages: { customerIds: string[]; continueAfter?: string }[] = [];
    let after: string | undefined;
    do {
      const page = await store.customersInShard(shard, after, 2);
      pages.push(page);
      after = page.continueAfter;
    } while (after);
    expect(pages.flatMap((p) => p.customerIds)).toEqual(ids);
    expect(pages.slice(0, -1).map((p) => p.continueAfter)).toEqual(pages.slice(0, -1).map((p) => p.customerIds.at(-1)));
    expect(pages.at(-1)!.continueAfter).toBeUndefined();

    // One page holding the whole shard has nothing after it.
    expect(await store.customersInShard(shard, undefined, 100)).toEqual({ customerIds: ids, continueAfter: undefined });
    // A continuation resumes after the customer it names.
    expect((await store.customersInShard(shard, ids[1], 100)).customerIds).toEqual(ids.slice(2));
    // A shard without customers: an empty last page.
    expect(await store.customersInShard(SHARD_COUNT - 1, undefined, 10)).toEqual({
      customerIds: [],
      continueAfter: undefined,
    });
  });
});

describe('dueCustomers', () => {
  it('finds the customers of a shard due on or before a date, or every one in the due index', async () => {
    const shard = 11;
    const [early, onTheDay, later] = idsInShard(shard, 3, 'DUE');
    const due = { [early!]: '2026-12-01', [onTheDay!]: '2026-12-10', [later!]: '2026-12-11' };
    for (const [customerId, dueDate] of Object.entries(due)) {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            pk: customerPk(customerId),
            sk: STATE_SK,
            gsi3pk: dueKey(shard),
            gsi3sk: dueSortKey(dueDate, customerId),
          },
        }),
      );
    }
    expect((await store.dueCustomers(shard, '2026-12-10')).sort()).toEqual([early, onTheDay].sort());
    expect(await store.dueCustomers(shard, '2026-11-30')).toEqual([]);
    expect((await store.dueCustomers(shard)).sort()).toEqual([early, onTheDay, later].sort());
  });
});

describe('the stores of a table', () => {
  it('are what a pipeline is built with, each on the same table', async () => {
    const stores = createStores(db.doc, db.tableName);
    const pipeline = createPipeline(db.doc, db.tableName, { publish: async () => {} });
    for (const name of ['customers', 'closes', 'events', 'deadLetters', 'holds'] as const)
      expect(pipeline[name]).toBeInstanceOf(stores[name].constructor);
    const [id] = idsInShard(3, 1, 'ST');
    await putCustomer(id!);
    expect((await pipeline.customers.load(id!))?.state.customerId).toBe(id);
    expect((await stores.customers.load(id!))?.state.customerId).toBe(id);
  });
});
