// Test support: the example year's expected statements, examples/fiscal-year-2026.expected.json
// (transcribed from the hand-worked tables of examples/README.md), read and checked once, for
// every test of the example year to take its figures from. test/unit/examples-readme.test.ts
// holds the file to the README and to the engine; the demo, CLI, page and table tests hold the
// product's output to the file. What a month report or the year adds up to is summed here from
// the statements, as the README's month-report table sums them.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import {
  addMonths,
  ENTRY_KINDS,
  type EntryKind,
  type Month,
  type Statement,
  type StatementLine,
  type StatementTotals,
  TAX_CLASSES,
  type TaxClass,
} from '#shared/domain/index.ts';
import { isYearMonth } from '#shared/schemas/primitives.ts';

export const EXPECTED_FILE = new URL('../../examples/fiscal-year-2026.expected.json', import.meta.url);
export const EXAMPLES_README = new URL('../../examples/README.md', import.meta.url);

/** Japan's fiscal year 2026: the months the example year bills and the demo closes. */
export const FIRST_MONTH: Month = '2026-04';
export const LAST_MONTH: Month = '2027-03';

const yen = z.number().int();
const month = z.string().refine(isYearMonth, 'a month is YYYY-MM');
const totalsSchema = z.strictObject({ taxableYen: yen, consumptionTaxYen: yen, nonTaxableYen: yen, totalYen: yen });
const lineSchema = z.strictObject({
  kind: z.enum(ENTRY_KINDS),
  amountYen: yen,
  taxClass: z.enum(TAX_CLASSES),
  installment: z.strictObject({ number: z.number().int().positive(), of: z.number().int().positive() }).optional(),
  proration: z
    .strictObject({ activeDays: z.number().int().positive(), daysInMonth: z.number().int().positive() })
    .optional(),
  useNumber: z.number().int().positive().optional(),
  forMonth: month.optional(),
});
const statementSchema = z.strictObject({ totals: totalsSchema, lines: z.array(lineSchema).min(1) });
const fileSchema = z.strictObject({
  $comment: z.array(z.string()).optional(),
  events: z.string(),
  customers: z.record(z.string(), z.strictObject({ yearTotalYen: yen, statements: z.record(month, statementSchema) })),
});

/** A statement line as the expectations state it: what it bills, not its ids or wording. */
export type ExpectedLine = z.infer<typeof lineSchema>;
export interface ExpectedStatement {
  customerId: string;
  month: Month;
  totals: StatementTotals;
  lines: ExpectedLine[];
}
export interface ExpectedCustomer {
  customerId: string;
  yearTotalYen: number;
  /** Oldest first; a month absent has no statement. */
  statements: ExpectedStatement[];
}
/** What a month report says, summed from the month's expected statements. */
export interface ExpectedReport {
  month: Month;
  statements: number;
  totals: StatementTotals;
  /** Only the kinds and tax classes the month has. */
  byKind: Partial<Record<EntryKind, { entries: number; amountYen: number }>>;
  byTaxClass: Partial<Record<TaxClass, { entries: number; amountYen: number }>>;
  /** Ledger entries of the month, over all customers (the rows of entries.csv). */
  entries: number;
}

