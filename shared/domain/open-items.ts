// What is still open for one customer (finance's "still open" view, docs/finance-api.md): the
// installments not billed yet, the return and loaner deadlines the sweep has not assessed yet,
// the claims whose logistics are not finished, and the events waiting (§0). Read from the
// aggregate as it stands, with the engine's own rules (payment.ts, returns.ts), so the view
// says what the close and the sweep will do, not a second opinion of it.

import { addDays, type CalendarDate, jstDate, type Month } from './calendar.ts';
import { unassessedDeadlines } from './deadlines.ts';
import { addYen } from './money.ts';
import { lastScheduledPayment, paymentAmount, paymentCount, paymentDueMonth } from './payment.ts';
import { LATE_RETURN_PENALTY_YEN } from './policy.ts';
import { getOwn } from './records.ts';
import type { ClaimState, CustomerState, DeviceState } from './types.ts';

export interface OpenInstallments {
  orderId: string;
  deviceId: string;
  model: string;
  /** The plan's number of installments (N). */
  months: number;
  /** The regular installment, floor(price / N) (the first also carried the remainder). */
  monthlyYen: number;
  /** Installments not on the ledger yet: each is billed by the close of its month. */
  remainingCount: number;
  remainingYen: number;
  /** The month of the last installment still to bill. */
  lastMonth: Month;
}

/** The charge a missed deadline bills, by the entry kind it is billed as. */
export type DeadlineCharge = 'late_return_penalty' | 'reexchange_charge' | 'loaner_charge';

export interface OpenDeadline {
  /** `return`: the old device or an earlier replacement must come back; `loaner`: the loaner must. */
  kind: 'return' | 'loaner';
  charge: DeadlineCharge;
  claimId: string;
  deviceId: string;
  /** The last day (JST) that meets the deadline; the charge falls due the day after. */
  dueDate: CalendarDate;
  /** What is billed if it is missed. */
  chargeYen: number;
  /** The due date has passed and the sweep has not assessed it yet (it will, on its next run). */
  overdue: boolean;
}

/**
 * Where an accepted claim's logistics stand: nothing received or delivered yet; the faulty
 * device (or a loaner) out for repair; a replacement delivered and the old device not back yet;
 * the repaired device delivered and the loaner not back yet.
 */
export type OpenClaimStatus = 'filed' | 'in_repair' | 'awaiting_return' | 'awaiting_loaner_return';

export interface OpenClaim {
  claimId: string;
  deviceId: string;
  status: OpenClaimStatus;
  /** The JST date the claim reached that status. */
  since: CalendarDate;
  filedOn: CalendarDate;
}

export interface OpenItems {
  customerId: string;
  /** The instant the view was computed for. */
  asOf: string;
  installments: OpenInstallments[];
  remainingInstallmentsYen: number;
  deadlines: OpenDeadline[];
  openClaims: OpenClaim[];
  /** Events that name an order, device or claim not known yet (§0), waiting for it. */
  eventsWaiting: number;
}

/**
 * The installments of a delivered device on an active order not billed yet; undefined when
 * none remain (paid in full, paid off, a lump sum) or nothing can be owed yet (not delivered:
 * the schedule starts at the usage start, so its months are not known).
 */
function openInstallments(state: CustomerState, device: DeviceState): OpenInstallments | undefined {
  if (device.payment.plan !== 'installments' || !device.deliveredOn) return undefined;
  if (getOwn(state.orders, device.orderId)?.status !== 'active') return undefined;
  const last = lastScheduledPayment(device);
  if (device.paymentsBilled >= last) return undefined;
  let remainingYen = 0;
  for (let k = device.paymentsBilled + 1; k <= last; k++)
    remainingYen = addYen(remainingYen, paymentAmount(device.priceYen, device.payment, k), 'remaining installments');
  return {
    orderId: device.orderId,
    deviceId: device.deviceId,
    model: device.model,
    months: paymentCount(device.payment),
    monthlyYen: paymentAmount(device.priceYen, device.payment, paymentCount(device.payment)),
    remainingCount: last - device.paymentsBilled,
    remainingYen,
    lastMonth: paymentDueMonth(device, last),
  };
}

