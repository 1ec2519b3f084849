// docs/finance-guide.md walks a clerk through the example year: every id it names must be one
// the example events have, every month one the example year bills, every statement it points
// at (a command or a page link) one the year has, and the figures it quotes of CUST-1001 the
// expected ones — so that a clerk following the guide finds what it says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  customerIds,
  EXAMPLE_EVENTS_FILE,
  expectedCustomer,
  expectedMonths,
  expectedStatement,
  fiscalMonths,
} from '#test/support/example-year.ts';
import { formatYen } from '../../local/cli/format.ts';

const GUIDE = readFileSync(new URL('../../docs/finance-guide.md', import.meta.url), 'utf8');
const EVENTS = readFileSync(EXAMPLE_EVENTS_FILE, 'utf8');

const all = (pattern: RegExp): string[] => [...new Set([...GUIDE.matchAll(pattern)].map((m) => m[1] ?? m[0]))];

describe('docs/finance-guide.md', () => {
  it('names only customers of the example year, and no made-up id', () => {
    const customers = all(/\b(C[A-Z]*-\d+)\b(?!-)/g);
    expect(customers.length).toBeGreaterThan(3);
    expect(customers.filter((id) => !customerIds.includes(id))).toEqual([]);
  });

  it('names only orders, devices and claims the example events have', () => {
    const ids = all(/\b((?:ORD|DEV|CLM)-[A-Z0-9]+(?:-[A-Z0-9]+)?)\b/g);
    expect(ids.length).toBeGreaterThan(0);
    // CLM-1001-2 is the claim the browser test files in April 2027, after the example year.
    expect(ids.filter((id) => id !== 'CLM-1001-2' && !EVENTS.includes(`"${id}"`))).toEqual([]);
  });

  it('names months of the example year (or the installments it still bills)', () => {
    const months = all(/\b(\d{4}-\d{2})\b(?!-\d)/g);
    const known = new Set([...fiscalMonths(), '2027-04', '2028-03']);
    expect(months.length).toBeGreaterThan(3);
    expect(months.filter((m) => !known.has(m))).toEqual([]);
  });

  it('points only at statements the example year has', () => {
    const pairs = [
      ...GUIDE.matchAll(/billing statement (\S+) (\d{4}-\d{2})/g),
      ...GUIDE.matchAll(/statement-(C[A-Z]*-\d+)-(\d{4}-\d{2})\.csv/g),
      ...GUIDE.matchAll(/(C[A-Z]*-\d+)'s (\d{4}-\d{2}) (?:has|statement)/g),
    ].map((m): [string, string] => [m[1]!, m[2]!]);
    expect(pairs.length).toBeGreaterThan(2);
    expect(pairs.filter(([customer, month]) => !expectedMonths(customer).includes(month))).toEqual([]);
  });

  it("quotes CUST-1001's figures as the example year has them", () => {
    expect(GUIDE).toContain(`totals ${formatYen(expectedStatement('CUST-1001', '2026-10').totals.totalYen)}`);
    expect(GUIDE).toContain(`totals ${formatYen(expectedCustomer('CUST-1001').yearTotalYen)}`);
    expect(GUIDE).toContain(`CUST-1004: ${expectedMonths('CUST-1004')[0]} to ${expectedMonths('CUST-1004').at(-1)}`);
  });
});
