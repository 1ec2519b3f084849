// The time-driven parts: the monthly close of one customer and the daily deadline sweep.
// Both take the aggregate and a time and are idempotent: running them again, or late,
// writes nothing new.
import { addMonths, jstDate, lastDayOf, monthOf, type Month } from './calendar.ts';
import { getOwn } from './records.ts';
import { billDuePayments } from './payment.ts';
import { billDueProtection } from './protection.ts';
import { assessDeadlines } from './returns.ts';
import { buildStatement, monthHasEnded } from './statement.ts';
import { emptyEffects, type CustomerState, type Effects } from './types.ts';
import { cloneState } from './clone.ts';

export class MonthNotEndedError extends Error {
  constructor(readonly month: Month, now: string) {
    super(`month ${month} has not ended yet (now ${now}); it can be closed from its next month on`);
    this.name = 'MonthNotEndedError';
  }
}

/** The first month this customer has anything to close: the month after the last close, or its first order. */
function firstUnclosedMonth(state: CustomerState, month: Month): Month {
  if (state.closedThrough) return addMonths(state.closedThrough, 1);
  let first = month;
  for (const order of Object.values(state.orders)) if (monthOf(order.placedOn) < first) first = monthOf(order.placedOn);
  for (const entry of state.openEntries) if (entry.billingMonth < first) first = entry.billingMonth;
  return first;
}

/** Closes one month in place: deadlines due in it, its recurring charges, then the statement. */
function closeOneMonth(state: CustomerState, month: Month, closedAt: string, effects: Effects): void {
  const causedBy = `close:${month}`;
  const monthEnd = lastDayOf(month);
  for (const claim of Object.values(state.claims)) assessDeadlines(state, claim, monthEnd, effects);
  for (const device of Object.values(state.devices)) {
    const order = getOwn(state.orders, device.orderId)!;
    if (order.status !== 'active') continue;
    billDuePayments(state, device, month, effects, causedBy);
    billDueProtection(state, device, order, month, effects, causedBy);
  }
  const onStatement = state.openEntries.filter((e) => e.billingMonth === month);
  if (onStatement.length > 0) {
    state.openEntries = state.openEntries.filter((e) => e.billingMonth !== month);
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
export function closeMonth(state: CustomerState, month: Month, now: string): { state: CustomerState; effects: Effects; changed: boolean } {
  if (!monthHasEnded(month, now)) throw new MonthNotEndedError(month, now);
  const effects = emptyEffects();
  if (state.closedThrough && state.closedThrough >= month) return { state, effects, changed: false };
  const next = cloneState(state);
  for (let m = firstUnclosedMonth(next, month); m <= month; m = addMonths(m, 1)) closeOneMonth(next, m, now, effects);
  next.version++;
  return { state: next, effects, changed: true };
}

/** The daily sweep: assesses every return and loaner deadline that has passed at `asOf`. */
export function sweepDeadlines(state: CustomerState, asOf: string): { state: CustomerState; effects: Effects; changed: boolean } {
  const effects = emptyEffects();
  const next = cloneState(state);
  const today = jstDate(asOf);
  for (const claim of Object.values(next.claims)) assessDeadlines(next, claim, today, effects);
  if (effects.entries.length === 0) return { state, effects, changed: false };
  next.version++;
  return { state: next, effects, changed: true };
}
