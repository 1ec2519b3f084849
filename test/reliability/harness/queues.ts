// The SQS side of a run: the consumer queues feeding the real Lambda handler
// (functions/lib/sqs-ingest.ts), in rounds of concurrent invocations. Each customer's first
// deliveries wait in a lane. For the oracle the lane is in business order and holds one record
// in flight at a time; for the chaos run it is a random permutation drawn from the run's rng,
// and several of its records may be in flight at once, in different invocations: any order
// must give the ledger and decisions of business order (billing rules §0). A crashed
// invocation's records come back with their receive count raised, as SQS would hand them back.
// Once an event is recorded, its further copies join a pool and arrive at random later times,
// in any batch, concurrently with anything.
import type { Context } from 'aws-lambda';
import { CONSUMERS, type Consumer } from '#shared/routing.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { reducedBody } from '#shared/schemas/reduced-order.ts';
import { busEventBody, sqsEvent, sqsRecord } from '#test/support/sqs.ts';
import { makeIngestHandler } from '../../../functions/lib/sqs-ingest.ts';
import { processingClock } from './clock.ts';
import { type CrashCounts, crashingPipeline, Invocation, noCrashes, randomCrashPlan } from './crash.ts';
import { takeLoggedError } from './handler-logs.ts';
import type { Rng } from './rng.ts';
import type { StreamEvent } from './streams.ts';

export interface Message {
  event: StreamEvent;
  body: string;
  receiveCount: number;
  /** A further copy of an event already recorded, not one of its first deliveries. */
  copy: boolean;
}

export interface DeliveryOptions {
  rng: Rng;
  /** Handler invocations run at once in a round. */
  concurrency: number;
  /** Records per invocation, at most (SQS batch size). */
  maxBatch: number;
  /**
   * `business`: each customer's events one at a time, in business order (the oracle);
   * `random`: in a random order, several at once (the chaos run).
   */
  order: 'business' | 'random';
  /** Chance that an invocation carries a crash plan. */
  crashRate: number;
  /** Chance that a batch slot goes to a copy rather than a first delivery. */
  copyShare: number;
  /** Further copies of an event, sent once it is recorded. */
  copiesOf: (event: StreamEvent) => number;
  /** The event as this run sends it (JST or another offset). */
  payload: (event: StreamEvent) => InboundEvent;
}

export interface DeliveryStats {
  deliveries: number;
  /** Deliveries of copies of an already recorded event (duplicates). */
  duplicates: number;
  /** Deliveries of an event after a later one (in business order) of its customer. */
  outOfOrder: number;
  crashes: CrashCounts;
  /** Records handed back because their invocation crashed. */
  crashRedeliveries: number;
  /** Deliveries recorded as waiting for the order, device or claim they name. */
  waiting: number;
  /** Records that failed for any other reason, with the logged error. */
  handlerErrors: string[];
  versionConflicts: number;
}

const emptyStats = (): DeliveryStats => ({
  deliveries: 0,
  duplicates: 0,
  outOfOrder: 0,
  crashes: noCrashes(),
  crashRedeliveries: 0,
  waiting: 0,
  handlerErrors: [],
  versionConflicts: 0,
});

export class DeliveryQueues {
  private readonly lanes = new Map<string, Message[]>();
  private readonly copies = new Map<Consumer, Message[]>(CONSUMERS.map((c) => [c, []]));
  private readonly released = new Set<string>();
  /** The latest business key delivered of each customer, to count deliveries out of business order. */
  private readonly latestKey = new Map<string, string>();
  /** Processing time as the handler sees it (its `now`, kept as a waiting event's receivedAt), set by the run. */
  now = new Date(0).toISOString();
  readonly stats = emptyStats();

  constructor(
    private readonly base: Pipeline,
    private readonly options: DeliveryOptions,
  ) {}

  /** First deliveries (or redriven bodies) of events, each into its customer's lane. */
  send(events: readonly StreamEvent[], bodies?: readonly string[]): void {
    for (const [i, event] of events.entries())
      this.toLane({ event, body: bodies?.[i] ?? this.newBody(event), receiveCount: 1, copy: false });
  }

  /** Delivers until every lane is empty; copies not yet sent stay for later rounds. */
  async drain(): Promise<void> {
    while (this.lanes.size > 0) await this.round();
  }

  async flushCopies(): Promise<void> {
    while ([...this.copies.values()].some((c) => c.length > 0)) await this.round();
  }

  private newBody(event: StreamEvent): string {
    return busEventBody(this.options.payload(event));
  }

  private toLane(message: Message): void {
    const lane = this.lanes.get(message.event.customerId) ?? [];
    let at = lane.length;
    if (this.options.order === 'random') at = this.options.rng.int(lane.length + 1);
    else while (at > 0 && lane[at - 1]!.event.key > message.event.key) at--;
    lane.splice(at, 0, message);
    this.lanes.set(message.event.customerId, lane);
  }

