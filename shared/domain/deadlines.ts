// §5 Deadlines of a claim: the late-return penalty (D+15), the re-exchange charge (N+8) and the
// loaner charges, assessed once due and reversed when a late-arriving logistics fact shows a
// deadline was met. Decided from business dates only, so a sweep that runs late or twice, and a
// logistics event that arrives late, end in the same ledger.

import type { PenaltyKind } from '../schemas/outbound.ts';
import { addDays, type CalendarDate, monthOf } from './calendar.ts';
import { penaltyDecisionId } from './decisions.ts';
import { present } from './invariant.ts';
import { appendEntry, appendReversal, claimEntryId, type EntryDraft } from './ledger.ts';
import { LATE_RETURN_PENALTY_YEN, REEXCHANGE_RETURN_DAYS, RETURN_WINDOW_DAYS } from './policy.ts';
import type { ClaimState, CustomerState, Effects, LedgerEntry, LoanerDeadline } from './types.ts';

/** The first day after a window of `days` that starts the day after `from` (day 0). */
const dayAfterDeadline = (from: CalendarDate, days = RETURN_WINDOW_DAYS): CalendarDate => addDays(from, days + 1);
const onTime = (done: CalendarDate | undefined, from: CalendarDate, days = RETURN_WINDOW_DAYS): boolean =>
  done !== undefined && done < dayAfterDeadline(from, days);

/**
 * The day the late-return penalty falls due (D+15), if the known facts breach the deadline.
 * A re-exchange has its own rule instead (§5: it replaces the 14-day rule for that handset).
 */
function lateReturnDue(claim: ClaimState): CalendarDate | undefined {
  const delivered = claim.replacementDeliveredOn;
  if (!delivered || claim.reexchange || onTime(claim.deviceReturnedOn, delivered)) return undefined;
  return dayAfterDeadline(delivered);
}

/** The day the re-exchange charge falls due (N+8), if the earlier replacement is not back by the end of N+7. */
function reexchangeDue(claim: ClaimState): CalendarDate | undefined {
  const delivered = claim.replacementDeliveredOn;
  if (!delivered || !claim.reexchange || onTime(claim.deviceReturnedOn, delivered, REEXCHANGE_RETURN_DAYS))
    return undefined;
  return dayAfterDeadline(delivered, REEXCHANGE_RETURN_DAYS);
}

/** The loaner deadlines the known facts breach, with the day each falls due. */
function loanerBreaches(claim: ClaimState): { deadline: LoanerDeadline; due: CalendarDate }[] {
  const lent = claim.loanerDeliveredOn;
  if (!lent) return [];
  const out: { deadline: LoanerDeadline; due: CalendarDate }[] = [];
  if (!onTime(claim.faultyReceivedOn, lent) && !onTime(claim.loanerReturnedOn, lent))
    out.push({ deadline: 'loaner', due: dayAfterDeadline(lent) });
  const repaired = claim.repairedDeliveredOn;
  if (repaired && !onTime(claim.loanerReturnedOn, repaired))
    out.push({ deadline: 'repair', due: dayAfterDeadline(repaired) });
  return out;
}

function penaltyDraft(claim: ClaimState, due: CalendarDate, causedBy: string): EntryDraft {
  return {
    entryId: claimEntryId(claim, 'penalty'),
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
    entryId: claimEntryId(claim, 'loaner', deadline),
    deviceId: claim.deviceId,
    claimId: claim.claimId,
    kind: 'loaner_charge',
    amountYen: claim.loanerValueYen ?? 0,
    businessDate: due,
    description: `Loaner device not returned (claim ${claim.claimId})`,
    causedBy,
  };
}

function reexchangeDraft(claim: ClaimState, due: CalendarDate, causedBy: string): EntryDraft {
  return {
    entryId: claimEntryId(claim, 'reexchange'),
    deviceId: claim.deviceId,
    claimId: claim.claimId,
    kind: 'reexchange_charge',
    amountYen: claim.reexchange?.valueYen ?? 0,
    businessDate: due,
    description: `Earlier replacement not returned after the re-exchange (claim ${claim.claimId}, replacing claim ${claim.reexchange?.of})`,
    causedBy,
  };
}

function emitPenalty(
  state: CustomerState,
  effects: Effects,
  claim: ClaimState,
  kind: PenaltyKind,
  entry: LedgerEntry,
): void {
  effects.emitted.push({
    id: penaltyDecisionId(state.customerId, claim.claimId, kind),
    detailType: 'PenaltyAssessed',
    detail: {
      customerId: state.customerId,
      deviceId: entry.deviceId,
      claimId: claim.claimId,
      kind,
      amountYen: entry.amountYen,
      billingMonth: entry.billingMonth,
    },
  });
}

/**
 * The deadlines the known facts breach and that are not assessed yet, each with the day it
 * falls due. A loaner is charged at most once at a time: none is listed while a charge stands.
 */
export function unassessedDeadlines(
  claim: ClaimState,
): { kind: 'penalty' | 'reexchange' | LoanerDeadline; due: CalendarDate }[] {
  const out: { kind: 'penalty' | 'reexchange' | LoanerDeadline; due: CalendarDate }[] = [];
  const due = lateReturnDue(claim);
  if (due && !claim.penalty) out.push({ kind: 'penalty', due });
  const reexchange = reexchangeDue(claim);
  if (reexchange && !claim.reexchangeCharge) out.push({ kind: 'reexchange', due: reexchange });
  const charges = claim.loanerCharges ?? [];
  if (charges.some((c) => !c.reversed)) return out;
  for (const breach of loanerBreaches(claim)) {
    if (!charges.some((c) => c.deadline === breach.deadline)) out.push({ kind: breach.deadline, due: breach.due });
  }
  return out;
}

