// Invariant 8: DynamoDB counts an item's size in UTF-8 bytes. dynalite counts UTF-16 units and
// accepts an item DynamoDB refuses, so the store measures every aggregate itself before the
// commit and refuses one past the limit with a reason, on either store.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCustomerState } from '#shared/domain/index.ts';
import { aggregateItem } from '#shared/store/customer-items.ts';
import { CustomerStore } from '#shared/store/customer-store.ts';
import {
  ITEM_LIMIT_BYTES,
  ItemLimitError,
  itemBytes,
  STATE_BUDGET_BYTES,
  valueBytes,
} from '#shared/store/item-size.ts';
import { startTestStore, type TestTable, testStore } from '#test/support/dynamo.ts';

let db: TestTable;
beforeAll(async () => {
  db = await startTestStore();
});
afterAll(async () => db.stop());

/** A state whose text is Japanese: 3 UTF-8 bytes for each UTF-16 unit. */
function japaneseState(customerId: string, characters: number) {
  const state = emptyCustomerState(customerId);
  state.orders.O1 = {
    orderId: 'O1',
    status: 'voided',
    placedOn: '2026-11-01',
    deviceIds: [],
    voided: { at: '2026-11-02T12:00:00+09:00', reason: '端'.repeat(characters) },
  };
  return state;
}

describe('item sizes as DynamoDB counts them', () => {
  it('counts UTF-8 bytes, attribute names included', () => {
    expect(valueBytes('端末')).toBe(6);
    expect(valueBytes('ab')).toBe(2);
    expect(itemBytes({ pk: 'CUST#1', n: 1 })).toBe(2 + 6 + 1 + 21);
  });

  it('refuses, before the store, an aggregate under 400 K UTF-16 units but over 400 KB of UTF-8', async () => {
    const state = japaneseState('JP-1', 140_000); // 140,000 units, 420,000 bytes
    state.version = 1;
    expect(JSON.stringify(state).length).toBeLessThan(ITEM_LIMIT_BYTES);
    const store = new CustomerStore(db.doc, db.tableName);
    await expect(store.commit(state, undefined, {})).rejects.toThrow(ItemLimitError);
    expect(await store.load('JP-1')).toBeUndefined();
  });

  it('refuses a state over the budget an event may grow it to, with the reason', async () => {
    const state = japaneseState('JP-2', 110_000); // 330,000 bytes: within the item limit, over the budget
    state.version = 1;
    const store = new CustomerStore(db.doc, db.tableName);
    await expect(store.commit(state, undefined, {}, { stateBudgetBytes: STATE_BUDGET_BYTES })).rejects.toThrow(
      /^CUSTOMER_STATE_LIMIT: customer JP-2's state would be \d+ bytes, over the limit of 307200$/,
    );
    // The close is bounded by the item limit only: the same state commits.
    expect(await store.commit(state, undefined, {})).toBe(true);
  });

  it('matches what the store itself does with such an item', async () => {
    const state = japaneseState('JP-3', 140_000);
    state.version = 1;
    const put = db.doc.send(new PutCommand({ TableName: db.tableName, Item: aggregateItem(state, {}) }));
    // DynamoDB Local refuses the item as DynamoDB does; dynalite, counting UTF-16 units, takes it.
    if (testStore() === 'dynamodb-local') await expect(put).rejects.toThrow(/size/i);
    else await expect(put).resolves.toBeDefined();
  });
});