function load(): z.infer<typeof fileSchema> {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')));
  if (!parsed.success)
    throw new Error(`examples/fiscal-year-2026.expected.json is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
const file = load();

/** The example year's events (the file the expectations are of), as the demo and the tests send them. */
export const EXAMPLE_EVENTS_FILE = new URL(file.events, EXPECTED_FILE);

/** The example year's customers, CUST-1001 first, each with its statements oldest first. */
export const expectedCustomers: readonly ExpectedCustomer[] = Object.entries(file.customers)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([customerId, { yearTotalYen, statements }]) => ({
    customerId,
    yearTotalYen,
    statements: Object.entries(statements)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([m, s]) => ({ customerId, month: m, totals: s.totals, lines: s.lines })),
  }));
export const customerIds: readonly string[] = expectedCustomers.map((c) => c.customerId);

export function expectedCustomer(customerId: string): ExpectedCustomer {
  const customer = expectedCustomers.find((c) => c.customerId === customerId);
  if (!customer) throw new Error(`the example year has no customer ${customerId}`);
  return customer;
}

/** The months in which the customer has a statement, oldest first. */
export const expectedMonths = (customerId: string): Month[] =>
  expectedCustomer(customerId).statements.map((s) => s.month);

export function expectedStatement(customerId: string, month: Month): ExpectedStatement {
  const statement = expectedCustomer(customerId).statements.find((s) => s.month === month);
  if (!statement) throw new Error(`the example year has no statement for ${customerId} in ${month}`);
  return statement;
}

/** The statement's one line of `kind` (an error if it has none or several). */
export function lineOf(statement: ExpectedStatement, kind: EntryKind): ExpectedLine {
  const lines = statement.lines.filter((line) => line.kind === kind);
  if (lines.length !== 1)
    throw new Error(`${statement.customerId} ${statement.month} has ${lines.length} ${kind} lines, not one`);
  return lines[0]!;
}

/** The months of the fiscal year, April to March. */
export function fiscalMonths(): Month[] {
  const months: Month[] = [];
  for (let m = FIRST_MONTH; m <= LAST_MONTH; m = addMonths(m, 1)) months.push(m);
  return months;
}

const ZERO = (): StatementTotals => ({ taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 });
const TOTAL_KEYS = ['taxableYen', 'consumptionTaxYen', 'nonTaxableYen', 'totalYen'] as const;

/** The month's statements over all customers, in customer order. */
export const expectedStatementsOf = (month: Month): ExpectedStatement[] =>
  expectedCustomers.flatMap((c) => c.statements.filter((s) => s.month === month));

/** The month report the finance API should give for `month`: the sums of its statements. */
export function expectedReport(month: Month): ExpectedReport {
  const report: ExpectedReport = { month, statements: 0, totals: ZERO(), byKind: {}, byTaxClass: {}, entries: 0 };
  for (const statement of expectedStatementsOf(month)) {
    report.statements++;
    for (const key of TOTAL_KEYS) report.totals[key] += statement.totals[key];
    for (const line of statement.lines) {
      report.entries++;
      const byKind = report.byKind[line.kind] ?? { entries: 0, amountYen: 0 };
      const byTaxClass = report.byTaxClass[line.taxClass] ?? { entries: 0, amountYen: 0 };
      report.byKind[line.kind] = byKind;
      report.byTaxClass[line.taxClass] = byTaxClass;
      for (const sum of [byKind, byTaxClass]) {
        sum.entries++;
        sum.amountYen += line.amountYen;
      }
    }
  }
  return report;
}

/** The whole year over all customers: the number of statements and their summed totals. */
export function expectedYear(): { statements: number; totals: StatementTotals } {
  const year = { statements: 0, totals: ZERO() };
  for (const { statements } of expectedCustomers) {
    for (const statement of statements) {
      year.statements++;
      for (const key of TOTAL_KEYS) year.totals[key] += statement.totals[key];
    }
  }
  return year;
}

/** A product statement line reduced to what the expectations state of it. */
export function essentialsOf(line: StatementLine): ExpectedLine {
  return {
    kind: line.kind,
    amountYen: line.amountYen,
    taxClass: line.taxClass,
    ...(line.installment ? { installment: { number: line.installment.number, of: line.installment.of } } : {}),
    ...(line.proration
      ? { proration: { activeDays: line.proration.activeDays, daysInMonth: line.proration.daysInMonth } }
      : {}),
    ...(line.useNumber !== undefined ? { useNumber: line.useNumber } : {}),
    ...(line.forMonth ? { forMonth: line.forMonth } : {}),
  };
}

/** What a line is besides its figures: the ids and wording the expectations leave out. */
export type LineIdentity = Pick<StatementLine, 'entryId' | 'deviceId' | 'description'> &
  Partial<Pick<StatementLine, 'claimId' | 'reverses'>>;

/**
 * A whole product `Statement` of the example year, for tests that render one without a stack:
 * the figures from the expectations, the ids and descriptions (one per line, in order) from the
 * test. Closed at the scheduled close, 01:00 JST on the 1st of the next month, unless told.
 */
export function exampleStatement(
  customerId: string,
  month: Month,
  identities: readonly LineIdentity[],
  closedAt?: string,
): Statement {
  const expected = expectedStatement(customerId, month);
  if (identities.length !== expected.lines.length)
    throw new Error(`${customerId} ${month} has ${expected.lines.length} lines; ${identities.length} identities given`);
  return {
    customerId,
    month,
    closedAt: closedAt ?? new Date(`${addMonths(month, 1)}-01T01:00:00+09:00`).toISOString(),
    lines: expected.lines.map((line, i) => ({ ...identities[i]!, ...line })),
    totals: { ...expected.totals },
  };
}