  /** The customer's next record for `consumer`: its lane's head in business order, else the first of that queue. */
  private takeFromLane(customerId: string, consumer: Consumer, inFlight: Set<string>): Message | undefined {
    const lane = this.lanes.get(customerId);
    if (!lane) return undefined;
    const random = this.options.order === 'random';
    if (!random && inFlight.has(customerId)) return undefined;
    const at = random
      ? lane.findIndex((m) => m.event.consumer === consumer)
      : lane[0]!.event.consumer === consumer
        ? 0
        : -1;
    if (at === -1) return undefined;
    const [message] = lane.splice(at, 1);
    if (lane.length === 0) this.lanes.delete(customerId);
    inFlight.add(customerId);
    const { key } = message!.event;
    const latest = this.latestKey.get(customerId);
    if (latest !== undefined && key < latest) this.stats.outOfOrder++;
    else this.latestKey.set(customerId, key);
    return message;
  }

  private takeCopy(consumer: Consumer): Message | undefined {
    const pool = this.copies.get(consumer)!;
    if (pool.length === 0) return undefined;
    const at = this.options.rng.int(pool.length);
    const message = pool[at]!;
    pool[at] = pool.at(-1)!;
    pool.pop();
    return message;
  }

  private async round(): Promise<void> {
    const { rng, concurrency, maxBatch, copyShare } = this.options;
    const inFlight = new Set<string>();
    const batches: { consumer: Consumer; messages: Message[] }[] = [];
    for (let n = 0; n < concurrency; n++) {
      const customers = [...this.lanes.keys()];
      const consumer = rng.pick(CONSUMERS);
      const size = 1 + rng.int(maxBatch);
      const messages: Message[] = [];
      for (let tries = 0; messages.length < size && tries < size * 3; tries++) {
        const wantsCopy = customers.length === 0 || rng.chance(copyShare);
        const message = wantsCopy
          ? this.takeCopy(consumer)
          : this.takeFromLane(rng.pick(customers), consumer, inFlight);
        if (message) messages.push(message);
      }
      if (messages.length > 0) batches.push({ consumer, messages });
    }
    if (batches.length === 0) {
      // No random pick found a record (a lane head of its queue, or a copy in its pool): take one
      // for sure, so every round progresses. Once the lanes are empty only copies are left, and
      // all the picks may have drawn queues whose pools are empty.
      const head = this.lanes.entries().next().value;
      if (head) {
        const [customerId, lane] = head;
        batches.push({
          consumer: lane[0]!.event.consumer,
          messages: [this.takeFromLane(customerId, lane[0]!.event.consumer, inFlight)!],
        });
      } else {
        const consumer = CONSUMERS.find((c) => this.copies.get(c)!.length > 0)!;
        batches.push({ consumer, messages: [this.takeCopy(consumer)!] });
      }
    }
    const crashed = await Promise.all(batches.map((b) => this.invoke(b.consumer, b.messages)));
    if (crashed.some(Boolean)) processingClock.visibilityTimeoutElapsed();
  }

  /** One handler invocation; returns whether it crashed. */
  private async invoke(consumer: Consumer, messages: Message[]): Promise<boolean> {
    const { rng, crashRate } = this.options;
    const inv = new Invocation(rng.chance(crashRate) ? randomCrashPlan(rng, messages.length) : undefined);
    const handler = makeIngestHandler(crashingPipeline(this.base, inv), consumer, {
      now: () => this.now,
      onResult: (r) => void (r.result === 'waiting' && this.stats.waiting++),
    });
    const records = messages.map((m) => sqsRecord(m.body, m.receiveCount));
    const response = await handler(sqsEvent(records), {} as Context);
    await inv.settled();
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    this.stats.deliveries += messages.length;
    this.stats.duplicates += messages.filter((m) => m.copy).length;
    this.stats.versionConflicts += inv.conflicts;
    const retry = (m: Message) =>
      m.copy
        ? this.copies.get(consumer)!.push({ ...m, receiveCount: m.receiveCount + 1 })
        : this.toLane({ ...m, receiveCount: m.receiveCount + 1 });
    if (inv.crashedAt) {
      // No batch response reaches SQS: every record of the batch comes back.
      this.stats.crashes.ingest[inv.crashedAt]++;
      this.stats.crashRedeliveries += messages.length;
      messages.forEach(retry);
      for (const r of records) takeLoggedError(r.messageId);
      return true;
    }
    messages.forEach((m, i) => {
      const id = records[i]!.messageId;
      const error = takeLoggedError(id);
      if (failed.has(id)) {
        this.stats.handlerErrors.push(
          `${m.event.eventId} (${m.event.inJst.detailType}): ${error ?? 'failed without a logged error'}`,
        );
        retry(m);
        return;
      }
      const kept = reducedBody(m.body);
      const deadLettered = inv.deadLetters.some((l) => l.body === kept);
      if (m.copy || deadLettered || this.released.has(m.event.eventId)) return;
      this.released.add(m.event.eventId);
      for (let k = 0; k < this.options.copiesOf(m.event); k++)
        this.copies.get(consumer)!.push({ event: m.event, body: this.newBody(m.event), receiveCount: 1, copy: true });
    });
    return false;
  }
}
