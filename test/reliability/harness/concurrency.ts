// Concurrency: every event of a few customers (each sent 1–3 times) spread over 50 handler
// invocations that all run at once, so that dozens of writers race for each aggregate; what
// fails comes back in the next wave, what runs out of deliveries is redriven. Then the months
// are closed. Serial equivalence is checked against a witness: the order in which the
// aggregate recorded its eventIds is a serial order, so replaying it on the pure engine
// (CustomerBook: an event earlier than others is decided with the history) must record every
// one of them and give the table's ledger and decisions by business order (§0): the same net
// per obligation per business month, the same final decisions, the same events recorded.
import type { Context } from 'aws-lambda';
import { type BookStep, CustomerBook, type Effects } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { toPutEventsEntry } from '#shared/runtime/publisher.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import { closeTimeFor } from '#test/support/scenario.ts';
import { busEventBody, sqsEvent, sqsRecord } from '#test/support/sqs.ts';
import { makeIngestHandler } from '../../../functions/lib/sqs-ingest.ts';
import { byBusinessOrder, type CustomerView, canonical, snapshot } from './compare.ts';
import { crashingPipeline, Invocation } from './crash.ts';
import { type EnvironmentFactory, inProcess, type Table } from './environment.ts';
import { eventIdsByCustomer, recordedEventIds } from './recorded.ts';
import './handler-logs.ts';
import { type Rng, seededRng } from './rng.ts';
import { buildTimeline, type StreamEvent, type Timeline } from './streams.ts';

export interface ConcurrencyOptions {
  seed: number;
  customers: number;
  handlers: number;
  /** Only the first this many months of the customers' histories. */
  months?: number;
  environment?: EnvironmentFactory;
  /** Swaps the store, e.g. for a deliberately broken one (the harness's own test). */
  pipeline?: (p: Pipeline, table: Table) => Pipeline;
}

export interface ConcurrencyReport {
  handlers: number;
  customers: number;
  events: number;
  deliveries: number;
  waves: number;
  versionConflicts: number;
  /** Customers whose table matches the replay of their witness order. */
  serialEquivalent: number;
  differences: { customerId: string; difference: string }[];
  /** Events neither recorded by their aggregate nor dead-lettered. */
  lost: string[];
}

interface Delivery {
  event: StreamEvent;
  body: string;
  receiveCount: number;
}

/** Waves before giving up on a round of redeliveries: far more than a dependency chain needs. */
const MAX_WAVES = 60;

export async function concurrencyCheck(options: ConcurrencyOptions): Promise<ConcurrencyReport> {
  const rng = seededRng(options.seed);
  const timeline = buildTimeline({
    seed: options.seed,
    customers: options.customers,
    sweepEveryDays: 10_000,
    ...(options.months ? { months: options.months } : {}),
  });
  const byId = new Map(timeline.events.map((e) => [e.eventId, e]));
  const env = await (options.environment ?? inProcess)();
  try {
    const p = options.pipeline?.(env.pipeline, env.table) ?? env.pipeline;
    const totals = { deliveries: 0, waves: 0, versionConflicts: 0, handlers: 0 };
    let sending: Delivery[] = timeline.events.flatMap((event) =>
      Array.from({ length: 1 + rng.int(3) }, () => ({ event, body: busEventBody(event.inJst), receiveCount: 1 })),
    );
    for (let recorded = -1; sending.length > 0; ) {
      while (sending.length > 0 && totals.waves < MAX_WAVES)
        sending = await wave(p, shuffle(rng, sending), options.handlers, totals);
      // Events that ran out of deliveries while what they wait for was still racing are
      // redriven, until a redrive applies nothing more: the rest wait for what never comes.
      const now = await recordedEvents(p, timeline);
      if (now === recorded) break;
      recorded = now;
      await redriveDeadLetters(p.deadLetters, async (_consumer, body) => {
        const eventId = (JSON.parse(body) as { detail: { eventId: string } }).detail.eventId;
        sending.push({ event: byId.get(eventId)!, body, receiveCount: 1 });
      });
    }
    for (const month of timeline.months) await closeAll(p, month);
    const run = await snapshot({ pipeline: p, reads: env.reads, published: env.published }, timeline);
    const differences: ConcurrencyReport['differences'] = [];
    const eventIds = eventIdsByCustomer(timeline.events);
    const differs = byBusinessOrder(timeline.months);
    for (const customerId of timeline.customerIds) {
      const witness = replayWitness(
        timeline,
        customerId,
        await recordedEventIds(p, customerId, eventIds.get(customerId) ?? []),
        byId,
      );
      const diff = differs(witness, run.customers.get(customerId)!);
      if (diff) differences.push({ customerId, difference: diff });
    }
    const fateless = (e: StreamEvent, view: CustomerView) =>
      !view.processed.has(e.eventId) && !view.waiting.has(e.eventId) && !view.deadLettered.has(e.eventId);
    const lost = timeline.events.filter((e) => fateless(e, run.customers.get(e.customerId)!)).map((e) => e.eventId);
    const { handlers, ...rest } = totals;
    return {
      handlers,
      customers: options.customers,
      events: timeline.events.length,
      ...rest,
      serialEquivalent: options.customers - differences.length,
      differences,
      lost,
    };
  } finally {
    await env.stop();
  }
}

