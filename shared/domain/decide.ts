// One inbound event against one customer's aggregate: idempotency first, then business order
// (§0). An event later than every event the customer has is applied to the aggregate as it
// is (the rule its detail-type names); one that belongs before events already applied is
// decided by deriving the customer again from its journal (`rederive.ts`), which needs the
// journal and the ledger as billed: without them `decide` answers `needs-history`.

import type { InboundEvent } from '../schemas/inbound.ts';
import { applyRuled, type Decision, type DecisionOutcome, retryWaiting } from './apply.ts';
import { type JournalRecord, journalRecordOf, type RuledEvent } from './business-order.ts';
import { forgetStaleCheckpoint, monthStartKey } from './checkpoint.ts';
import { cloneState } from './clone.ts';
import { stampRevisions } from './decisions.ts';
import { present } from './invariant.ts';
import { getOwn, setOwn } from './records.ts';
import { type CustomerHistory, rederive } from './rederive.ts';
import { type CustomerState, emptyEffects } from './types.ts';
import { dropFromTail } from './waiting.ts';

export type { Decision, DecisionOutcome } from './apply.ts';

export interface DecideOptions {
  /** When the event was received (processing time), kept only for how long it may wait. */
  receivedAt?: string;
  /** The customer's journal and ledger, for an event that belongs before others. */
  history?: CustomerHistory;
  /**
   * The fingerprint versions before reduced orders (2026-12) gave the event, of its whole
   * detail: an OrderPlaced they recorded under it, redelivered or replayed from the archive,
   * is the same event, not a reused eventId. Only an upstream OrderPlaced has one.
   */
  earlierFingerprint?: string;
}

/**
 * Refusals that no event, in any order, can undo, because what they rest on is the event's
 * own order (its payment plan, its protection) or a delivery that precedes it in business
 * order whatever else arrives (§0). An event refused so changes nothing, so it changes no
 * decision after it either: applied where it belongs or where it arrives, the result is the
 * same, and it needs no re-derivation — one customer may send thousands of such refusals.
 */
const ORDER_INDEPENDENT_REFUSALS: readonly string[] = [
  'VOID_AFTER_DELIVERY:',
  'NOT_ON_INSTALLMENTS:',
  'NO_PROTECTION:',
];

const isOrderIndependentRefusal = (decision: Decision): boolean =>
  decision.outcome.outcome === 'ignored' &&
  ORDER_INDEPENDENT_REFUSALS.some((code) => (decision.outcome as { reason: string }).reason.startsWith(code));

const maxKey = (a: string | undefined, b: string): string => (a !== undefined && a > b ? a : b);

/** The event applied to the aggregate as it is; undefined when it must be derived again instead. */
function applyInOrder(state: CustomerState, record: JournalRecord): Decision | undefined {
  const effects = emptyEffects();
  const draft = cloneState(state);
  const outcome = applyRuled(draft, record.event, effects);
  if (outcome.outcome === 'invalid') return { outcome, state, effects: emptyEffects(), changed: false };
  let next: CustomerState;
  let result: DecisionOutcome = outcome;
  let out = effects;
  if (outcome.outcome === 'pending') {
    next = { ...state, waiting: [...(state.waiting ?? []), { record, reason: outcome.reason }] };
    out = emptyEffects();
    result = { outcome: 'waiting', reason: outcome.reason };
  } else {
    // An ignored event is recorded as processed and changes nothing else.
    next = outcome.outcome === 'applied' ? draft : cloneState(state);
    if (outcome.outcome === 'ignored') out = emptyEffects();
    next.processed = { ...state.processed };
    setOwn(next.processed, record.event.detail.eventId, record.fingerprint);
    const resolved =
      outcome.outcome === 'applied' && next.waiting ? retryWaiting(next, out, next.processed) : undefined;
    next.lastKey = maxKey(maxKey(state.lastKey, record.key), resolved ?? record.key);
    forgetStaleCheckpoint(next, out.expired);
    dropFromTail(next, out.expired);
    // After corrections the ids a reversal names may not be the ones billed: derive instead.
    if (state.corrected && out.entries.some((e) => e.reverses !== undefined)) return undefined;
    out.emitted = stampRevisions(next, out.emitted);
  }
  out.journal = [record];
  next.journalTail = [...(state.journalTail ?? []), record];
  // A checkpoint holds the events before its month: one more of them makes it stale.
  if (next.checkpoint && record.key < monthStartKey(next.checkpoint.month)) delete next.checkpoint;
  next.journaled = true;
  next.version++;
  return { outcome: result, state: next, effects: out, changed: true };
}

/**
 * An aggregate from before the journal (a version of the pipeline that had none) cannot be
 * derived again: its events are applied as they arrive, as that version did (docs/deploy.md).
 */
function applyAsItArrives(state: CustomerState, record: JournalRecord): Decision {
  const decided = present(
    applyInOrder({ ...state, corrected: false }, record),
    'without corrections the in-order path always decides',
  );
  if (decided.changed) {
    decided.state.journalIncomplete = true;
    delete decided.state.corrected;
    delete decided.state.journaled;
  }
  return decided;
}

/**
 * Applies `event` (whose detail hashes to `fingerprint`) to the customer's aggregate.
 * The same eventId with the same fingerprint is a no-op; with another it is refused.
 * `applied`, `ignored` and `waiting` record the event; `invalid` changes nothing, so a
 * redrive can apply the event later.
 */
export function decide(
  state: CustomerState,
  event: InboundEvent | RuledEvent,
  fingerprint: string,
  options: DecideOptions = {},
): Decision {
  const { eventId, customerId } = event.detail;
  const unchanged = (outcome: DecisionOutcome): Decision => ({
    outcome,
    state,
    effects: emptyEffects(),
    changed: false,
  });
  if (customerId !== state.customerId) {
    return unchanged({
      outcome: 'invalid',
      reason: `WRONG_CUSTOMER: event for ${customerId} applied to ${state.customerId}`,
    });
  }
  const seen =
    getOwn(state.processed, eventId) ??
    state.waiting?.find((w) => w.record.event.detail.eventId === eventId)?.record.fingerprint;
  if (seen !== undefined) {
    if (seen === fingerprint || seen === options.earlierFingerprint) return unchanged({ outcome: 'duplicate' });
    return unchanged({
      outcome: 'invalid',
      reason: `EVENT_ID_REUSED: event ${eventId} was already processed with a different detail`,
    });
  }
  const record = journalRecordOf(event, fingerprint, options.receivedAt ?? event.detail.occurredAt);
  if (state.journalIncomplete === true || (state.version > 0 && state.journaled !== true))
    return applyAsItArrives(state, record);
  if (state.lastKey === undefined || record.key > state.lastKey) {
    const decided = applyInOrder(state, record);
    if (decided) return decided;
  } else {
    const refused = applyInOrder(state, record);
    if (refused && isOrderIndependentRefusal(refused)) return refused;
  }
  if (!options.history) return unchanged({ outcome: 'needs-history' });
  return rederive(state, options.history, record);
}
