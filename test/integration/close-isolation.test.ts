// Invariant 7, isolation: a customer whose close step keeps failing is held with its reason;
// the rest of its shard and the month close. The hold shows in the report and the finance
// API, and the customer closes, with that month's statement, on the next run once the cause
// is gone. The failing step is a store fault injected for one customer (mocked: the
// contract's bounds leave no event that provokes one, so a wrapper stands in for the fault).
import { afterEach, describe, expect, it } from 'vitest';
import { handleFinanceRequest } from '#shared/runtime/finance-api.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { FaultyStore } from '#test/support/faulty-store.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';

const BAD = 'ISO-BAD';
const GOOD = ['ISO-1', 'ISO-2', 'ISO-3'];

let t: Awaited<ReturnType<typeof startTestPipeline>> | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function setUp() {
  t = await startTestPipeline();
  const store = new FaultyStore(t.db.doc, t.db.tableName);
  const pipeline: Pipeline = { ...t.pipeline, customers: store };
  for (const customerId of [...GOOD, BAD]) {
    await t.deliver([
      orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', months: 24 }], { customerId, orderId: `${customerId}-O` }),
    ]);
    await t.deliver([
      event('DeviceDelivered', {
        customerId,
        occurredAt: jst('2026-11-13'),
        orderId: `${customerId}-O`,
        deviceId: 'D1',
      }),
    ]);
  }
  return { t, store, pipeline };
}

async function closeAll(p: Pipeline, month: string, now = closeTimeFor(month)) {
  const messages: CloseShardMessage[] = [];
  const started = await startMonthClose(p, month, now, async (m) => void messages.push(m));
  const results = [];
  for (const m of messages) results.push(await closeShard(p, m, now));
  return { started, held: results.flatMap((r) => r.held), released: results.flatMap((r) => r.released) };
}

/** This suite reads statements and reports only, never an entries export. */
const NO_EXPORTS = { get: async () => undefined, downloadUrl: async () => '' };
/** Nor the customer routes (test/integration/finance-customers.test.ts has them). */
const NO_CUSTOMERS = { search: async () => ({ customerIds: [], truncated: false }), state: async () => undefined };
const finance = (p: Pipeline, path: string, now = '2026-12-10T12:00:00+09:00') =>
  handleFinanceRequest(
    { reads: t!.reads, closes: p.closes, holds: p.holds, entriesExports: NO_EXPORTS, customers: NO_CUSTOMERS },
    'GET',
    path,
    now,
  ).then((r) => ({
    status: r.status,
    body: JSON.parse(r.body),
  }));