/** The deadlines of a claim the sweep would still assess (returns.ts), as the clerk reads them. */
function openDeadlines(claim: ClaimState, today: CalendarDate): OpenDeadline[] {
  return unassessedDeadlines(claim).map(({ kind, due }): OpenDeadline => {
    // `due` is the first day after the window: the deadline's last day is the one before.
    const dueDate = addDays(due, -1);
    const common = { claimId: claim.claimId, deviceId: claim.deviceId, dueDate, overdue: today > dueDate };
    if (kind === 'penalty')
      return { kind: 'return', charge: 'late_return_penalty', chargeYen: LATE_RETURN_PENALTY_YEN, ...common };
    if (kind === 'reexchange')
      return { kind: 'return', charge: 'reexchange_charge', chargeYen: claim.reexchange?.valueYen ?? 0, ...common };
    return { kind: 'loaner', charge: 'loaner_charge', chargeYen: claim.loanerValueYen ?? 0, ...common };
  });
}

/** Code-unit order: ids are ASCII, and the order must not depend on the locale. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const standing = (charge: { reversed: boolean } | undefined): boolean => charge !== undefined && !charge.reversed;

/** Where an accepted, not withdrawn claim stands; undefined once its logistics are finished or charged. */
function claimStatus(claim: ClaimState): { status: OpenClaimStatus; since: CalendarDate } | undefined {
  if (claim.decision !== 'accepted' || claim.withdrawnAt) return undefined;
  if (claim.replacementDeliveredOn) {
    // Back, or billed for not coming back (a charge still standing settles it).
    if (claim.deviceReturnedOn || standing(claim.penalty) || standing(claim.reexchangeCharge)) return undefined;
    return { status: 'awaiting_return', since: claim.replacementDeliveredOn };
  }
  const loanerOut =
    claim.loanerDeliveredOn !== undefined &&
    !claim.loanerReturnedOn &&
    !(claim.loanerCharges ?? []).some((c) => !c.reversed);
  if (claim.repairedDeliveredOn)
    return loanerOut ? { status: 'awaiting_loaner_return', since: claim.repairedDeliveredOn } : undefined;
  const repairStarts = [claim.faultyReceivedOn, claim.loanerDeliveredOn].filter((d): d is CalendarDate => !!d);
  if (repairStarts.length > 0) return { status: 'in_repair', since: repairStarts.sort()[0] as CalendarDate };
  return { status: 'filed', since: claim.filedOn };
}

/** The customer's open items at `asOf` (an ISO instant: the deadlines' `overdue` is read on its JST date). */
export function openItems(state: CustomerState, asOf: string): OpenItems {
  const today = jstDate(asOf);
  const installments = Object.values(state.devices)
    .map((device) => openInstallments(state, device))
    .filter((i): i is OpenInstallments => i !== undefined)
    .sort((a, b) => byText(a.orderId, b.orderId) || byText(a.deviceId, b.deviceId));
  const claims = Object.values(state.claims);
  const deadlines = claims
    .flatMap((claim) => openDeadlines(claim, today))
    .sort((a, b) => byText(a.dueDate, b.dueDate) || byText(a.claimId, b.claimId) || byText(a.charge, b.charge));
  const openClaims = claims
    .flatMap((claim): OpenClaim[] => {
      const at = claimStatus(claim);
      return at ? [{ claimId: claim.claimId, deviceId: claim.deviceId, ...at, filedOn: claim.filedOn }] : [];
    })
    .sort((a, b) => byText(a.since, b.since) || byText(a.claimId, b.claimId));
  return {
    customerId: state.customerId,
    asOf,
    installments,
    remainingInstallmentsYen: installments.reduce(
      (sum, i) => addYen(sum, i.remainingYen, 'remaining installments of a customer'),
      0,
    ),
    deadlines,
    openClaims,
    eventsWaiting: state.waiting?.length ?? 0,
  };
}
