// §0 Business order: the order in which a customer's events are applied, whatever order they
// arrive in — by occurredAt instant, then a fixed lifecycle rank of the detail-type, then
// eventId — and the journal record each event is kept as, so that the customer can be
// derived again in that order when an event belongs before events already applied.

import type { InboundDetailType, InboundEvent, OrderPlacedDetail } from '../schemas/inbound.ts';
import { jstDate, wholeYearsBetween } from './calendar.ts';
import { ACCEPTED_PAYMENT_METHODS, MINIMUM_AGE_YEARS } from './policy.ts';

/**
 * The lifecycle rank of each detail-type, for events at the same instant (docs/domain.md):
 * an order before its delivery and its void (a void at the delivery's instant is after it,
 * so refused), a delivery before anything on the device, a claim before its logistics, the
 * deliveries of a claim before its returns (a loaner's damage after its delivery, before its
 * return), and a withdrawal after its claim's deliveries.
 */
export const LIFECYCLE_RANK: Readonly<Record<InboundDetailType, number>> = {
  OrderPlaced: 0,
  DeviceDelivered: 1,
  OrderVoided: 2,
  InstallmentPayoffRequested: 3,
  ProtectionCancelled: 4,
  ClaimFiled: 5,
  ReplacementDelivered: 6,
  LoanerDelivered: 6,
  FaultyDeviceReceived: 7,
  RepairedDeviceDelivered: 8,
  LoanerDamaged: 8,
  DeviceReturned: 9,
  LoanerReturned: 9,
  ClaimWithdrawn: 10,
};

// Milliseconds since 1970 fit 15 digits until the year 33658: keys compare as strings.
export const INSTANT_DIGITS = 15;

/** An instant (milliseconds) as the leading part of a business key. */
export const instantKey = (ms: number): string => String(ms).padStart(INSTANT_DIGITS, '0');

/**
 * The event's place in business order, as a string that sorts that way: instants are
 * compared to the millisecond (as every rule compares them), ranks and eventIds break ties.
 */
export function businessKey(detailType: InboundDetailType, occurredAt: string, eventId: string): string {
  const instant = instantKey(Date.parse(occurredAt));
  return `${instant}#${String(LIFECYCLE_RANK[detailType]).padStart(2, '0')}#${eventId}`;
}

export const keyOf = (event: InboundEvent | RuledEvent): string =>
  businessKey(event.detailType, event.detail.occurredAt, event.detail.eventId);

/**
 * An OrderPlaced as the engine keeps it: the birth date and the payment method are checked
 * and dropped (invariant 6); what a re-derivation needs of them is the outcome of the checks.
 */
export type RuledOrderPlaced = Omit<OrderPlacedDetail, 'customer' | 'paymentMethod'> & {
  personal: { under18: boolean; paymentMethodRefused: boolean };
};

/** An inbound event as the engine applies and journals it (no personal data). */
export type RuledEvent =
  | Exclude<InboundEvent, { detailType: 'OrderPlaced' }>
  | { detailType: 'OrderPlaced'; detail: RuledOrderPlaced };

export function ruledEvent(event: InboundEvent | RuledEvent): RuledEvent {
  if (event.detailType !== 'OrderPlaced' || 'personal' in event.detail) return event as RuledEvent;
  const { customer, paymentMethod, ...rest } = event.detail;
  const personal = {
    under18: wholeYearsBetween(customer.birthDate, jstDate(rest.occurredAt)) < MINIMUM_AGE_YEARS,
    paymentMethodRefused: !ACCEPTED_PAYMENT_METHODS.includes(paymentMethod),
  };
  return { detailType: 'OrderPlaced', detail: { ...rest, personal } };
}

/** One event of the customer's journal: every event applied, ignored or waiting, kept for re-derivation. */
export interface JournalRecord {
  key: string;
  event: RuledEvent;
  fingerprint: string;
  /** When it was first received (processing time: only for how long a waiting event waits). */
  receivedAt: string;
}

export function journalRecordOf(
  event: InboundEvent | RuledEvent,
  fingerprint: string,
  receivedAt: string,
): JournalRecord {
  const ruled = ruledEvent(event);
  return { key: keyOf(ruled), event: ruled, fingerprint, receivedAt };
}

/** An event that names an order, device or claim not known yet: it waits with its customer. */
export interface WaitingEvent {
  record: JournalRecord;
  reason: string;
}

export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