describe('a customer whose close step keeps failing', () => {
  it('is held with its reason; the others and the month close; a re-run closes it as if on time', async () => {
    const { store, pipeline } = await setUp();
    store.failing.add(BAD);
    const first = await closeAll(pipeline, '2026-11');
    expect(first.held).toMatchObject([
      { customerId: BAD, month: '2026-11', reason: expect.stringContaining('simulated store fault') },
    ]);
    expect(await pipeline.closes.get('2026-11')).toMatchObject({ status: 'closed' });
    expect(await pipeline.closes.closedThrough()).toBe('2026-11');
    for (const id of GOOD)
      expect(await t!.reads.statement(id, '2026-11')).toMatchObject({ totals: { totalYen: 1_666 } });
    expect(await t!.reads.statement(BAD, '2026-11')).toBeUndefined();

    // Finance sees the month closed with one customer held, and why.
    const report = await finance(pipeline, '/reports/2026-11');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      statements: 3,
      totals: { totalYen: 3 * 1_666 },
      held: [{ customerId: BAD, reason: expect.stringContaining('simulated store fault') }],
    });
    const statement = await finance(pipeline, `/customers/${BAD}/statements/2026-11`);
    expect(statement).toMatchObject({
      status: 409,
      body: { error: 'MONTH_NOT_CLOSED', message: expect.stringContaining('held') },
    });

    // The cause is fixed; the operator runs the close again: only the held customer's shard is sent.
    store.failing.clear();
    const again = await closeAll(pipeline, '2026-11', '2026-12-02T09:00:00+09:00');
    expect(again.started).toEqual({ status: 'already-closed', shards: 1 });
    expect(again.released).toEqual([BAD]);
    expect(await t!.reads.statement(BAD, '2026-11')).toMatchObject({ month: '2026-11', totals: { totalYen: 1_666 } });
    expect(await pipeline.holds.all()).toEqual([]);
    expect((await finance(pipeline, '/reports/2026-11')).body).toMatchObject({
      statements: 4,
      totals: { totalYen: 4 * 1_666 },
      held: [],
    });
    expect(t!.bus.details('StatementClosed').filter((d) => d.customerId === BAD)).toHaveLength(1);
  });

  it('still held at the next month, it closes both months then, and its hold is released', async () => {
    const { store, pipeline } = await setUp();
    store.failing.add(BAD);
    await closeAll(pipeline, '2026-11');
    store.failing.clear();
    const december = await closeAll(pipeline, '2026-12');
    expect(december.released).toEqual([BAD]);
    expect(await t!.reads.statement(BAD, '2026-11')).toMatchObject({ totals: { totalYen: 1_666 } });
    expect(await t!.reads.statement(BAD, '2026-12')).toMatchObject({ totals: { totalYen: 1_658 } });
    expect(await pipeline.holds.all()).toEqual([]);
  });

  it('held again when the fault persists, with one hold a month, never blocking the others', async () => {
    const { store, pipeline } = await setUp();
    store.failing.add(BAD);
    await closeAll(pipeline, '2026-11');
    const december = await closeAll(pipeline, '2026-12');
    expect(december.held.map((h) => h.customerId)).toEqual([BAD]);
    expect((await pipeline.holds.all()).map((h) => h.month)).toEqual(['2026-11', '2026-12']);
    expect(await pipeline.closes.closedThrough()).toBe('2026-12');
    for (const id of GOOD) expect(await t!.reads.statement(id, '2026-12')).toBeDefined();
  });
});

describe('a customer whose sweep step keeps failing', () => {
  it('does not stop the sweep of the others; the sweep then fails naming it, so it is retried and alarmed', async () => {
    t = await startTestPipeline();
    const store = new FaultyStore(t.db.doc, t.db.tableName);
    const pipeline: Pipeline = { ...t.pipeline, customers: store };
    for (const customerId of ['SWI-1', 'SWI-BAD', 'SWI-2']) {
      await t.deliver([
        orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', protectionFeeYen: 418 }], {
          customerId,
          orderId: `${customerId}-O`,
        }),
      ]);
      await t.deliver([
        event('DeviceDelivered', {
          customerId,
          occurredAt: jst('2026-11-02'),
          orderId: `${customerId}-O`,
          deviceId: 'D1',
        }),
      ]);
      await t.deliver([
        event('ClaimFiled', {
          customerId,
          occurredAt: jst('2027-01-05'),
          claimId: 'K1',
          deviceId: 'D1',
          cause: 'total_loss',
          incidentDate: '2027-01-04',
        }),
      ]);
      await t.deliver([event('ReplacementDelivered', { customerId, occurredAt: jst('2027-01-10'), claimId: 'K1' })]); // D+15 = 25 Jan
    }
    store.failing.add('SWI-BAD');
    await expect(sweepDue(pipeline, jst('2027-01-26'))).rejects.toThrow(
      /the sweep failed for 1 customer\(s\), the others were swept: SWI-BAD: simulated store fault/,
    );
    for (const customerId of ['SWI-1', 'SWI-2'])
      expect(
        (await t.reads.customerEntries(customerId, '2027-01')).filter((e) => e.kind === 'late_return_penalty'),
      ).toHaveLength(1);
    store.failing.clear();
    expect(await sweepDue(pipeline, jst('2027-01-26'))).toEqual({ customers: 1, assessed: 1 });
  });
});
