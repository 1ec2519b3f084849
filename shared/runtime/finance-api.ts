// The finance API of contract §3, independent of how a request arrives (API Gateway in the
// cloud, the local HTTP server locally): a method and a path in, a status and a body out.
import {
  addYen,
  ENTRY_KINDS,
  type LedgerEntry,
  lookbackMonths,
  type Month,
  type Statement,
  statementAccess,
  TAX_CLASSES,
} from '../domain/index.ts';
import { LOOKBACK_PHRASE } from '../domain/policy.ts';
import { CUSTOMER_ID_MAX, isAsciiId, isYearMonth } from '../schemas/primitives.ts';
import type { CloseStatusStore } from '../store/close-status.ts';
import type { HeldCustomer, HeldCustomerStore } from '../store/held-customers.ts';
import type { LedgerReads } from '../store/ledger-reads.ts';
import { csvTable } from './csv.ts';

export interface FinanceDeps {
  reads: LedgerReads;
  closes: CloseStatusStore;
  holds: HeldCustomerStore;
}

export interface FinanceResponse {
  status: number;
  contentType: 'application/json' | 'text/csv; charset=utf-8';
  body: string;
}

const json = (status: number, value: unknown): FinanceResponse => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});
const error = (status: number, code: string, message: string) => json(status, { error: code, message });

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export async function handleFinanceRequest(
  deps: FinanceDeps,
  method: string,
  path: string,
  now: string,
): Promise<FinanceResponse> {
  if (method !== 'GET')
    return error(405, 'METHOD_NOT_ALLOWED', `${method} is not supported; the finance API is read-only`);
  const segments = path.replace(/\?.*$/, '').split('/').filter(Boolean).map(decodeSegment);
  if (segments.some((s) => s === undefined)) return error(400, 'BAD_REQUEST', 'the path is not validly URL-encoded');
  const [root, id, sub, month, extra] = segments as string[];
  if (root === 'customers' && sub === 'statements' && extra === undefined && id !== undefined) {
    if (!isAsciiId(id, CUSTOMER_ID_MAX))
      return error(
        400,
        'BAD_REQUEST',
        `customerId must be 1 to ${CUSTOMER_ID_MAX} printable ASCII characters without spaces`,
      );
    return month === undefined ? listMonths(deps, id, now) : getStatement(deps, id, month, now);
  }
  if (root === 'reports' && id !== undefined && month === undefined) {
    if (sub === undefined) return monthReport(deps, id, now);
    if (sub === 'entries.csv') return monthCsv(deps, id, now);
  }
  return error(404, 'NOT_FOUND', `no route for GET ${path}`);
}

async function listMonths(deps: FinanceDeps, customerId: string, now: string): Promise<FinanceResponse> {
  // Two independent single-item reads: at the same time, one round trip of latency.
  const [closedThrough, stored] = await Promise.all([
    deps.closes.closedThrough(),
    deps.reads.statementMonths(customerId),
  ]);
  const readable = new Set(lookbackMonths(now).filter((m) => closedThrough !== undefined && m <= closedThrough));
  const months = stored.filter((m) => readable.has(m));
  return json(200, { customerId, months });
}

/** 400 for a malformed month, 410 before the lookback, 409 for a month not closed yet. */
async function checkMonth(deps: FinanceDeps, month: string, now: string): Promise<FinanceResponse | undefined> {
  if (!isYearMonth(month)) return badMonth(month);
  return refusal(month, now, await deps.closes.closedThrough());
}

const badMonth = (month: string) => error(400, 'BAD_REQUEST', `month must be YYYY-MM, got "${month.slice(0, 20)}"`);

function refusal(month: Month, now: string, closedThrough: Month | undefined): FinanceResponse | undefined {
  const access = statementAccess(month, now, closedThrough);
  if (access === 'OUTSIDE_LOOKBACK')
    return error(
      410,
      'OUTSIDE_LOOKBACK',
      `${month} is outside the ${LOOKBACK_PHRASE} (${lookbackMonths(now).at(-1)} to ${lookbackMonths(now)[0]}); the data is kept but not served here`,
    );
  if (access === 'MONTH_NOT_CLOSED') return error(409, 'MONTH_NOT_CLOSED', `${month} is not closed yet`);
  return undefined;
}

