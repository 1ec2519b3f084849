// Invariant 8 and the bounds of issue "No customer, event or crash…": whatever one customer
// sends, its aggregate stays within DynamoDB's item limit (measured in UTF-8 bytes, as
// DynamoDB counts), nothing is published more than once per step, a customer whose steps
// keep failing is dead-lettered with the reason, and its month still closes. Runs on the
// store BILLING_TEST_STORE picks: dynalite, and Amazon DynamoDB Local in CI.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { CustomerState } from '#shared/domain/index.ts';
import { PROCESSED_WINDOW } from '#shared/runtime/customer-step.ts';
import { ingestMessage, MAX_DELIVERIES } from '#shared/runtime/ingest.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import { CUSTOMER_ID_MAX, EVENT_ID_MAX, OTHER_ID_MAX } from '#shared/schemas/primitives.ts';
import type { OutboxEntry } from '#shared/store/customer-items.ts';
import { CustomerStore } from '#shared/store/customer-store.ts';
import { ITEM_LIMIT_BYTES, itemBytes } from '#shared/store/item-size.ts';
import { customerPk, STATE_SK } from '#shared/store/keys.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

/** An id of exactly `length` printable ASCII characters, distinct per `n`. */
const longId = (prefix: string, n: number, length: number) => `${prefix}-${n}-`.padEnd(length, '~');

let t: Awaited<ReturnType<typeof startTestPipeline>> | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function closeAll(month: string) {
  const messages: CloseShardMessage[] = [];
  await startMonthClose(t!.pipeline, month, closeTimeFor(month), async (m) => void messages.push(m));
  const results = [];
  for (const m of messages) results.push(await closeShard(t!.pipeline, m, closeTimeFor(month)));
  return results.flatMap((r) => r.held);
}

async function aggregateBytes(customerId: string): Promise<number> {
  const { Item } = await t!.db.doc.send(
    new GetCommand({
      TableName: t!.db.tableName,
      Key: { pk: customerPk(customerId), sk: STATE_SK },
      ConsistentRead: true,
    }),
  );
  return itemBytes(Item!);
}

/** Delivers one event at a time, as the queue would for one customer's events. */
async function deliverEach(bodies: readonly string[]): Promise<Map<string, number>> {
  const results = new Map<string, number>();
  for (const body of bodies) {
    const r = await ingestMessage(t!.pipeline, { consumer: 'orders', body, delivery: 1 }, '2026-11-20T12:00:00+09:00');
    results.set(r.result, (results.get(r.result) ?? 0) + 1);
  }
  return results;
}

describe('one customer with 10,000 events of maximum-length ids and 1,000-character reasons', () => {
  it('keeps its aggregate small, applies or ignores every event exactly once, and closes its month', async () => {
    t = await startTestPipeline();
    const customerId = longId('BIG', 0, CUSTOMER_ID_MAX);
    const orderId = longId('ORDER', 0, OTHER_ID_MAX);
    const deviceId = longId('DEVICE', 0, OTHER_ID_MAX);
    const bodies: string[] = [];
    const eventId = (n: number) => longId('EVT', n, EVENT_ID_MAX);
    bodies.push(
      busEventBody(
        orderPlaced(jst('2026-11-02'), [{ deviceId, months: 24, protectionFeeYen: 418 }], {
          customerId,
          orderId,
          eventId: eventId(0),
        }),
      ),
    );
    bodies.push(
      busEventBody(
        event('DeviceDelivered', { eventId: eventId(1), customerId, occurredAt: jst('2026-11-13'), orderId, deviceId }),
      ),
    );
    // 20 orders refused (a debit card), each with five devices of maximum-length ids.
    for (let n = 2; n < 22; n++) {
      const devices = Array.from({ length: 5 }, (_, d) => ({ deviceId: longId(`RD${n}`, d, OTHER_ID_MAX) }));
      bodies.push(
        busEventBody(
          orderPlaced(jst('2026-11-14'), devices, {
            customerId,
            orderId: longId('RO', n, OTHER_ID_MAX),
            eventId: eventId(n),
            paymentMethod: 'debit_card',
          }),
        ),
      );
    }
    // The rest: voids after delivery, each refused and recorded, each with a 1,000-character reason.
    const reason = 'r'.repeat(1_000);
    for (let n = 22; n < 10_000; n++)
      bodies.push(
        busEventBody(
          event('OrderVoided', { eventId: eventId(n), customerId, occurredAt: jst('2026-11-15'), orderId, reason }),
        ),
      );
    expect(bodies).toHaveLength(10_000);

    const results = await deliverEach(bodies);
    expect(Object.fromEntries(results)).toEqual({ applied: 22, ignored: 9_978 });
    // Every one again, in another order: all duplicates, nothing new.
    const again = await deliverEach([...bodies].reverse().filter((_, i) => i % 10 === 0));
    expect(Object.fromEntries(again)).toEqual({ duplicate: 1_000 });
    // An eventId the aggregate has long forgotten, sent with another detail, is still refused.
    const reused = busEventBody(
      event('OrderVoided', {
        eventId: eventId(30),
        customerId,
        occurredAt: jst('2026-11-16'),
        orderId,
        reason: 'another detail',
      }),
    );
    expect(await deliverEach([reused])).toEqual(new Map([['dead-lettered', 1]]));
    expect(await t.pipeline.deadLetters.list(10)).toMatchObject([
      { reason: expect.stringMatching(/^EVENT_ID_REUSED: /) },
    ]);
    await t.pipeline.deadLetters.remove((await t.pipeline.deadLetters.list(10))[0]!.id);

    // ~20 KB of refused orders and at most PROCESSED_WINDOW maximum-length eventIds; before, the
    // eventIds alone passed 400 KB after about 2,000 events.
    expect(await aggregateBytes(customerId)).toBeLessThan(64 * 1024);
    const stored = await t.pipeline.customers.load(customerId);
    expect(Object.keys(stored!.state.processed).length).toBeLessThanOrEqual(PROCESSED_WINDOW);
    expect(t.bus.details('OrderRejected')).toHaveLength(20);
    expect(new Set(t.bus.details('OrderRejected').map((d) => d.orderId)).size).toBe(20);

    expect(await closeAll('2026-11')).toEqual([]);
    // 1,666 (installment 1 of 39,800 / 24) + 250 (418 prorated over 18 of 30 days).
    expect(await t.reads.statement(customerId, '2026-11')).toMatchObject({ totals: { totalYen: 1_916 } });
    expect(await t.pipeline.deadLetters.list(10)).toEqual([]);
    // 130 s on dynalite and 230 s on DynamoDB Local on an idle 2-core machine, 400 s on DynamoDB
    // Local in a loaded CI run: room for a busier one.
  }, 1_200_000);
});

