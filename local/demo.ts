// `npm run demo`: a year of the example customers through an embedded local stack, as the
// cloud would live it — events put on the bus through the real EventBridge client month by
// month, the daily sweep and the monthly close run as the clock passes each month end — then
// the statements read back from the finance API. The figures are worked out by hand in
// examples/README.md and stated in examples/fiscal-year-2026.expected.json; test/e2e/demo.test.ts
// holds the demo to them.
import { readFile } from 'node:fs/promises';
import { addMonths, closeTimeOf, jstMonth, type Month, type Statement } from '#shared/domain/index.ts';
import type { MonthReport } from '#shared/runtime/finance-api.ts';
import { type FileEvent, parseEventFile } from './cli/event-file.ts';
import { formatYen } from './cli/format.ts';
import { localEventBridgeClient, sendEvents } from './cli/send-events.ts';
import { pathSegment, StackClient, StackError } from './cli/stack-client.ts';
import {
  countsLine,
  deadLettersText,
  monthReportTable,
  reportsSummaryTable,
  statementTable,
  yearSummaryTable,
} from './cli/tables.ts';
import { startLocalStack } from './stack.ts';

const EXAMPLES_FILE = new URL('../examples/fiscal-year-2026.ndjson', import.meta.url);
/** The examples' year: Japan's fiscal year 2026, April to March (nothing happens in March but the bills). */
const FIRST_MONTH = '2026-04';
const LAST_MONTH = '2027-03';
/** The kinds every month repeats; a statement with anything else is worth printing in full. */
const RECURRING_KINDS = new Set(['device_installment', 'protection_fee']);

const print = (text = '') => process.stdout.write(`${text}\n`);

function occurredMonth(event: FileEvent): Month {
  return jstMonth((JSON.parse(event.entry.Detail) as { occurredAt: string }).occurredAt);
}

function customerOf(event: FileEvent): string {
  return (JSON.parse(event.entry.Detail) as { customerId: string }).customerId;
}

/** A customer's first statement, and any with a fee, penalty, payoff, proration or credit, is shown in full. */
function isWorthShowing(statement: Statement, isFirst: boolean): boolean {
  return (
    isFirst ||
    statement.lines.some((line) => !RECURRING_KINDS.has(line.kind) || line.proration || line.forMonth || line.reverses)
  );
}

/** The reports of several months added up, in the shape of one report, for the year's view by kind. */
function addReports(reports: readonly MonthReport[]): MonthReport {
  const year: MonthReport = {
    month: `${reports[0]?.month} … ${reports.at(-1)?.month}`,
    statements: 0,
    totals: { taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 },
    byKind: {},
    byTaxClass: {},
    held: [],
  };
  for (const report of reports) {
    year.statements += report.statements;
    year.held.push(...report.held);
    for (const key of Object.keys(year.totals) as (keyof MonthReport['totals'])[])
      year.totals[key] += report.totals[key];
    for (const [sums, into] of [
      [report.byKind, year.byKind],
      [report.byTaxClass, year.byTaxClass],
    ] as const) {
      for (const [name, sum] of Object.entries(sums)) {
        const total = into[name] ?? { entries: 0, amountYen: 0 };
        into[name] = total;
        total.entries += sum.entries;
        total.amountYen += sum.amountYen;
      }
    }
  }
  return year;
}