async function getStatement(
  deps: FinanceDeps,
  customerId: string,
  month: string,
  now: string,
): Promise<FinanceResponse> {
  if (!isYearMonth(month)) return badMonth(month);
  // Read alongside the close status rather than after it: one round trip of latency, not
  // two. The statement is only returned if the month may be read.
  const [closedThrough, statement] = await Promise.all([
    deps.closes.closedThrough(),
    deps.reads.statement(customerId, month),
  ]);
  const refused = refusal(month, now, closedThrough);
  if (refused) return refused;
  if (!statement) {
    // A customer held back from the close has its statement still to come, not none.
    const held = await deps.holds.find(customerId, month);
    if (held)
      return error(
        409,
        'MONTH_NOT_CLOSED',
        `${month} is not closed yet for customer ${customerId}: held from the close since ${held.heldAt} (${held.reason})`,
      );
    return error(404, 'NOT_FOUND', `no statement for customer ${customerId} in ${month}`);
  }
  return json(200, statement);
}

export interface MonthReport {
  month: Month;
  statements: number;
  totals: { taxableYen: number; consumptionTaxYen: number; nonTaxableYen: number; totalYen: number };
  byKind: Record<string, { entries: number; amountYen: number }>;
  byTaxClass: Record<string, { entries: number; amountYen: number }>;
  /** Customers held back from the close: their statements are not in the totals yet. */
  held: Pick<HeldCustomer, 'customerId' | 'reason' | 'heldAt'>[];
}

export function buildMonthReport(
  month: Month,
  statements: readonly Statement[],
  held: readonly HeldCustomer[] = [],
): MonthReport {
  const zeroSums = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, { entries: 0, amountYen: 0 }])) as Record<
      K,
      { entries: number; amountYen: number }
    >;
  const byKind = zeroSums(ENTRY_KINDS);
  const byTaxClass = zeroSums(TAX_CLASSES);
  const report: MonthReport = {
    month,
    statements: statements.length,
    totals: { taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 },
    byKind,
    byTaxClass,
    held: held.map(({ customerId, reason, heldAt }) => ({ customerId, reason, heldAt })),
  };
  for (const statement of statements) {
    // Tax is computed per statement (the invoice rule), so the report adds the statements' taxes.
    // Checked sums: this is the one sum that grows with the population.
    for (const key of ['taxableYen', 'consumptionTaxYen', 'nonTaxableYen', 'totalYen'] as const)
      report.totals[key] = addYen(report.totals[key], statement.totals[key], 'a month report total');
    for (const line of statement.lines) {
      for (const sum of [byKind[line.kind], byTaxClass[line.taxClass]]) {
        sum.entries++;
        sum.amountYen = addYen(sum.amountYen, line.amountYen, 'a month report sum by kind or tax class');
      }
    }
  }
  return report;
}

async function monthReport(deps: FinanceDeps, month: string, now: string): Promise<FinanceResponse> {
  const refused = await checkMonth(deps, month, now);
  if (refused) return refused;
  const [statements, held] = await Promise.all([deps.reads.monthStatements(month), deps.holds.all(month)]);
  return json(200, buildMonthReport(month, statements, held));
}

export const CSV_COLUMNS = [
  'customerId',
  'entryId',
  'billingMonth',
  'forMonth',
  'businessDate',
  'kind',
  'taxClass',
  'amountYen',
  'deviceId',
  'claimId',
  'reverses',
  'description',
] as const;

export function entriesCsv(entries: readonly LedgerEntry[]): string {
  return csvTable(CSV_COLUMNS, entries);
}

async function monthCsv(deps: FinanceDeps, month: string, now: string): Promise<FinanceResponse> {
  const refused = await checkMonth(deps, month, now);
  if (refused) return refused;
  return {
    status: 200,
    contentType: 'text/csv; charset=utf-8',
    body: entriesCsv(await deps.reads.monthEntries(month)),
  };
}
