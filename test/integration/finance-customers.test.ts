// The finance API's customer routes over the store (dynalite, and DynamoDB Local with
// BILLING_TEST_STORE=dynamodb-local): the case-insensitive prefix search on gsi4 — its order,
// limit and `truncated`, ids that differ only in case, the longest id, `#` and the characters
// that sort below it, customers spread over every shard — and the "still open" view.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTimeOf, emptyCustomerState } from '#shared/domain/index.ts';
import { openItems } from '#shared/domain/open-items.ts';
import { handleFinanceRequest } from '#shared/runtime/finance-api.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import { CUSTOMER_ID_MAX } from '#shared/schemas/primitives.ts';
import { aggregateItem } from '#shared/store/customer-items.ts';
import { CustomerDirectory } from '#shared/store/customer-search.ts';
import { SHARD_COUNT, shardOf } from '#shared/store/keys.ts';
import { testStore } from '#test/support/dynamo.ts';
import {
  OPEN_AS_OF,
  OPEN_CLOSED_MONTHS,
  openCustomerEvents,
  openCustomerInEngine,
} from '#test/support/open-customer.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
const LONGEST = `L${'x'.repeat(CUSTOMER_ID_MAX - 2)}Z`;
/** `ab` and `ab!` and `ab"`: a search key separated by `#` would sort `ab!` before `ab`. */
const AB = ['ab', 'ab!', 'ab"x', 'Ab#3', 'AB-1', 'ab-1', 'ab-2', 'abc', 'ABD'];
const MANY = Array.from({ length: 70 }, (_, i) => `Many-${String(i).padStart(3, '0')}`);
const OTHERS = ['b-1', 'XAB', LONGEST];

const get = async (path: string) => {
  const response = await handleFinanceRequest(
    {
      reads: t.reads,
      closes: t.pipeline.closes,
      holds: t.pipeline.holds,
      customers: new CustomerDirectory(t.db.doc, t.db.tableName),
      // These routes never read an export.
      entriesExports: { get: async () => undefined, downloadUrl: async () => '' },
    },
    'GET',
    path,
    OPEN_AS_OF,
  );
  return { status: response.status, json: JSON.parse(response.body) };
};
const search = async (query: string) => {
  const { status, json } = await get(`/customers?${query}`);
  expect(status, query).toBe(200);
  return { ids: (json.customers as { customerId: string }[]).map((c) => c.customerId), json };
};

async function closeMonth(month: string): Promise<void> {
  const now = closeTimeOf(month);
  const messages: CloseShardMessage[] = [];
  await startMonthClose(t.pipeline, month, now, async (m) => void messages.push(m));
  for (const m of messages) await closeShard(t.pipeline, m, now);
}

beforeAll(async () => {
  t = await startTestPipeline();
  const ids = [...AB, ...MANY, ...OTHERS];
  const { failed } = await t.deliver(
    ids.map((customerId, i) => orderPlaced(jst('2027-01-05'), [{ deviceId: 'D1' }], { customerId, orderId: `O-${i}` })),
  );
  expect(failed).toEqual([]);
  const { before, after } = openCustomerEvents('OPEN-1');
  await t.deliver(before);
  for (const month of OPEN_CLOSED_MONTHS) await closeMonth(month);
  for (const e of after) await t.deliver([e]);
}, 120_000);
afterAll(async () => t.stop());