async function recordedEvents(p: Pipeline, timeline: Timeline): Promise<number> {
  const eventIds = eventIdsByCustomer(timeline.events);
  const recorded = await Promise.all(timeline.customerIds.map((id) => recordedEventIds(p, id, eventIds.get(id) ?? [])));
  return recorded.reduce((n, ids) => n + ids.length, 0);
}

/** All deliveries at once, split over about `handlers` invocations; returns what comes back. */
async function wave(
  p: Pipeline,
  deliveries: Delivery[],
  handlers: number,
  totals: { deliveries: number; waves: number; versionConflicts: number; handlers: number },
): Promise<Delivery[]> {
  // Exactly `handlers` invocations when there are enough records, each holding one queue's records.
  const queues = new Map<string, Delivery[]>();
  for (const d of deliveries) queues.set(d.event.consumer, [...(queues.get(d.event.consumer) ?? []), d]);
  const groups = [...queues.values()];
  const shares = groups.map((g) =>
    Math.min(g.length, Math.max(1, Math.floor((handlers * g.length) / deliveries.length))),
  );
  for (
    let left = handlers - shares.reduce((a, b) => a + b, 0), i = 0;
    left > 0 && shares.some((n, j) => n < groups[j]!.length);
    i = (i + 1) % groups.length
  ) {
    if (shares[i]! < groups[i]!.length) {
      shares[i]!++;
      left--;
    }
  }
  const batches = groups.flatMap((g, i) =>
    Array.from({ length: shares[i]! }, (_, k) => g.filter((_, n) => n % shares[i]! === k)),
  );
  totals.waves++;
  totals.handlers = Math.max(totals.handlers, batches.length);
  const again: Delivery[] = [];
  await Promise.all(
    batches.map(async (batch) => {
      const inv = new Invocation();
      const handler = makeIngestHandler(crashingPipeline(p, inv), batch[0]!.event.consumer);
      const records = batch.map((d) => sqsRecord(d.body, d.receiveCount));
      const response = await handler(sqsEvent(records), {} as Context);
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      totals.deliveries += batch.length;
      totals.versionConflicts += inv.conflicts;
      for (const [i, d] of batch.entries())
        if (failed.has(records[i]!.messageId)) again.push({ ...d, receiveCount: d.receiveCount + 1 });
    }),
  );
  return again;
}

async function closeAll(p: Pipeline, month: string): Promise<void> {
  const at = closeTimeFor(month);
  const messages: CloseShardMessage[] = [];
  await startMonthClose(p, month, at, async (m) => void messages.push(m));
  await Promise.all(messages.map((m) => closeShard(p, m, at)));
}

/**
 * The customer as the pure engine has it after its recorded events in `order`, then its other
 * events (which must wait, as in the table), then the closes.
 */
function replayWitness(
  timeline: Timeline,
  customerId: string,
  order: readonly string[],
  byId: ReadonlyMap<string, StreamEvent>,
): CustomerView {
  const entries = new Map<string, Effects['entries'][number]>();
  const statements: Effects['statements'] = [];
  const published = new Map<string, string>();
  const recorded = new Set(order);
  const unrecorded = new Set<string>();
  const steps: BookStep[] = [
    ...order.map((eventId) => ({ event: byId.get(eventId)!.inJst })),
    ...timeline.events
      .filter((e) => e.customerId === customerId && !recorded.has(e.eventId))
      .map((e) => ({ event: e.inJst })),
    ...timeline.months.map((month) => ({ close: month, at: closeTimeFor(month) })),
  ];
  const book = new CustomerBook(customerId).replay(steps, {
    fingerprint: fingerprintOf,
    onStep: (step, { effects, outcome }) => {
      for (const e of effects.entries) entries.set(`${e.billingMonth}#${e.entryId}`, e);
      statements.push(...effects.statements);
      for (const e of effects.emitted) {
        const detail = JSON.parse(toPutEventsEntry(e, 'witness').Detail!) as { eventId: string };
        published.set(detail.eventId, canonical(detail));
      }
      // A recorded event the serial replay does not record means the order is no serial order.
      const eventId = 'event' in step ? step.event.detail.eventId : undefined;
      if (
        eventId !== undefined &&
        recorded.has(eventId) &&
        outcome?.outcome !== 'applied' &&
        outcome?.outcome !== 'ignored'
      )
        unrecorded.add(eventId);
    },
  });
  return {
    entries: [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e),
    statements,
    processed: new Set(order.filter((id) => !unrecorded.has(id))),
    waiting: new Set((book.state.waiting ?? []).map((w) => w.record.event.detail.eventId)),
    outbox: [],
    deadLettered: new Set(),
    published,
    conflicts: [],
  };
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
