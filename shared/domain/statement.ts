// §6 Statements: one customer's closed month, its lines and totals with the invoice tax rule,
// and which months finance may read (the lookback, LOOKBACK_MONTHS).
import { addMonths, jstMonth, type Month } from './calendar.ts';
import { addYen } from './money.ts';
import { consumptionTaxOf, LOOKBACK_MONTHS } from './policy.ts';
import type { LedgerEntry, Statement, StatementLine, StatementTotals } from './types.ts';

export function toStatementLine(entry: LedgerEntry): StatementLine {
  const line: StatementLine = {
    entryId: entry.entryId,
    kind: entry.kind,
    deviceId: entry.deviceId,
    description: entry.description,
    amountYen: entry.amountYen,
    taxClass: entry.taxClass,
  };
  if (entry.claimId !== undefined) line.claimId = entry.claimId;
  if (entry.forMonth !== undefined) line.forMonth = entry.forMonth;
  if (entry.reverses !== undefined) line.reverses = entry.reverses;
  if (entry.installment) line.installment = entry.installment;
  if (entry.proration) line.proration = entry.proration;
  if (entry.useNumber !== undefined) line.useNumber = entry.useNumber;
  return line;
}

export function statementTotals(lines: readonly { amountYen: number; taxClass: string }[]): StatementTotals {
  let taxableYen = 0;
  let nonTaxableYen = 0;
  // Every addition checked (money.ts): a total past 2^53 would be silently rounded.
  for (const line of lines) {
    if (line.taxClass === 'taxable-10') taxableYen = addYen(taxableYen, line.amountYen, 'taxableYen of a statement');
    else nonTaxableYen = addYen(nonTaxableYen, line.amountYen, 'nonTaxableYen of a statement');
  }
  // Amounts are tax-inclusive: the tax is the part of the taxable total, computed once.
  const totalYen = addYen(taxableYen, nonTaxableYen, 'totalYen of a statement');
  return { taxableYen, consumptionTaxYen: consumptionTaxOf(taxableYen), nonTaxableYen, totalYen };
}

/** Lines in the order a reader expects: by the date that caused them, then by id. */
function byBusinessDate(a: LedgerEntry, b: LedgerEntry): number {
  if (a.businessDate !== b.businessDate) return a.businessDate < b.businessDate ? -1 : 1;
  return a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0;
}

/**
 * The entries in statement order. Most statements have two to six lines, for which an
 * insertion sort beats the builtin's call per comparison; long ones use the builtin.
 */
function inStatementOrder(entries: readonly LedgerEntry[]): LedgerEntry[] {
  if (entries.length > 16) return entries.slice().sort(byBusinessDate);
  const sorted: LedgerEntry[] = [];
  for (const entry of entries) {
    let j = sorted.length;
    for (let before = sorted[j - 1]; before !== undefined && byBusinessDate(before, entry) > 0; before = sorted[j - 1])
      sorted[j--] = before;
    sorted[j] = entry;
  }
  return sorted;
}

export function buildStatement(
  customerId: string,
  month: Month,
  entries: readonly LedgerEntry[],
  closedAt: string,
): Statement {
  const lines = inStatementOrder(entries).map(toStatementLine);
  return { customerId, month, closedAt, lines, totals: statementTotals(lines) };
}

/** The months finance may read at `now`: the LOOKBACK_MONTHS months before the current JST month, newest first. */
export function lookbackMonths(now: string): Month[] {
  const current = jstMonth(now);
  return Array.from({ length: LOOKBACK_MONTHS }, (_, i) => addMonths(current, -(i + 1)));
}

export type StatementAccess = 'OK' | 'OUTSIDE_LOOKBACK' | 'MONTH_NOT_CLOSED';

/**
 * Whether a month's statements may be read at `now`: older than the lookback window is
 * OUTSIDE_LOOKBACK (the data is kept, access is not given); a month not closed yet
 * (including the current and future months) is MONTH_NOT_CLOSED.
 */
export function statementAccess(month: Month, now: string, closedThrough: Month | undefined): StatementAccess {
  const current = jstMonth(now);
  if (month < addMonths(current, -LOOKBACK_MONTHS)) return 'OUTSIDE_LOOKBACK';
  if (!closedThrough || month > closedThrough || month >= current) return 'MONTH_NOT_CLOSED';
  return 'OK';
}

/** A month may be closed once it has ended in JST. */
export function monthHasEnded(month: Month, now: string): boolean {
  return month < jstMonth(now);
}
