// §0 Waiting events: an event whose order, device or claim is not known yet stays with its
// customer (in the journal and the aggregate's waiting list) and takes effect when what it
// names arrives; one that waits too long is given up on by the sweep.

import type { WaitingEvent } from './business-order.ts';
import { type CalendarDate, jstDate } from './calendar.ts';
import { nextDeadline } from './deadlines.ts';
import { WAITING_DEAD_LETTER_DAYS } from './policy.ts';
import type { CustomerState } from './types.ts';

const DAY_MS = 86_400_000;

/** The instant a waiting event is given up on. */
const expiresAt = (w: WaitingEvent): number => Date.parse(w.record.receivedAt) + WAITING_DEAD_LETTER_DAYS * DAY_MS;

/** The waiting events due to be dead-lettered at `asOf`. */
export function expiredWaiting(state: CustomerState, asOf: string): WaitingEvent[] {
  const now = Date.parse(asOf);
  return (state.waiting ?? []).filter((w) => expiresAt(w) <= now);
}

/** The JST date on which the sweep next gives up on a waiting event (for the store's due index). */
export function nextWaitingExpiry(state: CustomerState): CalendarDate | undefined {
  let earliest: number | undefined;
  for (const w of state.waiting ?? []) {
    const at = expiresAt(w);
    if (earliest === undefined || at < earliest) earliest = at;
  }
  return earliest === undefined ? undefined : jstDate(new Date(earliest).toISOString());
}

/** The earliest day the sweep has something to do for this customer: a deadline or a waiting event to give up on. */
export function nextDueDate(state: CustomerState): CalendarDate | undefined {
  const deadline = nextDeadline(state);
  const expiry = nextWaitingExpiry(state);
  if (!deadline) return expiry;
  return expiry && expiry < deadline ? expiry : deadline;
}

/** Removes events given up on from the journal records the aggregate still holds. */
export function dropFromTail(
  next: CustomerState,
  expired: readonly { record: { event: { detail: { eventId: string } } } }[] | undefined,
): void {
  if (!next.journalTail || !expired?.length) return;
  const gone = new Set(expired.map((x) => x.record.event.detail.eventId));
  const kept = next.journalTail.filter((r) => !gone.has(r.event.detail.eventId));
  if (kept.length > 0) next.journalTail = kept;
  else delete next.journalTail;
}
