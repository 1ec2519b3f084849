// Publishes what the engine emitted to EventBridge (source device-supply.billing), at least
// once: each detail carries the stable `eventId` of the emission so consumers can de-duplicate.
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EmittedEvent } from '../domain/index.ts';
import { BILLING_SOURCE, validateOutboundEvent, type OutboundEvent } from '../schemas/outbound.ts';

export interface EventPublisher {
  publish(events: readonly EmittedEvent[]): Promise<void>;
}

/** PutEvents takes at most 10 entries a call. */
const PUT_EVENTS_LIMIT = 10;
const ATTEMPTS = 4;

export function toPutEventsEntry(event: EmittedEvent, busName: string): PutEventsRequestEntry {
  const { detail } = validateOutboundEvent({ detailType: event.detailType, detail: event.detail } as OutboundEvent);
  return { EventBusName: busName, Source: BILLING_SOURCE, DetailType: event.detailType, Detail: JSON.stringify({ ...detail, eventId: event.id }) };
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly EmittedEvent[]): Promise<void> {
    const entries = events.map((e) => toPutEventsEntry(e, this.busName));
    for (let i = 0; i < entries.length; i += PUT_EVENTS_LIMIT) await this.putWithRetry(entries.slice(i, i + PUT_EVENTS_LIMIT));
  }

  /** Resends only the entries EventBridge reports as failed; throws if some still fail. */
  private async putWithRetry(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      const result = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!result.FailedEntryCount) return;
      const failed = pending.filter((_, i) => result.Entries?.[i]?.ErrorCode);
      if (attempt >= ATTEMPTS) {
        const first = result.Entries?.find((e) => e.ErrorCode);
        throw new Error(`PutEvents failed for ${failed.length} entries: ${first?.ErrorCode} ${first?.ErrorMessage ?? ''}`);
      }
      pending = failed;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
