// §2 Device payment: the lump sum or installment schedule, early payoff, and when a device
// counts as paid. A lump sum is a schedule of one payment.

import { addMonths, jstDate, jstMonth, type Month, maxMonth, monthOf, monthsBetween } from './calendar.ts';
import { usageStartOf } from './facts.ts';
import { present } from './invariant.ts';
import { appendEntry, appendReversal, deviceEntryId, type EntryDraft } from './ledger.ts';
import { addYen } from './money.ts';
import type { CustomerState, DeviceState, Effects, PaymentPlan } from './types.ts';

export function paymentCount(plan: PaymentPlan): number {
  return plan.plan === 'installments' ? plan.months : 1;
}

/** Payment k (1-based): floor(price / N), the first also carrying the remainder. */
export function paymentAmount(priceYen: number, plan: PaymentPlan, k: number): number {
  const n = paymentCount(plan);
  const monthly = Math.floor(priceYen / n);
  return k === 1 ? priceYen - (n - 1) * monthly : monthly;
}

export function installmentSchedule(priceYen: number, months: number): number[] {
  const plan: PaymentPlan = { plan: 'installments', months };
  return Array.from({ length: months }, (_, i) => paymentAmount(priceYen, plan, i + 1));
}

/** The month payment k is due: the delivery month for the first, one month later for each next. */
export function paymentDueMonth(device: DeviceState, k: number): Month {
  return addMonths(monthOf(usageStartOf(device)), k - 1);
}

/** The last payment billed on its own: all of them, or those before an early payoff's first. */
export function lastScheduledPayment(device: DeviceState): number {
  return device.payoff?.billed ? firstCoveredInstallment(device) - 1 : paymentCount(device.payment);
}

export function isPaid(device: DeviceState): boolean {
  return device.paymentsBilled >= lastScheduledPayment(device);
}

/**
 * §1 DEVICE_LIMIT in business time: whether the device is paid for an order placed in
 * `month` — its payoff is billed, or its last payment falls due before that month (the
 * close of that payment's month bills it). An undelivered device is not paid.
 */
export function isPaidBy(device: DeviceState, month: Month): boolean {
  if (!device.deliveredOn) return false;
  if (device.payoff?.billed) return true;
  return paymentDueMonth(device, paymentCount(device.payment)) < month;
}

/** The ledger draft of scheduled payment k (used to bill it and to reverse it). */
function paymentDraft(device: DeviceState, k: number, causedBy: string): EntryDraft {
  const n = paymentCount(device.payment);
  const due = paymentDueMonth(device, k);
  const lumpSum = device.payment.plan === 'lump_sum';
  const draft: EntryDraft = {
    entryId: lumpSum ? deviceEntryId(device, 'lump') : deviceEntryId(device, 'inst', k),
    deviceId: device.deviceId,
    kind: lumpSum ? 'device_lump_sum' : 'device_installment',
    amountYen: paymentAmount(device.priceYen, device.payment, k),
    businessDate: k === 1 ? usageStartOf(device) : `${due}-01`,
    businessMonth: due,
    description: lumpSum ? `Device ${device.model}, paid in full` : `Installment ${k} of ${n}, ${device.model}`,
    causedBy,
  };
  if (!lumpSum) draft.installment = { number: k, of: n };
  return draft;
}

/**
 * Bills, in order, every scheduled payment due in or before `throughMonth` that is not yet
 * billed, and returns the new `paymentsBilled`. The device is left as it is, so that the
 * close copies only the devices whose count moved.
 */
export function billDuePayments(
  state: CustomerState,
  device: DeviceState,
  throughMonth: Month,
  effects: Effects,
  causedBy: string,
): number {
  let billed = device.paymentsBilled;
  if (!device.deliveredOn) return billed;
  // Payment k is due k − 1 months after the delivery month.
  const dueByThen = monthsBetween(monthOf(device.deliveredOn), throughMonth) + 1;
  const last = Math.min(lastScheduledPayment(device), dueByThen);
  while (billed < last) appendEntry(state, effects, paymentDraft(device, ++billed, causedBy));
  return billed;
}

/** The month the payoff takes effect: the request month, or the delivery month if later. */
function payoffMonth(device: DeviceState): Month {
  return maxMonth(payoffOf(device).requestedMonth, monthOf(usageStartOf(device)));
}

/** The payoff request of a device the caller knows has one. */
const payoffOf = (device: DeviceState): NonNullable<DeviceState['payoff']> =>
  present(device.payoff, `device ${device.deviceId} has a payoff request`);

/** The first installment an early payoff covers: the one due in the payoff month. */
function firstCoveredInstallment(device: DeviceState): number {
  return monthsBetween(monthOf(usageStartOf(device)), payoffMonth(device)) + 1;
}

/** Whether a payoff requested at `requestedAt` would leave nothing to pay (all due earlier). */
export function nothingLeftToPayOff(device: DeviceState, requestedAt: string): boolean {
  if (!device.deliveredOn) return false;
  const first =
    monthsBetween(monthOf(device.deliveredOn), maxMonth(jstMonth(requestedAt), monthOf(device.deliveredOn))) + 1;
  return first > paymentCount(device.payment);
}

/**
 * Bills an early payoff once the device is delivered: one line for every installment due
 * in or after the payoff month. Installments of those months that a close already billed
 * (the request arrived late) are reversed, so the ledger equals the in-order one.
 */
function payoffDraft(device: DeviceState, causedBy: string): EntryDraft {
  const n = paymentCount(device.payment);
  const first = firstCoveredInstallment(device);
  const month = payoffMonth(device);
  let remaining = 0;
  for (let k = first; k <= n; k++)
    remaining = addYen(remaining, paymentAmount(device.priceYen, device.payment, k), 'early payoff sum');
  return {
    entryId: deviceEntryId(device, 'payoff'),
    deviceId: device.deviceId,
    kind: 'installment_payoff',
    amountYen: remaining,
    businessDate:
      month === payoffOf(device).requestedMonth ? jstDate(payoffOf(device).requestedAt) : usageStartOf(device),
    description: `Early payoff of installments ${first} to ${n}, ${device.model}`,
    causedBy,
  };
}

export function billPayoff(state: CustomerState, device: DeviceState, effects: Effects, causedBy: string): void {
  const payoff = device.payoff;
  if (!payoff || payoff.billed || !device.deliveredOn) return;
  const n = paymentCount(device.payment);
  const first = firstCoveredInstallment(device);
  if (first > n) return;
  for (let k = first; k <= device.paymentsBilled; k++) {
    appendReversal(
      state,
      effects,
      paymentDraft(device, k, causedBy),
      `installment ${k} of ${n} is included in the early payoff`,
      causedBy,
    );
  }
  appendEntry(state, effects, payoffDraft(device, causedBy));
  device.paymentsBilled = Math.min(device.paymentsBilled, first - 1);
  payoff.billed = true;
}

/**
 * Credits every payment of a device that is on the ledger (the order turned out void). A
 * requested payoff stays requested, to be billed again if the void is undone.
 */
export function reversePayments(
  state: CustomerState,
  device: DeviceState,
  effects: Effects,
  why: string,
  causedBy: string,
): void {
  if (device.payoff?.billed) {
    appendReversal(state, effects, payoffDraft(device, causedBy), why, causedBy);
    device.payoff.billed = false;
  }
  for (let k = 1; k <= device.paymentsBilled; k++)
    appendReversal(state, effects, paymentDraft(device, k, causedBy), why, causedBy);
  device.paymentsBilled = 0;
}
