// `npm run demo` end to end: the demo runs as a child process and must print, for every
// customer and month, the totals worked out by hand in examples/README.md.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

// examples/README.md, the "total" column of each customer's table.
const EXPECTED_TOTALS: Record<string, Record<string, number>> = {
  'CUST-1001': {
    '2026-04': 5_434, '2026-05': 5_958, '2026-06': 5_958, '2026-07': 5_958, '2026-08': 5_958, '2026-09': 5_958,
    '2026-10': 51_458, '2026-11': 5_958, '2026-12': 5_958, '2027-01': 5_958, '2027-02': 5_958, '2027-03': 5_958,
  },
  'CUST-1002': { '2026-05': 45_137, '2026-06': 550, '2026-07': 550, '2026-08': 6_050, '2026-09': 20_550, '2026-10': 550, '2026-11': 550, '2026-12': 550 },
  'CUST-1003': {
    '2026-06': 3_250, '2026-07': 3_326, '2026-08': 3_326, '2026-09': 3_326, '2026-10': 3_326, '2026-11': 3_326,
    '2026-12': 3_326, '2027-01': 49_854, '2027-02': 418, '2027-03': 418,
  },
  'CUST-1004': { '2026-12': 2_924, '2027-01': 2_916, '2027-02': 2_916, '2027-03': 2_916 },
};
// examples/README.md, the year of each customer and the month reports.
const EXPECTED_YEAR = { 'CUST-1001': 116_472, 'CUST-1002': 74_487, 'CUST-1003': 73_896, 'CUST-1004': 11_672 };
const EXPECTED_REPORT_TOTALS: Record<string, [statements: number, totalYen: number]> = {
  '2026-04': [1, 5_434], '2026-05': [2, 51_095], '2026-06': [3, 9_758], '2026-07': [3, 9_834], '2026-08': [3, 15_334], '2026-09': [3, 29_834],
  '2026-10': [3, 55_334], '2026-11': [3, 9_834], '2026-12': [4, 12_758], '2027-01': [3, 58_728], '2027-02': [3, 9_292], '2027-03': [3, 9_292],
};

const yen = (text: string | undefined): number => Number((text ?? '').replace(/[¥,]/g, ''));
const cellsOf = (line: string): string[] => line.split('│').slice(1, -1).map((cell) => cell.trim());

/** The lines of the block that starts with `title`, up to the next blank line. */
function block(output: string, title: string): string[] {
  const lines = output.split('\n');
  const start = lines.indexOf(title);
  expect(start, `the demo prints "${title}"`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Rows of a table block as cells, keyed by their first cell. */
const rowsOf = (lines: string[]): Map<string, string[]> => new Map(lines.map(cellsOf).filter((cells) => cells.length > 1).map((cells) => [cells[0]!, cells]));

describe('npm run demo', () => {
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    result = await new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'local/demo.ts'], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }, 180_000);

  it('finishes and exits 0, with no refused event and no dead letter', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('refused:');
    expect(result.stdout).toContain('\nDead letters: no dead letters\n');
  });

  it.each(Object.keys(EXPECTED_TOTALS))("prints %s's year with the hand-computed total of every month", (customerId) => {
    const rows = rowsOf(block(result.stdout, `Year summary ${customerId}`));
    const months = Object.fromEntries([...rows].filter(([first]) => /^\d{4}-\d{2}$/.test(first)).map(([month, cells]) => [month, yen(cells.at(-1))]));
    expect(months).toEqual(EXPECTED_TOTALS[customerId]);
    expect(yen(rows.get('Year 年間')?.at(-1))).toBe(EXPECTED_YEAR[customerId as keyof typeof EXPECTED_YEAR]);
  });

  it('prints the statements with a fee, a penalty, a loaner charge or a payoff in full, to the yen', () => {
    const totalOf = (title: string) => yen(rowsOf(block(result.stdout, title).slice(1)).get('Total 合計')?.at(-1));
    expect(totalOf('Statement CUST-1001 2026-10 (closed 2026-11-01 01:00 JST)')).toBe(51_458);
    expect(totalOf('Statement CUST-1002 2026-09 (closed 2026-10-01 01:00 JST)')).toBe(20_550);
    expect(totalOf('Statement CUST-1003 2027-01 (closed 2027-02-01 01:00 JST)')).toBe(49_854);
    const october = rowsOf(block(result.stdout, 'Statement CUST-1001 2026-10 (closed 2026-11-01 01:00 JST)'));
    expect(october.get('late_return_penalty')).toEqual(['late_return_penalty', '端末保守調定金', 'Late return of the old device', 'DEV-1001-A', '不課税', '¥40,000']);
    expect(october.get('of which consumption tax 10% うち消費税')).toEqual(['of which consumption tax 10% うち消費税', '¥1,041']);
  });

  it("prints every month's report: statements and total over all customers", () => {
    const rows = rowsOf(block(result.stdout, 'Month reports, all customers'));
    const months = Object.fromEntries([...rows].filter(([first]) => /^\d{4}-\d{2}$/.test(first)).map(([month, cells]) => [month, [Number(cells[1]), yen(cells.at(-1))]]));
    expect(months).toEqual(EXPECTED_REPORT_TOTALS);
    // 276,527 − 60,000 non-taxable = 216,527 taxable; tax 6,945 + 4,953 + 6,715 + 1,060 = 19,673.
    expect(rows.get('All 合計')).toEqual(['All 合計', '34', '¥216,527', '¥19,673', '¥60,000', '¥276,527']);
  });
});
