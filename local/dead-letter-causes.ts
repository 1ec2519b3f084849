// Why an event waits, or was dead-lettered as WAITED_7_DAYS, when what it waits for will never
// come because its own event was dead-lettered: "order O1 is not known yet" because the
// OrderPlaced of O1 was MALFORMED. The link is made when dead letters and waiting events are
// listed (`GET /admin/dead-letters`, `GET /admin/waiting`), from the dead letters the listing
// reads anyway: no read more, never stale (a redriven order takes its link away), and nothing
// in the ingest or the sweep depends on it. A dead letter is the only trace of a malformed
// event (its customer's aggregate never saw it), so the engine could not say this itself.
import type { DeadLetter } from '#shared/store/dead-letters.ts';

/** The dead letter of the event that would have brought the order, device or claim another event waits for. */
export interface DeadLetterCause {
  deadLetterId: string;
  detailType: string;
  eventId?: string;
  customerId?: string;
  reason: string;
}

type Kind = 'order' | 'device' | 'claim';

/** What the engine says of an event that waits (shared/domain: orders.ts, claims.ts, returns.ts), after WAITED_7_DAYS: if given up on. */
const NOT_KNOWN_YET = /\b(order|device|claim) (\S+)(?: \(followUpOf\))? is not known yet$/;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The orders, devices and claims a dead-lettered event would have made known: an OrderPlaced its order and devices, a ClaimFiled its claim. */
function introducedBy(letter: DeadLetter): { cause: DeadLetterCause; names: [Kind, string][] } | undefined {
  let message: { 'detail-type'?: unknown; detail?: unknown };
  try {
    message = JSON.parse(letter.body) as typeof message;
  } catch {
    return undefined;
  }
  if (message === null || typeof message !== 'object') return undefined;
  const detail = (message.detail !== null && typeof message.detail === 'object' ? message.detail : {}) as Record<
    string,
    unknown
  >;
  const detailType = letter.detailType ?? text(message['detail-type']);
  const names: [Kind, string][] = [];
  if (detailType === 'OrderPlaced') {
    const orderId = text(detail.orderId);
    if (orderId) names.push(['order', orderId]);
    for (const device of Array.isArray(detail.devices) ? detail.devices : []) {
      const deviceId = text((device as { deviceId?: unknown } | null)?.deviceId);
      if (deviceId) names.push(['device', deviceId]);
    }
  } else if (detailType === 'ClaimFiled') {
    const claimId = text(detail.claimId);
    if (claimId) names.push(['claim', claimId]);
  }
  if (!detailType || names.length === 0) return undefined;
  const cause: DeadLetterCause = { deadLetterId: letter.id, detailType, reason: letter.reason };
  const eventId = letter.eventId ?? text(detail.eventId);
  const customerId = letter.customerId ?? text(detail.customerId);
  if (eventId) cause.eventId = eventId;
  if (customerId) cause.customerId = customerId;
  return { cause, names };
}

/**
 * A lookup over these dead letters: for a customer's event that waits for `reason` ("order O1
 * is not known yet", with or without WAITED_7_DAYS:), the dead letter of the event that names
 * O1 — of the same customer, or of an event whose customerId could not be read.
 */
export function deadLetterCauses(
  letters: readonly DeadLetter[],
): (customerId: string | undefined, reason: string, self?: string) => DeadLetterCause | undefined {
  const byName = new Map<string, { cause: DeadLetterCause; at: string }[]>();
  for (const letter of letters) {
    const found = introducedBy(letter);
    if (!found) continue;
    for (const [kind, id] of found.names) {
      const key = `${kind} ${id}`;
      const list = byName.get(key) ?? [];
      list.push({ cause: found.cause, at: letter.deadLetteredAt });
      byName.set(key, list);
    }
  }
  return (customerId, reason, self) => {
    const match = NOT_KNOWN_YET.exec(reason);
    if (!match) return undefined;
    const candidates = (byName.get(`${match[1]} ${match[2]}`) ?? []).filter(
      (c) => c.cause.deadLetterId !== self && (c.cause.customerId === undefined || c.cause.customerId === customerId),
    );
    // The same customer's before one without a readable customer, then the latest.
    candidates.sort(
      (a, b) =>
        Number(b.cause.customerId === customerId) - Number(a.cause.customerId === customerId) ||
        b.at.localeCompare(a.at),
    );
    return candidates[0]?.cause;
  };
}

/** Whether a reason is one a dead letter can explain (an order, device or claim not known yet). */
export const mayHaveCause = (reason: string): boolean => NOT_KNOWN_YET.test(reason);
