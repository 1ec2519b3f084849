// An in-process stand-in for one SQS queue and its Lambda event-source mapping: batches of up
// to 10 records go to the same handler the cloud runs, failed records come back after a
// visibility timeout, and a record that fails `maxReceiveCount` times goes to the
// dead-letter callback instead of looping forever, with its body as the pipeline may keep it
// (an OrderPlaced without its birth date and payment method, shared/schemas/reduced-order.ts).
// A message is in at most one delivery at a time, and leaves the queue (onDone) once only:
// two drains at once used to deliver every message twice, and mark it done twice.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import pLimit from 'p-limit';
import { reducedBody } from '#shared/schemas/reduced-order.ts';

export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  /** Epoch ms before which the message is invisible (the visibility timeout after a failed delivery). */
  visibleAt: number;
}

/**
 * The record Lambda's event-source mapping hands the handler for a message of `queue`: the
 * one SQS record builder, of the local queues and of the tests' deliveries
 * (test/support/sqs.ts). The handlers read its messageId, body and ApproximateReceiveCount.
 */
export function queueRecord(
  queue: string,
  message: Pick<QueuedMessage, 'messageId' | 'body' | 'receiveCount'>,
): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.messageId,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: '0',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${queue}`,
    awsRegion: 'local',
  };
}

export const sqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });

export interface LocalQueueOptions {
  name: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  /** Called once a message has failed this many deliveries (the cloud queue's redrive policy). */
  maxReceiveCount: number;
  onDeadLetter: (message: QueuedMessage, reason: string) => Promise<void>;
  /** Called once when a message leaves the queue: handled, or dead-lettered. */
  onDone?: (message: QueuedMessage) => void;
  batchSize?: number;
  /** Batches in flight at once, as Lambda runs several pollers per queue. */
  concurrency?: number;
  /** Hides a failed message for this long before it is delivered again. */
  visibilityTimeoutMs?: number;
}

export class LocalQueue {
  /** Every message not yet done, in the order sent. */
  private readonly messages = new Map<string, QueuedMessage>();
  /** Visible messages in delivery order; `readyHead` skips the ones already taken. */
  private ready: QueuedMessage[] = [];
  private readyHead = 0;
  /** Messages hidden after a failed delivery until their `visibleAt`. */
  private readonly waiting = new Set<QueuedMessage>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of the messages in a delivery now: never handed to a second one at the same time. */
  private readonly delivering = new Set<string>();
  /** Drain passes run one after another, so that two drains never share out the same messages. */
  private passes: Promise<unknown> = Promise.resolve();
  private readonly lastError = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private stopped = false;
  /** Drains holding the poller: each pause() until its own resume(). */
  private pauses = 0;

  constructor(private readonly options: LocalQueueOptions) {}

  get name(): string {
    return this.options.name;
  }

  get depth(): number {
    return this.messages.size;
  }

  send(body: string, messageId: string = randomUUID()): QueuedMessage {
    const message = { messageId, body, receiveCount: 0, visibleAt: 0 };
    this.messages.set(messageId, message);
    this.ready.push(message);
    this.schedule(0);
    return message;
  }

  /** Every message still queued, for persisting across a restart. */
  pending(): QueuedMessage[] {
    return [...this.messages.values()];
  }

  /** Holds the poller until the matching resume(), for a drain that delivers by passes. */
  pause(): void {
    this.pauses++;
  }

  /** Lets the poller deliver again once every drain that paused it has resumed it. */
  resume(): void {
    this.pauses = Math.max(0, this.pauses - 1);
    if (this.pauses === 0) this.schedule(0);
  }

  /**
   * Delivers every queued message once, hidden ones too, and returns whether there was any:
   * a drain repeats passes, so a failed message gets its next try on the next pass instead
   * of after its visibility timeout. Passes of drains at once run one after the other.
   */
  drainPass(): Promise<boolean> {
    const pass = this.passes.then(() => this.pass());
    this.passes = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<boolean> {
    await this.settle();
    if (this.messages.size === 0 || this.stopped) return false;
    const all = [...this.messages.values()];
    this.ready = [];
    this.readyHead = 0;
    this.waiting.clear();
    const size = this.options.batchSize ?? 10;
    const batches: QueuedMessage[][] = [];
    for (let i = 0; i < all.length; i += size) batches.push(all.slice(i, i + size));
    // In the order sent, `concurrency` batches in flight; once stopped, the rest stay queued.
    await pLimit(this.options.concurrency ?? 4).map(batches, (batch) =>
      this.stopped ? undefined : this.track(this.deliver(batch)),
    );
    return true;
  }

  /** Waits for the batches in flight. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops polling; what is in flight finishes, what is queued stays queued. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.settle();
  }

  /** Polls in `ms`, unless a poll is already due sooner (a hidden message must not delay new ones). */
  private schedule(ms: number): void {
    if (this.stopped) return;
    const due = Date.now() + ms;
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.poll();
    }, ms);
    this.timer.unref();
  }

  private poll(): void {
    if (this.pauses > 0 || this.stopped) return;
    const now = Date.now();
    let nextVisible = Number.POSITIVE_INFINITY;
    for (const message of this.waiting) {
      if (message.visibleAt <= now) {
        this.waiting.delete(message);
        this.ready.push(message);
      } else nextVisible = Math.min(nextVisible, message.visibleAt);
    }
    const concurrency = this.options.concurrency ?? 4;
    const size = this.options.batchSize ?? 10;
    while (this.inFlight.size < concurrency && this.readyHead < this.ready.length) {
      const batch = this.ready.slice(this.readyHead, this.readyHead + size);
      this.readyHead += batch.length;
      void this.track(this.deliver(batch)).then(() => this.schedule(0));
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    if (Number.isFinite(nextVisible)) this.schedule(Math.max(0, nextVisible - now));
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async deliver(taken: QueuedMessage[]): Promise<void> {
    // Only messages still queued and in no other delivery: one that is already gone, or being
    // handled elsewhere, must not be handled again in parallel nor be counted done twice.
    const batch = taken.filter((m) => this.messages.get(m.messageId) === m && !this.delivering.has(m.messageId));
    if (batch.length === 0) return;
    for (const m of batch) {
      this.delivering.add(m.messageId);
      m.receiveCount++;
      m.visibleAt = 0;
    }
    try {
      await this.handle(batch);
    } finally {
      for (const m of batch) this.delivering.delete(m.messageId);
    }
    this.schedule(0);
  }

  private async handle(batch: QueuedMessage[]): Promise<void> {
    let failed: Set<string>;
    try {
      const response = await this.options.handler(sqsEvent(batch.map((m) => queueRecord(this.options.name, m))));
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // A handler that throws fails its whole batch, as Lambda does.
      for (const m of batch) this.lastError.set(m.messageId, error instanceof Error ? error.message : String(error));
      failed = new Set(batch.map((m) => m.messageId));
    }
    for (const m of batch) {
      if (!failed.has(m.messageId)) {
        this.remove(m);
        continue;
      }
      if (m.receiveCount >= this.options.maxReceiveCount) {
        const reason = `HANDLER_FAILED: ${this.options.name} failed ${m.receiveCount} deliveries${this.lastError.has(m.messageId) ? `: ${this.lastError.get(m.messageId)}` : ''}`;
        try {
          await this.options.onDeadLetter({ ...m, body: reducedBody(m.body) }, reason);
          this.remove(m);
          continue;
        } catch (error) {
          // Not written to the dead-letter store, so not let go of: it stays queued and is tried again.
          this.lastError.set(
            m.messageId,
            `dead letter not written: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      m.visibleAt = Date.now() + (this.options.visibilityTimeoutMs ?? 2_000);
      this.waiting.add(m);
    }
  }

  private remove(message: QueuedMessage): void {
    if (!this.messages.delete(message.messageId)) return;
    this.lastError.delete(message.messageId);
    this.options.onDone?.(message);
  }
}
