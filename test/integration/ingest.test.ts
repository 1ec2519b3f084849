// Ingest end to end: SQS batch → handler → dynalite (real SDK) → emitted events through the
// real EventBridge client. Nothing in the store is mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOf } from '#shared/domain/index.ts';
import { ingestMessage } from '#shared/runtime/ingest.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { claimFiled, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

let seq = 0;
/** A customer with a delivered, protected device D1; returns its id. */
async function deliveredCustomer(): Promise<string> {
  const customerId = `CUST-${++seq}`;
  const orderId = `${customerId}-O1`;
  const { failed } = await t.deliver([
    orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], { customerId, orderId }),
  ]);
  expect(failed).toEqual([]);
  await t.deliver([event('DeviceDelivered', { customerId, occurredAt: jst('2026-01-10'), orderId, deviceId: 'D1' })]);
  return customerId;
}
const claim = (customerId: string, claimId: string, filedOn = '2026-03-01', eventId?: string) =>
  claimFiled(customerId, claimId, filedOn, eventId ? { eventId } : {});

/**
 * The last published revision of each claim's decision (§0): claims decided out of business
 * order are decided again, and each changed decision is published once more (`…#2`, `…#3`).
 */
function latestDecisions(customerId: string): Map<string, Record<string, unknown>> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const d of t.bus.details('ClaimAdjudicated').filter((x) => x.customerId === customerId)) {
    const seen = latest.get(d.claimId as string);
    if (!seen || (seen.revision as number) < (d.revision as number)) latest.set(d.claimId as string, d);
  }
  return latest;
}

/** What each claim's fee entries and their credits add up to, for the claims that still owe one. */
async function netFees(customerId: string): Promise<Record<string, number>> {
  const net: Record<string, number> = {};
  for (const e of await t.reads.customerEntries(customerId)) {
    if (e.kind === 'exchange_fee' && e.claimId) net[e.claimId] = (net[e.claimId] ?? 0) + e.amountYen;
  }
  return Object.fromEntries(Object.entries(net).filter(([, yen]) => yen !== 0));
}

