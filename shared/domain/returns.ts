// §5 Returns: the logistics facts of a claim, the late-return penalty and the loaner charge.
// Deadlines are decided from business dates only, so a sweep that runs late or twice, and a
// logistics event that arrives late, end in the same ledger.
import { addDays, jstDate, type CalendarDate } from './calendar.ts';
import { getOwn } from './records.ts';
import { appendEntry, appendReversal, entryIdOf, type EntryDraft } from './ledger.ts';
import type { Outcome } from './outcome.ts';
import { LATE_RETURN_PENALTY_YEN, RETURN_WINDOW_DAYS } from './policy.ts';
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
}

const FACT: Record<LogisticsDetailType, keyof ClaimState> = {
  ReplacementDelivered: 'replacementDeliveredOn',
  DeviceReturned: 'deviceReturnedOn',
  LoanerDelivered: 'loanerDeliveredOn',
  FaultyDeviceReceived: 'faultyReceivedOn',
  RepairedDeviceDelivered: 'repairedDeliveredOn',
  LoanerReturned: 'loanerReturnedOn',
};
const DELIVERIES: ReadonlySet<LogisticsDetailType> = new Set(['ReplacementDelivered', 'LoanerDelivered', 'RepairedDeviceDelivered']);

/** The first day after a window of RETURN_WINDOW_DAYS that starts the day after `from`. */
const dayAfterDeadline = (from: CalendarDate): CalendarDate => addDays(from, RETURN_WINDOW_DAYS + 1);
const onTime = (done: CalendarDate | undefined, from: CalendarDate): boolean => done !== undefined && done < dayAfterDeadline(from);

/** The day the late-return penalty falls due (D+15), if the known facts breach the deadline. */
function lateReturnDue(claim: ClaimState): CalendarDate | undefined {
  const delivered = claim.replacementDeliveredOn;
  if (!delivered || onTime(claim.deviceReturnedOn, delivered)) return undefined;
  return dayAfterDeadline(delivered);
}

type LoanerDeadline = 'loaner' | 'repair';

/** The loaner deadlines the known facts breach, with the day each falls due. */
function loanerBreaches(claim: ClaimState): { deadline: LoanerDeadline; due: CalendarDate }[] {
  const lent = claim.loanerDeliveredOn;
  if (!lent) return [];
  const out: { deadline: LoanerDeadline; due: CalendarDate }[] = [];
  if (!onTime(claim.faultyReceivedOn, lent) && !onTime(claim.loanerReturnedOn, lent)) out.push({ deadline: 'loaner', due: dayAfterDeadline(lent) });
  const repaired = claim.repairedDeliveredOn;
  if (repaired && !onTime(claim.loanerReturnedOn, repaired)) out.push({ deadline: 'repair', due: dayAfterDeadline(repaired) });
  return out;
}

function penaltyDraft(claim: ClaimState, due: CalendarDate, causedBy: string): EntryDraft {
  return {
    entryId: entryIdOf('penalty', claim.claimId),
    deviceId: claim.deviceId,
    claimId: claim.claimId,
    kind: 'late_return_penalty',
    amountYen: LATE_RETURN_PENALTY_YEN,
    businessDate: due,
    description: `Late return of the old device (claim ${claim.claimId})`,
    causedBy,
  };
}

function loanerDraft(claim: ClaimState, deadline: LoanerDeadline, due: CalendarDate, causedBy: string): EntryDraft {
  return {
    entryId: entryIdOf('loaner', claim.claimId, deadline),
    deviceId: claim.deviceId,
    claimId: claim.claimId,
    kind: 'loaner_charge',
    amountYen: claim.loanerValueYen ?? 0,
    businessDate: due,
    description: `Loaner device not returned (claim ${claim.claimId})`,
    causedBy,
  };
}

function emitPenalty(state: CustomerState, effects: Effects, entryId: string): void {
  const entry = effects.entries.find((e) => e.entryId === entryId)!;
  effects.emitted.push({
    id: `PenaltyAssessed/${state.customerId}/${entryId}`,
    detailType: 'PenaltyAssessed',
    detail: { customerId: state.customerId, deviceId: entry.deviceId, claimId: entry.claimId, kind: entry.kind, amountYen: entry.amountYen, billingMonth: entry.billingMonth },
  });
}

/**
 * Assesses every deadline that has passed by the JST date `asOf` (due on or before it) and is
 * not yet assessed. The entry names its deadline, not the sweep, so a late sweep writes the same.
 */
