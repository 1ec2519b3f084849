// §3 Protection fee: from the usage start month (day-prorated) through the final month
// (in full). A cancellation learned late reverses the fees of months after the final month.

import {
  addMonths,
  type CalendarDate,
  dayOfMonth,
  daysInMonth,
  firstDayOf,
  jstMonth,
  type Month,
  maxMonth,
  monthOf,
} from './calendar.ts';
import { usageStartOf } from './facts.ts';
import { appendEntry, appendReversal, deviceEntryId, type EntryDraft } from './ledger.ts';
import { prorate } from './policy.ts';
import type { CustomerState, DeviceState, Effects, OrderState, ProtectionState } from './types.ts';

export interface ProtectionFee {
  amountYen: number;
  proration?: { activeDays: number; daysInMonth: number };
}

/** The fee of `month` for a plan whose usage started on `startDate`. */
export function protectionFeeFor(monthlyFeeYen: number, startDate: CalendarDate, month: Month): ProtectionFee {
  if (month !== monthOf(startDate)) return { amountYen: monthlyFeeYen };
  const days = daysInMonth(month);
  const activeDays = days - dayOfMonth(startDate) + 1;
  if (activeDays === days) return { amountYen: monthlyFeeYen };
  return { amountYen: prorate(monthlyFeeYen, activeDays, days), proration: { activeDays, daysInMonth: days } };
}

/** §3: the final month is that of the effective date (or the request), never before the request month. */
export function finalMonthOf(requestedAt: string, effectiveDate: CalendarDate | undefined): Month {
  const requestedMonth = jstMonth(requestedAt);
  return effectiveDate ? maxMonth(monthOf(effectiveDate), requestedMonth) : requestedMonth;
}

function cancelledBeforeDelivery(device: DeviceState, plan: ProtectionState): boolean {
  if (!plan.cancellation) return false;
  if (!device.deliveredAt) return true;
  return Date.parse(plan.cancellation.requestedAt) < Date.parse(device.deliveredAt);
}

/**
 * The last month the plan bills: the final month of its cancellation, `undefined` while it
 * runs on, or `null` when it never bills (no plan, voided order, cancelled before delivery).
 */
export function lastBillableMonth(device: DeviceState, order: OrderState): Month | undefined | null {
  const plan = device.protection;
  if (!plan || order.status !== 'active' || cancelledBeforeDelivery(device, plan)) return null;
  return plan.cancellation?.finalMonth;
}

/** §1 PROTECTION_LIMIT in business time: the plan counts for an order of `month` unless its final month is before it. */
export function isProtectionActiveIn(device: DeviceState, order: OrderState, month: Month): boolean {
  const last = lastBillableMonth(device, order);
  if (last === null) return false;
  return last === undefined || last >= month;
}

function protectionDraft(device: DeviceState, plan: ProtectionState, month: Month, causedBy: string): EntryDraft {
  const start = usageStartOf(device);
  const fee = protectionFeeFor(plan.monthlyFeeYen, start, month);
  const draft: EntryDraft = {
    entryId: deviceEntryId(device, 'prot', month),
    deviceId: device.deviceId,
    kind: 'protection_fee',
    amountYen: fee.amountYen,
    businessDate: month === monthOf(start) ? start : firstDayOf(month),
    businessMonth: month,
    description: fee.proration
      ? `Device protection ${month}, ${fee.proration.activeDays} of ${fee.proration.daysInMonth} days`
      : `Device protection ${month}`,
    causedBy,
  };
  if (fee.proration) draft.proration = fee.proration;
  return draft;
}

/**
 * Bills the monthly fee of every month from the usage start through `throughMonth` not yet
 * billed, and returns the new `billedThrough`. The plan is left as it is, so that the close
 * copies only the devices whose plan moved.
 */
export function billDueProtection(
  state: CustomerState,
  device: DeviceState,
  order: OrderState,
  throughMonth: Month,
  effects: Effects,
  causedBy: string,
): Month | undefined {
  const plan = device.protection;
  let billedThrough = plan?.billedThrough;
  const last = lastBillableMonth(device, order);
  if (!plan || last === null || !device.deliveredOn) return billedThrough;
  const from = billedThrough ? addMonths(billedThrough, 1) : monthOf(device.deliveredOn);
  const to = last !== undefined && last < throughMonth ? last : throughMonth;
  for (let month = from; month <= to; month = addMonths(month, 1)) {
    appendEntry(state, effects, protectionDraft(device, plan, month, causedBy));
    billedThrough = month;
  }
  return billedThrough;
}

/** Credits the fees already billed for months the plan turns out not to cover. */
export function reverseProtectionBeyond(
  state: CustomerState,
  device: DeviceState,
  order: OrderState,
  why: string,
  effects: Effects,
  causedBy: string,
): void {
  const plan = device.protection;
  if (!plan?.billedThrough || !device.deliveredOn) return;
  const last = lastBillableMonth(device, order);
  if (last === undefined) return;
  const from = last === null ? monthOf(device.deliveredOn) : addMonths(last, 1);
  for (let month = from; month <= plan.billedThrough; month = addMonths(month, 1)) {
    appendReversal(
      state,
      effects,
      protectionDraft(device, plan, month, causedBy),
      `${why} (protection ${month})`,
      causedBy,
    );
  }
  if (last === null) delete plan.billedThrough;
  else if (plan.billedThrough > last) plan.billedThrough = last;
}
