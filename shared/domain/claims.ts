// §4 Claims: adjudication in the documented order, free claims, the coverage year and its
// fee ladder, and withdrawal.
import { addMonthsToDate, daysBetween, jstDate, jstMonth, lastDayOf, wholeYearsBetween, type CalendarDate } from './calendar.ts';
import { getOwn, setOwn } from './records.ts';
import { claimDecision } from './decisions.ts';
import { appendEntry, appendReversal, claimEntryId } from './ledger.ts';
import type { Outcome } from './outcome.ts';
import {
  COVERAGE_YEAR_OF_CLAIM,
  EXCHANGE_FEE_BY_USE,
  FOLLOW_UP_FREE_DAYS,
  INITIAL_DEFECT_FREE_DAYS,
  MAKER_WARRANTY_YEARS,
  USED_NATURAL_FAILURE_MONTHS,
  USES_PER_COVERAGE_YEAR,
} from './policy.ts';
import { unknownDevice } from './orders.ts';
import { lastBillableMonth } from './protection.ts';
import type { ClaimState, CustomerState, DeviceState, Effects } from './types.ts';
import type { ClaimFiledDetail, ClaimWithdrawnDetail } from '../schemas/inbound.ts';
import type { ClaimRejectionReason } from '../schemas/outbound.ts';

export const COVERED_CAUSES: readonly string[] = ['total_loss', 'partial_damage', 'water_damage', 'natural_failure', 'initial_defect', 'network_restriction'];

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
    if (coverageYearOf(device.deliveredOn!, coverageDateOf(claim.filedOn, claim.incidentDate)) === year) uses++;
  }
  return uses;
}

/** Whether the claim is a free re-repair / re-exchange of an earlier accepted claim of the device. */
function isFreeFollowUp(state: CustomerState, claim: ClaimFiledDetail): boolean {
  const earlier = claim.followUpOf ? getOwn(state.claims, claim.followUpOf) : undefined;
  if (!earlier || earlier.deviceId !== claim.deviceId || earlier.decision !== 'accepted') return false;
  const deliveredOn = earlier.replacementDeliveredOn ?? earlier.repairedDeliveredOn;
  if (!deliveredOn) return false;
  const day = dayNumberFrom(deliveredOn, jstDate(claim.occurredAt));
  return day >= 1 && day <= FOLLOW_UP_FREE_DAYS;
}

export type Adjudication =
  | { decision: 'rejected'; reason: ClaimRejectionReason }
  | { decision: 'accepted'; free: true }
  | { decision: 'accepted'; free: false; useNumber: number; feeYen: number };

/** §4 checks in their order; the first that fails decides. The device must be delivered. */
export function adjudicate(state: CustomerState, device: DeviceState, claim: ClaimFiledDetail): Adjudication {
  const order = getOwn(state.orders, device.orderId)!;
  const lastMonth = lastBillableMonth(device, order);
  const start = device.deliveredOn!;
  const filedOn = jstDate(claim.occurredAt);
  const incident = claim.incidentDate;
  if (lastMonth === null) return { decision: 'rejected', reason: 'NO_PROTECTION' };
  if (incident < start) return { decision: 'rejected', reason: 'BEFORE_COVERAGE' };
  if (lastMonth !== undefined && (jstMonth(claim.occurredAt) > lastMonth || incident > lastDayOf(lastMonth))) {
    return { decision: 'rejected', reason: 'COVERAGE_ENDED' };
  }
  if (!COVERED_CAUSES.includes(claim.cause)) return { decision: 'rejected', reason: 'CAUSE_NOT_COVERED' };
  const isNew = device.condition === 'new';
  if (claim.cause === 'natural_failure') {
    if (isNew && wholeYearsBetween(start, incident) < MAKER_WARRANTY_YEARS) return { decision: 'rejected', reason: 'MAKER_WARRANTY' };
    if (!isNew && incident > addMonthsToDate(start, USED_NATURAL_FAILURE_MONTHS)) return { decision: 'rejected', reason: 'NATURAL_FAILURE_AFTER_24_MONTHS' };
  }
  const initialDefectInWindow = dayNumberFrom(start, incident) <= INITIAL_DEFECT_FREE_DAYS;
  if ((claim.cause === 'initial_defect' && !initialDefectInWindow) || (claim.cause === 'network_restriction' && isNew)) {
    return { decision: 'rejected', reason: 'WARRANTY_PERIOD_OVER' };
  }
  if (claim.cause === 'initial_defect' || claim.cause === 'network_restriction' || isFreeFollowUp(state, claim)) {
    return { decision: 'accepted', free: true };
  }
  const used = usesInCoverageYear(state, device, coverageYearOf(start, coverageDateOf(filedOn, incident)));
  if (used >= USES_PER_COVERAGE_YEAR) return { decision: 'rejected', reason: 'ANNUAL_LIMIT' };
  return { decision: 'accepted', free: false, useNumber: used + 1, feeYen: EXCHANGE_FEE_BY_USE[used]! };
}

