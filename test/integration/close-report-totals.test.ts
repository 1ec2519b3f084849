// The month report is read from the shard totals the close writes (O(shards)), and still
// equals the sum of the month's statements: over several shards, with corrections of a closed
// month landing in the next one (`forMonth`), with a held customer and after it is released,
// after a crash anywhere in a shard's close and its retry, over continuations, on re-runs, and
// for a month closed before the close wrote totals (the report then sums the statements).
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { addMonths, type Month } from '#shared/domain/index.ts';
import { buildMonthReport, handleFinanceRequest } from '#shared/runtime/finance-api.ts';
import {
  type CloseShardMessage,
  type CloseShardOptions,
  closeShard,
  startMonthClose,
} from '#shared/runtime/month-close.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { CLOSE_PK, shardOf, shardTotalsSk } from '#shared/store/keys.ts';
import type { LedgerReads } from '#shared/store/ledger-reads.ts';
import { FaultyStore } from '#test/support/faulty-store.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { crashingPipeline, InjectedCrash, Invocation } from '../reliability/harness/crash.ts';

const BAD = 'TOT-BAD';
/** Several shards (checked below), some customers sharing one. */
const CUSTOMERS = Array.from({ length: 9 }, (_, i) => `TOT-${i + 1}`);
/** Ordered in November, delivered on the 25th, learned only after November's close. */
const LATE = 'TOT-LATE';

let t: Awaited<ReturnType<typeof startTestPipeline>> | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** How often the report read every statement: it must not, once the close wrote totals. */
let fullReads = 0;
const countingReads = (reads: LedgerReads): LedgerReads =>
  new Proxy(reads, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key !== 'monthStatements') return typeof value === 'function' ? value.bind(target) : value;
      return (month: Month) => {
        fullReads++;
        return target.monthStatements(month);
      };
    },
  });

async function setUp() {
  t = await startTestPipeline();
  const store = new FaultyStore(t.db.doc, t.db.tableName);
  const pipeline: Pipeline = { ...t.pipeline, customers: store };
  for (const [i, customerId] of [...CUSTOMERS, BAD].entries()) {
    const devices = [
      { deviceId: 'D1', months: 24, protectionFeeYen: 418 },
      ...(i % 3 === 0 ? [{ deviceId: 'D2', priceYen: 12_345 + i }] : []),
    ];
    await t.deliver([orderPlaced(jst('2026-11-02'), devices, { customerId, orderId: `${customerId}-O` })]);
    for (const d of devices)
      await t.deliver([
        event('DeviceDelivered', {
          customerId,
          occurredAt: jst('2026-11-13'),
          orderId: `${customerId}-O`,
          deviceId: d.deviceId,
        }),
      ]);
  }
  await t.deliver([
    orderPlaced(jst('2026-11-20'), [{ deviceId: 'D1', priceYen: 30_000, protectionFeeYen: 418 }], {
      customerId: LATE,
      orderId: 'LATE-O',
    }),
  ]);
  return { store, pipeline };
}

/**
 * The entries files the last closeAll made due: the months it closed (its own, and those a
 * missed close left to it; the lookback's for a stage's first close) and the closed months a
 * released hold changed.
 */
let exportsDue: Month[] = [];

async function closeAll(p: Pipeline, month: Month, now = closeTimeFor(month), options: CloseShardOptions = {}) {
  const messages: CloseShardMessage[] = [];
  const started = await startMonthClose(p, month, now, async (m) => void messages.push(m));
  const due = new Set<Month>();
  for (let m = messages.shift(); m; m = messages.shift()) {
    const result = await closeShard(p, m, now, options);
    if (result.continueAfter) messages.push({ ...m, after: result.continueAfter });
    for (const closed of result.closedMonths ?? []) due.add(closed);
    for (const changed of result.reexport) due.add(changed);
  }
  exportsDue = [...due].sort();
  return started;
}

async function report(p: Pipeline, month: Month) {
  const reads = countingReads(t!.reads);
  const deps = { reads, closes: p.closes, holds: p.holds } as Parameters<typeof handleFinanceRequest>[0];
  const response = await handleFinanceRequest(deps, 'GET', `/reports/${month}`, '2027-02-10T12:00:00+09:00');
  expect(response.status).toBe(200);
  return JSON.parse(response.body);
}

