// The time-driven parts: the monthly close of one customer and the daily deadline sweep.
// Both take the aggregate and a time and are idempotent: running them again, or late,
// writes nothing new.

import { addMonths, type CalendarDate, jstDate, lastDayOf, type Month, monthOf } from './calendar.ts';
import { forgetStaleCheckpoint } from './checkpoint.ts';
import { cloneClaim, draftForTimeStep } from './clone.ts';
import { assessDeadlines, hasDeadlineDue } from './deadlines.ts';
import { stampRevisions } from './decisions.ts';
import { orderOf } from './facts.ts';
import { billDuePayments } from './payment.ts';
import { MONTHLY_CLOSE_HOUR_JST, WAITING_DEAD_LETTER_DAYS } from './policy.ts';
import { billDueProtection } from './protection.ts';
import { setOwn } from './records.ts';
import { buildStatement, monthHasEnded } from './statement.ts';
import { type CustomerState, type DeviceState, type Effects, emptyEffects, type LedgerEntry } from './types.ts';
import { dropFromTail, expiredWaiting } from './waiting.ts';

export class MonthNotEndedError extends Error {
  constructor(
    readonly month: Month,
    now: string,
  ) {
    super(`month ${month} has not ended yet (now ${now}); it can be closed from its next month on`);
    this.name = 'MonthNotEndedError';
  }
}

/**
 * The instant the scheduled close of `month` runs (§6 Policy MONTHLY_CLOSE_HOUR_JST): the 1st of
 * the next month at that hour, JST, e.g. '2026-11-01T01:00:00+09:00' for October 2026.
 */
export function closeTimeOf(month: Month): string {
  return `${addMonths(month, 1)}-01T${String(MONTHLY_CLOSE_HOUR_JST).padStart(2, '0')}:00:00+09:00`;
}

/** The first month this customer has anything to close: the month after the last close, or its first order. */
function firstUnclosedMonth(state: CustomerState, month: Month): Month {
  if (state.closedThrough) return addMonths(state.closedThrough, 1);
  let first = month;
  for (const order of Object.values(state.orders)) if (monthOf(order.placedOn) < first) first = monthOf(order.placedOn);
  for (const entry of state.openEntries) if (entry.billingMonth < first) first = entry.billingMonth;
  return first;
}

/** Assesses, on a draft, the deadlines due by `asOf`; a claim is copied only when it has one. */
export function assessDueDeadlines(draft: CustomerState, asOf: CalendarDate, effects: Effects): void {
  for (const [claimId, claim] of Object.entries(draft.claims)) {
    if (!hasDeadlineDue(claim, asOf)) continue;
    const copy = cloneClaim(claim);
    setOwn(draft.claims, claimId, copy);
    assessDeadlines(draft, copy, asOf, effects);
  }
}

/** The device with the billing counters the close moved (its plan copied only if that moved). */
function withBilled(device: DeviceState, paymentsBilled: number, billedThrough: Month | undefined): DeviceState {
  const copy = { ...device, paymentsBilled };
  if (device.protection && billedThrough !== device.protection.billedThrough)
    copy.protection = { ...device.protection, billedThrough };
  return copy;
}

/**
 * What the close of `month` bills on a draft before its statement: the deadlines due in it
 * and its recurring charges. A re-derivation bills every closed month with it, too.
 */
export function billMonth(state: CustomerState, month: Month, effects: Effects): void {
  const causedBy = `close:${month}`;
  assessDueDeadlines(state, lastDayOf(month), effects);
  for (const [deviceId, device] of Object.entries(state.devices)) {
    const order = orderOf(state, device);
    if (order.status !== 'active') continue;
    const paymentsBilled = billDuePayments(state, device, month, effects, causedBy);
    const billedThrough = billDueProtection(state, device, order, month, effects, causedBy);
    if (paymentsBilled !== device.paymentsBilled || billedThrough !== device.protection?.billedThrough) {
      setOwn(state.devices, deviceId, withBilled(device, paymentsBilled, billedThrough));
    }
  }
}

/** Closes one month of a draft: what it bills, then the statement. */
function closeOneMonth(state: CustomerState, month: Month, closedAt: string, effects: Effects): void {
  billMonth(state, month, effects);
  const onStatement: LedgerEntry[] = [];
  const stillOpen: LedgerEntry[] = [];
  for (const entry of state.openEntries) (entry.billingMonth === month ? onStatement : stillOpen).push(entry);
  if (onStatement.length > 0) {
    state.openEntries = stillOpen;
    const statement = buildStatement(state.customerId, month, onStatement, closedAt);
    effects.statements.push(statement);
    effects.emitted.push({
      id: `StatementClosed/${state.customerId}/${month}`,
      detailType: 'StatementClosed',
      detail: { customerId: state.customerId, month, totalYen: statement.totals.totalYen },
    });
  }
  state.closedThrough = month;
}

/**
 * Closes `month` for one customer, first closing every earlier month not yet closed.
 * Refuses a month that has not ended at `now`; a month already closed changes nothing.
 */
export function closeMonth(
  state: CustomerState,
  month: Month,
  now: string,
): { state: CustomerState; effects: Effects; changed: boolean } {
  if (!monthHasEnded(month, now)) throw new MonthNotEndedError(month, now);
  const effects = emptyEffects();
  if (state.closedThrough && state.closedThrough >= month) return { state, effects, changed: false };
  const next = draftForTimeStep(state);
  for (let m = firstUnclosedMonth(next, month); m <= month; m = addMonths(m, 1)) closeOneMonth(next, m, now, effects);
  // Most closes publish StatementClosed only, which has no revision.
  if (effects.emitted.some((e) => e.detailType === 'PenaltyAssessed'))
    effects.emitted = stampRevisions(next, effects.emitted);
  next.version++;
  return { state: next, effects, changed: true };
}

/**
 * The daily sweep: assesses every return and loaner deadline that has passed at `asOf`, and
 * gives up on events that have waited `WAITING_DEAD_LETTER_DAYS` for what they name (§0
 * Policy): they leave the customer, to be dead-lettered with their reason.
 */
export function sweepDeadlines(
  state: CustomerState,
  asOf: string,
): { state: CustomerState; effects: Effects; changed: boolean } {
  const effects = emptyEffects();
  const next = draftForTimeStep(state);
  const today = jstDate(asOf);
  assessDueDeadlines(next, today, effects);
  const expired = expiredWaiting(state, asOf);
  if (effects.entries.length === 0 && expired.length === 0) return { state, effects, changed: false };
  if (effects.entries.length > 0 && (!state.sweptThrough || state.sweptThrough < today)) next.sweptThrough = today;
  if (expired.length > 0) {
    const gone = new Set(expired.map((w) => w.record.event.detail.eventId));
    const left = (state.waiting ?? []).filter((w) => !gone.has(w.record.event.detail.eventId));
    if (left.length > 0) next.waiting = left;
    else delete next.waiting;
    effects.expired = expired.map((w) => ({
      record: w.record,
      reason: `WAITED_${WAITING_DEAD_LETTER_DAYS}_DAYS: ${w.reason}`,
    }));
    forgetStaleCheckpoint(next, effects.expired);
    dropFromTail(next, effects.expired);
  }
  effects.emitted = stampRevisions(next, effects.emitted);
  next.version++;
  return { state: next, effects, changed: true };
}
