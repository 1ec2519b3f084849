// A waiting event the sweep gave up on (§0 Policy: WAITING_DEAD_LETTER_DAYS) becomes a dead
// letter like any other: its body is the EventBridge event as its consumer receives it, so a
// redrive sends it back to that consumer, where it waits again or applies. The event is the
// journal's, as the engine keeps it, so an OrderPlaced is already reduced (invariant 6).
import type { ExpiredEvent } from '../domain/index.ts';
import { routesFor } from '../routing.ts';
import { INBOUND_SOURCES } from '../schemas/inbound.ts';
import { reducedEnvelope } from '../schemas/reduced-order.ts';
import { type DeadLetter, deadLetterId } from '../store/dead-letters.ts';

export function expiredLetter(expired: ExpiredEvent, at: string): DeadLetter {
  const { event } = expired.record;
  const source = INBOUND_SOURCES[event.detailType];
  const body = JSON.stringify(
    reducedEnvelope(
      { version: '0', source, 'detail-type': event.detailType, time: event.detail.occurredAt },
      event.detail,
    ),
  );
  const consumer = routesFor({ source, 'detail-type': event.detailType })[0]?.consumer ?? 'unrouted';
  return {
    id: deadLetterId(consumer, body),
    consumer,
    reason: expired.reason,
    body,
    deadLetteredAt: at,
    attempts: 1,
    eventId: event.detail.eventId,
    customerId: event.detail.customerId,
    detailType: event.detailType,
  };
}
