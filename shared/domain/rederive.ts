// §0 Re-derivation: an event that belongs before events already applied decides everything
// again. The customer's journal (every event applied, ignored or waiting, plus the new one)
// is applied in business order to a fresh aggregate; every month already closed is billed as
// its close would bill it, and every deadline a sweep or close has judged is judged again on
// what is known now. The ledger that gives is compared with the ledger as billed, group by
// group, and the difference becomes corrections (`ledger-diff.ts`); every decision that
// changed is published again with its revision raised (`decisions.ts`).

import { applyRuled, type Decision, type DecisionOutcome, retryWaiting } from './apply.ts';
import { byKey, type JournalRecord, type WaitingEvent } from './business-order.ts';
import { addMonths, type Month, monthOf } from './calendar.ts';
import {
  CHECKPOINT_MIN_EVENTS,
  type CustomerHistory,
  forgetStaleCheckpoint,
  monthStartKey,
  nextCheckpointMonth,
  snapshotOf,
} from './checkpoint.ts';
import { assessDueDeadlines, billMonth } from './close.ts';
import { derivedDecisions, stampRevisions } from './decisions.ts';
import { present } from './invariant.ts';

export type { CustomerHistory } from './checkpoint.ts';

import type { PenaltyKind } from '../schemas/outbound.ts';
import { businessMonthOf, correctionsBetween, groupByObligation, groupsByClaim } from './ledger-diff.ts';
import { getOwn, setOwn } from './records.ts';
import {
  type ClaimState,
  type CustomerState,
  type DeviceState,
  emptyCustomerState,
  emptyEffects,
  type LedgerEntry,
  type Snapshot,
} from './types.ts';
import { dropFromTail } from './waiting.ts';

/** The journal, the aggregate's waiting events and the new event, once each, in business order. */
function journalInOrder(state: CustomerState, history: CustomerHistory, incoming: JournalRecord): JournalRecord[] {
  const byId = new Map<string, JournalRecord>();
  const add = (r: JournalRecord) => {
    if (!byId.has(r.event.detail.eventId)) byId.set(r.event.detail.eventId, r);
  };
  history.journal.forEach(add);
  for (const r of state.journalTail ?? []) add(r);
  for (const w of state.waiting ?? []) add(w.record);
  add(incoming);
  return [...byId.values()].sort(byKey);
}

/** The first month anything of the customer can bill in: that of its earliest order. */
function firstMonthOf(state: CustomerState): Month | undefined {
  let first: Month | undefined;
  for (const order of Object.values(state.orders))
    if (!first || monthOf(order.placedOn) < first) first = monthOf(order.placedOn);
  return first;
}

/** The ledger as billed, once per entry: the history's and the aggregate's open entries. */
function billedLedger(state: CustomerState, history: CustomerHistory): LedgerEntry[] {
  const seen = new Map<string, LedgerEntry>();
  for (const e of [...history.billed, ...state.openEntries]) seen.set(`${e.billingMonth}#${e.entryId}`, e);
  return [...seen.values()];
}

/** Keeps every billing round at least where it was, one more where a correction credited a charge. */
function carryRounds(
  next: CustomerState,
  previous: CustomerState,
  creditedDevices: Set<string>,
  creditedClaims: Set<string>,
): void {
  for (const [id, device] of Object.entries(next.devices)) {
    const round =
      Math.max(device.billingRound ?? 0, getOwn(previous.devices, id)?.billingRound ?? 0) +
      (creditedDevices.has(id) ? 1 : 0);
    if (round > 0) setOwn<DeviceState>(next.devices, id, { ...device, billingRound: round });
  }
  for (const [id, claim] of Object.entries(next.claims)) {
    const round =
      Math.max(claim.billingRound ?? 0, getOwn(previous.claims, id)?.billingRound ?? 0) +
      (creditedClaims.has(id) ? 1 : 0);
    if (round > 0) setOwn<ClaimState>(next.claims, id, { ...claim, billingRound: round });
  }
}

