// Runs a timeline through a pipeline: each window's events through the queues (in the chaos
// run some held back past a sweep, never past a close), then the window's barrier (a monthly
// close fanned out by shard, or a deadline sweep), each of which may crash and is then
// redelivered, as its queue or schedule would. The handlers' processing time is the
// barrier's: an event waiting for what it names is given up on by the first sweep 7 days after
// that, and dead-lettered. Before every close the operator redrives the dead letters of
// customers that recorded an event since their last redrive (for the others nothing they could
// wait for has happened); before the last close, once the copies still in flight have arrived,
// every dead letter, so that each run ends with every event that can apply applied and billed
// by a close, whenever its copies and redrives reached it.
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { SHARD_COUNT } from '#shared/store/keys.ts';
import { processingClock } from './clock.ts';
import { type CrashSite, crashingPipeline, Invocation, randomCrashPlan } from './crash.ts';
import { type DeliveryOptions, DeliveryQueues, type DeliveryStats } from './queues.ts';
import { eventIdsByCustomer, recordedEventIds } from './recorded.ts';
import type { Barrier, StreamEvent, Timeline } from './streams.ts';

export interface RunOptions extends DeliveryOptions {
  /**
   * Chance that an event is held back past a sweep, into the next window (again and again,
   * never past a close): it then reaches its customer after events later than itself that
   * arrived after the sweep, and the sweep judges deadlines without it.
   */
  holdBack: number;
}

export interface RunStats extends DeliveryStats {
  events: number;
  /** Events held back past a sweep (counted once per sweep). */
  heldBack: number;
  redriven: number;
  barriers: number;
}

/** How many customer steps of a sweep a planned crash may land among (few are due at once). */
const SWEEP_CRASH_SPREAD = 2;

export async function runTimeline(base: Pipeline, timeline: Timeline, options: RunOptions): Promise<RunStats> {
  const queues = new DeliveryQueues(base, options);
  const byEventId = new Map(timeline.events.map((e) => [e.eventId, e]));
  const redrivenAt = new Map<string, number>();
  let redriven = 0;
  let barriers = 0;
  let heldBack = 0;
  let held: StreamEvent[] = [];
  processingClock.install();
  try {
    const last = timeline.windows.at(-1);
    for (const window of timeline.windows) {
      if (window.barrier) queues.now = new Date(window.barrier.at).toISOString();
      const due = [...held, ...window.events];
      const holds =
        window.barrier?.type === 'sweep' ? due.map(() => options.rng.chance(options.holdBack)) : due.map(() => false);
      held = due.filter((_, i) => holds[i]);
      heldBack += held.length;
      queues.send(due.filter((_, i) => !holds[i]));
      await queues.drain();
      if (window.barrier?.type === 'close') {
        // Before the last close, every copy still in flight arrives, then every dead letter.
        if (window === last) await queues.flushCopies();
        redriven += await redrive(base, queues, byEventId, redrivenAt, window === last);
        await queues.drain();
        if (window === last) await queues.flushCopies();
      }
      if (window.barrier) {
        await runBarrier(base, window.barrier, timeline.customerIds.length, options, queues.stats);
        barriers++;
      }
    }
  } finally {
    processingClock.restore();
  }
  return { ...queues.stats, events: timeline.events.length, heldBack, redriven, barriers };
}

async function redrive(
  base: Pipeline,
  queues: DeliveryQueues,
  byEventId: ReadonlyMap<string, StreamEvent>,
  redrivenAt: Map<string, number>,
  all = false,
): Promise<number> {
  const customerOf = new Map((await base.deadLetters.list(Number.MAX_SAFE_INTEGER)).map((l) => [l.id, l.customerId!]));
  const recorded = new Map<string, number>();
  const eventIds = eventIdsByCustomer([...byEventId.values()]);
  for (const customerId of new Set(customerOf.values()))
    recorded.set(customerId, (await recordedEventIds(base, customerId, eventIds.get(customerId) ?? [])).length);
  const due = (customerId: string) => all || recorded.get(customerId) !== redrivenAt.get(customerId);
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
  queues.send(
    letters.map((l) => l.event),
    letters.map((l) => l.body),
  );
  return redriven;
}

/** Runs `work` in invocations that may crash until one gets through, as a queue or schedule retries it. */
async function untilDone(
  site: CrashSite,
  spread: number,
  base: Pipeline,
  options: DeliveryOptions,
  stats: DeliveryStats,
  work: (p: Pipeline) => Promise<unknown>,
): Promise<void> {
  for (;;) {
    const inv = new Invocation(
      options.rng.chance(options.crashRate) ? randomCrashPlan(options.rng, spread) : undefined,
    );
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

async function runBarrier(
  base: Pipeline,
  barrier: Barrier,
  customers: number,
  options: DeliveryOptions,
  stats: DeliveryStats,
): Promise<void> {
  if (barrier.type === 'sweep') {
    await untilDone('sweep', SWEEP_CRASH_SPREAD, base, options, stats, (p) => sweepDue(p, barrier.at));
    return;
  }
  // A crash is planned among the customers a shard holds (each reaches every step once).
  const perShard = Math.max(1, Math.ceil(customers / SHARD_COUNT));
  const messages: CloseShardMessage[] = [];
  await startMonthClose(base, barrier.month, barrier.at, async (m) => void messages.push(m));
  for (let i = 0; i < messages.length; i += options.concurrency) {
    await Promise.all(
      messages
        .slice(i, i + options.concurrency)
        .map((m) => untilDone('close', perShard, base, options, stats, (p) => closeShard(p, m, barrier.at))),
    );
  }
}
