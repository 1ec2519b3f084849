// Applying events' rules to a draft aggregate: the dispatch by detail-type and the retry of
// waiting events, shared by the in-order path (`decide.ts`) and re-derivation (`rederive.ts`).
import { byKey, type RuledEvent } from './business-order.ts';
import { applyClaimFiled, applyClaimWithdrawn } from './claims.ts';
import {
  applyDeviceDelivered,
  applyOrderPlaced,
  applyOrderVoided,
  applyPayoffRequested,
  applyProtectionCancelled,
} from './orders.ts';
import type { Outcome } from './outcome.ts';
import { setOwn } from './records.ts';
import { applyLoanerDamaged, applyLogistics } from './returns.ts';
import type { CustomerState, Effects } from './types.ts';

export type DecisionOutcome =
  | Outcome
  | { outcome: 'duplicate' }
  /** Recorded with its customer until what it names arrives (§0); nothing to retry. */
  | { outcome: 'waiting'; reason: string }
  /** The event belongs before events already applied: decide again with the customer's history. */
  | { outcome: 'needs-history' };

export interface Decision {
  outcome: DecisionOutcome;
  /** The next state: the input itself when nothing changed. */
  state: CustomerState;
  effects: Effects;
  /** Whether the state must be committed (a new version). */
  changed: boolean;
}

/** Applies one event's rule to a draft; returns what it came to (a draft refused is left as it was). */
export function applyRuled(state: CustomerState, event: RuledEvent, effects: Effects): Outcome {
  switch (event.detailType) {
    case 'OrderPlaced':
      return applyOrderPlaced(state, event.detail, effects);
    case 'OrderVoided':
      return applyOrderVoided(state, event.detail, effects);
    case 'DeviceDelivered':
      return applyDeviceDelivered(state, event.detail, effects);
    case 'InstallmentPayoffRequested':
      return applyPayoffRequested(state, event.detail, effects);
    case 'ProtectionCancelled':
      return applyProtectionCancelled(state, event.detail, effects);
    case 'ClaimFiled':
      return applyClaimFiled(state, event.detail, effects);
    case 'ClaimWithdrawn':
      return applyClaimWithdrawn(state, event.detail, effects);
    case 'ReplacementDelivered':
    case 'DeviceReturned':
    case 'FaultyDeviceReceived':
    case 'RepairedDeviceDelivered':
    case 'LoanerReturned':
    case 'LoanerDelivered':
      return applyLogistics(state, event.detailType, event.detail, effects);
    case 'LoanerDamaged':
      return applyLoanerDamaged(state, event.detail, effects);
  }
}

/**
 * Retries the waiting events on a draft after an event applied, in business order, until
 * none moves: one that applies now is recorded as processed; one that can never apply
 * leaves the waiting list as expired, to be dead-lettered with its reason. Returns the
 * greatest business key of those that applied.
 */
export function retryWaiting(
  draft: CustomerState,
  effects: Effects,
  processed: Record<string, string>,
): string | undefined {
  let greatest: string | undefined;
  let waiting = [...(draft.waiting ?? [])].sort((a, b) => byKey(a.record, b.record));
  for (let moved = true; moved && waiting.length > 0; ) {
    moved = false;
    const still: typeof waiting = [];
    for (const w of waiting) {
      const outcome = applyRuled(draft, w.record.event, effects);
      // Still waiting, perhaps for something else now (the order came, its delivery has not).
      if (outcome.outcome === 'pending') still.push(outcome.reason === w.reason ? w : { ...w, reason: outcome.reason });
      else if (outcome.outcome === 'invalid') {
        effects.expired ??= [];
        effects.expired.push({ record: w.record, reason: outcome.reason });
      } else {
        setOwn(processed, w.record.event.detail.eventId, w.record.fingerprint);
        if (greatest === undefined || w.record.key > greatest) greatest = w.record.key;
        moved = true;
      }
    }
    waiting = still;
  }
  if (waiting.length > 0) draft.waiting = waiting;
  else delete draft.waiting;
  return greatest;
}
