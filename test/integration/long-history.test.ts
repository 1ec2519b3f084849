// Invariant 8 for a customer with years of history (§0): three years of two protected devices,
// a claim every month, closed month by month through the store, then earlier events arriving
// late. The aggregate, its snapshot and every journal item stay within DynamoDB's limits; the
// second late event is derived again from the checkpoint, reading a few months rather than
// three years; and the ledger nets to that of business order (the pure engine, in memory).
// Runs on the store BILLING_TEST_STORE picks: dynalite, and Amazon DynamoDB Local in CI.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, CustomerBook, keyOf, type LedgerEntry, usableCheckpoint } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { ingestMessage } from '#shared/runtime/ingest.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { ITEM_LIMIT_BYTES, itemBytes, STATE_BUDGET_BYTES, valueBytes } from '#shared/store/item-size.ts';
import { customerPk, SNAPSHOT_SK, STATE_SK } from '#shared/store/keys.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

const ID = 'LONG-1';
const FIRST = '2026-01';
const MONTHS = 36;

/** One month of the customer's events: a claim on a device (alternating), replaced and returned on time. */
function monthEvents(m: number): InboundEvent[] {
  const month = addMonths(FIRST, m);
  const deviceId = m % 2 === 0 ? 'D1' : 'D2';
  const claimId = `K${m}`;
  return [
    event('ClaimFiled', {
      customerId: ID,
      eventId: `${claimId}-filed`,
      occurredAt: jst(`${month}-12`),
      claimId,
      deviceId,
      cause: 'total_loss',
      incidentDate: `${month}-11`,
    }),
    event('ReplacementDelivered', {
      customerId: ID,
      eventId: `${claimId}-replaced`,
      occurredAt: jst(`${month}-15`),
      claimId,
    }),
    event('DeviceReturned', {
      customerId: ID,
      eventId: `${claimId}-returned`,
      occurredAt: jst(`${month}-18`),
      claimId,
    }),
  ];
}

const start: InboundEvent[] = [
  orderPlaced(
    jst('2026-01-05'),
    [
      { deviceId: 'D1', months: 24, protectionFeeYen: 418 },
      { deviceId: 'D2', months: 36, priceYen: 120_000, protectionFeeYen: 550 },
    ],
    { customerId: ID, orderId: 'O1', eventId: 'order' },
  ),
  event('DeviceDelivered', {
    customerId: ID,
    eventId: 'delivered-1',
    occurredAt: jst('2026-01-10'),
    orderId: 'O1',
    deviceId: 'D1',
  }),
  event('DeviceDelivered', {
    customerId: ID,
    eventId: 'delivered-2',
    occurredAt: jst('2026-01-10'),
    orderId: 'O1',
    deviceId: 'D2',
  }),
];
/** Earlier events that arrive after three years: two claims filed in the last months. */
const lateClaim = (claimId: string, on: string) =>
  event('ClaimFiled', {
    customerId: ID,
    eventId: `${claimId}-late`,
    occurredAt: jst(on),
    claimId,
    deviceId: 'D1',
    cause: 'water_damage',
    incidentDate: on,
  });
const late = [
  lateClaim('L1', `${addMonths(FIRST, MONTHS - 2)}-20`),
  lateClaim('L2', `${addMonths(FIRST, MONTHS - 2)}-25`),
];

let t: Awaited<ReturnType<typeof startTestPipeline>>;
const oracle = new CustomerBook(ID);
const send = (e: InboundEvent, now: string) =>
  ingestMessage(t.pipeline, { consumer: 'claims', body: busEventBody(e), delivery: 1 }, now);

async function closeMonth(month: string) {
  const messages: CloseShardMessage[] = [];
  await startMonthClose(t.pipeline, month, closeTimeFor(month), async (m) => void messages.push(m));
  for (const m of messages) await closeShard(t.pipeline, m, closeTimeFor(month));
}

