// `npm run demo` end to end: the demo runs as a child process and must print, for every
// customer and month, the totals worked out by hand in examples/README.md (as
// examples/fiscal-year-2026.expected.json states them).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectedCustomers,
  expectedReport,
  expectedStatement,
  expectedYear,
  fiscalMonths,
  lineOf,
} from '#test/support/example-year.ts';
import { formatYen } from '../../local/cli/format.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

// examples/fiscal-year-2026.expected.json (the README's hand-worked figures): each customer's
// statements and year, and the month reports summed from them.
const EXPECTED_TOTALS: Record<string, Record<string, number>> = Object.fromEntries(
  expectedCustomers.map(({ customerId, statements }) => [
    customerId,
    Object.fromEntries(statements.map((s) => [s.month, s.totals.totalYen])),
  ]),
);
const EXPECTED_YEAR: Record<string, number> = Object.fromEntries(
  expectedCustomers.map(({ customerId, yearTotalYen }) => [customerId, yearTotalYen]),
);
const EXPECTED_REPORT_TOTALS: Record<string, [statements: number, totalYen: number]> = Object.fromEntries(
  fiscalMonths().map((month) => {
    const report = expectedReport(month);
    return [month, [report.statements, report.totals.totalYen]];
  }),
);

const yen = (text: string | undefined): number => Number((text ?? '').replace(/[¥,]/g, ''));
const cellsOf = (line: string): string[] =>
  line
    .split('│')
    .slice(1, -1)
    .map((cell) => cell.trim());

/** The lines of the block that starts with `title`, up to the next blank line. */
function block(output: string, title: string): string[] {
  const lines = output.split('\n');
  const start = lines.indexOf(title);
  expect(start, `the demo prints "${title}"`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Rows of a table block as cells, keyed by their first cell. */
const rowsOf = (lines: string[]): Map<string, string[]> =>
  new Map(
    lines
      .map(cellsOf)
      .filter((cells) => cells.length > 1)
      .map((cells) => [cells[0]!, cells]),
  );

describe('npm run demo', () => {
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    result = await new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'local/demo.ts'],
        { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        },
      );
    });
  }, 180_000);

  it('finishes and exits 0, with no event failed at the bus and no dead letter', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('failed at the bus:');
    expect(result.stdout).toContain('\nDead letters: no dead letters\n');
  });

  it.each(Object.keys(EXPECTED_TOTALS))(
    "prints %s's year with the hand-computed total of every month",
    (customerId) => {
      const rows = rowsOf(block(result.stdout, `Year summary ${customerId}`));
      const months = Object.fromEntries(
        [...rows].filter(([first]) => /^\d{4}-\d{2}$/.test(first)).map(([month, cells]) => [month, yen(cells.at(-1))]),
      );
      expect(months).toEqual(EXPECTED_TOTALS[customerId]);
      expect(yen(rows.get('Year 年間')?.at(-1))).toBe(EXPECTED_YEAR[customerId]);
    },
  );

  it('prints the statements with a fee, a penalty, a loaner charge or a payoff in full, to the yen', () => {
    const totalOf = (title: string) => yen(rowsOf(block(result.stdout, title).slice(1)).get('Total 合計')?.at(-1));
    expect(totalOf('Statement CUST-1001 2026-10 (closed 2026-11-01 01:00 JST)')).toBe(
      expectedStatement('CUST-1001', '2026-10').totals.totalYen,
    );
    expect(totalOf('Statement CUST-1002 2026-09 (closed 2026-10-01 01:00 JST)')).toBe(
      expectedStatement('CUST-1002', '2026-09').totals.totalYen,
    );
    expect(totalOf('Statement CUST-1003 2027-01 (closed 2027-02-01 01:00 JST)')).toBe(
      expectedStatement('CUST-1003', '2027-01').totals.totalYen,
    );
    const expected = expectedStatement('CUST-1001', '2026-10');
    const october = rowsOf(block(result.stdout, 'Statement CUST-1001 2026-10 (closed 2026-11-01 01:00 JST)'));
    expect(october.get('late_return_penalty')).toEqual([
      'late_return_penalty',
      '端末保守調定金',
      'Late return of the old device',
      'DEV-1001-A',
      '不課税',
      formatYen(lineOf(expected, 'late_return_penalty').amountYen),
    ]);
    expect(october.get('of which consumption tax 10% うち消費税')).toEqual([
      'of which consumption tax 10% うち消費税',
      formatYen(expected.totals.consumptionTaxYen),
    ]);
  });

  it("prints every month's report: statements and total over all customers", () => {
    const rows = rowsOf(block(result.stdout, 'Month reports, all customers'));
    const months = Object.fromEntries(
      [...rows]
        .filter(([first]) => /^\d{4}-\d{2}$/.test(first))
        .map(([month, cells]) => [month, [Number(cells[1]), yen(cells.at(-1))]]),
    );
    expect(months).toEqual(EXPECTED_REPORT_TOTALS);
    // The year over all customers: taxable = total − non-taxable; tax = the sum of the statements' taxes.
    const { statements, totals } = expectedYear();
    expect(rows.get('All 合計')).toEqual([
      'All 合計',
      String(statements),
      ...[totals.taxableYen, totals.consumptionTaxYen, totals.nonTaxableYen, totals.totalYen].map(formatYen),
    ]);
  });
});
