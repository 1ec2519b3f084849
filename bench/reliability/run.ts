// Runs a timeline through a pipeline: each window's events through the queues, then the
// window's barrier (a monthly close fanned out by shard, or a deadline sweep), each of which may
// crash and is then redelivered, as its queue or schedule would. Before every close the operator
// redrives the dead letters (events that waited for an earlier one longer than their deliveries
// allowed), in stream order: those of customers that recorded an event since their last
// redrive, since for the others nothing they could wait for has happened.
import { closeShard, startMonthClose, type CloseShardMessage } from '#shared/runtime/month-close.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { SHARD_COUNT } from '#shared/store/keys.ts';
import { processingClock } from './clock.ts';
import { crashingPipeline, Invocation, randomCrashPlan, type CrashSite } from './crash.ts';
import { eventIdsByCustomer, recordedEventIds } from './recorded.ts';
import { DeliveryQueues, type DeliveryOptions, type DeliveryStats } from './queues.ts';
import type { Barrier, StreamEvent, Timeline } from './streams.ts';

export interface RunStats extends DeliveryStats {
  events: number;
  redriven: number;
  barriers: number;
}

/** How many customer steps of a sweep a planned crash may land among (few are due at once). */
const SWEEP_CRASH_SPREAD = 2;

export async function runTimeline(base: Pipeline, timeline: Timeline, options: DeliveryOptions): Promise<RunStats> {
  const queues = new DeliveryQueues(base, options);
  const byEventId = new Map(timeline.events.map((e) => [e.eventId, e]));
  const redrivenAt = new Map<string, number>();
  let redriven = 0;
  let barriers = 0;
  processingClock.install();
  try {
    for (const window of timeline.windows) {
      queues.send(window.events);
      await queues.drain();
      if (window.barrier?.type === 'close') {
        redriven += await redrive(base, queues, byEventId, redrivenAt);
        await queues.drain();
      }
      if (window.barrier) {
        await runBarrier(base, window.barrier, timeline.customerIds.length, options, queues.stats);
        barriers++;
      }
    }
    await queues.flushCopies();
  } finally {
    processingClock.restore();
  }
  return { ...queues.stats, events: timeline.events.length, redriven, barriers };
}

async function redrive(base: Pipeline, queues: DeliveryQueues, byEventId: ReadonlyMap<string, StreamEvent>, redrivenAt: Map<string, number>): Promise<number> {
  const customerOf = new Map((await base.deadLetters.list(Number.MAX_SAFE_INTEGER)).map((l) => [l.id, l.customerId!]));
  const recorded = new Map<string, number>();
  const eventIds = eventIdsByCustomer([...byEventId.values()]);
  for (const customerId of new Set(customerOf.values())) recorded.set(customerId, (await recordedEventIds(base, customerId, eventIds.get(customerId) ?? [])).length);
  const due = (customerId: string) => recorded.get(customerId) !== redrivenAt.get(customerId);
  const letters: { event: StreamEvent; body: string }[] = [];
  const { redriven } = await redriveDeadLetters(
    base.deadLetters,
    async (_consumer, body) => {
      const eventId = (JSON.parse(body) as { detail: { eventId: string } }).detail.eventId;
      letters.push({ event: byEventId.get(eventId)!, body });
    },
    (id) => due(customerOf.get(id)!),
  );
  for (const { event } of letters) redrivenAt.set(event.customerId, recorded.get(event.customerId)!);
  letters.sort((a, b) => a.event.index - b.event.index);
  queues.send(
    letters.map((l) => l.event),
    letters.map((l) => l.body),
  );
  return redriven;
}

/** Runs `work` in invocations that may crash until one gets through, as a queue or schedule retries it. */
async function untilDone(site: CrashSite, spread: number, base: Pipeline, options: DeliveryOptions, stats: DeliveryStats, work: (p: Pipeline) => Promise<unknown>): Promise<void> {
  for (;;) {
    const inv = new Invocation(options.rng.chance(options.crashRate) ? randomCrashPlan(options.rng, spread) : undefined);
    try {
      await work(crashingPipeline(base, inv));
      stats.versionConflicts += inv.conflicts;
      return;
    } catch (error) {
      await inv.settled();
      if (!inv.crashedAt) throw error;
      stats.crashes[site][inv.crashedAt]++;
      processingClock.visibilityTimeoutElapsed();
    }
  }
}

async function runBarrier(base: Pipeline, barrier: Barrier, customers: number, options: DeliveryOptions, stats: DeliveryStats): Promise<void> {
  if (barrier.type === 'sweep') {
    await untilDone('sweep', SWEEP_CRASH_SPREAD, base, options, stats, (p) => sweepDue(p, barrier.at));
    return;
  }
  // A crash is planned among the customers a shard holds (each reaches every step once).
  const perShard = Math.max(1, Math.ceil(customers / SHARD_COUNT));
  const messages: CloseShardMessage[] = [];
  await startMonthClose(base, barrier.month, barrier.at, async (m) => void messages.push(m));
  for (let i = 0; i < messages.length; i += options.concurrency) {
    await Promise.all(messages.slice(i, i + options.concurrency).map((m) => untilDone('close', perShard, base, options, stats, (p) => closeShard(p, m, barrier.at))));
  }
}
