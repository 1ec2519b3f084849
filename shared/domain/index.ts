// The billing engine's public surface: pure functions over a per-customer aggregate.

export {
  businessKey,
  type JournalRecord,
  journalRecordOf,
  keyOf,
  LIFECYCLE_RANK,
  type RuledEvent,
  type RuledOrderPlaced,
  ruledEvent,
  type WaitingEvent,
} from './business-order.ts';
export * from './calendar.ts';
export { historyFor, monthStartKey, usableCheckpoint } from './checkpoint.ts';
export { type Adjudication, adjudicate, coverageYearOf } from './claims.ts';
export { closeMonth, closeTimeOf, MonthNotEndedError, sweepDeadlines } from './close.ts';
export {
  type BookStep,
  CustomerBook,
  decideInMemory,
  type MemoryHistory,
  type ReplayOptions,
} from './customer-book.ts';
export { nextDeadline } from './deadlines.ts';
export { type DecideOptions, type Decision, type DecisionOutcome, decide } from './decide.ts';
export { publishedRevision } from './decisions.ts';
export { AmountOutOfRangeError, addYen, checkedYen, multiplyYen } from './money.ts';
export {
  addMonthTotals,
  addStatement,
  type EntrySum,
  emptyMonthTotals,
  type MonthTotals,
} from './month-totals.ts';
export { eligibilityFailures } from './orders.ts';
export type { Outcome } from './outcome.ts';
export { installmentSchedule, isPaid, paymentAmount } from './payment.ts';
export * as policy from './policy.ts';
export { finalMonthOf, protectionFeeFor } from './protection.ts';
export type { CustomerHistory } from './rederive.ts';
export {
  buildStatement,
  lookbackMonths,
  monthHasEnded,
  type StatementAccess,
  statementAccess,
  statementTotals,
} from './statement.ts';
export * from './types.ts';
export { expiredWaiting, nextDueDate, nextWaitingExpiry } from './waiting.ts';
