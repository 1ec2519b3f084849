// The finance API of contract §3, independent of how a request arrives (API Gateway in the
// cloud, the local HTTP server locally): a method and a path in, a status and a body out.
import {
  addMonthTotals,
  addStatement,
  emptyMonthTotals,
  lookbackMonths,
  type Month,
  type MonthTotals,
  type Statement,
  statementAccess,
} from '../domain/index.ts';
import { LOOKBACK_PHRASE } from '../domain/policy.ts';
import { CUSTOMER_ID_MAX, isAsciiId, isYearMonth } from '../schemas/primitives.ts';
import type { CloseStatusStore } from '../store/close-status.ts';
import type { EntriesExport, ReadyExport } from '../store/entries-exports.ts';
import type { HeldCustomer, HeldCustomerStore } from '../store/held-customers.ts';
import type { LedgerReads } from '../store/ledger-reads.ts';
import { CSV_COLUMNS, entriesCsv } from './csv.ts';
import { entriesFileName } from './entries-export.ts';
import { type CustomerReads, openForCustomer, searchCustomers } from './finance-customers.ts';

// Where they were first defined: the API's callers and tests still import them from here.
export { CSV_COLUMNS, entriesCsv };

export interface FinanceDeps {
  reads: LedgerReads;
  closes: CloseStatusStore;
  holds: HeldCustomerStore;
  entriesExports: EntriesExportAccess;
  /** The customer search and the open items (shared/store/customer-search.ts `CustomerDirectory`). */
  customers: CustomerReads;
}

/** The months' entries exports (shared/runtime/entries-export.ts): their state, and where a ready one downloads. */
export interface EntriesExportAccess {
  get(month: Month): Promise<EntriesExport | undefined>;
  /** Where finance downloads a ready export: a presigned S3 URL in the cloud, the stack's download path locally. */
  downloadUrl(ready: ReadyExport): Promise<string>;
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
  if (root === 'customers' && id === undefined)
    return searchCustomers(deps.customers, new URLSearchParams(path.replace(/^[^?]*\??/, '')));
  if (root === 'customers' && id !== undefined && sub === 'open' && month === undefined)
    return openForCustomer(deps.customers, id, now);
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
  const sums = emptyMonthTotals();
  for (const statement of statements) addStatement(sums, statement);
  return monthReportOf(month, sums, held);
}

/** The report of a month's totals, however they were summed (statement by statement or shard by shard). */
export function monthReportOf(month: Month, sums: MonthTotals, held: readonly HeldCustomer[] = []): MonthReport {
  return {
    month,
    statements: sums.statements,
    totals: sums.totals,
    byKind: sums.byKind,
    byTaxClass: sums.byTaxClass,
    held: held.map(({ customerId, reason, heldAt }) => ({ customerId, reason, heldAt })),
  };
}

/**
 * The report reads the 32 shard totals the close wrote (shared/store/shard-totals.ts) and
 * the month's holds: O(shards) at any population, never the statements. A month closed
 * before the close wrote totals has some shard without them: its report sums every
 * statement of the month instead, as the report always did, with the same result.
 */
async function monthReport(deps: FinanceDeps, month: string, now: string): Promise<FinanceResponse> {
  const refused = await checkMonth(deps, month, now);
  if (refused) return refused;
  const [shards, held] = await Promise.all([deps.closes.shardTotals(month), deps.holds.all(month)]);
  if (!shards) return json(200, buildMonthReport(month, await deps.reads.monthStatements(month), held));
  const sums = emptyMonthTotals();
  for (const shard of shards) addMonthTotals(sums, shard);
  return json(200, monthReportOf(month, sums, held));
}

/**
 * The month's entries file, written by the close (or an operator) as a job: the month, too large
 * for a response, is answered with the export's state and, once ready, where to download it.
 */
async function monthCsv(deps: FinanceDeps, month: string, now: string): Promise<FinanceResponse> {
  const refused = await checkMonth(deps, month, now);
  if (refused) return refused;
  const found = await deps.entriesExports.get(month);
  if (!found)
    return error(
      404,
      'EXPORT_NOT_FOUND',
      `${month}'s entries have not been exported: the close exports them when it finishes; an operator can export them again`,
    );
  if (found.state === 'running') return json(202, { month, state: 'running', startedAt: found.startedAt });
  if (found.state === 'failed')
    return error(
      500,
      'EXPORT_FAILED',
      `${month}'s export failed at ${found.failedAt} (${found.reason}); an operator can export it again`,
    );
  const { rows, bytes, startedAt, finishedAt } = found;
  const url = await deps.entriesExports.downloadUrl(found);
  return json(200, {
    month,
    state: 'ready',
    url,
    fileName: entriesFileName(month),
    rows,
    bytes,
    startedAt,
    finishedAt,
  });
}
