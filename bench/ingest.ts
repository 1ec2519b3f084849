// Ingest end to end: events from PutEvents on the local stack until `POST /admin/drain`
// reports them applied (committed and projected in dynalite), next to the raw rate of as many
// plain PutItem calls of the aggregate items those events commit, issued to the same dynalite
// through the same client the stack uses.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type CustomerState, decide, emptyCustomerState } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { ingestMessage } from '#shared/runtime/ingest.ts';
import { createPipeline } from '#shared/runtime/pipeline.ts';
import { expectedSourceFor, type InboundEvent } from '#shared/schemas/inbound.ts';
import { aggregateItem, entryItem, journalItem, outboxKey } from '#shared/store/customer-items.ts';
import { LOCAL_CREDENTIALS } from '../local/credentials.ts';
import { LOCAL_TABLE_NAME } from '../local/embedded-dynamo.ts';
import { LocalQueue, type QueuedMessage } from '../local/local-queue.ts';
import { startLocalStack } from '../local/stack.ts';
import { bookOf, ORDER_COST_CASES, probesOf } from './engine.ts';
import { type CallCounts, countDynamoCalls, median, peakRssMb, perUnit, pool, round, timedWithCpu } from './measure.ts';
import { profiled } from './profile.ts';
import { batchWriteAll } from './seed.ts';
import { customerIdOf, historyCustomer, tenEventCustomer } from './workload.ts';

export interface IngestBenchOptions {
  customers: number;
  /** PutEvents calls in flight (10 entries each). */
  putConcurrency?: number;
  /** PutItem calls in flight for the raw rate. */
  rawConcurrency?: number;
  /** Probes of each side for the in-order / out-of-order figure against the store: [a year, 3 years]. */
  orderCostTrials?: [number, number];
}

const EVENTS_PER_CUSTOMER = 10;

/** Round k sends every customer's k-th event: each customer's events go out in business order, far apart. */
function interleave<T>(perCustomer: readonly T[][]): T[] {
  const out: T[] = [];
  for (let k = 0; k < EVENTS_PER_CUSTOMER; k++) for (const events of perCustomer) out.push(events[k]!);
  return out;
}

const entryOf = (event: InboundEvent): PutEventsRequestEntry => ({
  EventBusName: 'device-supply',
  Source: expectedSourceFor(event.detailType),
  DetailType: event.detailType,
  Detail: JSON.stringify(event.detail),
});

