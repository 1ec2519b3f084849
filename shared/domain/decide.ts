// One inbound event against one customer's aggregate: idempotency first, then the rule that
// the event's detail-type names. Pure: returns the next state and what to write and emit.
import { applyClaimFiled, applyClaimWithdrawn } from './claims.ts';
import { getOwn, setOwn } from './records.ts';
import { cloneState } from './clone.ts';
import { applyDeviceDelivered, applyOrderPlaced, applyOrderVoided, applyPayoffRequested, applyProtectionCancelled } from './orders.ts';
import type { Outcome } from './outcome.ts';
import { applyLogistics } from './returns.ts';
import { emptyEffects, type CustomerState, type Effects } from './types.ts';
import type { InboundEvent } from '../schemas/inbound.ts';

export type DecisionOutcome = Outcome | { outcome: 'duplicate' };

export interface Decision {
  outcome: DecisionOutcome;
  /** The next state: the input itself when nothing changed. */
  state: CustomerState;
  effects: Effects;
  /** Whether the state must be committed (a new version). */
  changed: boolean;
}

function apply(state: CustomerState, event: InboundEvent, effects: Effects): Outcome {
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
  }
}

/**
 * Applies `event` (whose detail hashes to `fingerprint`) to the customer's aggregate.
 * The same eventId with the same fingerprint is a no-op; with another it is refused.
 * `applied` and `ignored` record the eventId; `pending` and `invalid` change nothing, so a
 * retry or a redrive can apply the event later.
 */
export function decide(state: CustomerState, event: InboundEvent, fingerprint: string): Decision {
  const { eventId, customerId } = event.detail;
  const unchanged = (outcome: DecisionOutcome): Decision => ({ outcome, state, effects: emptyEffects(), changed: false });
  if (customerId !== state.customerId) {
    return unchanged({ outcome: 'invalid', reason: `WRONG_CUSTOMER: event for ${customerId} applied to ${state.customerId}` });
  }
  const seen = getOwn(state.processed, eventId);
  if (seen !== undefined) {
    if (seen === fingerprint) return unchanged({ outcome: 'duplicate' });
    return unchanged({ outcome: 'invalid', reason: `EVENT_ID_REUSED: event ${eventId} was already processed with a different detail` });
  }
  const effects = emptyEffects();
  const draft = cloneState(state);
  const outcome = apply(draft, event, effects);
  if (outcome.outcome === 'pending' || outcome.outcome === 'invalid') return unchanged(outcome);
  // An ignored event is recorded as processed and changes nothing else.
  const next = outcome.outcome === 'applied' ? draft : cloneState(state);
  next.processed = { ...state.processed };
  setOwn(next.processed, eventId, fingerprint);
  next.version++;
  return { outcome, state: next, effects: outcome.outcome === 'applied' ? effects : emptyEffects(), changed: true };
}
