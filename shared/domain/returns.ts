// §5 Returns: the logistics facts of a claim, the re-exchange of a used device and the
// loaner's repair. The deadlines these facts start or meet are deadlines.ts's.

import type { LoanerDamagedDetail } from '../schemas/inbound.ts';
import { jstDate } from './calendar.ts';
import { reverseMetDeadlines } from './deadlines.ts';
import { appendEntry, claimEntryId } from './ledger.ts';
import type { Outcome } from './outcome.ts';
import { getOwn } from './records.ts';
import type { ClaimState, CustomerState, Effects } from './types.ts';

export type LogisticsDetailType =
  | 'ReplacementDelivered'
  | 'DeviceReturned'
  | 'LoanerDelivered'
  | 'FaultyDeviceReceived'
  | 'RepairedDeviceDelivered'
  | 'LoanerReturned';

export interface LogisticsEvent {
  eventId: string;
  occurredAt: string;
  claimId: string;
  loanerValueYen?: number;
  deviceValueYen?: number;
}

const FACT: Record<LogisticsDetailType, keyof ClaimState> = {
  ReplacementDelivered: 'replacementDeliveredOn',
  DeviceReturned: 'deviceReturnedOn',
  LoanerDelivered: 'loanerDeliveredOn',
  FaultyDeviceReceived: 'faultyReceivedOn',
  RepairedDeviceDelivered: 'repairedDeliveredOn',
  LoanerReturned: 'loanerReturnedOn',
};
const DELIVERIES: ReadonlySet<LogisticsDetailType> = new Set([
  'ReplacementDelivered',
  'LoanerDelivered',
  'RepairedDeviceDelivered',
]);

export function applyLogistics(
  state: CustomerState,
  type: LogisticsDetailType,
  event: LogisticsEvent,
  effects: Effects,
): Outcome {
  const claim = getOwn(state.claims, event.claimId);
  if (!claim) return { outcome: 'pending', reason: `claim ${event.claimId} is not known yet` };
  if (claim.decision === 'rejected')
    return { outcome: 'ignored', reason: `CLAIM_REJECTED: claim ${event.claimId} was rejected (${claim.reason})` };
  if (claim.withdrawnAt && Date.parse(claim.withdrawnAt) < Date.parse(event.occurredAt)) {
    return {
      outcome: 'ignored',
      reason: `CLAIM_WITHDRAWN: claim ${event.claimId} was withdrawn at ${claim.withdrawnAt}`,
    };
  }
  const field = FACT[type];
  if (claim[field] !== undefined)
    return {
      outcome: 'ignored',
      reason: `ALREADY_RECORDED: ${type} of claim ${event.claimId} was already recorded on ${String(claim[field])}`,
    };
  const reexchanged = type === 'ReplacementDelivered' ? reexchangedClaim(state, claim) : undefined;
  const valueYen = reexchanged?.replacementValueYen;
  if (reexchanged && valueYen === undefined) {
    // A contract error of logistics: the value to bill if the handset does not come back is
    // unknown. The delivery waits, listed with this reason, and is dead-lettered with it after
    // WAITING_DEAD_LETTER_DAYS; waiting, not refused, because an event that arrives later may
    // show it is no re-exchange after all (the earlier claim was withdrawn first), and then it
    // applies as it would have in business order.
    return {
      outcome: 'pending',
      reason: `DEVICE_VALUE_MISSING: claim ${claim.claimId} re-exchanges the replacement of claim ${reexchanged.claimId}, whose ReplacementDelivered has no deviceValueYen`,
    };
  }
  (claim as unknown as Record<string, unknown>)[field] = jstDate(event.occurredAt);
  if (type === 'LoanerDelivered') claim.loanerValueYen = event.loanerValueYen ?? 0;
  if (type === 'ReplacementDelivered' && event.deviceValueYen !== undefined)
    claim.replacementValueYen = event.deviceValueYen;
  if (reexchanged && valueYen !== undefined) claim.reexchange = { of: reexchanged.claimId, valueYen };
  if (
    DELIVERIES.has(type) &&
    (!claim.firstDeliveryAt || Date.parse(event.occurredAt) < Date.parse(claim.firstDeliveryAt))
  ) {
    claim.firstDeliveryAt = event.occurredAt;
  }
  reverseMetDeadlines(state, claim, effects, event.eventId);
  return { outcome: 'applied' };
}

/**
 * The earlier claim whose replacement a used device's free follow-up exchange replaces (§5
 * re-exchange): the follow-up was free and in its window when filed (`freeFollowUpOf`), and
 * the earlier claim was itself an exchange.
 */
function reexchangedClaim(state: CustomerState, claim: ClaimState): ClaimState | undefined {
  if (!claim.freeFollowUpOf || getOwn(state.devices, claim.deviceId)?.condition !== 'used') return undefined;
  const earlier = getOwn(state.claims, claim.freeFollowUpOf);
  return earlier?.replacementDeliveredOn ? earlier : undefined;
}

/**
 * §5: a loaner damaged while lent bills its repair cost in the month of the damage, once per
 * claim. The claim must have a loaner out by then; one that has none yet is refused and kept,
 * so that a re-derivation in which its LoanerDelivered comes first applies it.
 */
export function applyLoanerDamaged(state: CustomerState, event: LoanerDamagedDetail, effects: Effects): Outcome {
  const claim = getOwn(state.claims, event.claimId);
  if (!claim) return { outcome: 'pending', reason: `claim ${event.claimId} is not known yet` };
  const damagedOn = jstDate(event.occurredAt);
  if (!claim.loanerDeliveredOn || claim.loanerDeliveredOn > damagedOn) {
    return { outcome: 'ignored', reason: `NO_LOANER: claim ${event.claimId} had no loaner delivered by ${damagedOn}` };
  }
  if (claim.loanerRepair) {
    return {
      outcome: 'ignored',
      reason: `ALREADY_RECORDED: the loaner of claim ${event.claimId} was recorded as damaged on ${claim.loanerRepair.damagedOn}`,
    };
  }
  const entry = appendEntry(state, effects, {
    entryId: claimEntryId(claim, 'loaner-repair'),
    deviceId: claim.deviceId,
    claimId: claim.claimId,
    kind: 'loaner_repair_charge',
    amountYen: event.repairCostYen,
    businessDate: damagedOn,
    description: `Repair of the loaner damaged during the loan (claim ${claim.claimId})`,
    causedBy: event.eventId,
  });
  claim.loanerRepair = { entryId: entry.entryId, damagedOn, costYen: event.repairCostYen };
  return { outcome: 'applied' };
}
