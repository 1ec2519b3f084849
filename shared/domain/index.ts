// The billing engine's public surface: pure functions over a per-customer aggregate.
export * from './calendar.ts';
export * from './types.ts';
export type { Outcome } from './outcome.ts';
export { decide, type Decision, type DecisionOutcome, type DecideOptions } from './decide.ts';
export type { CustomerHistory } from './rederive.ts';
export { businessKey, journalRecordOf, keyOf, LIFECYCLE_RANK, ruledEvent, type JournalRecord, type RuledEvent, type RuledOrderPlaced, type WaitingEvent } from './business-order.ts';
export { nextDueDate, nextWaitingExpiry, expiredWaiting } from './waiting.ts';
export { publishedRevision } from './decisions.ts';
export { CustomerBook } from './customer-book.ts';
export { closeMonth, sweepDeadlines, MonthNotEndedError } from './close.ts';
export { buildStatement, statementTotals, lookbackMonths, statementAccess, monthHasEnded, type StatementAccess } from './statement.ts';
export { installmentSchedule, paymentAmount, isPaid } from './payment.ts';
export { protectionFeeFor, finalMonthOf } from './protection.ts';
export { adjudicate, coverageYearOf, COVERED_CAUSES, type Adjudication } from './claims.ts';
export { nextDeadline } from './returns.ts';
export { eligibilityFailures } from './orders.ts';
export { AmountOutOfRangeError, addYen, checkedYen, multiplyYen } from './money.ts';
export * as policy from './policy.ts';