async function putAll(client: EventBridgeClient, events: readonly InboundEvent[], concurrency: number): Promise<void> {
  await pool(Math.ceil(events.length / 10), concurrency, async (call) => {
    const result = await client.send(
      new PutEventsCommand({ Entries: events.slice(call * 10, call * 10 + 10).map(entryOf) }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents refused entries: ${JSON.stringify(result.Entries)}`);
  });
}

/** The aggregate items the commits of these customers' events write, in the order they are sent. */
function aggregateItems(perCustomer: InboundEvent[][]): Record<string, unknown>[][] {
  return perCustomer.map((events) => {
    let state: CustomerState = emptyCustomerState(events[0]!.detail.customerId);
    return events.map((event) => {
      const decision = decide(state, event, fingerprintOf(event));
      state = decision.state;
      return aggregateItem(state, {
        [outboxKey(state.version)]: { committedAt: Date.now(), effects: decision.effects },
      });
    });
  });
}

/**
 * Counts the records handed to the ingest handlers (one per delivery of one message) and the
 * distinct messages among them, by wrapping the local queues' delivery, as `countDynamoCalls`
 * wraps the DynamoDB client: the stack does not expose its queues' handlers.
 */
function countDeliveries() {
  const proto = LocalQueue.prototype as unknown as {
    handle: (this: LocalQueue, batch: QueuedMessage[]) => Promise<void>;
  };
  const original = proto.handle;
  let deliveries = 0;
  let messages = new Set<string>();
  proto.handle = function (batch) {
    deliveries += batch.length;
    for (const m of batch) messages.add(m.messageId);
    return original.call(this, batch);
  };
  return {
    reset(): void {
      deliveries = 0;
      messages = new Set();
    },
    snapshot: () => ({ deliveries, messages: messages.size }),
    restore(): void {
      proto.handle = original;
    },
  };
}

const rawPuts = (doc: DynamoDBDocumentClient, items: readonly Record<string, unknown>[], concurrency: number) =>
  timedWithCpu(() =>
    pool(
      items.length,
      concurrency,
      async (i) => void (await doc.send(new PutCommand({ TableName: LOCAL_TABLE_NAME, Item: items[i]! }))),
    ),
  );

/** One side of the in-order / out-of-order figure against the store. */
interface StoreOrderSide {
  result: string;
  medianMs: number;
  medianCpuMs: number;
  dynamoCalls: Record<string, number>;
}

/**
 * One more event for a customer with a history, through `ingestMessage` (what each queue's
 * handler runs per record) against the stack's dynalite: one later than everything the
 * customer has (in order: the aggregate alone) and one a month earlier (the journal and the
 * ledger read with two Queries, re-derivation, corrections). Each probe goes to a fresh copy
 * of the customer, seeded with the items the store would hold (the aggregate, with its
 * processed events already handed to the registry, its journal, every entry billed: built by
 * the engine and the store's item code), so that both sides start from the same state.
 * Probes alternate, one at a time.
 */
async function orderCostInStore(
  doc: DynamoDBDocumentClient,
  calls: ReturnType<typeof countDynamoCalls>,
  trials: readonly number[],
) {
  const pipeline = createPipeline(doc, LOCAL_TABLE_NAME, { publish: async () => {} });
  const out = [];
  for (const [index, options] of ORDER_COST_CASES.entries()) {
    const base = `ST${options.months}M`;
    const history = historyCustomer(base, options);
    const { book, journal } = bookOf(history);
    const count = trials[index] ?? 3;
    const copies = (side: string) => Array.from({ length: count }, (_, t) => `${base}-${side}${t}`);
    const rename = <T>(value: T, id: string): T => JSON.parse(JSON.stringify(value).split(base).join(id)) as T;
    const itemsOf = (id: string) => [
      // As the store holds it: processed ids handed to the registry, journal records written out.
      aggregateItem(
        { ...rename(book.state, id), processed: {}, forgottenAt: book.state.version, journalTail: undefined },
        {},
      ),
      ...[...journal.values()].map((r) => journalItem(id, rename(r, id))),
      ...book.entries().map((e) => entryItem(rename(e, id))),
    ];
    const inIds = copies('i');
    const outIds = copies('o');
    await batchWriteAll(doc, LOCAL_TABLE_NAME, [...inIds, ...outIds].flatMap(itemsOf));
    const now = new Date(Date.parse(history.events.at(-1)!.event.detail.occurredAt) + 86_400_000).toISOString();
    const probe = async (event: InboundEvent) => {
      const body = JSON.stringify({
        version: '0',
        id: event.detail.eventId,
        'detail-type': event.detailType,
        source: expectedSourceFor(event.detailType),
        detail: event.detail,
      });
      calls.reset();
      const run = await timedWithCpu(() => ingestMessage(pipeline, { consumer: 'claims', body, delivery: 1 }, now));
      const result = run.value.result === 'dead-lettered' ? `dead-lettered (${run.value.reason})` : run.value.result;
      return { result, ms: run.seconds * 1000, cpuMs: run.cpuSeconds * 1000, calls: calls.snapshot() };
    };
    type Probe = Awaited<ReturnType<typeof probe>>;
    // One probe of each side first, on copies of their own, untimed: the first re-derivation pays for its JIT.
    const warm = `${base}-w`;
    await batchWriteAll(doc, LOCAL_TABLE_NAME, [...itemsOf(`${warm}i`), ...itemsOf(`${warm}o`)]);
    await probe(probesOf(history, `${warm}i`).late);
    await probe(probesOf(history, `${warm}o`).early);
    const sides: { in: Probe[]; out: Probe[] } = { in: [], out: [] };
    for (let t = 0; t < count; t++) {
      sides.in.push(await probe(probesOf(history, inIds[t]).late));
      sides.out.push(await probe(probesOf(history, outIds[t]).early));
    }
    const side = (probes: Probe[]): StoreOrderSide => {
      const results = [...new Set(probes.map((p) => p.result))];
      const total: CallCounts = { total: 0, byKind: {} };
      for (const p of probes) {
        total.total += p.calls.total;
        for (const [kind, n] of Object.entries(p.calls.byKind)) total.byKind[kind] = (total.byKind[kind] ?? 0) + n;
      }
      return {
        result: results.join(', '),
        medianMs: round(median(probes.map((p) => p.ms)), 2),
        medianCpuMs: round(median(probes.map((p) => p.cpuMs)), 2),
        dynamoCalls: perUnit(total, probes.length),
      };
    };
    const inSide = side(sides.in);
    const outSide = side(sides.out);
    // A probe that did not apply (a dead letter: the aggregate item over its limit) is reported as such, not hidden.
    out.push({
      name: options.name,
      events: history.events.length,
      closedMonths: history.closedMonths.length,
      journalRecords: journal.size,
      billedEntries: book.entries().length,
      trials: count,
      inOrder: inSide,
      outOfOrder: outSide,
      ratio: round(outSide.medianMs / inSide.medianMs, 1),
      cpuRatio: round(outSide.medianCpuMs / inSide.medianCpuMs, 1),
    });
  }
  return out;
}

export async function benchIngest(options: IngestBenchOptions) {
  const putConcurrency = options.putConcurrency ?? 8;
  const rawConcurrency = options.rawConcurrency ?? 32;
  const calls = countDynamoCalls();
  const deliveries = countDeliveries();
  const stack = await startLocalStack({ port: 0, dataDir: null, now: '2026-11-01T01:00:00+09:00' });
  const client = new EventBridgeClient({
    endpoint: stack.url,
    region: 'ap-northeast-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const drain = async () => {
    const response = await fetch(`${stack.url}/admin/drain`, { method: 'POST' });
    if (!response.ok) throw new Error(`drain: ${response.status} ${await response.text()}`);
    // `waited`: events recorded on arrival to wait for what they name (§0), each applied when it arrives.
    return (await response.json()) as {
      accepted: number;
      applied: number;
      duplicates: number;
      ignored: number;
      deadLettered: number;
      waited: number;
      pending: number;
    };
  };
  /** Events still waiting for what they name (`GET /admin/waiting`; 0 where the stack has no such route). */
  const waitingNow = async () => {
    const response = await fetch(`${stack.url}/admin/waiting`);
    return response.ok ? ((await response.json()) as { waiting: unknown[] }).waiting.length : 0;
  };
  try {
    const customersOf = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => tenEventCustomer(customerIdOf(prefix, i), i));
    // Warm-up on other customers, so that neither side pays for JIT and first connections.
    const warm = customersOf('W', Math.max(20, Math.round(options.customers / 20)));
    await putAll(client, interleave(warm), putConcurrency);
    await drain();
    const doc = [...calls.clients][0];
    if (!doc || calls.clients.size !== 1)
      throw new Error(`expected the stack's one DynamoDB client, saw ${calls.clients.size}`);
    await rawPuts(doc, interleave(aggregateItems(customersOf('X', warm.length))), rawConcurrency);

    const perCustomer = customersOf('C', options.customers);
    const events = interleave(perCustomer);
    const rawItems = interleave(aggregateItems(customersOf('R', options.customers)));
    const before = await drain();

    calls.reset();
    deliveries.reset();
    const { value: pipeline, profile } = await profiled('ingest', () =>
      timedWithCpu(async () => {
        await putAll(client, events, putConcurrency);
        return drain();
      }),
    );
    const pipelineCalls = calls.snapshot();
    const delivered = deliveries.snapshot();
    const counts = pipeline.value;
    const applied = counts.applied - before.applied;
    // An event that waited on arrival is counted `waited` and applies, uncounted, when what it names arrives.
    const waited = counts.waited - before.waited;
    const deadLettered = counts.deadLettered - before.deadLettered;
    const stillWaiting = await waitingNow();
    if (
      applied + waited !== events.length ||
      deadLettered !== 0 ||
      counts.pending !== 0 ||
      stillWaiting !== 0 ||
      delivered.messages !== events.length
    ) {
      throw new Error(
        `ingest: ${applied} of ${events.length} applied, ${waited} waited, ${stillWaiting} still waiting, ${deadLettered} dead-lettered, ${delivered.messages} messages delivered; before ${JSON.stringify(before)}, after ${JSON.stringify(counts)}`,
      );
    }

    calls.reset();
    const raw = await rawPuts(doc, rawItems, rawConcurrency);
    // After both timed phases, so that neither shares the store with these customers' items.
    const orderCost = await orderCostInStore(doc, calls, options.orderCostTrials ?? [9, 3]);
    const eventsPerSecond = events.length / pipeline.seconds;
    const rawPerSecond = rawItems.length / raw.seconds;
    const callsPerSecond = pipelineCalls.total / pipeline.seconds;
    return {
      events: events.length,
      customers: options.customers,
      putConcurrency,
      rawConcurrency,
      pipelineSeconds: round(pipeline.seconds, 2),
      pipelineCpuSeconds: round(pipeline.cpuSeconds, 2),
      eventsPerSecond: round(eventsPerSecond),
      rawWrites: rawItems.length,
      rawSeconds: round(raw.seconds, 2),
      rawCpuSeconds: round(raw.cpuSeconds, 2),
      rawWritesPerSecond: round(rawPerSecond),
      ratio: round(eventsPerSecond / rawPerSecond, 3),
      /** The same ratio in CPU seconds of this process: much less moved by other work on the machine than wall time. */
      cpuRatio: round(raw.cpuSeconds / rawItems.length / (pipeline.cpuSeconds / events.length), 3),
      goalRatio: 0.5,
      /** Where the time goes: DynamoDB calls per event, by kind, and the pipeline's call rate next to raw. */
      dynamoCallsPerEvent: perUnit(pipelineCalls, events.length),
      pipelineDynamoCallsPerSecond: round(callsPerSecond),
      /**
       * Deliveries per event: records handed to the ingest handlers over distinct events. Above 1
       * when deliveries failed and were retried (before §0 business order, every event that came
       * before the one it names, from another queue, was retried with back-off).
       */
      deliveriesPerEvent: round(delivered.deliveries / events.length, 3),
      deliveries: delivered.deliveries,
      /** Events recorded as waiting on arrival (§0): each applied, without a redelivery, when what it named arrived. */
      waitedOnArrival: waited,
      goalDeliveriesPerEvent: 1.05,
      /** One more event for a customer with a history, in order vs a month earlier, through ingestMessage against the store. */
      orderCost,
      profile,
      peakRssMb: peakRssMb(),
    };
  } finally {
    calls.restore();
    deliveries.restore();
    client.destroy();
    await stack.close();
  }
}
