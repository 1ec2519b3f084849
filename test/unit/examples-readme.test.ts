// The example year's figures stand in three places that must agree: the hand-worked tables of
// examples/README.md, examples/fiscal-year-2026.expected.json (which every other test of the
// example year reads, through test/support/example-year.ts), and what the engine bills. This
// file holds the expectations to both: a rule that changes the example year fails here first,
// with the statements that changed as the diff, and the README and the expectations are then
// worked out again together.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  type BookStep,
  CustomerBook,
  closeTimeOf,
  jstMonth,
  type Month,
  type Statement,
} from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { type InboundEvent, parseInboundEvent } from '#shared/schemas/inbound.ts';
import {
  customerIds,
  EXAMPLE_EVENTS_FILE,
  EXAMPLES_README,
  type ExpectedCustomer,
  essentialsOf,
  expectedCustomer,
  expectedCustomers,
  expectedReport,
  expectedStatementsOf,
  expectedYear,
  FIRST_MONTH,
  fiscalMonths,
  LAST_MONTH,
} from '#test/support/example-year.ts';
import { parseEventFile } from '../../local/cli/event-file.ts';

const README = readFileSync(EXAMPLES_README, 'utf8');

// ---- Reading the README's tables -------------------------------------------------------------

/** A figure as the README writes it: "**51,458**", "5,958", "floor(54,340 / 110) = 494". */
function figure(cell: string): number {
  const text = cell.includes('=') ? cell.slice(cell.lastIndexOf('=') + 1) : cell;
  const digits = text.replace(/\*\*/g, '').replace(/,/g, '').trim();
  if (!/^-?\d+$/.test(digits)) throw new Error(`not a yen figure: "${cell}"`);
  return Number(digits);
}

/** The README's arithmetic, e.g. "5,434 + 10 × 5,958 + 51,458". */
function sumOf(expression: string): number {
  return expression.split('+').reduce((sum, term) => {
    const [count, amount] = term.includes('×') ? term.split('×') : ['1', term];
    return sum + figure(count!) * figure(amount!);
  }, 0);
}

/** The amounts a "lines" or "made of" cell adds up: the last figure of each term, asides dropped. */
const termsOf = (cell: string): number[] =>
  cell
    .replace(/\([^)]*\)/g, '')
    .split(' + ')
    .map((term) => figure(term.match(/\d[\d,]*/g)!.at(-1)!));

/** "2026-04", "2026-05 … 2026-09", "2026-06, 2026-07": the months a row stands for. */
function monthsOf(cell: string): Month[] {
  return cell.split(',').flatMap((part) => {
    const [from, to = from] = part.split('…').map((m) => m.trim()) as [Month, Month?];
    const months: Month[] = [];
    for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
    return months;
  });
}

