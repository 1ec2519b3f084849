// Upgrading from a version that fingerprinted an OrderPlaced whole (birth date and payment
// method included) to one that fingerprints it reduced: an order the earlier version recorded,
// delivered again by SQS or replayed from the archive after the deploy, must be the duplicate
// it is, not a reused eventId (which would dead-letter every order of a replay). The earlier
// version's writes are made here with the same step and registry it used; nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, ruledEvent } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { runCustomerStep } from '#shared/runtime/customer-step.ts';
import { ingestMessage } from '#shared/runtime/ingest.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

const NOW = '2026-12-03T00:00:00.000Z';
let seq = 0;
const anOrder = () => {
  const customerId = `UPG-${++seq}`;
  return orderPlaced(jst('2026-11-05'), [{ deviceId: 'D1', months: 24 }], { customerId, orderId: `${customerId}-O1` });
};
const ids = (order: InboundEvent) => order.detail as { eventId: string; customerId: string };
const deliver = (order: InboundEvent, body = busEventBody(order)) =>
  ingestMessage(t.pipeline, { consumer: 'orders', body, delivery: 1 }, NOW);

/** What the earlier version wrote for an order it applied: registry claim and aggregate, under the whole-detail fingerprint. */
async function appliedByEarlierVersion(order: InboundEvent): Promise<void> {
  const { eventId, customerId } = ids(order);
  const earlier = fingerprintOf(order);
  expect(await t.pipeline.events.claim(eventId, earlier, customerId, NOW)).toBe('new');
  const decision = await runCustomerStep(t.pipeline, customerId, (state) =>
    decide(state, ruledEvent(order), earlier, { receivedAt: NOW }),
  );
  expect(decision.outcome.outcome).toBe('applied');
}

describe('an OrderPlaced recorded under the whole-detail fingerprint of the version before', () => {
  it('delivered again after the upgrade is a duplicate: no dead letter, no second installment', async () => {
    const order = anOrder();
    await appliedByEarlierVersion(order);
    const before = await t.reads.customerEntries(ids(order).customerId);
    const again = await deliver(order);
    expect(again.result).toBe('duplicate');
    expect(await t.reads.customerEntries(ids(order).customerId)).toEqual(before);
    expect((await t.pipeline.deadLetters.list()).filter((l) => l.customerId === ids(order).customerId)).toEqual([]);
  });

  it('claimed but not committed by the earlier version (a crash between): applied once, then a duplicate', async () => {
    const order = anOrder();
    const { eventId, customerId } = ids(order);
    expect(await t.pipeline.events.claim(eventId, fingerprintOf(order), customerId, NOW)).toBe('new');
    expect((await deliver(order)).result).toBe('applied');
    expect((await deliver(order)).result).toBe('duplicate');
    // The claim now holds the reduced fingerprint: a reduced body (a redrive) is the same event too.
    expect(await t.pipeline.events.claim(eventId, fingerprintOf(ruledEvent(order)), customerId, NOW)).toBe('new');
  });

  it('with another detail under the same eventId is still refused EVENT_ID_REUSED', async () => {
    const order = anOrder();
    await appliedByEarlierVersion(order);
    const detail = order.detail as Record<string, unknown>;
    const other = { ...order, detail: { ...detail, orderId: `${ids(order).customerId}-O2` } } as InboundEvent;
    const refused = await deliver(other);
    expect(refused.result).toBe('dead-lettered');
    expect(refused.result === 'dead-lettered' && refused.reason).toMatch(/^EVENT_ID_REUSED: /);
  });
});
