// Ingest end to end: events from PutEvents on the local stack until `POST /admin/drain`
// reports them applied (committed and projected in dynalite), next to the raw rate of as many
// plain PutItem calls of the aggregate items those events commit, issued to the same dynalite
// through the same client the stack uses.
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decide, emptyCustomerState, type CustomerState } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { expectedSourceFor, type InboundEvent } from '#shared/schemas/inbound.ts';
import { aggregateItem, outboxKey } from '#shared/store/customer-store.ts';
import { startLocalStack } from '../local/stack.ts';
import { LOCAL_TABLE_NAME } from '../local/embedded-dynamo.ts';
import { LocalQueue, type QueuedMessage } from '../local/local-queue.ts';
import { countDynamoCalls, peakRssMb, perUnit, pool, round, timedWithCpu } from './measure.ts';
import { profiled } from './profile.ts';
import { customerIdOf, tenEventCustomer } from './workload.ts';

export interface IngestBenchOptions {
  customers: number;
  /** PutEvents calls in flight (10 entries each). */
  putConcurrency?: number;
  /** PutItem calls in flight for the raw rate. */
  rawConcurrency?: number;
}

const EVENTS_PER_CUSTOMER = 10;
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Round k sends every customer's k-th event: each customer's events go out in business order, far apart. */
function interleave<T>(perCustomer: readonly T[][]): T[] {
  const out: T[] = [];
  for (let k = 0; k < EVENTS_PER_CUSTOMER; k++) for (const events of perCustomer) out.push(events[k]!);
  return out;
}

const entryOf = (event: InboundEvent): PutEventsRequestEntry => ({ EventBusName: 'device-supply', Source: expectedSourceFor(event.detailType), DetailType: event.detailType, Detail: JSON.stringify(event.detail) });

async function putAll(client: EventBridgeClient, events: readonly InboundEvent[], concurrency: number): Promise<void> {
  await pool(Math.ceil(events.length / 10), concurrency, async (call) => {
    const result = await client.send(new PutEventsCommand({ Entries: events.slice(call * 10, call * 10 + 10).map(entryOf) }));
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
      return aggregateItem(state, { [outboxKey(state.version)]: { committedAt: Date.now(), effects: decision.effects } });
    });
  });
}

/**
 * Counts the records handed to the ingest handlers (one per delivery of one message) and the
 * distinct messages among them, by wrapping the local queues' delivery, as `countDynamoCalls`
 * wraps the DynamoDB client: the stack does not expose its queues' handlers.
 */
function countDeliveries() {
  const proto = LocalQueue.prototype as unknown as { handle: (this: LocalQueue, batch: QueuedMessage[]) => Promise<void> };
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
  timedWithCpu(() => pool(items.length, concurrency, async (i) => void (await doc.send(new PutCommand({ TableName: LOCAL_TABLE_NAME, Item: items[i]! })))));

export async function benchIngest(options: IngestBenchOptions) {
  const putConcurrency = options.putConcurrency ?? 8;
  const rawConcurrency = options.rawConcurrency ?? 32;
  const calls = countDynamoCalls();
  const deliveries = countDeliveries();
  const stack = await startLocalStack({ port: 0, dataDir: null, now: '2026-11-01T01:00:00+09:00' });
  const client = new EventBridgeClient({ endpoint: stack.url, region: 'ap-northeast-1', credentials: CREDENTIALS, maxAttempts: 1 });
  const drain = async () => {
    const response = await fetch(`${stack.url}/admin/drain`, { method: 'POST' });
    if (!response.ok) throw new Error(`drain: ${response.status} ${await response.text()}`);
    // `waiting` (events recorded on arrival to wait for what they name, §0) is absent before the business-order change.
    const counts = (await response.json()) as { accepted: number; applied: number; duplicates: number; ignored: number; deadLettered: number; waiting?: number; pending: number };
    return { ...counts, waiting: counts.waiting ?? 0 };
  };
  /** Events still waiting for what they name (`GET /admin/waiting`; 0 where the stack has no such route). */
  const waitingNow = async () => {
    const response = await fetch(`${stack.url}/admin/waiting`);
    return response.ok ? ((await response.json()) as { waiting: unknown[] }).waiting.length : 0;
  };
  try {
    const customersOf = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => tenEventCustomer(customerIdOf(prefix, i), i));
    // Warm-up on other customers, so that neither side pays for JIT and first connections.
    const warm = customersOf('W', Math.max(20, Math.round(options.customers / 20)));
    await putAll(client, interleave(warm), putConcurrency);
    await drain();
    const doc = [...calls.clients][0];
    if (!doc || calls.clients.size !== 1) throw new Error(`expected the stack's one DynamoDB client, saw ${calls.clients.size}`);
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
    // An event that waited on arrival is counted `waiting` and applies, uncounted, when what it names arrives.
    const waited = counts.waiting - before.waiting;
    const deadLettered = counts.deadLettered - before.deadLettered;
    const stillWaiting = await waitingNow();
    if (applied + waited !== events.length || deadLettered !== 0 || counts.pending !== 0 || stillWaiting !== 0 || delivered.messages !== events.length) {
      throw new Error(
        `ingest: ${applied} of ${events.length} applied, ${waited} waited, ${stillWaiting} still waiting, ${deadLettered} dead-lettered, ${delivered.messages} messages delivered; before ${JSON.stringify(before)}, after ${JSON.stringify(counts)}`,
      );
    }

    calls.reset();
    const raw = await rawPuts(doc, rawItems, rawConcurrency);
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
