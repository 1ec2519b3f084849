// Checkpoints of re-derivation (§0): an event that belongs before others is decided again
// from the nearest point that lets it, not from the customer's first event. A checkpoint is
// the customer derived from every event before the start of a business month M (a snapshot of
// facts, kept beside the aggregate). An event can change no entry of a business month before
// its own — nor before its claim's filing, for a withdrawal or a logistics event (its fee) —
// so when that month is M or later, the re-derivation reads only the journal from M on and
// the ledger billed from M on, and compares only business months from M on.

import type { InboundEvent } from '../schemas/inbound.ts';
import { INSTANT_DIGITS, instantKey, type JournalRecord, keyOf, type RuledEvent } from './business-order.ts';
import { addMonths, jstMonth, type Month, monthOf } from './calendar.ts';
import { hashOf } from './decisions.ts';
import { getOwn } from './records.ts';
import type { CustomerState, LedgerEntry, Snapshot } from './types.ts';

/**
 * What a re-derivation reads besides the aggregate: the customer's journal and every entry
 * billed — or, from a checkpoint (`checkpoint.ts`), the journal from the start of `from.month`
 * on, the entries billed from that month on, and the customer derived from the events before.
 */
export interface CustomerHistory {
  journal: readonly JournalRecord[];
  billed: readonly LedgerEntry[];
  from?: { month: Month; snapshot: CustomerState };
}

/** The smallest business key of an event at or after the start of `month` (JST). */
export function monthStartKey(month: Month): string {
  return `${instantKey(Date.parse(`${month}-01T00:00:00+09:00`))}#`;
}

/** The JST month of the instant a business key starts with. */
export function monthOfKey(key: string): Month {
  return jstMonth(new Date(Number(key.slice(0, INSTANT_DIGITS))).toISOString());
}

/** The first business month whose entries the event can change. */
export function affectedFrom(state: CustomerState, event: InboundEvent | RuledEvent): Month {
  let month = jstMonth(event.detail.occurredAt);
  const claimId = 'claimId' in event.detail && event.detailType !== 'ClaimFiled' ? event.detail.claimId : undefined;
  const claim = claimId === undefined ? undefined : getOwn(state.claims, claimId);
  if (claim && monthOf(claim.filedOn) < month) month = monthOf(claim.filedOn);
  return month;
}

/** The checkpoint a re-derivation of `event` may start from, if the customer has one that lets it. */
export function usableCheckpoint(state: CustomerState, event: InboundEvent | RuledEvent): CustomerState['checkpoint'] {
  const checkpoint = state.checkpoint;
  if (!checkpoint || keyOf(event) < monthStartKey(checkpoint.month) || affectedFrom(state, event) < checkpoint.month)
    return undefined;
  return checkpoint;
}

/**
 * How many events a re-derivation replays before it leaves a checkpoint: below that, reading
 * the whole history (one Query) costs less than keeping and reading a snapshot.
 */
export const CHECKPOINT_MIN_EVENTS = 100;

/**
 * Where the next checkpoint goes: the start of the month before the latest event's. Late
 * events are mostly days late, so most re-derivations then read about two months of events.
 */
export function nextCheckpointMonth(lastKey: string): Month {
  return addMonths(monthOfKey(lastKey), -1);
}

/** A snapshot's state: the derived facts, without entries or bookkeeping of the aggregate. */
export function snapshotOf(derived: CustomerState, month: Month): Snapshot {
  const state = structuredClone(derived);
  state.openEntries = [];
  state.processed = {};
  return { month, hash: hashOf(state), state };
}

/**
 * The history of a re-derivation from what an in-memory customer keeps (every journal record
 * and entry, and its latest snapshot): from the checkpoint when one is usable, else all.
 */
export function historyFor(
  state: CustomerState,
  event: InboundEvent | RuledEvent,
  journal: readonly JournalRecord[],
  billed: readonly LedgerEntry[],
  snapshot: Snapshot | undefined,
): CustomerHistory {
  const checkpoint = usableCheckpoint(state, event);
  if (!checkpoint || !snapshot || snapshot.hash !== checkpoint.hash) return { journal, billed };
  const from = monthStartKey(checkpoint.month);
  return {
    journal: journal.filter((r) => r.key >= from),
    billed: billed.filter((e) => e.billingMonth >= checkpoint.month),
    from: { month: checkpoint.month, snapshot: snapshot.state },
  };
}

/**
 * A checkpoint holds the events before its month as they were; one of them leaving the
 * journal (a waiting event given up on) makes it stale, and the customer forgets it.
 */
export function forgetStaleCheckpoint(
  next: CustomerState,
  expired: readonly { record: JournalRecord }[] | undefined,
): void {
  if (!next.checkpoint || !expired?.length) return;
  const start = monthStartKey(next.checkpoint.month);
  if (expired.some((x) => x.record.key < start)) delete next.checkpoint;
}
