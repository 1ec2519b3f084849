// Regression: a customer whose first event is being committed while the monthly close starts
// is in no shard's list when the shard is closed, yet began with the month before as its last
// closed month. Without the catch-up after a first commit (closeMissedMonths) its entries for
// the closed month landed in that month and a statement appeared in a month already closed.
// Found by the reliability harness; see docs/reliability.md, "Findings".
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerState } from '#shared/domain/index.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import type { OutboxEntry } from '#shared/store/customer-items.ts';
import { CustomerStore } from '#shared/store/customer-store.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody, sqsEvent, sqsRecord } from '#test/support/sqs.ts';
import { makeIngestHandler } from '../../functions/lib/sqs-ingest.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

async function closeAll(month: string): Promise<void> {
  const messages: CloseShardMessage[] = [];
  await startMonthClose(t.pipeline, month, closeTimeFor(month), async (m) => void messages.push(m));
  for (const m of messages) await closeShard(t.pipeline, m, closeTimeFor(month));
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Holds every commit until released: the handler has read the aggregate and LATEST_STARTED. */
class HeldStore extends CustomerStore {
  held = deferred();
  release = deferred();
  override async commit(
    next: CustomerState,
    previous: number | undefined,
    outbox: Record<string, OutboxEntry>,
  ): Promise<boolean> {
    this.held.resolve();
    await this.release.promise;
    return super.commit(next, previous, outbox);
  }
}

describe('a new customer committed while the month close starts', () => {
  it('is closed with the month, so a closed month never gains entries or statements', async () => {
    const customerId = 'RACE-1';
    const held = new HeldStore(t.db.doc, t.db.tableName);
    const handler = makeIngestHandler({ ...t.pipeline, customers: held }, 'orders');
    const order = orderPlaced(jst('2026-11-20'), [{ deviceId: 'D1', priceYen: 30_000 }], { customerId, orderId: 'O1' });
    const placing = handler(sqsEvent([sqsRecord(busEventBody(order))]), {} as Context);
    await held.held.promise;

    await closeAll('2026-11'); // the scheduled close runs while the order's commit is in flight
    const closed = {
      entries: await t.reads.monthEntries('2026-11'),
      statements: await t.reads.monthStatements('2026-11'),
    };
    expect(await t.pipeline.closes.closedThrough()).toBe('2026-11');

    held.release.resolve();
    expect((await placing).batchItemFailures).toEqual([]);
    // Delivered on 25 November, learned after the close: as for any customer, it belongs on
    // December's statement with forMonth 2026-11.
    await t.deliver([
      event('DeviceDelivered', { customerId, occurredAt: jst('2026-11-25'), orderId: 'O1', deviceId: 'D1' }),
    ]);
    await closeAll('2026-12');

    expect({
      entries: await t.reads.monthEntries('2026-11'),
      statements: await t.reads.monthStatements('2026-11'),
    }).toEqual(closed);
    expect(await t.reads.customerEntries(customerId)).toMatchObject([
      { entryId: 'lump/D1', billingMonth: '2026-12', forMonth: '2026-11' },
    ]);
  });
});
