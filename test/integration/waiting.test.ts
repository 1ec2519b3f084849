// Waiting events through the store (§0): an event that names an order, device or claim not
// known yet waits with its customer, is listed with its reason, applies when what it names
// arrives, and is dead-lettered by the sweep once it has waited 7 days. Real store, real
// handler and sweep; `ingestMessage` is called directly where the test sets the receive time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesFor } from '#shared/routing.ts';
import { type IngestResult, ingestMessage } from '#shared/runtime/ingest.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { expectedSourceFor, type InboundEvent } from '#shared/schemas/inbound.ts';
import { WaitingReads } from '#shared/store/waiting-reads.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { claimFiled, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
let waitingReads: WaitingReads;
beforeAll(async () => {
  t = await startTestPipeline();
  waitingReads = new WaitingReads(t.db.doc, t.db.tableName);
});
afterAll(async () => t.stop());

const DAY_MS = 86_400_000;
const plusDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY_MS).toISOString();
const consumerOf = (e: InboundEvent): string =>
  routesFor({ source: expectedSourceFor(e.detailType), 'detail-type': e.detailType })[0]?.consumer ?? 'none';

/** One delivery to the event's own consumer, received at `now`. */
const ingest = (e: InboundEvent, now: string): Promise<IngestResult> =>
  ingestMessage(t.pipeline, { consumer: consumerOf(e), body: busEventBody(e), delivery: 1 }, now);

const waitingOf = async (customerId: string) => (await waitingReads.list()).filter((w) => w.customerId === customerId);
const lettersOf = async (customerId: string) =>
  (await t.pipeline.deadLetters.list()).filter((l) => l.customerId === customerId);