/** The customer derived from a snapshot: its facts, under the aggregate's id, nothing billed. */
function fromSnapshot(customerId: string, snapshot: CustomerState): CustomerState {
  return { ...structuredClone(snapshot), customerId, version: 0, processed: {}, openEntries: [] };
}

/**
 * Decides `incoming` by deriving the customer again (see the file comment). From a
 * checkpoint, an entry of an earlier month that the events would change means the checkpoint
 * does not let it after all: the answer is then `needs-history`, for the whole history.
 */
export function rederive(state: CustomerState, history: CustomerHistory, incoming: JournalRecord): Decision {
  const from = history.from;
  const startKey = from ? monthStartKey(from.month) : '';
  const derived = from ? fromSnapshot(state.customerId, from.snapshot) : emptyCustomerState(state.customerId);
  const sink = emptyEffects();
  const processed = { ...state.processed };
  const wasWaiting = new Set((state.waiting ?? []).map((w) => w.record.event.detail.eventId));
  // Waiting events a retry applies; those that were waiting in the aggregate become recorded.
  const resolved: Record<string, string> = {};
  // Raised below by what applies or is refused; waiting events do not count (types.ts).
  let lastKey = state.lastKey ?? '';
  const records = journalInOrder(state, history, incoming).filter((r) => r.key >= startKey);
  const latest = present(records.at(-1), 'the journal holds at least the incoming event').key;
  // The next checkpoint is placed by the latest event applied or refused (waiting ones do not
  // count, as for `lastKey`): any later event in order then lies after its month.
  const checkpointMonth = nextCheckpointMonth(lastKey || latest);
  const checkpointKey = monthStartKey(checkpointMonth);
  const takeCheckpoint = (!from || checkpointMonth > from.month) && records.length >= CHECKPOINT_MIN_EVENTS;
  let checkpoint: Snapshot | undefined;
  let incomingOutcome: DecisionOutcome | undefined;
  for (const record of records) {
    if (takeCheckpoint && !checkpoint && record.key >= checkpointKey) checkpoint = snapshotOf(derived, checkpointMonth);
    const outcome = applyRuled(derived, record.event, sink);
    const isIncoming = record === incoming;
    if (outcome.outcome === 'invalid') {
      // An id reused by two events: the one received second is refused, whichever is earlier.
      if (isIncoming) return { outcome, state, effects: emptyEffects(), changed: false };
      // A recorded event that the events now before it make invalid (an id they took first, a
      // re-exchange whose earlier replacement has no value): given up on, as a waiting event
      // is — dead-lettered with its reason and no longer recorded, so a redrive takes it again.
      sink.expired ??= [];
      sink.expired.push({ record, reason: outcome.reason });
      delete processed[record.event.detail.eventId];
      continue;
    }
    if (outcome.outcome === 'pending') {
      derived.waiting = [...(derived.waiting ?? []), { record, reason: outcome.reason } satisfies WaitingEvent];
      if (isIncoming) incomingOutcome = { outcome: 'waiting', reason: outcome.reason };
      continue;
    }
    if (isIncoming) incomingOutcome = outcome;
    if (record.key > lastKey) lastKey = record.key;
    // Only what was not recorded yet is recorded now: the new event, a waiting one that
    // applies. The others are recorded already, or forgotten into the registry on purpose.
    if (isIncoming || wasWaiting.has(record.event.detail.eventId))
      setOwn(processed, record.event.detail.eventId, record.fingerprint);
    if (outcome.outcome === 'applied' && derived.waiting) {
      const before = new Set(derived.waiting.map((w) => w.record.event.detail.eventId));
      const applied = retryWaiting(derived, sink, resolved);
      if (applied !== undefined && applied > lastKey) lastKey = applied;
      const left = new Set((derived.waiting ?? []).map((w) => w.record.event.detail.eventId));
      if (
        incomingOutcome?.outcome === 'waiting' &&
        before.has(incoming.event.detail.eventId) &&
        !left.has(incoming.event.detail.eventId)
      ) {
        incomingOutcome = { outcome: 'applied' };
      }
    }
  }
  if (takeCheckpoint && !checkpoint) checkpoint = snapshotOf(derived, checkpointMonth);
  if (from && derived.openEntries.some((e) => businessMonthOf(e) < from.month))
    return { outcome: { outcome: 'needs-history' }, state, effects: emptyEffects(), changed: false };
  for (const [eventId, fp] of Object.entries(resolved))
    if (wasWaiting.has(eventId) || eventId === incoming.event.detail.eventId) setOwn(processed, eventId, fp);
  // An event applied before that now waits (what it names turned out rejected) is no longer
  // recorded as processed: given up on and redriven, it must be taken again, not a duplicate.
  for (const w of derived.waiting ?? []) delete processed[w.record.event.detail.eventId];
  // Every closed month billed as its close bills it, every judged deadline judged again.
  const first = firstMonthOf(derived);
  if (first && state.closedThrough)
    for (let m = first; m <= state.closedThrough; m = addMonths(m, 1)) billMonth(derived, m, sink);
  if (state.sweptThrough) assessDueDeadlines(derived, state.sweptThrough, sink);

  const version = state.version + 1;
  // From a checkpoint, only the months from it on are compared: the events change none before.
  const inScope = (e: LedgerEntry) => !from || businessMonthOf(e) >= from.month;
  const billed = billedLedger(state, history).filter(inScope);
  const corrections = correctionsBetween(billed, derived.openEntries.filter(inScope), {
    customerId: state.customerId,
    closedThrough: state.closedThrough,
    version,
    causedBy: incoming.event.detail.eventId,
  });

  const next: CustomerState = {
    ...derived,
    version,
    processed,
    openEntries: [...state.openEntries, ...corrections.entries],
    journaled: true,
    journalTail: [...(state.journalTail ?? []), incoming],
  };
  if (lastKey) next.lastKey = lastKey;
  else delete next.lastKey;
  if (checkpoint) next.checkpoint = { month: checkpoint.month, hash: checkpoint.hash };
  else if (state.checkpoint) next.checkpoint = state.checkpoint;
  if (state.closedThrough) next.closedThrough = state.closedThrough;
  else delete next.closedThrough;
  if (state.forgottenAt !== undefined) next.forgottenAt = state.forgottenAt;
  if (state.published) next.published = state.published;
  if (state.sweptThrough) next.sweptThrough = state.sweptThrough;
  else delete next.sweptThrough;
  if (state.corrected || corrections.entries.length > 0) next.corrected = true;
  if (!derived.waiting) delete next.waiting;
  carryRounds(next, state, corrections.creditedDevices, corrections.creditedClaims);

  const actual = groupsByClaim(groupByObligation([...billed, ...corrections.entries]));
  const charge = (live: boolean) => (claimId: string, kind: PenaltyKind) => {
    let found: LedgerEntry | undefined;
    for (const group of actual.get(`${kind} ${claimId}`) ?? []) {
      const candidate = live
        ? group.net > 0
          ? group.live.at(-1)
          : undefined
        : group.all.filter((e) => e.amountYen > 0).at(-1);
      if (candidate) found = candidate;
    }
    return found;
  };
  const emitted = stampRevisions(next, derivedDecisions(next, { live: charge(true), lastBilled: charge(false) }));
  const effects = emptyEffects();
  effects.entries = corrections.entries;
  effects.emitted = emitted;
  effects.journal = [incoming];
  if (sink.expired) effects.expired = sink.expired;
  if (checkpoint && !sink.expired?.some((x) => x.record.key < checkpointKey)) effects.checkpoint = checkpoint;
  else if (checkpoint) delete next.checkpoint;
  forgetStaleCheckpoint(next, sink.expired);
  dropFromTail(next, sink.expired);
  return { outcome: incomingOutcome ?? { outcome: 'applied' }, state: next, effects, changed: true };
}