export function assessDeadlines(state: CustomerState, claim: ClaimState, asOf: CalendarDate, effects: Effects): void {
  const due = lateReturnDue(claim);
  if (due && due <= asOf && !claim.penalty) {
    const entry = appendEntry(state, effects, penaltyDraft(claim, due, `deadline:${due}`));
    claim.penalty = { entryId: entry.entryId, reversed: false };
    emitPenalty(state, effects, entry.entryId);
  }
  const charges = (claim.loanerCharges ??= []);
  if (charges.some((c) => !c.reversed)) return;
  for (const breach of loanerBreaches(claim)) {
    const draft = loanerDraft(claim, breach.deadline, breach.due, `deadline:${breach.due}`);
    if (breach.due > asOf || charges.some((c) => c.entryId === draft.entryId)) continue;
    appendEntry(state, effects, draft);
    charges.push({ entryId: draft.entryId, reversed: false });
    emitPenalty(state, effects, draft.entryId);
    return;
  }
}

/** Reverses charges that a late-arriving logistics fact shows were met on time. */
function reverseMetDeadlines(state: CustomerState, claim: ClaimState, effects: Effects, causedBy: string): void {
  if (claim.penalty && !claim.penalty.reversed && !lateReturnDue(claim)) {
    const due = dayAfterDeadline(claim.replacementDeliveredOn!);
    appendReversal(state, effects, penaltyDraft(claim, due, causedBy), 'the old device was returned on time', causedBy);
    claim.penalty.reversed = true;
  }
  const breached = new Set(loanerBreaches(claim).map((b) => entryIdOf('loaner', claim.claimId, b.deadline)));
  for (const charge of claim.loanerCharges ?? []) {
    if (charge.reversed || breached.has(charge.entryId)) continue;
    const deadline: LoanerDeadline = charge.entryId.endsWith('/repair') ? 'repair' : 'loaner';
    const due = dayAfterDeadline(deadline === 'repair' ? claim.repairedDeliveredOn! : claim.loanerDeliveredOn!);
    appendReversal(state, effects, loanerDraft(claim, deadline, due, causedBy), 'the loaner deadline was met', causedBy);
    charge.reversed = true;
  }
}

export function applyLogistics(state: CustomerState, type: LogisticsDetailType, event: LogisticsEvent, effects: Effects): Outcome {
  const claim = getOwn(state.claims, event.claimId);
  if (!claim) return { outcome: 'pending', reason: `claim ${event.claimId} is not known yet` };
  if (claim.decision === 'rejected') return { outcome: 'ignored', reason: `CLAIM_REJECTED: claim ${event.claimId} was rejected (${claim.reason})` };
  if (claim.withdrawnAt && Date.parse(claim.withdrawnAt) < Date.parse(event.occurredAt)) {
    return { outcome: 'ignored', reason: `CLAIM_WITHDRAWN: claim ${event.claimId} was withdrawn at ${claim.withdrawnAt}` };
  }
  const field = FACT[type];
  if (claim[field] !== undefined) return { outcome: 'ignored', reason: `ALREADY_RECORDED: ${type} of claim ${event.claimId} was already recorded on ${String(claim[field])}` };
  (claim as unknown as Record<string, unknown>)[field] = jstDate(event.occurredAt);
  if (type === 'LoanerDelivered') claim.loanerValueYen = event.loanerValueYen ?? 0;
  if (DELIVERIES.has(type) && (!claim.firstDeliveryAt || Date.parse(event.occurredAt) < Date.parse(claim.firstDeliveryAt))) {
    claim.firstDeliveryAt = event.occurredAt;
  }
  reverseMetDeadlines(state, claim, effects, event.eventId);
  return { outcome: 'applied' };
}

/**
 * The earliest day on which a deadline of this customer falls due and is not yet assessed,
 * for the store's due-deadline index; undefined when none is pending.
 */
export function nextDeadline(state: CustomerState): CalendarDate | undefined {
  let earliest: CalendarDate | undefined;
  const consider = (due: CalendarDate) => {
    if (!earliest || due < earliest) earliest = due;
  };
  for (const claim of Object.values(state.claims)) {
    const due = claim.penalty ? undefined : lateReturnDue(claim);
    if (due) consider(due);
    const charges = claim.loanerCharges ?? [];
    if (charges.some((c) => !c.reversed)) continue;
    for (const breach of loanerBreaches(claim)) {
      if (!charges.some((c) => c.entryId === entryIdOf('loaner', claim.claimId, breach.deadline))) consider(breach.due);
    }
  }
  return earliest;
}