export function applyClaimFiled(state: CustomerState, event: ClaimFiledDetail, effects: Effects): Outcome {
  const existing = getOwn(state.claims, event.claimId);
  if (existing) return { outcome: 'invalid', reason: `CLAIM_ID_REUSED: claim ${event.claimId} was already filed by another event` };
  const device = getOwn(state.devices, event.deviceId);
  if (!device) return unknownDevice(state, event.deviceId);
  if (event.followUpOf && !getOwn(state.claims, event.followUpOf)) return { outcome: 'pending', reason: `claim ${event.followUpOf} (followUpOf) is not known yet` };
  const order = getOwn(state.orders, device.orderId)!;
  // A claim can only follow delivery; until the delivery is known, wait for it — unless the
  // plan is void or absent, which no later event changes.
  if (!device.deliveredOn && device.protection && order.status === 'active') {
    return { outcome: 'pending', reason: `device ${event.deviceId} is not delivered yet` };
  }
  const result: Adjudication = device.deliveredOn ? adjudicate(state, device, event) : { decision: 'rejected', reason: 'NO_PROTECTION' };
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
  if (result.decision === 'accepted' && !result.free) {
    claim.useNumber = result.useNumber;
    const entry = appendEntry(state, effects, {
      entryId: claimEntryId(claim, 'fee'),
      deviceId: event.deviceId,
      claimId: event.claimId,
      kind: 'exchange_fee',
      amountYen: result.feeYen,
      businessDate: claim.filedOn,
      description: `Exchange/repair fee, use ${result.useNumber} of this coverage year (claim ${event.claimId})`,
      useNumber: result.useNumber,
      causedBy: event.eventId,
    });
    claim.feeEntryId = entry.entryId;
  }
  setOwn(state.claims, event.claimId, claim);
  effects.emitted.push(claimDecision(state.customerId, claim));
  return { outcome: 'applied' };
}

export function applyClaimWithdrawn(state: CustomerState, event: ClaimWithdrawnDetail, effects: Effects): Outcome {
  const claim = getOwn(state.claims, event.claimId);
  if (!claim) return { outcome: 'pending', reason: `claim ${event.claimId} is not known yet` };
  if (claim.withdrawnAt) return { outcome: 'ignored', reason: `ALREADY_WITHDRAWN: claim ${event.claimId} was withdrawn at ${claim.withdrawnAt}` };
  if (claim.firstDeliveryAt && Date.parse(claim.firstDeliveryAt) <= Date.parse(event.occurredAt)) {
    return { outcome: 'ignored', reason: `WITHDRAWAL_AFTER_DELIVERY: a device for claim ${event.claimId} was delivered at ${claim.firstDeliveryAt}` };
  }
  claim.withdrawnAt = event.occurredAt;
  if (claim.feeEntryId) {
    appendReversal(
      state,
      effects,
      { entryId: claim.feeEntryId, deviceId: claim.deviceId, claimId: claim.claimId, kind: 'exchange_fee', amountYen: claim.feeYen, businessDate: claim.filedOn },
      `claim ${claim.claimId} was withdrawn`,
      event.eventId,
    );
  }
  return { outcome: 'applied' };
}