async function item(sk: string) {
  const { Item } = await t.db.doc.send(
    new GetCommand({ TableName: t.db.tableName, Key: { pk: customerPk(ID), sk }, ConsistentRead: true }),
  );
  return Item!;
}

beforeAll(async () => {
  t = await startTestPipeline();
  const all = [...start, ...Array.from({ length: MONTHS }, (_, m) => monthEvents(m)).flat()];
  let next = 0;
  for (let m = 0; m < MONTHS; m++) {
    const month = addMonths(FIRST, m);
    for (; next < all.length && all[next]!.detail.occurredAt < `${addMonths(month, 1)}-01`; next++)
      await send(all[next]!, `${month}-28T12:00:00+09:00`);
    await closeMonth(month);
  }
  // The oracle: the same events applied in business order, then every month closed.
  oracle.replay(
    [...all, ...late].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)).map((event) => ({ event })),
    { fingerprint: fingerprintOf },
  );
}, 900_000);
afterAll(async () => t.stop());

const net = (entries: readonly LedgerEntry[]) => {
  const byMonth = new Map<string, number>();
  for (const e of entries)
    byMonth.set(
      `${e.forMonth ?? e.billingMonth} ${e.kind}`,
      (byMonth.get(`${e.forMonth ?? e.billingMonth} ${e.kind}`) ?? 0) + e.amountYen,
    );
  return Object.fromEntries([...byMonth].filter(([, v]) => v !== 0).sort());
};

describe('a customer with three years of history', () => {
  it('decides late events from its journal, the second from the checkpoint, within DynamoDB limits, as business order bills them', async () => {
    const now = `${addMonths(FIRST, MONTHS)}-05T12:00:00+09:00`;
    expect((await send(late[0]!, now)).result).toBe('applied');
    const state = (await t.pipeline.customers.load(ID))!.state;
    const checkpoint = usableCheckpoint(state, late[1]!);
    expect(checkpoint?.month).toBe(addMonths(FIRST, MONTHS - 2));
    // From the checkpoint, the second late claim reads two months of the journal and ledger.
    const outbox = (await t.pipeline.customers.load(ID))!.outbox;
    const partial = await t.pipeline.customers.history(ID, outbox, checkpoint);
    const whole = await t.pipeline.customers.history(ID, outbox);
    expect(partial.from?.month).toBe(checkpoint?.month);
    expect(partial.journal.length).toBeLessThan(whole.journal.length / 10);
    expect(partial.billed.length).toBeLessThan(whole.billed.length / 5);
    expect((await send(late[1]!, now)).result).toBe('applied');

    // Invariant 8: the aggregate within the state budget, the snapshot and each journal item within the item limit.
    const aggregate = await item(STATE_SK);
    expect(valueBytes(aggregate.state)).toBeLessThan(STATE_BUDGET_BYTES);
    expect(itemBytes(await item(SNAPSHOT_SK))).toBeLessThan(ITEM_LIMIT_BYTES);
    const { Items: partition } = await t.db.doc.send(
      new QueryCommand({
        TableName: t.db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': customerPk(ID) },
        ConsistentRead: true,
      }),
    );
    const journal = (partition ?? []).filter((i) => i.type === 'journal');
    // The latest records ride in the aggregate until 25 of them are written out in one batch.
    const tail = (await t.pipeline.customers.load(ID))!.state.journalTail ?? [];
    expect(tail.length).toBeLessThan(25);
    expect(journal.length + tail.length).toBe(start.length + MONTHS * 3 + late.length);
    for (const j of journal) expect(itemBytes(j)).toBeLessThan(ITEM_LIMIT_BYTES);

    // The ledger of business order: per business month and kind, the same nets.
    const last = addMonths(FIRST, MONTHS);
    oracle.close(last, closeTimeFor(last));
    await closeMonth(last);
    expect(net(await t.reads.customerEntries(ID))).toEqual(net(oracle.entries()));
  }, 300_000);
});
