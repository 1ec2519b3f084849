// §4 Claims: adjudication in the documented order, free claims, the coverage year and its
// fee ladder, and withdrawal.

import type { ClaimCause, ClaimFiledDetail, ClaimWithdrawnDetail } from '../schemas/inbound.ts';
import type { ClaimRejectionReason } from '../schemas/outbound.ts';
import {
  addMonthsToDate,
  type CalendarDate,
  daysBetween,
  jstDate,
  jstMonth,
  lastDayOf,
  wholeYearsBetween,
} from './calendar.ts';
import { cloneClaim } from './clone.ts';
import { claimDecision } from './decisions.ts';
import { deviceOf, orderOf, usageStartOf } from './facts.ts';
import { present } from './invariant.ts';
import { appendEntry, appendReversal, claimEntryId, type EntryDraft } from './ledger.ts';
import { unknownDevice } from './orders.ts';
import type { Outcome } from './outcome.ts';
import {
  COVERAGE_YEAR_OF_CLAIM,
  COVERED_CAUSES,
  EXCHANGE_FEE_BY_USE,
  FOLLOW_UP_FREE_DAYS,
  INITIAL_DEFECT_FREE_DAYS,
  MAKER_WARRANTY_YEARS,
  USED_NATURAL_FAILURE_MONTHS,
  USES_PER_COVERAGE_YEAR,
} from './policy.ts';
import { lastBillableMonth } from './protection.ts';
import { getOwn, setOwn } from './records.ts';
import type { ClaimBasis, ClaimState, CustomerState, DeviceState, Effects } from './types.ts';

/** The covered causes, each one the contract knows: a misspelt one fails to compile. */
const COVERED: readonly ClaimCause[] = COVERED_CAUSES;

/** The fee of the 1st or 2nd counted use of a coverage year. */
const feeOfUse = (useNumber: number): number =>
  present(EXCHANGE_FEE_BY_USE[useNumber - 1], `use ${useNumber} has a fee`);

/** Day number of `date` counted from `start` as day 1. */
const dayNumberFrom = (start: CalendarDate, date: CalendarDate): number => daysBetween(start, date) + 1;

/** The coverage year (0 for the first) of a date: it starts at usage start and each anniversary. */
export function coverageYearOf(usageStart: CalendarDate, date: CalendarDate): number {
  return wholeYearsBetween(usageStart, date);
}

/** The date that places a claim in a coverage year (Policy). */
const coverageDateOf = (filedOn: CalendarDate, incidentDate: CalendarDate): CalendarDate =>
  COVERAGE_YEAR_OF_CLAIM === 'filing-date' ? filedOn : incidentDate;

/** Counted uses of a device's protection in one coverage year (withdrawn claims give theirs back). */
function usesInCoverageYear(state: CustomerState, device: DeviceState, year: number): number {
  let uses = 0;
  for (const claim of Object.values(state.claims)) {
    if (claim.deviceId !== device.deviceId || claim.useNumber === undefined || claim.withdrawnAt) continue;
    if (coverageYearOf(usageStartOf(device), coverageDateOf(claim.filedOn, claim.incidentDate)) === year) uses++;
  }
  return uses;
}

/**
 * The earlier claim a follow-up re-repairs or re-exchanges for free (§4): an accepted claim
 * of the same device, named by `followUpOf`, whose replacement or repaired device was
 * delivered on day D (day 0), the follow-up being filed by the end of D + FOLLOW_UP_FREE_DAYS.
 */
function followedUpClaim(
  state: CustomerState,
  claim: { followUpOf?: string; deviceId: string; filedOn: CalendarDate },
): ClaimState | undefined {
  const earlier = claim.followUpOf ? getOwn(state.claims, claim.followUpOf) : undefined;
  if (!earlier || earlier.deviceId !== claim.deviceId || earlier.decision !== 'accepted') return undefined;
  const deliveredOn = earlier.replacementDeliveredOn ?? earlier.repairedDeliveredOn;
  if (!deliveredOn) return undefined;
  const day = daysBetween(deliveredOn, claim.filedOn);
  return day >= 0 && day <= FOLLOW_UP_FREE_DAYS ? earlier : undefined;
}

/**
 * The supply guarantee of used devices (§4), the operator's own and not the protection
 * option's: a used device's initial defect within INITIAL_DEFECT_FREE_DAYS of usage start,
 * and its network restriction at any time, with or without protection.
 */
function guaranteeCovers(device: DeviceState, start: CalendarDate, claim: ClaimFiledDetail): boolean {
  if (device.condition !== 'used' || claim.incidentDate < start) return false;
  if (claim.cause === 'network_restriction') return true;
  return claim.cause === 'initial_defect' && dayNumberFrom(start, claim.incidentDate) <= INITIAL_DEFECT_FREE_DAYS;
}

