// An in-process stand-in for one SQS queue and its Lambda event-source mapping: batches of up
// to 10 records go to the same handler the cloud runs, failed records come back after a
// visibility timeout (or the back-off the handler asked for), and a record that fails
// `maxReceiveCount` times goes to the dead-letter callback instead of looping forever.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  /** Epoch ms before which the message is invisible (back-off after a failed delivery). */
  visibleAt: number;
}

export interface LocalQueueOptions {
  name: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Called once a message has failed this many deliveries (the cloud queue's redrive policy). */
  maxReceiveCount: number;
  onDeadLetter: (message: QueuedMessage, reason: string) => Promise<void>;
  /** Called when a message leaves the queue: handled, or dead-lettered. */
  onDone?: (message: QueuedMessage) => void;
  batchSize?: number;
  /** Batches in flight at once, as Lambda runs several pollers per queue. */
  concurrency?: number;
  /** Hides a failed message for this long when the handler did not ask for a back-off. */
  visibilityTimeoutMs?: number;
}

export class LocalQueue {
  private readonly messages: QueuedMessage[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly lastError = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private paused = false;

  constructor(private readonly options: LocalQueueOptions) {}

  get name(): string {
    return this.options.name;
  }

  get depth(): number {
    return this.messages.length;
  }

  send(body: string, messageId: string = randomUUID()): QueuedMessage {
    const message = { messageId, body, receiveCount: 0, visibleAt: 0 };
    this.messages.push(message);
    this.schedule(0);
    return message;
  }

  /** Hides a message until `seconds` from now: ChangeMessageVisibility as the handler calls it. */
  delay(messageId: string, seconds: number): void {
    const message = this.messages.find((m) => m.messageId === messageId);
    if (message) message.visibleAt = Date.now() + seconds * 1000;
  }

  /** Every message still queued, for persisting across a restart. */
  pending(): readonly QueuedMessage[] {
    return this.messages;
  }

  /**
   * Delivers until the queue is empty, ignoring back-off: each pass delivers every message
   * once, so a message waiting for an event in another queue gets its next try on the next pass.
   */
  async drainPass(): Promise<boolean> {
    this.paused = true;
    await this.settle();
    if (this.messages.length === 0) return false;
    const batch = [...this.messages];
    const size = this.options.batchSize ?? 10;
    const batches: QueuedMessage[][] = [];
    for (let i = 0; i < batch.length; i += size) batches.push(batch.slice(i, i + size));
    const concurrency = this.options.concurrency ?? 4;
    for (let i = 0; i < batches.length; i += concurrency) {
      await Promise.all(batches.slice(i, i + concurrency).map((b) => this.track(this.deliver(b))));
    }
    return true;
  }

  /** Lets the poller deliver again after a drain. */
  resume(): void {
    this.paused = false;
    this.schedule(0);
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

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.poll();
    }, ms);
    this.timer.unref();
  }

  private poll(): void {
    if (this.paused) return;
    const concurrency = this.options.concurrency ?? 4;
    const size = this.options.batchSize ?? 10;
    const now = Date.now();
    const taken = new Set<QueuedMessage>();
    while (this.inFlight.size < concurrency) {
      const batch = this.messages.filter((m) => m.visibleAt <= now && !taken.has(m)).slice(0, size);
      if (batch.length === 0) break;
      for (const m of batch) {
        taken.add(m);
        m.visibleAt = Number.POSITIVE_INFINITY; // in flight: invisible to other pollers
      }
      void this.track(this.deliver(batch)).then(() => this.schedule(0));
    }
    const next = Math.min(...this.messages.map((m) => m.visibleAt));
    if (Number.isFinite(next)) this.schedule(Math.max(0, next - Date.now()));
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async deliver(batch: QueuedMessage[]): Promise<void> {
    for (const m of batch) {
      m.receiveCount++;
      m.visibleAt = Number.POSITIVE_INFINITY;
    }
    const records = batch.map((m) => this.record(m));
    let failed: Set<string>;
    try {
      const response = await this.options.handler({ Records: records });
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
        await this.options.onDeadLetter(m, reason);
        this.remove(m);
        continue;
      }
      // The handler may already have asked for a back-off through delay(); keep the longer one.
      const backoff = Date.now() + (this.options.visibilityTimeoutMs ?? 2_000);
      m.visibleAt = Number.isFinite(m.visibleAt) ? Math.max(m.visibleAt, backoff) : backoff;
    }
  }

  private remove(message: QueuedMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
    this.lastError.delete(message.messageId);
    this.options.onDone?.(message);
  }

  private record(m: QueuedMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: m.messageId,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: '0',
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.options.name}`,
      awsRegion: 'local',
    };
  }
}