/** Whether assessing the claim at `asOf` would change it: a deadline due by then is not assessed yet. */
export function hasDeadlineDue(claim: ClaimState, asOf: CalendarDate): boolean {
  return unassessedDeadlines(claim).some(({ due }) => due <= asOf);
}

/**
 * Assesses every deadline that has passed by the JST date `asOf` (due on or before it) and is
 * not yet assessed. The entry names its deadline, not the sweep, so a late sweep writes the same.
 */
export function assessDeadlines(state: CustomerState, claim: ClaimState, asOf: CalendarDate, effects: Effects): void {
  let loanerCharged = false;
  for (const { kind, due } of unassessedDeadlines(claim)) {
    if (due > asOf) continue;
    if (kind === 'penalty') {
      const entry = appendEntry(state, effects, penaltyDraft(claim, due, `deadline:${due}`));
      claim.penalty = { entryId: entry.entryId, reversed: false };
      emitPenalty(state, effects, claim, 'late_return_penalty', entry);
    } else if (kind === 'reexchange') {
      const entry = appendEntry(state, effects, reexchangeDraft(claim, due, `deadline:${due}`));
      claim.reexchangeCharge = { entryId: entry.entryId, reversed: false };
      emitPenalty(state, effects, claim, 'reexchange_charge', entry);
    } else if (!loanerCharged) {
      const entry = appendEntry(state, effects, loanerDraft(claim, kind, due, `deadline:${due}`));
      claim.loanerCharges ??= [];
      claim.loanerCharges.push({ entryId: entry.entryId, deadline: kind, reversed: false });
      emitPenalty(state, effects, claim, 'loaner_charge', entry);
      loanerCharged = true;
    }
  }
}

/**
 * The revision of a charge no longer owed (contract §2: `amountYen` 0), in the business month
 * it belonged to — as a re-derivation publishes it, so that both say the same.
 */
function emitNoLongerOwed(
  state: CustomerState,
  effects: Effects,
  claim: ClaimState,
  kind: PenaltyKind,
  businessMonth: string,
): void {
  effects.emitted.push({
    id: penaltyDecisionId(state.customerId, claim.claimId, kind),
    detailType: 'PenaltyAssessed',
    detail: {
      customerId: state.customerId,
      deviceId: claim.deviceId,
      claimId: claim.claimId,
      kind,
      amountYen: 0,
      billingMonth: businessMonth,
    },
  });
}

/** Reverses charges that a late-arriving logistics fact shows were met on time. */
export function reverseMetDeadlines(state: CustomerState, claim: ClaimState, effects: Effects, causedBy: string): void {
  if (claim.penalty && !claim.penalty.reversed && !lateReturnDue(claim)) {
    const due = dayAfterDeadline(
      present(claim.replacementDeliveredOn, `claim ${claim.claimId}'s penalty follows its replacement`),
    );
    const draft = { ...penaltyDraft(claim, due, causedBy), entryId: claim.penalty.entryId };
    appendReversal(state, effects, draft, 'the old device was returned on time', causedBy);
    claim.penalty.reversed = true;
    emitNoLongerOwed(state, effects, claim, 'late_return_penalty', monthOf(due));
  }
  if (claim.reexchangeCharge && !claim.reexchangeCharge.reversed && !reexchangeDue(claim)) {
    const due = dayAfterDeadline(
      present(claim.replacementDeliveredOn, `claim ${claim.claimId}'s re-exchange follows its replacement`),
      REEXCHANGE_RETURN_DAYS,
    );
    const draft = { ...reexchangeDraft(claim, due, causedBy), entryId: claim.reexchangeCharge.entryId };
    appendReversal(state, effects, draft, 'the earlier replacement was returned on time', causedBy);
    claim.reexchangeCharge.reversed = true;
    emitNoLongerOwed(state, effects, claim, 'reexchange_charge', monthOf(due));
  }
  const breached = new Set(loanerBreaches(claim).map((b) => b.deadline));
  for (const charge of claim.loanerCharges ?? []) {
    if (charge.reversed || breached.has(charge.deadline)) continue;
    const due = dayAfterDeadline(
      present(
        charge.deadline === 'repair' ? claim.repairedDeliveredOn : claim.loanerDeliveredOn,
        `claim ${claim.claimId}'s loaner charge follows its delivery`,
      ),
    );
    const draft = { ...loanerDraft(claim, charge.deadline, due, causedBy), entryId: charge.entryId };
    appendReversal(state, effects, draft, 'the loaner deadline was met', causedBy);
    charge.reversed = true;
    emitNoLongerOwed(state, effects, claim, 'loaner_charge', monthOf(due));
  }
}

/**
 * The earliest day on which a deadline of this customer falls due and is not yet assessed,
 * for the store's due-deadline index; undefined when none is pending.
 */
export function nextDeadline(state: CustomerState): CalendarDate | undefined {
  let earliest: CalendarDate | undefined;
  for (const claim of Object.values(state.claims)) {
    for (const { due } of unassessedDeadlines(claim)) if (!earliest || due < earliest) earliest = due;
  }
  return earliest;
}