export type Adjudication =
  | { decision: 'rejected'; reason: ClaimRejectionReason }
  | { decision: 'accepted'; free: true; basis: ClaimBasis }
  | { decision: 'accepted'; free: false; basis: 'protection'; useNumber: number; feeYen: number };

/** §4 checks in their order; the first that fails decides. The device must be delivered. */
export function adjudicate(state: CustomerState, device: DeviceState, claim: ClaimFiledDetail): Adjudication {
  const order = orderOf(state, device);
  const lastMonth = lastBillableMonth(device, order);
  const start = usageStartOf(device);
  const filedOn = jstDate(claim.occurredAt);
  const incident = claim.incidentDate;
  // Covered whatever the protection says, so before every check that rests on it.
  if (guaranteeCovers(device, start, claim)) return { decision: 'accepted', free: true, basis: 'guarantee' };
  if (lastMonth === null) return { decision: 'rejected', reason: 'NO_PROTECTION' };
  if (incident < start) return { decision: 'rejected', reason: 'BEFORE_COVERAGE' };
  if (lastMonth !== undefined && (jstMonth(claim.occurredAt) > lastMonth || incident > lastDayOf(lastMonth))) {
    return { decision: 'rejected', reason: 'COVERAGE_ENDED' };
  }
  if (!COVERED.includes(claim.cause)) return { decision: 'rejected', reason: 'CAUSE_NOT_COVERED' };
  const isNew = device.condition === 'new';
  if (claim.cause === 'natural_failure') {
    if (isNew && wholeYearsBetween(start, incident) < MAKER_WARRANTY_YEARS)
      return { decision: 'rejected', reason: 'MAKER_WARRANTY' };
    if (!isNew && incident > addMonthsToDate(order.placedOn, USED_NATURAL_FAILURE_MONTHS)) {
      return { decision: 'rejected', reason: 'NATURAL_FAILURE_AFTER_24_MONTHS' };
    }
  }
  // A used device's initial defect in its window and its network restriction were covered above.
  if (claim.cause === 'initial_defect' || claim.cause === 'network_restriction') {
    const freeDefect = claim.cause === 'initial_defect' && dayNumberFrom(start, incident) <= INITIAL_DEFECT_FREE_DAYS;
    return freeDefect
      ? { decision: 'accepted', free: true, basis: 'protection' }
      : { decision: 'rejected', reason: 'WARRANTY_PERIOD_OVER' };
  }
  if (followedUpClaim(state, { ...claim, filedOn })) return { decision: 'accepted', free: true, basis: 'follow_up' };
  const used = usesInCoverageYear(state, device, coverageYearOf(start, coverageDateOf(filedOn, incident)));
  if (used >= USES_PER_COVERAGE_YEAR) return { decision: 'rejected', reason: 'ANNUAL_LIMIT' };
  return { decision: 'accepted', free: false, basis: 'protection', useNumber: used + 1, feeYen: feeOfUse(used + 1) };
}

/** The exchange fee line of a counted use. */
function feeDraft(claim: ClaimState, useNumber: number, feeYen: number, causedBy: string, note = ''): EntryDraft {
  return {
    entryId: claimEntryId(claim, 'fee'),
    deviceId: claim.deviceId,
    claimId: claim.claimId,
    kind: 'exchange_fee',
    amountYen: feeYen,
    businessDate: claim.filedOn,
    description: `Exchange/repair fee, use ${useNumber} of this coverage year (claim ${claim.claimId}${note})`,
    useNumber,
    causedBy,
  };
}

export function applyClaimFiled(state: CustomerState, event: ClaimFiledDetail, effects: Effects): Outcome {
  const existing = getOwn(state.claims, event.claimId);
  if (existing)
    return { outcome: 'invalid', reason: `CLAIM_ID_REUSED: claim ${event.claimId} was already filed by another event` };
  const device = getOwn(state.devices, event.deviceId);
  if (!device) return unknownDevice(state, event.deviceId);
  if (event.followUpOf && !getOwn(state.claims, event.followUpOf))
    return { outcome: 'pending', reason: `claim ${event.followUpOf} (followUpOf) is not known yet` };
  const order = orderOf(state, device);
  // A claim can only follow delivery; until the delivery is known, wait for it — unless the
  // order is void or neither protection nor the used-device guarantee could cover it, which
  // no later event changes.
  if (!device.deliveredOn && order.status === 'active' && (device.protection || device.condition === 'used')) {
    return { outcome: 'pending', reason: `device ${event.deviceId} is not delivered yet` };
  }
  const result: Adjudication = device.deliveredOn
    ? adjudicate(state, device, event)
    : { decision: 'rejected', reason: 'NO_PROTECTION' };
  const claim: ClaimState = {
    claimId: event.claimId,
    deviceId: event.deviceId,
    filedAt: event.occurredAt,
    filedOn: jstDate(event.occurredAt),
    incidentDate: event.incidentDate,
    cause: event.cause,
    decision: result.decision,
    feeYen: result.decision === 'accepted' && !result.free ? result.feeYen : 0,
  };
  if (event.followUpOf) claim.followUpOf = event.followUpOf;
  if (result.decision === 'rejected') claim.reason = result.reason;
  else claim.basis = result.basis;
  if (result.decision === 'accepted' && !result.free) {
    claim.useNumber = result.useNumber;
    claim.feeEntryId = appendEntry(
      state,
      effects,
      feeDraft(claim, result.useNumber, result.feeYen, event.eventId),
    ).entryId;
  }
  // A free claim filed in the follow-up window of the earlier one, as known at its filing (§5
  // re-exchange looks at this, not at what is known when its replacement is delivered).
  if (result.decision === 'accepted' && result.free && followedUpClaim(state, claim))
    claim.freeFollowUpOf = claim.followUpOf;
  setOwn(state.claims, event.claimId, claim);
  effects.emitted.push(claimDecision(state.customerId, claim));
  return { outcome: 'applied' };
}

