// Publishes what the engine emitted to EventBridge (source device-supply.billing), at least
// once: each detail carries the stable `eventId` of the emission so consumers can de-duplicate.
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EmittedEvent } from '../domain/index.ts';
import { SameTurnBatch } from '../same-turn-batch.ts';
import { BILLING_SOURCE, type OutboundEvent, validateOutboundEvent } from '../schemas/outbound.ts';

export interface EventPublisher {
  publish(events: readonly EmittedEvent[]): Promise<void>;
}

/** PutEvents takes at most 10 entries a call. */
const PUT_EVENTS_LIMIT = 10;
const ATTEMPTS = 4;

/**
 * The emission's `eventId`: the decision's stable id for its first publication, the id and
 * the revision (`…#2`) for a revised one, so that a consumer de-duplicating by eventId
 * drops a repeat of a publication, never a revision.
 */
export function emissionId(event: EmittedEvent): string {
  const revision = 'revision' in event.detail ? event.detail.revision : undefined;
  return typeof revision === 'number' && revision > 1 ? `${event.id}#${revision}` : event.id;
}

/** Decisions that carry a revision (contract §2); StatementClosed has none. */
const REVISED = new Set<string>(['OrderRejected', 'ClaimAdjudicated', 'PenaltyAssessed']);

export function toPutEventsEntry(event: EmittedEvent, busName: string): PutEventsRequestEntry {
  // An outbox entry committed before decisions had revisions is their first publication.
  const given =
    REVISED.has(event.detailType) && !('revision' in event.detail && event.detail.revision !== undefined)
      ? { ...event.detail, revision: 1 }
      : event.detail;
  // The domain's types are the schemas' (EmittedDetail); an outbox entry may predate a field.
  const { detail } = validateOutboundEvent({ detailType: event.detailType, detail: given } as OutboundEvent);
  return {
    EventBusName: busName,
    Source: BILLING_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify({ ...detail, eventId: emissionId(event) }),
  };
}

interface PublishRequest {
  entries: PutEventsRequestEntry[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes to EventBridge. Publications asked for in the same turn of the event loop (the
 * customers of a close page, the records of a batch) share PutEvents calls of up to 10
 * entries: at 10 million StatementClosed events a month, one call per customer would take
 * hours under the regional PutEvents quota. Each caller is told only about its own entries.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly batch = new SameTurnBatch<PublishRequest>((requests) => void this.flush(requests));

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly EmittedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const entries = events.map((e) => toPutEventsEntry(e, this.busName));
    return new Promise((resolve, reject) => this.batch.add({ entries, resolve, reject }));
  }

  private async flush(requests: PublishRequest[]): Promise<void> {
    const owned = requests.flatMap((request) => request.entries.map((entry) => ({ entry, request })));
    const failures = new Map<PublishRequest, unknown>();
    const calls: Promise<void>[] = [];
    for (let i = 0; i < owned.length; i += PUT_EVENTS_LIMIT) {
      const chunk = owned.slice(i, i + PUT_EVENTS_LIMIT);
      calls.push(
        this.putWithRetry(chunk.map((c) => c.entry)).then(
          (failed) => {
            for (const [index, c] of chunk.entries()) {
              const error = failed.get(index);
              if (error) failures.set(c.request, error);
            }
          },
          (error: unknown) => {
            for (const c of chunk) failures.set(c.request, error);
          },
        ),
      );
    }
    await Promise.all(calls);
    for (const request of requests) {
      if (failures.has(request)) request.reject(failures.get(request));
      else request.resolve();
    }
  }

  /**
   * Resends only the entries EventBridge reports as failed; returns those still failing after
   * the last attempt (by their index in `entries`), with the error to report.
   */
  private async putWithRetry(entries: PutEventsRequestEntry[]): Promise<Map<number, Error>> {
    let pending = entries.map((entry, index) => ({ entry, index }));
    for (let attempt = 1; ; attempt++) {
      const result = await this.client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
      if (!result.FailedEntryCount) return new Map();
      const failed = pending.filter((_, i) => result.Entries?.[i]?.ErrorCode);
      if (attempt >= ATTEMPTS) {
        const first = result.Entries?.find((e) => e.ErrorCode);
        const error = new Error(
          `PutEvents failed for ${failed.length} entries: ${first?.ErrorCode} ${first?.ErrorMessage ?? ''}`,
        );
        return new Map(failed.map((f) => [f.index, error]));
      }
      pending = failed;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