describe('GET /customers?prefix=&limit=', () => {
  it('finds ids whatever their case, sorted by the lower-case id, then the id', async () => {
    const { ids, json } = await search('prefix=ab');
    expect(ids).toEqual(['ab', 'ab!', 'ab"x', 'Ab#3', 'AB-1', 'ab-1', 'ab-2', 'abc', 'ABD']);
    expect(json).toMatchObject({ prefix: 'ab', truncated: false });
    expect((await search('prefix=AB')).ids).toEqual(ids);
    expect((await search('prefix=aB')).json.prefix).toBe('aB');
  });

  it('ids differing only in case are both found; a prefix equal to a whole id finds it', async () => {
    expect((await search('prefix=AB-1')).ids).toEqual(['AB-1', 'ab-1']);
    expect((await search('prefix=ab-2')).ids).toEqual(['ab-2']);
    expect((await search('prefix=abd')).ids).toEqual(['ABD']);
  });

  it('characters special in keys: `#`, `!`, `"` (URL-encoded or not), only at the start of ids', async () => {
    expect((await search('prefix=ab%23')).ids).toEqual(['Ab#3']);
    expect((await search('prefix=ab!')).ids).toEqual(['ab!']);
    expect((await search('prefix=ab%22')).ids).toEqual(['ab"x']);
    // Not a substring search: XAB contains "ab" but does not start with it.
    expect((await search('prefix=ab')).ids).not.toContain('XAB');
  });

  it('the longest id, by the whole of it and by its start', async () => {
    expect((await search(`prefix=${LONGEST.toLowerCase()}`)).ids).toEqual([LONGEST]);
    expect((await search('prefix=lxxx')).ids).toEqual([LONGEST]);
  });

  it('limit: the first N of the order; truncated when more match, not when exactly N do', async () => {
    expect(await search('prefix=ab&limit=3')).toMatchObject({ ids: ['ab', 'ab!', 'ab"x'], json: { truncated: true } });
    expect((await search('prefix=ab&limit=8')).json.truncated).toBe(true);
    expect(await search('prefix=ab&limit=9')).toMatchObject({ ids: AB, json: { truncated: false } });
    expect((await search('prefix=a&limit=1')).ids).toEqual(['ab']);
  });

  it('70 customers over every shard: merged in order, 20 by default, up to 100', async () => {
    expect(new Set(MANY.map(shardOf)).size).toBeGreaterThan(SHARD_COUNT / 2);
    const all = await search('prefix=many-&limit=100');
    expect(all.ids).toEqual(MANY);
    expect(all.json.truncated).toBe(false);
    const first = await search('prefix=MANY');
    expect(first.ids).toEqual(MANY.slice(0, 20));
    expect(first.json.truncated).toBe(true);
    // The 33rd and later: a shard's own first page is not the answer, the merge is.
    expect((await search('prefix=many-0&limit=40')).ids).toEqual(MANY.slice(0, 40));
  });

  it('a prefix nobody has: none, not truncated', async () => {
    expect((await search('prefix=zz')).json).toEqual({ prefix: 'zz', customers: [], truncated: false });
  });

  it('400 BAD_REQUEST: no prefix, empty, a space, not ASCII, too long, twice; a limit out of bounds or not a number', async () => {
    for (const query of [
      '',
      'prefix=',
      'prefix=a%20b',
      'prefix=a+b',
      'prefix=%C3%A9',
      'prefix=%07',
      `prefix=${'a'.repeat(CUSTOMER_ID_MAX + 1)}`,
      'prefix=a&prefix=b',
      'prefix=a&limit=0',
      'prefix=a&limit=101',
      'prefix=a&limit=x',
      'prefix=a&limit=1.5',
      'prefix=a&limit=-1',
      'prefix=a&limit=05',
      'prefix=a&limit=',
      'prefix=a&limit=1&limit=2',
    ]) {
      const { status, json } = await get(`/customers?${query}`);
      expect([query, status, json.error]).toEqual([query, 400, 'BAD_REQUEST']);
    }
    expect((await get(`/customers?prefix=${'a'.repeat(CUSTOMER_ID_MAX)}`)).status).toBe(200);
    expect((await get('/customers?prefix=a&limit=100')).status).toBe(200);
  });
});