/** The sections of the README by their `## ` heading. */
const sections = new Map(
  README.split(/^## /m)
    .slice(1)
    .map((text) => [text.slice(0, text.indexOf('\n')), text] as const),
);
const sectionOf = (start: string): string => {
  const found = [...sections].find(([heading]) => heading.startsWith(start));
  expect(found, `examples/README.md has a section "## ${start}…"`).toBeDefined();
  return found![1];
};

/** The rows of the section's table whose first header cell is `firstHeader`, as trimmed cells. */
function tableRows(section: string, firstHeader: string): string[][] {
  const lines = section.split('\n');
  const header = lines.findIndex((line) => line.startsWith('|') && line.split('|')[1]!.trim() === firstHeader);
  expect(header, `a table headed "${firstHeader}"`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = header + 2; i < lines.length && lines[i]!.startsWith('|'); i++)
    rows.push(
      lines[i]!.split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  return rows;
}

// ---- Running the example year through the pure engine --------------------------------------

/** The example year as the cloud lives it: each month's events, then the sweep and close of the 1st. */
function engineYear(): ExpectedCustomer[] {
  const events: InboundEvent[] = parseEventFile(readFileSync(EXAMPLE_EVENTS_FILE, 'utf8')).map((fileEvent) => {
    const parsed = parseInboundEvent(fileEvent.entry.DetailType, JSON.parse(fileEvent.entry.Detail));
    if (!parsed.ok) throw new Error(`${fileEvent.origin} is malformed: ${JSON.stringify(parsed)}`);
    return parsed.event;
  });
  // Each customer's life from its first event: the events of a month, then the sweep and the close.
  const lives = new Map<string, BookStep[]>();
  for (let month = FIRST_MONTH; month <= LAST_MONTH; month = addMonths(month, 1)) {
    for (const event of events.filter((e) => jstMonth(e.detail.occurredAt) === month)) {
      const { customerId } = event.detail;
      lives.set(customerId, [...(lives.get(customerId) ?? []), { event }]);
    }
    const at = closeTimeOf(month);
    for (const steps of lives.values()) steps.push({ sweep: at }, { close: month, at });
  }
  return [...lives]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([customerId, steps]) => {
      const statements: Statement[] = [];
      new CustomerBook(customerId).replay(steps, {
        fingerprint: fingerprintOf,
        onStep: (_, { effects }) => statements.push(...effects.statements),
      });
      return {
        customerId,
        yearTotalYen: statements.reduce((sum, s) => sum + s.totals.totalYen, 0),
        statements: [...statements]
          .sort((a, b) => a.month.localeCompare(b.month))
          .map((s) => ({ customerId, month: s.month, totals: s.totals, lines: s.lines.map(essentialsOf) })),
      };
    });
}

describe('examples/fiscal-year-2026.expected.json', () => {
  it('bills exactly what the pure engine bills for the example year, every statement and line', () => {
    expect(engineYear()).toEqual(expectedCustomers);
  });

  it.each(customerIds)(
    "adds up: %s's statements are the sums of their lines, the year the sum of its months",
    (customerId) => {
      const customer = expectedCustomer(customerId);
      for (const { month, totals, lines } of customer.statements) {
        const sum = (taxClass: string) =>
          lines.filter((l) => l.taxClass === taxClass).reduce((s, l) => s + l.amountYen, 0);
        expect({
          month,
          taxableYen: totals.taxableYen,
          nonTaxableYen: totals.nonTaxableYen,
          totalYen: totals.totalYen,
        }).toEqual({
          month,
          taxableYen: sum('taxable-10'),
          nonTaxableYen: sum('non-taxable'),
          totalYen: sum('taxable-10') + sum('non-taxable'),
        });
      }
      expect(customer.yearTotalYen).toBe(customer.statements.reduce((sum, s) => sum + s.totals.totalYen, 0));
    },
  );
});

describe('examples/README.md states the figures of the expectations', () => {
  it.each(customerIds)("%s's table: every month's lines, taxable, tax, non-taxable and total", (customerId) => {
    const customer = expectedCustomer(customerId);
    const covered: Month[] = [];
    for (const [monthCell, linesCell, taxable, tax, nonTaxable, total] of tableRows(sectionOf(customerId), 'month')) {
      const months = monthsOf(monthCell!);
      if (linesCell!.startsWith('—')) {
        // "— no statement"
        expect(
          customer.statements.filter((s) => months.includes(s.month)).map((s) => s.month),
          `${customerId} ${monthCell}: no statement`,
        ).toEqual([]);
        continue;
      }
      for (const month of months) {
        covered.push(month);
        const statement = customer.statements.find((s) => s.month === month);
        expect(statement, `${customerId} has a statement in ${month}`).toBeDefined();
        const readme = {
          month,
          taxableYen: figure(taxable!),
          consumptionTaxYen: figure(tax!),
          nonTaxableYen: figure(nonTaxable!),
          totalYen: figure(total!),
        };
        expect(readme, `README row ${customerId} ${monthCell}`).toEqual({ month, ...statement!.totals });
        const amounts = (list: number[]) => [...list].sort((a, b) => a - b);
        expect(amounts(termsOf(linesCell!)), `README lines of ${customerId} ${monthCell}: ${linesCell}`).toEqual(
          amounts(statement!.lines.map((l) => l.amountYen)),
        );
      }
    }
    expect(covered.sort(), `the README's rows of ${customerId} cover every month with a statement`).toEqual(
      customer.statements.map((s) => s.month),
    );
  });

  it.each(customerIds)("%s's year: the total, and the README's own sum of it", (customerId) => {
    const year = /^Year: ([^=]+) = \*\*([\d,]+)\*\*/m.exec(sectionOf(customerId));
    expect(year, `a "Year: … = **…**" line for ${customerId}`).not.toBeNull();
    expect(figure(year![2]!)).toBe(expectedCustomer(customerId).yearTotalYen);
    expect(sumOf(year![1]!), `Year: ${year![1]}`).toBe(expectedCustomer(customerId).yearTotalYen);
  });

  it("month reports: every month's statements and total, made of the month's statement totals", () => {
    const rows = tableRows(sectionOf('Month reports'), 'month');
    const byMonth = new Map(rows.map((row) => [row[0]!, row] as const));
    expect([...byMonth.keys()]).toEqual([...fiscalMonths(), 'year']);
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    for (const month of fiscalMonths()) {
      const [, statements, total, madeOf] = byMonth.get(month)!;
      const report = expectedReport(month);
      expect({ month, statements: Number(statements), totalYen: figure(total!) }).toEqual({
        month,
        statements: report.statements,
        totalYen: report.totals.totalYen,
      });
      expect(sorted(termsOf(madeOf!)), `made of, ${month}`).toEqual(
        sorted(expectedStatementsOf(month).map((s) => s.totals.totalYen)),
      );
      const nonTaxable = /non-taxable ([\d,]+)/.exec(madeOf!);
      expect(nonTaxable ? figure(nonTaxable[1]!) : 0, `non-taxable, ${month}`).toBe(report.totals.nonTaxableYen);
    }
    const [, statements, total, madeOf] = byMonth.get('year')!;
    const year = expectedYear();
    expect({ statements: Number(statements), totalYen: figure(total!) }).toEqual({
      statements: year.statements,
      totalYen: year.totals.totalYen,
    });
    expect(sorted(termsOf(madeOf!))).toEqual(sorted(expectedCustomers.map((c) => c.yearTotalYen)));
  });

  it("the year over all customers: taxable, consumption tax (each customer's sum of it) and non-taxable", () => {
    const text = sectionOf('Month reports').replace(/\s+/g, ' ');
    const year = expectedYear();
    const taxable = /Over the year: taxable ([\d,]+) − ([\d,]+) = \*\*([\d,]+)\*\*/.exec(text);
    expect(taxable?.slice(1).map(figure)).toEqual([
      year.totals.totalYen,
      year.totals.nonTaxableYen,
      year.totals.taxableYen,
    ]);
    const tax = /consumption tax, the sum of the (\d+) statements' taxes, \*\*([\d,]+)\*\* \(([^)]*)\)/.exec(text);
    expect(tax?.slice(1, 3).map(figure)).toEqual([year.statements, year.totals.consumptionTaxYen]);
    const perCustomer = [...tax![3]!.matchAll(/(CUST-\d+) ([^=;]+) = ([\d,]+)/g)].map(
      ([, customerId, sum, stated]) => ({ customerId, sum: sumOf(sum!), stated: figure(stated!) }),
    );
    expect(perCustomer).toEqual(
      expectedCustomers.map(({ customerId, statements }) => {
        const taxYen = statements.reduce((s, statement) => s + statement.totals.consumptionTaxYen, 0);
        return { customerId, sum: taxYen, stated: taxYen };
      }),
    );
    expect(figure(/; non-taxable \*\*([\d,]+)\*\*/.exec(text)?.[1] ?? '')).toBe(year.totals.nonTaxableYen);
  });
});