async function runDemo(): Promise<number> {
  const events = parseEventFile(await readFile(EXAMPLES_FILE, 'utf8'));
  const outside = events.filter((event) => occurredMonth(event) < FIRST_MONTH || occurredMonth(event) > LAST_MONTH);
  if (outside.length > 0)
    throw new Error(`events outside ${FIRST_MONTH} … ${LAST_MONTH}: ${outside.map((e) => e.origin).join(', ')}`);
  const customers = [...new Set(events.map(customerOf))].sort();

  const stack = await startLocalStack({ port: 0, dataDir: null, now: `${FIRST_MONTH}-01T09:00:00+09:00` });
  const bus = localEventBridgeClient(stack.url);
  const api = new StackClient(stack.url);
  const statements = new Map<string, Statement[]>(customers.map((id) => [id, []]));
  const reports: MonthReport[] = [];
  let failed = 0;
  try {
    print(
      `device-supply-billing demo: ${events.length} events of ${customers.length} customers (${customers.join(', ')}), ${FIRST_MONTH} … ${LAST_MONTH}`,
    );
    print(`examples/fiscal-year-2026.ndjson, explained in examples/README.md; an embedded local stack at ${stack.url}`);
    for (let month = FIRST_MONTH; month <= LAST_MONTH; month = addMonths(month, 1)) {
      print();
      print(`━━ ${month} ${'━'.repeat(60)}`);
      const ofMonth = events.filter((event) => occurredMonth(event) === month);
      await api.json('POST', '/admin/clock', { now: `${month}-01T09:00:00+09:00` });
      if (ofMonth.length > 0) {
        const sent = await sendEvents(bus, ofMonth);
        failed += sent.failures.length;
        for (const failure of sent.failures)
          print(`failed at the bus: ${failure.event.origin}: ${failure.errorCode} ${failure.errorMessage}`);
        print(
          `sent ${ofMonth.length} event${ofMonth.length === 1 ? '' : 's'}: ${ofMonth.map((e) => `${e.entry.DetailType} (${customerOf(e)})`).join(', ')}`,
        );
        print(`drained: ${countsLine(await api.json<Record<string, unknown>>('POST', '/admin/drain'))}`);
      }
      // The month has ended: the daily sweep of the 1st, then the scheduled close.
      await api.json('POST', '/admin/clock', { now: closeTimeOf(month) });
      const swept = await api.json<{ assessed: number }>('POST', '/admin/sweep');
      const closed = await api.json<{ customers: number }>('POST', '/admin/close', { month });
      const report = await api.json<MonthReport>('GET', `/reports/${month}`);
      reports.push(report);
      print(
        `closed at ${closeTimeOf(month)}: swept ${swept.assessed} charge${swept.assessed === 1 ? '' : 's'}, ${closed.customers} customer${closed.customers === 1 ? '' : 's'} closed, ${report.statements} statement${report.statements === 1 ? '' : 's'} totalling ${formatYen(report.totals.totalYen)}`,
      );
      for (const customerId of customers) {
        let statement: Statement;
        try {
          statement = await api.json<Statement>('GET', `/customers/${pathSegment(customerId)}/statements/${month}`);
        } catch (error) {
          if (error instanceof StackError && error.code === 'NOT_FOUND') continue; // nothing billed to them this month
          throw error;
        }
        const earlier = statements.get(customerId) ?? [];
        if (isWorthShowing(statement, earlier.length === 0)) print(`\n${statementTable(statement)}`);
        statements.set(customerId, [...earlier, statement]);
      }
    }

    print();
    print(`━━ The year ${'━'.repeat(60)}`);
    for (const customerId of customers) print(`\n${yearSummaryTable(customerId, statements.get(customerId) ?? [])}`);
    print(`\nMonth reports, all customers`);
    print(reportsSummaryTable(reports));
    print(`\n${monthReportTable(addReports(reports))}`);

    const emitted = await api.json<{ events: { 'detail-type': string; detail: Record<string, unknown> }[] }>(
      'GET',
      '/admin/events',
    );
    const byType = new Map<string, number>();
    for (const event of emitted.events) byType.set(event['detail-type'], (byType.get(event['detail-type']) ?? 0) + 1);
    print(`\nEmitted: ${[...byType].map(([type, count]) => `${type} ${count}`).join(' · ')}`);
    for (const event of emitted.events.filter((e) => e['detail-type'] !== 'StatementClosed'))
      print(`  ${event['detail-type']} ${JSON.stringify(event.detail)}`);

    const { deadLetters } = await api.json<{ deadLetters: Parameters<typeof deadLettersText>[0] }>(
      'GET',
      '/admin/dead-letters',
    );
    print(`\nDead letters: ${deadLettersText(deadLetters)}`);
    // The examples are all well-formed: a refusal or a dead letter means the pipeline lost its way.
    return failed === 0 && deadLetters.length === 0 ? 0 : 1;
  } finally {
    bus.destroy();
    await stack.close();
  }
}

process.exitCode = await runDemo().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
