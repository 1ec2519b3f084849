// Invariant 7, completeness: a close that crashed at any step of the commit protocol and is
// run again — at once, while the crashed writer's outbox is younger than the lease, or after
// the lease — ends with every statement written and published, and the month closed once.
// The crash is injected (test/reliability/harness/crash.ts): a dead invocation does no further I/O.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUTBOX_LEASE_MS } from '#shared/runtime/customer-step.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';
import {
  CRASH_POINTS,
  type CrashPoint,
  crashingPipeline,
  InjectedCrash,
  Invocation,
} from '../reliability/harness/crash.ts';

const MONTH = '2026-11';
const CUSTOMERS = ['CC-1', 'CC-2', 'CC-3', 'CC-4', 'CC-5', 'CC-6'];
let t: Awaited<ReturnType<typeof startTestPipeline>> | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await t?.stop();
  t = undefined;
});

async function messagesOf(p: Pipeline, now: string): Promise<{ status: string; messages: CloseShardMessage[] }> {
  const messages: CloseShardMessage[] = [];
  const { status } = await startMonthClose(p, MONTH, now, async (m) => void messages.push(m));
  return { status, messages };
}

/** The close in one invocation that dies at `point` the first time a customer step reaches it. */
async function crashedClose(p: Pipeline, point: CrashPoint, now: string): Promise<void> {
  const inv = new Invocation({ point, nth: 1 });
  const dying = crashingPipeline(p, inv);
  const { messages } = await messagesOf(p, now);
  const run = Promise.all(messages.map((m) => closeShard(dying, m, now)));
  await expect(run).rejects.toThrow(InjectedCrash);
  await inv.settled();
  expect(inv.crashedAt).toBe(point);
}

async function rerun(p: Pipeline, now: string) {
  const { status, messages } = await messagesOf(p, now);
  for (const m of messages) await closeShard(p, m, now);
  return status;
}

describe.each(['at once', 'after the lease'] as const)('a close crashed at every commit step, run again %s', (when) => {
  it.each(CRASH_POINTS)('crashed at %s: every statement there, published, the month closed once', async (point) => {
    t = await startTestPipeline();
    for (const customerId of CUSTOMERS) {
      await t.deliver([
        orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], {
          customerId,
          orderId: `${customerId}-O`,
        }),
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
    const closeAt = closeTimeFor(MONTH);
    await crashedClose(t.pipeline, point, closeAt);
    if (when === 'after the lease') vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + OUTBOX_LEASE_MS + 1_000 });

    expect(await rerun(t.pipeline, closeAt)).toBe('resumed');
    const status = await t.pipeline.closes.get(MONTH);
    expect(status).toMatchObject({ status: 'closed', closedAt: closeAt });
    for (const customerId of CUSTOMERS) {
      // 1,666 (first installment of 39,800 / 24) + 250 (418 prorated over 18 of 30 days).
      expect(await t.reads.statement(customerId, MONTH)).toMatchObject({ totals: { totalYen: 1_916 } });
      const stored = await t.pipeline.customers.load(customerId);
      expect(Object.keys(stored?.outbox ?? {})).toEqual([]);
    }
    const published = new Set(t.bus.details('StatementClosed').map((d) => d.customerId));
    expect([...published].sort()).toEqual(CUSTOMERS);
    expect(await t.reads.monthStatements(MONTH)).toHaveLength(CUSTOMERS.length);

    // A further run finds the month closed and changes nothing.
    const before = t.bus.received.length;
    expect(await rerun(t.pipeline, '2026-12-02T01:00:00+09:00')).toBe('already-closed');
    expect(t.bus.received.length).toBe(before);
    expect(await t.pipeline.closes.get(MONTH)).toEqual(status);
  });
});
