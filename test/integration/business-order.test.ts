// §0 through the store (the real SDK against dynalite, and DynamoDB Local in CI): the journal
// each event is kept in, an earlier event decided again from it while the effects of the
// step before are still in the outbox (its writer crashed), and two earlier events of one
// customer decided at the same time. Nothing here is mocked but the crash: a store whose
// projection throws once, as a process that dies after its commit would leave it.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord, LedgerEntry } from '#shared/domain/index.ts';
import { ingestMessage } from '#shared/runtime/ingest.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import { CustomerStore } from '#shared/store/customer-store.ts';
import { customerPk } from '#shared/store/keys.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>> | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const NOW = '2026-04-20T12:00:00+09:00';
const send = (body: string, pipeline = t!.pipeline) =>
  ingestMessage(pipeline, { consumer: 'orders', body, delivery: 1 }, NOW);

function history(customerId: string) {
  const order = orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], {
    customerId,
    orderId: 'O1',
    eventId: `${customerId}-order`,
  });
  const delivery = event('DeviceDelivered', {
    customerId,
    eventId: `${customerId}-delivery`,
    occurredAt: jst('2026-01-10'),
    orderId: 'O1',
    deviceId: 'D1',
  });
  const claim = (claimId: string, filedOn: string) =>
    event('ClaimFiled', {
      customerId,
      eventId: `${customerId}-${claimId}`,
      occurredAt: jst(filedOn),
      claimId,
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-20',
    });
  return {
    order,
    delivery,
    k1: claim('K1', '2026-03-01'),
    k2: claim('K2', '2026-03-05'),
    k3: claim('K3', '2026-03-09'),
  };
}

const netBy = (entries: LedgerEntry[], key: (e: LedgerEntry) => string | undefined) => {
  const net = new Map<string, number>();
  for (const e of entries) {
    const k = key(e);
    if (k !== undefined) net.set(k, (net.get(k) ?? 0) + e.amountYen);
  }
  return Object.fromEntries([...net].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1)));
};

/** The customer's journal as the store keeps it: its items, then the latest records in the aggregate. */
async function journalOf(customerId: string): Promise<string[]> {
  const items = (await partition(customerId))
    .filter((i) => i.type === 'journal')
    .map((i) => JSON.parse(i.record as string) as JournalRecord);
  const tail = (await t!.pipeline.customers.load(customerId))?.state.journalTail ?? [];
  return [...items, ...tail].map((r) => r.event.detail.eventId);
}

async function partition(customerId: string): Promise<Record<string, unknown>[]> {
  const { Items } = await t!.db.doc.send(
    new QueryCommand({
      TableName: t!.db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': customerPk(customerId) },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

async function closeAll(month: string) {
  const messages: CloseShardMessage[] = [];
  await startMonthClose(t!.pipeline, month, closeTimeFor(month), async (m) => void messages.push(m));
  for (const m of messages) await closeShard(t!.pipeline, m, closeTimeFor(month));
}

/** A store whose next projection fails, as a writer that dies right after its commit. */
class CrashingOnceStore extends CustomerStore {
  crashes = 1;
  override async project(...args: Parameters<CustomerStore['project']>): Promise<void> {
    if (this.crashes-- > 0) throw new Error('crashed after the commit');
    return super.project(...args);
  }
}

describe('business order through the store', () => {
  it('journals every event once, in business order, without the birth date or payment method', async () => {
    t = await startTestPipeline();
    const h = history('BO-1');
    for (const e of [h.k2, h.order, h.delivery, h.k1, h.k2]) await send(busEventBody(e));
    const items = await partition('BO-1');
    expect((await journalOf('BO-1')).sort()).toEqual(['BO-1-K1', 'BO-1-K2', 'BO-1-delivery', 'BO-1-order']);
    const text = JSON.stringify(items);
    expect(text).not.toContain('birthDate');
    expect(text).not.toContain('credit_card');
    expect(
      netBy(await t.reads.customerEntries('BO-1'), (e) => (e.kind === 'exchange_fee' ? e.claimId : undefined)),
    ).toEqual({ K1: 5_500, K2: 8_800 });
  });

  it('decides an earlier event again while the step before it is still in the outbox (its writer crashed)', async () => {
    t = await startTestPipeline();
    const h = history('BO-2');
    for (const e of [h.order, h.delivery]) await send(busEventBody(e));
    const crashing = { ...t.pipeline, customers: new CrashingOnceStore(t.db.doc, t.db.tableName) };
    // K2 commits, then its writer dies: its fee and decision exist only in the outbox (its
    // journal record rides in the aggregate).
    await expect(send(busEventBody(h.k2), crashing)).rejects.toThrow('crashed after the commit');
    expect(await t.reads.customerEntries('BO-2')).toEqual([]);
    expect(await journalOf('BO-2')).toContain('BO-2-K2');
    // K1, filed earlier, arrives at once (the lease keeps K2's outbox for its writer).
    expect((await send(busEventBody(h.k1))).result).toBe('applied');
    // The redelivery of K2 is a duplicate that finishes the projection.
    expect((await send(busEventBody(h.k2))).result).toBe('duplicate');
    await closeAll('2026-03');
    const entries = await t.reads.customerEntries('BO-2');
    expect(netBy(entries, (e) => (e.kind === 'exchange_fee' ? `${e.claimId}:use${e.useNumber}` : undefined))).toEqual({
      'K1:use1': 5_500,
      'K2:use2': 8_800,
    });
    const ids = entries.map((e) => `${e.billingMonth}#${e.entryId}`);
    expect(new Set(ids).size).toBe(ids.length);
    // Revision 2 was published first: revision 1 waited in the crashed writer's outbox. A
    // consumer keeping the highest revision ends with use 2 either way.
    const k2 = t.bus.details('ClaimAdjudicated').filter((d) => d.claimId === 'K2' && d.customerId === 'BO-2');
    expect(k2.map((d) => [d.useNumber, d.revision, d.eventId])).toEqual([
      [2, 2, 'ClaimAdjudicated/K2#2'],
      [1, 1, 'ClaimAdjudicated/K2'],
    ]);
  });

  it('two earlier claims of one customer decided at the same time end as in business order', async () => {
    t = await startTestPipeline();
    const h = history('BO-3');
    for (const e of [h.order, h.delivery, h.k3]) await send(busEventBody(e));
    const results = await Promise.all([h.k2, h.k1].map((e) => send(busEventBody(e))));
    expect(results.map((r) => r.result)).toEqual(['applied', 'applied']);
    const entries = await t.reads.customerEntries('BO-3');
    expect(netBy(entries, (e) => (e.kind === 'exchange_fee' ? e.claimId : undefined))).toEqual({
      K1: 5_500,
      K2: 8_800,
    });
    const stored = (await t.pipeline.customers.load('BO-3'))!.state;
    expect(stored.claims.K3).toMatchObject({ decision: 'rejected', reason: 'ANNUAL_LIMIT' });
    const k3 = t.bus.details('ClaimAdjudicated').filter((d) => d.claimId === 'K3' && d.customerId === 'BO-3');
    expect(k3.at(-1)).toMatchObject({ decision: 'rejected', reason: 'ANNUAL_LIMIT', feeYen: 0 });
    expect(k3.map((d) => d.revision)).toEqual([...k3.keys()].map((i) => i + 1));
  });
});