describe('a customer that would outgrow its state budget', () => {
  it('has each event past the budget dead-lettered with the reason; each rejection published once; its month closes', async () => {
    t = await startTestPipeline();
    const customerId = 'FLOOD-1';
    const bodies: string[] = [
      busEventBody(orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', months: 24 }], { customerId, orderId: 'O1' })),
    ];
    bodies.push(
      busEventBody(
        event('DeviceDelivered', { customerId, occurredAt: jst('2026-11-13'), orderId: 'O1', deviceId: 'D1' }),
      ),
    );
    for (let n = 0; n < 500; n++) {
      const devices = Array.from({ length: 5 }, (_, d) => ({ deviceId: longId(`FD${n}`, d, OTHER_ID_MAX) }));
      bodies.push(
        busEventBody(
          orderPlaced(jst('2026-11-14'), devices, {
            customerId,
            orderId: longId('FO', n, OTHER_ID_MAX),
            paymentMethod: 'prepaid_card',
          }),
        ),
      );
    }
    const results = await deliverEach(bodies);
    const refused = results.get('dead-lettered') ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect((results.get('applied') ?? 0) + refused).toBe(bodies.length);
    const letters = await t.pipeline.deadLetters.list(1_000);
    expect(letters).toHaveLength(refused);
    for (const letter of letters) expect(letter.reason).toMatch(/^CUSTOMER_STATE_LIMIT: /);
    expect(await aggregateBytes(customerId)).toBeLessThan(ITEM_LIMIT_BYTES);
    // One OrderRejected per rejection that applied, none for those refused, none twice.
    const rejected = t.bus.details('OrderRejected');
    expect(rejected).toHaveLength((results.get('applied') ?? 0) - 2);
    expect(new Set(rejected.map((d) => d.orderId)).size).toBe(rejected.length);

    expect(await closeAll('2026-11')).toEqual([]);
    expect(await t.reads.statement(customerId, '2026-11')).toMatchObject({ totals: { totalYen: 1_666 } });
  }, 300_000);
});

/** Fails every commit of one customer, as a persistent store fault would (mocked: see close-isolation). */
class FailingStore extends CustomerStore {
  override async commit(
    next: CustomerState,
    previous: number | undefined,
    outbox: Record<string, OutboxEntry>,
    options = {},
  ): Promise<boolean> {
    if (next.customerId === 'FAIL-1') throw new Error('simulated store fault');
    return super.commit(next, previous, outbox, options);
  }
}

describe('a customer whose commits keep failing', () => {
  it('is retried by the queue, then dead-lettered with the reason on the last delivery', async () => {
    t = await startTestPipeline();
    const pipeline = { ...t.pipeline, customers: new FailingStore(t.db.doc, t.db.tableName) };
    const body = busEventBody(
      orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1' }], { customerId: 'FAIL-1', orderId: 'O1' }),
    );
    for (let delivery = 1; delivery < MAX_DELIVERIES; delivery++) {
      await expect(
        ingestMessage(pipeline, { consumer: 'orders', body, delivery }, '2026-11-02T12:00:00+09:00'),
      ).rejects.toThrow('simulated store fault');
    }
    const last = await ingestMessage(
      pipeline,
      { consumer: 'orders', body, delivery: MAX_DELIVERIES },
      '2026-11-02T12:00:00+09:00',
    );
    expect(last).toMatchObject({
      result: 'dead-lettered',
      reason: `STEP_FAILED_AFTER_${MAX_DELIVERIES}_DELIVERIES: simulated store fault`,
    });
    expect(await t.pipeline.deadLetters.list(10)).toMatchObject([
      { customerId: 'FAIL-1', reason: expect.stringContaining('simulated store fault') },
    ]);
  });
});