export function applyClaimWithdrawn(state: CustomerState, event: ClaimWithdrawnDetail, effects: Effects): Outcome {
  const claim = getOwn(state.claims, event.claimId);
  if (!claim) return { outcome: 'pending', reason: `claim ${event.claimId} is not known yet` };
  if (claim.withdrawnAt)
    return {
      outcome: 'ignored',
      reason: `ALREADY_WITHDRAWN: claim ${event.claimId} was withdrawn at ${claim.withdrawnAt}`,
    };
  if (claim.firstDeliveryAt && Date.parse(claim.firstDeliveryAt) <= Date.parse(event.occurredAt)) {
    return {
      outcome: 'ignored',
      reason: `WITHDRAWAL_AFTER_DELIVERY: a device for claim ${event.claimId} was delivered at ${claim.firstDeliveryAt}`,
    };
  }
  claim.withdrawnAt = event.occurredAt;
  if (claim.feeEntryId) {
    appendReversal(
      state,
      effects,
      {
        entryId: claim.feeEntryId,
        deviceId: claim.deviceId,
        claimId: claim.claimId,
        kind: 'exchange_fee',
        amountYen: claim.feeYen,
        businessDate: claim.filedOn,
      },
      `claim ${claim.claimId} was withdrawn`,
      event.eventId,
    );
  }
  if (claim.useNumber !== undefined) renumberUses(state, claim, event.eventId, effects);
  return { outcome: 'applied' };
}

/**
 * §4: use numbers follow filing order among the counted claims of a coverage year, so the
 * claims filed after a withdrawn one move up. A claim whose use number falls is re-priced:
 * its fee is credited in full and billed again at the new use's price (a new billing round,
 * so no id is written twice), in its filing month, and its decision is published again.
 */
function renumberUses(state: CustomerState, withdrawn: ClaimState, causedBy: string, effects: Effects): void {
  const device = deviceOf(state, withdrawn.deviceId);
  const yearOf = (claim: ClaimState) =>
    coverageYearOf(usageStartOf(device), coverageDateOf(claim.filedOn, claim.incidentDate));
  const year = yearOf(withdrawn);
  const counted = Object.values(state.claims)
    .filter((c) => c.deviceId === device.deviceId && c.useNumber !== undefined && !c.withdrawnAt && yearOf(c) === year)
    .sort((a, b) => Date.parse(a.filedAt) - Date.parse(b.filedAt) || (a.claimId < b.claimId ? -1 : 1));
  counted.forEach((original, index) => {
    const useNumber = index + 1;
    if (original.useNumber === useNumber) return;
    const claim = cloneClaim(original);
    const why = `claim ${withdrawn.claimId} was withdrawn, so claim ${claim.claimId} is now use ${useNumber}`;
    appendReversal(
      state,
      effects,
      {
        entryId: present(claim.feeEntryId, `counted claim ${claim.claimId} has a fee entry`),
        deviceId: claim.deviceId,
        claimId: claim.claimId,
        kind: 'exchange_fee',
        amountYen: claim.feeYen,
        businessDate: claim.filedOn,
      },
      why,
      causedBy,
    );
    claim.billingRound = (claim.billingRound ?? 0) + 1;
    claim.useNumber = useNumber;
    claim.feeYen = feeOfUse(useNumber);
    claim.feeEntryId = appendEntry(
      state,
      effects,
      feeDraft(claim, useNumber, claim.feeYen, causedBy, `; renumbered after claim ${withdrawn.claimId} was withdrawn`),
    ).entryId;
    setOwn(state.claims, claim.claimId, claim);
    effects.emitted.push(claimDecision(state.customerId, claim));
  });
}