describe('GET /customers/{customerId}/open', () => {
  it('a running installment plan, a pending return, a loaner out, open claims and a waiting event', async () => {
    const { status, json } = await get('/customers/OPEN-1/open');
    expect(status).toBe(200);
    // What the pure engine lists for the same events (its items are spelled out in
    // test/unit/domain/open-items.test.ts): the pipeline's state and the API lose nothing.
    expect(json).toEqual(openItems(openCustomerInEngine('OPEN-1').state, OPEN_AS_OF));
    expect(json).toMatchObject({ customerId: 'OPEN-1', remainingInstallmentsYen: 34_818, eventsWaiting: 1 });
    expect(json.deadlines.map((d: { claimId: string }) => d.claimId)).toEqual(['K1', 'K2']);
  });

  it('a customer with a lump sum only has nothing open', async () => {
    expect((await get('/customers/ab/open')).json).toMatchObject({
      installments: [],
      remainingInstallmentsYen: 0,
      deadlines: [],
      openClaims: [],
      eventsWaiting: 0,
    });
  });

  it('404 NOT_FOUND for a customer the pipeline never saw (ids are case-sensitive); 400 for a bad id', async () => {
    expect((await get('/customers/NOBODY/open')).json.error).toBe('NOT_FOUND');
    expect((await get('/customers/open-1/open')).status).toBe(404);
    for (const path of ['/customers/bad%20id/open', `/customers/${'x'.repeat(CUSTOMER_ID_MAX + 1)}/open`]) {
      const { status, json } = await get(path);
      expect([path, status, json.error]).toEqual([path, 400, 'BAD_REQUEST']);
    }
    expect((await get(`/customers/${encodeURIComponent(LONGEST)}/open`)).status).toBe(200);
  });
});

describe('customers created before the search index', () => {
  it('are not found until the backfill gives them their search keys; a second run changes nothing', async () => {
    // As the code before the index wrote an aggregate: the same item without gsi4's two attributes.
    const old = ['OldAb-1', 'oldab-2'];
    for (const customerId of old) {
      const { gsi4pk: _, gsi4sk: __, ...item } = aggregateItem({ ...emptyCustomerState(customerId), version: 1 }, {});
      await t.db.doc.send(new PutCommand({ TableName: t.db.tableName, Item: item }));
    }
    expect((await search('prefix=oldab')).ids).toEqual([]);
    const directory = new CustomerDirectory(t.db.doc, t.db.tableName);
    const first = await directory.backfillSearchKeys();
    expect(first.updated).toBe(2);
    expect(first.customers).toBe(AB.length + MANY.length + OTHERS.length + 1 + old.length);
    expect((await search('prefix=oldab')).ids).toEqual(old);
    expect(await directory.backfillSearchKeys()).toEqual({ customers: first.customers, updated: 0 });
    // Its aggregate is otherwise untouched: the open view still reads it.
    expect((await get('/customers/OldAb-1/open')).json.installments).toEqual([]);
  });
});

describe('the cost of the search index', () => {
  it('every commit writes the same search keys, so gsi4 is written when the aggregate is created, never after', async () => {
    const first = aggregateItem({ ...emptyCustomerState('Cost-1'), version: 1 }, {});
    const later = aggregateItem({ ...emptyCustomerState('Cost-1'), version: 9, closedThrough: '2027-03' }, {});
    expect([later.gsi4pk, later.gsi4sk]).toEqual([first.gsi4pk, first.gsi4sk]);
    const put = async (item: Record<string, unknown>) =>
      (
        await t.db.doc.send(
          new PutCommand({ TableName: t.db.tableName, Item: item, ReturnConsumedCapacity: 'INDEXES' }),
        )
      ).ConsumedCapacity?.GlobalSecondaryIndexes ?? {};
    const created = await put(first);
    const rewritten = await put(later);
    // DynamoDB Local counts index writes as DynamoDB does; dynalite reports none for any index.
    if (testStore() === 'dynamodb-local') {
      expect(created.gsi4?.CapacityUnits).toBe(1);
      expect(rewritten.gsi4).toBeUndefined();
    } else expect([created, rewritten]).toEqual([{}, {}]);
  });
});
