// The monthly close and the deadline sweep over the store: fan-out by shard, idempotence,
// the month-not-ended refusal, continuations, and the due-deadline index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonthNotEndedError } from '#shared/domain/index.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { SHARD_COUNT } from '#shared/store/keys.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

/** Runs a whole close as the cloud would: start, then every shard message through closeShard. */
async function closeAll(month: string, now: string) {
  const messages: CloseShardMessage[] = [];
  const started = await startMonthClose(t.pipeline, month, now, async (m) => void messages.push(m));
  for (const message of messages) await closeShard(t.pipeline, message, now);
  return { started, messages };
}

async function customerWithDevice(customerId: string, deliveredOn = '2026-11-13') {
  await t.deliver([
    orderPlaced(jst('2026-11-01'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], {
      customerId,
      orderId: `${customerId}-O`,
    }),
  ]);
  await t.deliver([
    event('DeviceDelivered', { customerId, occurredAt: jst(deliveredOn), orderId: `${customerId}-O`, deviceId: 'D1' }),
  ]);
}

describe('monthly close over the store', () => {
  it('refuses a month that has not ended', async () => {
    await expect(startMonthClose(t.pipeline, '2026-11', '2026-11-30T23:59:00+09:00', async () => {})).rejects.toThrow(
      MonthNotEndedError,
    );
    expect(await t.pipeline.closes.get('2026-11')).toBeUndefined();
  });

  it('fans out one message per shard, writes every statement, publishes StatementClosed, and marks the month closed', async () => {
    const customers = ['CL-A', 'CL-B', 'CL-C', 'CL-D', 'CL-E'];
    for (const id of customers) await customerWithDevice(id);
    const { started, messages } = await closeAll('2026-11', '2026-12-01T01:00:00+09:00');
    expect(started).toEqual({ status: 'started', shards: SHARD_COUNT });
    expect(new Set(messages.map((m) => m.shard)).size).toBe(SHARD_COUNT);
    for (const id of customers) {
      expect(await t.reads.statement(id, '2026-11')).toMatchObject({
        customerId: id,
        month: '2026-11',
        totals: { totalYen: 1_666 + 250, consumptionTaxYen: 174 },
      });
    }
    const closed = t.bus.details('StatementClosed').filter((d) => customers.includes(d.customerId as string));
    expect(closed).toHaveLength(5);
    expect(closed[0]).toMatchObject({
      month: '2026-11',
      totalYen: 1_916,
      eventId: expect.stringMatching(/^StatementClosed\//),
    });
    expect(await t.pipeline.closes.closedThrough()).toBe('2026-11');
    expect((await t.pipeline.closes.get('2026-11'))?.status).toBe('closed');
  });

  it('closing again changes nothing: no statement rewritten, nothing published', async () => {
    const published = t.bus.received.length;
    const before = await t.reads.statement('CL-A', '2026-11');
    const again = await closeAll('2026-11', '2026-12-02T01:00:00+09:00');
    expect(again.started.status).toBe('already-closed');
    // A duplicated shard message (an SQS redelivery) changes nothing either.
    await closeShard(t.pipeline, { month: '2026-11', shard: 0 }, '2026-12-03T01:00:00+09:00');
    expect(await t.reads.statement('CL-A', '2026-11')).toEqual(before);
    expect(t.bus.received.length).toBe(published);
  });

  it('an event for a closed month lands in the next month with forMonth', async () => {
    await t.deliver([
      event('ClaimFiled', {
        customerId: 'CL-A',
        occurredAt: '2026-11-30T14:30:00Z',
        claimId: 'K1',
        deviceId: 'D1',
        cause: 'water_damage',
        incidentDate: '2026-11-29',
      }),
    ]);
    expect((await t.reads.customerEntries('CL-A', '2026-12')).find((e) => e.entryId === 'fee/K1')).toMatchObject({
      billingMonth: '2026-12',
      forMonth: '2026-11',
    });
  });

  it('a shard larger than one invocation continues where it stopped', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `CONT-${i}`);
    for (const id of ids) await customerWithDevice(id);
    const messages: CloseShardMessage[] = [];
    await startMonthClose(t.pipeline, '2026-12', '2027-01-01T01:00:00+09:00', async (m) => void messages.push(m));
    let steps = 0;
    for (const first of messages) {
      let message: CloseShardMessage | undefined = first;
      while (message) {
        const result = await closeShard(t.pipeline, message, '2027-01-01T01:00:00+09:00', {
          pageSize: 1,
          hasTime: () => false,
        });
        steps++;
        message = result.continueAfter ? { ...message, after: result.continueAfter } : undefined;
      }
    }
    expect(steps).toBeGreaterThan(SHARD_COUNT);
    for (const id of ids) expect(await t.reads.statement(id, '2026-12')).toBeDefined();
    expect(await t.pipeline.closes.closedThrough()).toBe('2026-12');
  });
});

describe('deadline sweep over the store', () => {
  it('finds due deadlines through the index, assesses each once, and may run late or twice', async () => {
    const id = 'SW-1';
    await customerWithDevice(id, '2026-11-02');
    await t.deliver([
      event('ClaimFiled', {
        customerId: id,
        occurredAt: jst('2027-01-05'),
        claimId: 'SK1',
        deviceId: 'D1',
        cause: 'total_loss',
        incidentDate: '2027-01-04',
      }),
    ]);
    await t.deliver([event('ReplacementDelivered', { customerId: id, occurredAt: jst('2027-01-10'), claimId: 'SK1' })]); // D+15 = 25 Jan
    expect(await sweepDue(t.pipeline, jst('2027-01-24'))).toEqual({ customers: 0, assessed: 0 });
    expect(await sweepDue(t.pipeline, jst('2027-01-26'))).toEqual({ customers: 1, assessed: 1 });
    expect(await sweepDue(t.pipeline, jst('2027-01-27'))).toEqual({ customers: 0, assessed: 0 });
    expect(
      (await t.reads.customerEntries(id, '2027-01')).filter((e) => e.kind === 'late_return_penalty'),
    ).toMatchObject([{ amountYen: 40_000, businessDate: '2027-01-25' }]);
    expect(t.bus.details('PenaltyAssessed').filter((d) => d.customerId === id)).toEqual([
      {
        customerId: id,
        deviceId: 'D1',
        claimId: 'SK1',
        kind: 'late_return_penalty',
        amountYen: 40_000,
        billingMonth: '2027-01',
        revision: 1,
        eventId: `PenaltyAssessed/${id}/penalty/SK1`,
      },
    ]);
  });
});