describe('ingest through the store', () => {
  it('an accepted claim writes its fee entry and publishes ClaimAdjudicated with a stable eventId', async () => {
    const customerId = await deliveredCustomer();
    expect((await t.deliver([claim(customerId, 'K1')])).failed).toEqual([]);
    const entries = await t.reads.customerEntries(customerId);
    expect(entries).toMatchObject([
      { entryId: 'fee/K1', kind: 'exchange_fee', amountYen: 5_500, billingMonth: '2026-03', customerId },
    ]);
    const published = t.bus.details('ClaimAdjudicated').filter((d) => d.customerId === customerId);
    expect(published).toEqual([
      {
        claimId: 'K1',
        customerId,
        deviceId: 'D1',
        decision: 'accepted',
        basis: 'protection',
        useNumber: 1,
        feeYen: 5_500,
        revision: 1,
        eventId: 'ClaimAdjudicated/K1',
      },
    ]);
    expect(t.bus.received.find((e) => (e.detail as { customerId?: string }).customerId === customerId)?.source).toBe(
      'device-supply.billing',
    );
    expect((await t.pipeline.customers.load(customerId))?.outbox).toEqual({});
  });

  it('the same event delivered 1–5 times in one batch and again in later batches bills once', async () => {
    const customerId = await deliveredCustomer();
    const filed = claim(customerId, 'K1');
    for (const copies of [1, 5, 3]) {
      const { failed } = await t.deliver(Array(copies).fill(filed));
      expect(failed).toEqual([]);
    }
    expect((await t.reads.customerEntries(customerId)).map((e) => e.entryId)).toEqual(['fee/K1']);
    expect(t.bus.details('ClaimAdjudicated').filter((d) => d.customerId === customerId)).toHaveLength(1);
  });

  // Twenty writers on one aggregate retry each other's conflicts: on a loaded 2-core machine
  // (two suites at once) this took over 30 s, so its limit leaves room. Not a timing assertion.
  it('20 concurrent claims of one customer end as business order says: its first two are uses 1 and 2, then ANNUAL_LIMIT', async () => {
    const customerId = await deliveredCustomer();
    const claims = Array.from({ length: 20 }, (_, i) => claim(customerId, `K${i}`));
    // Each in its own invocation, all at once; a record that lost every commit race is
    // redelivered, as SQS would.
    let pending = claims;
    for (let delivery = 1; pending.length > 0 && delivery <= 5; delivery++) {
      const results = await Promise.all(pending.map((c) => t.deliver([c], delivery)));
      pending = pending.filter((_, i) => results[i]!.failed.length > 0);
    }
    expect(pending).toEqual([]);
    // The serial order is business order (§0): same instant and type, so eventId decides.
    const [first, second] = [...claims]
      .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))
      .map((c) => (c.detail as { claimId: string }).claimId);
    const decisions = latestDecisions(customerId);
    expect(decisions.size).toBe(20);
    const accepted = [...decisions.values()]
      .filter((d) => d.decision === 'accepted')
      .map((d) => [d.claimId, d.useNumber]);
    expect(accepted.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      [first, 1],
      [second, 2],
    ]);
    expect([...decisions.values()].filter((d) => d.reason === 'ANNUAL_LIMIT')).toHaveLength(18);
    const published = t.bus
      .details('ClaimAdjudicated')
      .filter((d) => d.customerId === customerId)
      .map((d) => d.eventId);
    expect(new Set(published).size).toBe(published.length);
    expect(await netFees(customerId)).toEqual({ [first as string]: 5_500, [second as string]: 8_800 });
    expect((await t.pipeline.customers.load(customerId))?.state.version).toBe(2 + 20);
  }, 180_000);

  it('a crash after the commit and before the projection is repaired by the retry: nothing lost or doubled', async () => {
    const customerId = await deliveredCustomer();
    const filed = claim(customerId, 'K1');
    t.bus.failNext(1); // PutEvents fails once: the handler dies after committing
    expect((await t.deliver([filed])).failed).toEqual([0]);
    expect(
      Object.values((await t.pipeline.customers.load(customerId))!.outbox).map((o) => o.effects.emitted.length),
    ).toEqual([1]);
    expect((await t.deliver([filed], 2)).failed).toEqual([]);
    expect((await t.reads.customerEntries(customerId)).map((e) => e.entryId)).toEqual(['fee/K1']);
    expect(t.bus.details('ClaimAdjudicated').filter((d) => d.customerId === customerId)).toHaveLength(1);
    expect((await t.pipeline.customers.load(customerId))?.outbox).toEqual({});
  });

  it('a delivery before its order waits on its first delivery, is not handed back, then applies once the order is in', async () => {
    const customerId = `CUST-${++seq}`;
    const delivery = event('DeviceDelivered', {
      customerId,
      occurredAt: jst('2026-01-10'),
      orderId: 'O1',
      deviceId: 'D1',
    });
    const waiting = await ingestMessage(
      t.pipeline,
      { consumer: 'logistics', body: busEventBody(delivery), delivery: 1 },
      new Date().toISOString(),
    );
    expect(waiting).toMatchObject({
      result: 'waiting',
      outcome: { outcome: 'waiting', reason: 'order O1 is not known yet' },
    });
    // Through the handler, a redelivery does not fail either: the record leaves the queue.
    expect((await t.deliver([delivery], 2)).failed).toEqual([]);
    expect((await t.pipeline.customers.load(customerId))?.state.waiting?.map((w) => w.reason)).toEqual([
      'order O1 is not known yet',
    ]);
    expect(
      (await t.deliver([orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1' }], { customerId, orderId: 'O1' })])).failed,
    ).toEqual([]);
    const state = (await t.pipeline.customers.load(customerId))?.state;
    expect(state?.devices.D1?.deliveredOn).toBe('2026-01-10');
    expect(state?.waiting).toBeUndefined();
  });

  it('a return seen before its replacement delivery converges: no penalty, as in order', async () => {
    const customerId = await deliveredCustomer();
    await t.deliver([claim(customerId, 'K1')]);
    await t.deliver([event('DeviceReturned', { customerId, occurredAt: jst('2026-03-08'), claimId: 'K1' })]);
    await t.deliver([event('ReplacementDelivered', { customerId, occurredAt: jst('2026-03-05'), claimId: 'K1' })]);
    await sweepDue(t.pipeline, jst('2026-04-30'));
    expect((await t.reads.customerEntries(customerId)).map((e) => e.kind)).toEqual(['exchange_fee']);
  });

  it('an event that cannot apply yet is not dead-lettered on its 6th delivery: it waits, and applies once its order is in', async () => {
    const customerId = `CUST-${++seq}`;
    const delivery = event('DeviceDelivered', {
      customerId,
      occurredAt: jst('2026-01-10'),
      orderId: 'O1',
      deviceId: 'D1',
    });
    for (const receiveCount of [1, 6, 7]) expect((await t.deliver([delivery], receiveCount)).failed).toEqual([]);
    expect((await t.pipeline.deadLetters.list()).filter((l) => l.customerId === customerId)).toEqual([]);
    expect((await t.pipeline.customers.load(customerId))?.state.waiting).toHaveLength(1);
    await t.deliver([orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1' }], { customerId, orderId: 'O1' })]);
    expect((await t.pipeline.customers.load(customerId))?.state.devices.D1?.deliveredOn).toBe('2026-01-10');
    expect((await t.pipeline.deadLetters.list()).filter((l) => l.customerId === customerId)).toEqual([]);
  });

  it('a malformed record in a batch of 10 is dead-lettered at once, naming the field; the other 9 apply', async () => {
    const customerId = await deliveredCustomer();
    const good = Array.from({ length: 9 }, (_, i) => claim(customerId, `K${i}`, `2026-03-0${i + 1}`));
    const bad = busEventBody({
      detailType: 'ClaimFiled',
      detail: { ...good[0]!.detail, eventId: 'bad-1', incidentDate: '2026-02-30' },
    });
    const { failed } = await t.deliver([...good.slice(0, 4), bad, ...good.slice(4)]);
    expect(failed).toEqual([]);
    expect([...latestDecisions(customerId).keys()].sort()).toEqual(
      good.map((c) => (c.detail as { claimId: string }).claimId).sort(),
    );
    const letter = (await t.pipeline.deadLetters.list()).find((l) => l.body === bad);
    expect(letter?.reason).toMatch(/^MALFORMED: incidentDate: /);
  });

  it('a claim whose incident is dated after its filing (2030 on a claim of 2026) bills nothing and is dead-lettered', async () => {
    const customerId = await deliveredCustomer();
    const future = claim(customerId, 'K-2030');
    (future.detail as { incidentDate: string }).incidentDate = '2030-06-01';
    expect((await t.deliver([future])).failed).toEqual([]);
    expect(await t.reads.customerEntries(customerId)).not.toContainEqual(
      expect.objectContaining({ claimId: 'K-2030' }),
    );
    expect(t.bus.details('ClaimAdjudicated').filter((d) => d.claimId === 'K-2030')).toEqual([]);
    const letters = (await t.pipeline.deadLetters.list()).filter((l) => l.customerId === customerId);
    expect(letters.map((l) => l.reason)).toEqual([
      'MALFORMED: incidentDate: after the claim was filed (the JST date of occurredAt)',
    ]);
    // The same claim dated on its filing day bills as usual.
    expect((await t.deliver([claim(customerId, 'K-2030', '2026-03-01', 'K-2030-fixed')])).failed).toEqual([]);
    expect(latestDecisions(customerId).get('K-2030')).toMatchObject({ decision: 'accepted', feeYen: 5_500 });
  });

  it('a body that is not JSON is dead-lettered; an unknown detail-type is ignored', async () => {
    expect((await t.deliver(['{not json'])).failed).toEqual([]);
    expect(
      (await t.pipeline.deadLetters.list()).some((l) => l.body === '{not json' && l.reason.startsWith('(body)')),
    ).toBe(true);
    const unknown = busEventBody({
      detailType: 'PriceChanged',
      detail: { anything: 1 },
      source: 'device-supply.orders',
    });
    expect((await t.deliver([unknown])).failed).toEqual([]);
    expect((await t.pipeline.deadLetters.list()).some((l) => l.body === unknown)).toBe(false);
  });

  it('an eventId reused with another detail is refused as EVENT_ID_REUSED and changes nothing', async () => {
    const customerId = await deliveredCustomer();
    const other = await deliveredCustomer();
    await t.deliver([claim(customerId, 'K1')]);
    await t.deliver([claim(customerId, 'K2', '2026-03-01', 'E-REUSED')]);
    await t.deliver([claim(other, 'K9', '2026-03-01', 'E-REUSED')]);
    expect(await t.reads.customerEntries(other)).toEqual([]);
    expect((await t.pipeline.deadLetters.list()).find((l) => l.eventId === 'E-REUSED')?.reason).toMatch(
      /^EVENT_ID_REUSED/,
    );
  });
});