/** The report as the sum of every statement of the month there is now, and its holds. */
async function expected(p: Pipeline, month: Month) {
  const statements = await t!.reads.monthStatements(month);
  return JSON.parse(JSON.stringify(buildMonthReport(month, statements, await p.holds.all(month))));
}

async function expectReportIsSum(p: Pipeline, month: Month) {
  const before = fullReads;
  const body = await report(p, month);
  expect(fullReads).toBe(before); // read from the shard totals, not the statements
  expect(body).toEqual(await expected(p, month));
  return body;
}

describe('the month report, accumulated by the close', () => {
  it('equals the sum of the statements: several shards, forMonth corrections, a held customer and its release', async () => {
    const { store, pipeline } = await setUp();
    expect(new Set([...CUSTOMERS, BAD, LATE].map(shardOf)).size).toBeGreaterThanOrEqual(4);
    store.failing.add(BAD);
    await closeAll(pipeline, '2026-11');
    // The stage's first close closes the lookback's months with its own.
    expect(exportsDue).toEqual(Array.from({ length: 12 }, (_, i) => addMonths('2025-12', i)));
    const november = await expectReportIsSum(pipeline, '2026-11');
    expect(november).toMatchObject({ statements: CUSTOMERS.length, held: [{ customerId: BAD }] });
    expect(november.byKind.device_lump_sum.entries).toBe(3);

    // A delivery and a cancellation of November, learned after its close: December's lines, forMonth November.
    await t!.deliver([
      event('DeviceDelivered', { customerId: LATE, occurredAt: jst('2026-11-25'), orderId: 'LATE-O', deviceId: 'D1' }),
    ]);
    await t!.deliver([
      event('ProtectionCancelled', { customerId: CUSTOMERS[0]!, occurredAt: jst('2026-11-20'), deviceId: 'D1' }),
    ]);
    expect(await expectReportIsSum(pipeline, '2026-11')).toEqual(november); // a closed month never changes

    // The cause is fixed; the operator runs November's close again: the held customer's shard only.
    store.failing.clear();
    expect(await closeAll(pipeline, '2026-11', '2026-12-02T09:00:00+09:00')).toEqual({
      status: 'already-closed',
      shards: 1,
    });
    // Its file was written without the customer: it is due again.
    expect(exportsDue).toEqual(['2026-11']);
    const released = await expectReportIsSum(pipeline, '2026-11');
    expect(released).toMatchObject({ statements: CUSTOMERS.length + 1, held: [] });
    expect(released.totals.totalYen).toBeGreaterThan(november.totals.totalYen);

    await closeAll(pipeline, '2026-12');
    expect(exportsDue).toEqual(['2026-12']);
    const december = await expectReportIsSum(pipeline, '2026-12');
    const late = (await t!.reads.statement(LATE, '2026-12'))!;
    expect(late.lines).toContainEqual(expect.objectContaining({ kind: 'device_lump_sum', forMonth: '2026-11' }));
    expect(december.byKind.device_lump_sum).toMatchObject({ entries: 1, amountYen: 30_000 });

    // A re-run of a closed month without holds sends nothing and changes nothing.
    expect(await closeAll(pipeline, '2026-12')).toEqual({ status: 'already-closed', shards: 0 });
    expect(exportsDue).toEqual([]);
    expect(await expectReportIsSum(pipeline, '2026-12')).toEqual(december);
  });

  it('a customer held over two months and closed by the third close adds to both months', async () => {
    const { store, pipeline } = await setUp();
    store.failing.add(BAD);
    await closeAll(pipeline, '2026-11');
    await closeAll(pipeline, '2026-12');
    expect((await pipeline.holds.all()).map((h) => h.month)).toEqual(['2026-11', '2026-12']);
    const before = {
      nov: await expectReportIsSum(pipeline, '2026-11'),
      dec: await expectReportIsSum(pipeline, '2026-12'),
    };
    store.failing.clear();
    await closeAll(pipeline, '2027-01');
    expect(await pipeline.holds.all()).toEqual([]);
    // January's own file, and November's and December's again: both gained the customer's statement.
    expect(exportsDue).toEqual(['2026-11', '2026-12', '2027-01']);
    for (const [month, was] of [
      ['2026-11', before.nov],
      ['2026-12', before.dec],
    ] as const) {
      const now = await expectReportIsSum(pipeline, month);
      expect(now.statements).toBe(was.statements + 1);
      expect(now.held).toEqual([]);
    }
    await expectReportIsSum(pipeline, '2027-01');
  });

  it('a close after a missed one closes both months: each gets its totals and its entries file', async () => {
    const { pipeline } = await setUp();
    await closeAll(pipeline, '2026-11');
    await t!.deliver([
      event('ProtectionCancelled', { customerId: CUSTOMERS[1]!, occurredAt: jst('2026-12-10'), deviceId: 'D1' }),
    ]);
    // December's close never ran; January's closes December with it.
    await closeAll(pipeline, '2027-01', '2027-02-01T01:00:00+09:00');
    expect(exportsDue).toEqual(['2026-12', '2027-01']);
    expect((await expectReportIsSum(pipeline, '2026-12')).statements).toBeGreaterThan(0);
    await expectReportIsSum(pipeline, '2027-01');
  });

  it('closed over many continuations (one customer a page), the totals are the same', async () => {
    const { pipeline } = await setUp();
    await closeAll(pipeline, '2026-11', closeTimeFor('2026-11'), { pageSize: 1, hasTime: () => false });
    expect(await expectReportIsSum(pipeline, '2026-11')).toMatchObject({ statements: CUSTOMERS.length + 1 });
  });

  it('a crash after some statements of a shard are written, before its totals: the retry gives the same totals', async () => {
    const { pipeline } = await setUp();
    const month = '2026-11';
    const now = closeTimeFor(month);
    // Dies at the third customer's projection: two statements written, the shard's totals not.
    const inv = new Invocation({ point: 'before-publish', nth: 3 });
    const dying = crashingPipeline(pipeline, inv);
    const messages: CloseShardMessage[] = [];
    await startMonthClose(pipeline, month, now, async (m) => void messages.push(m));
    await expect(
      (async () => {
        for (const m of messages) await closeShard(dying, m, now, { pageSize: 2 });
      })(),
    ).rejects.toThrow(InjectedCrash);
    await inv.settled();
    expect((await t!.reads.monthStatements(month)).length).toBeGreaterThanOrEqual(2);
    expect(await pipeline.closes.closedThrough()).toBeUndefined();

    expect(await closeAll(pipeline, month)).toMatchObject({ status: 'resumed' });
    expect(await expectReportIsSum(pipeline, month)).toMatchObject({ statements: CUSTOMERS.length + 1 });
  });

  it('a crash between the totals and the shard marked done, or while recomputing them: the retry gives the same totals', async () => {
    const { pipeline } = await setUp();
    const month = '2026-11';
    let crashes = 0;
    const closes = pipeline.closes;
    const flaky = new Proxy(closes, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key === 'shardDone' && crashes === 0)
          return async () => {
            crashes++; // the totals are written, the shard is not done
            throw new InjectedCrash('before shardDone');
          };
        if (key === 'recomputeShardTotals' && crashes === 1)
          return async () => {
            crashes++;
            throw new InjectedCrash('in recomputeShardTotals');
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const p: Pipeline = { ...pipeline, closes: flaky };
    await expect(closeAll(p, month)).rejects.toThrow(InjectedCrash);
    await expect(closeAll(p, month)).rejects.toThrow(InjectedCrash);
    expect(crashes).toBe(2);
    await closeAll(p, month);
    expect(await pipeline.closes.closedThrough()).toBe(month);
    expect(await expectReportIsSum(pipeline, month)).toMatchObject({ statements: CUSTOMERS.length + 1 });
  });

  it('a month closed before the close wrote totals is reported from its statements, with the same result', async () => {
    const { pipeline } = await setUp();
    await closeAll(pipeline, '2026-11');
    const fromTotals = await expectReportIsSum(pipeline, '2026-11');
    await t!.db.doc.send(
      new DeleteCommand({
        TableName: t!.db.tableName,
        Key: { pk: CLOSE_PK, sk: shardTotalsSk('2026-11', shardOf(BAD)) },
      }),
    );
    expect(await pipeline.closes.shardTotals('2026-11')).toBeUndefined();
    const before = fullReads;
    expect(await report(pipeline, '2026-11')).toEqual(fromTotals);
    expect(fullReads).toBe(before + 1);
  });
});