describe('waiting events', () => {
  it('a claim on a device whose order has not come waits, is listed, applies with order and delivery', async () => {
    const customerId = 'W-CLAIM';
    const filed = claimFiled(customerId, 'K1', '2026-03-01');
    // Through the Lambda handler, as SQS delivers it: a first delivery that does not fail.
    expect((await t.deliver([filed])).failed).toEqual([]);
    expect(await lettersOf(customerId)).toEqual([]);
    const stored = await t.pipeline.customers.load(customerId);
    expect(stored?.state.waiting?.map((w) => w.record.event.detail.eventId)).toEqual([filed.detail.eventId]);
    const [row, ...others] = await waitingOf(customerId);
    expect(others).toEqual([]);
    expect(row).toEqual({
      customerId,
      eventId: filed.detail.eventId,
      detailType: 'ClaimFiled',
      occurredAt: filed.detail.occurredAt,
      reason: 'device D1 is not known yet',
      receivedAt: expect.any(String),
      expiresAt: plusDays(row?.receivedAt ?? '', 7),
    });

    const orderId = 'W-CLAIM-O1';
    const device = { deviceId: 'D1', months: 24, protectionFeeYen: 418 };
    await t.deliver([orderPlaced(jst('2026-01-05'), [device], { customerId, orderId })]);
    expect(t.bus.details('ClaimAdjudicated').filter((d) => d.customerId === customerId)).toEqual([]);
    // Derived again with the order, the claim now waits for the delivery, and says so.
    expect((await waitingOf(customerId)).map((w) => w.reason)).toEqual(['device D1 is not delivered yet']);
    await t.deliver([event('DeviceDelivered', { customerId, occurredAt: jst('2026-01-10'), orderId, deviceId: 'D1' })]);

    expect(t.bus.details('ClaimAdjudicated').filter((d) => d.customerId === customerId)).toMatchObject([
      { claimId: 'K1', customerId, deviceId: 'D1', decision: 'accepted', useNumber: 1, feeYen: 5_500 },
    ]);
    // Billed once. The claim applies in a re-derivation (the delivery came after it), whose
    // new entries carry a correction id (`fee/K1/c…`), so the test reads the claim and amount.
    const fees = (await t.reads.customerEntries(customerId)).filter((e) => e.kind === 'exchange_fee');
    expect(fees.map((e) => [e.claimId, e.amountYen, e.billingMonth])).toEqual([['K1', 5_500, '2026-03']]);
    expect(await waitingOf(customerId)).toEqual([]);
    expect((await t.pipeline.customers.load(customerId))?.state.waiting).toBeUndefined();
    expect(await lettersOf(customerId)).toEqual([]);
  });

  it('the sweep dead-letters an event 7 days after it was received, not 6; redriven, it waits, applies', async () => {
    const customerId = 'W-EXPIRE';
    const orderId = 'W-EXPIRE-O1';
    const receivedAt = '2026-01-12T03:00:00.000Z';
    const delivery = event('DeviceDelivered', { customerId, occurredAt: jst('2026-01-10'), orderId, deviceId: 'D1' });
    expect(await ingest(delivery, receivedAt)).toMatchObject({
      result: 'waiting',
      outcome: { outcome: 'waiting', reason: `order ${orderId} is not known yet` },
    });
    const listed = (await waitingOf(customerId)).map((w) => [w.receivedAt, w.expiresAt]);
    expect(listed).toEqual([[receivedAt, '2026-01-19T03:00:00.000Z']]);

    await sweepDue(t.pipeline, plusDays(receivedAt, 6));
    expect(await waitingOf(customerId)).toHaveLength(1);
    expect(await lettersOf(customerId)).toEqual([]);
    // A minute short of 7 days: the due index already names the customer that day, the instant has not come.
    await sweepDue(t.pipeline, new Date(Date.parse(receivedAt) + 7 * DAY_MS - 60_000).toISOString());
    expect(await waitingOf(customerId)).toHaveLength(1);

    await sweepDue(t.pipeline, plusDays(receivedAt, 7));
    const letters = await lettersOf(customerId);
    const { eventId } = delivery.detail;
    expect(letters).toMatchObject([{ consumer: 'logistics', eventId, detailType: 'DeviceDelivered' }]);
    expect(letters[0]?.reason).toBe(`WAITED_7_DAYS: order ${orderId} is not known yet`);
    expect(await waitingOf(customerId)).toEqual([]);
    const swept = await t.pipeline.customers.load(customerId);
    expect(swept?.state.waiting).toBeUndefined();
    expect(await t.pipeline.customers.history(customerId, swept?.outbox ?? {})).toMatchObject({ journal: [] });

    const redrivenAt = plusDays(receivedAt, 8);
    const results: IngestResult[] = [];
    const redriven = await redriveDeadLetters(
      t.pipeline.deadLetters,
      async (consumer, body) => {
        results.push(await ingestMessage(t.pipeline, { consumer, body, delivery: 1 }, redrivenAt));
      },
      (id) => letters.some((l) => l.id === id),
    );
    expect(redriven).toEqual({ redriven: 1 });
    expect(results).toMatchObject([{ result: 'waiting' }]);
    expect(await lettersOf(customerId)).toEqual([]);
    expect((await waitingOf(customerId)).map((w) => [w.eventId, w.receivedAt])).toEqual([[eventId, redrivenAt]]);

    const order = orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1', priceYen: 30_000 }], { customerId, orderId });
    expect(await ingest(order, plusDays(receivedAt, 9))).toMatchObject({ result: 'applied' });
    const applied = await t.pipeline.customers.load(customerId);
    expect(applied?.state.devices.D1?.deliveredOn).toBe('2026-01-10');
    expect(applied?.state.waiting).toBeUndefined();
    expect(await waitingOf(customerId)).toEqual([]);
  });

  it('a second delivery of a waiting event is a duplicate: still one waiting, nothing dead-lettered', async () => {
    const customerId = 'W-DUP';
    const occurredAt = jst('2026-02-10');
    const delivery = event('DeviceDelivered', { customerId, occurredAt, orderId: 'W-DUP', deviceId: 'D1' });
    expect(await ingest(delivery, '2026-02-10T05:00:00.000Z')).toMatchObject({ result: 'waiting' });
    expect(await ingest(delivery, '2026-02-11T05:00:00.000Z')).toMatchObject({ result: 'duplicate' });
    expect((await t.deliver([delivery], 2)).failed).toEqual([]);
    // The first receipt counts: a redelivery does not restart its 7 days.
    expect((await waitingOf(customerId)).map((w) => w.receivedAt)).toEqual(['2026-02-10T05:00:00.000Z']);
    expect(await lettersOf(customerId)).toEqual([]);
  });
});
