// Money rules as properties: installment schedules (§2), the prorated first protection month
// (§3) and statement totals with the once-per-statement consumption tax (§6).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AmountOutOfRangeError,
  addMonths,
  buildStatement,
  installmentSchedule,
  paymentAmount,
  protectionFeeFor,
  statementTotals,
} from '#shared/domain/index.ts';
import { ledgerEntries, line, month, taxClass } from './arbitraries.ts';

const price = fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 100 }));
const installments = fc.integer({ min: 2, max: 48 });

describe('§2 installment schedule', () => {
  it('has N payments that sum to the price; payments 2..N are floor(price/N); the first carries the remainder', () => {
    fc.assert(
      fc.property(price, installments, (priceYen, n) => {
        const schedule = installmentSchedule(priceYen, n);
        expect(schedule).toHaveLength(n);
        expect(schedule.reduce((s, x) => s + x, 0)).toBe(priceYen);
        const [first, ...rest] = schedule as [number, ...number[]];
        const monthly = Math.floor(priceYen / n);
        for (const other of rest) expect(other).toBe(monthly);
        // first − other is the remainder of price / N: 0 ≤ r < N and price = N·monthly + r.
        const remainder = first - monthly;
        expect(remainder).toBeGreaterThanOrEqual(0);
        expect(remainder).toBeLessThan(n);
        expect(n * monthly + remainder).toBe(priceYen);
        expect(schedule.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('matches the worked example (39,800 over 24 → 1,666 then 23 × 1,658) and a lump sum is the whole price', () => {
    expect(installmentSchedule(39_800, 24)).toEqual([1_666, ...Array.from({ length: 23 }, () => 1_658)]);
    fc.assert(
      fc.property(price, (priceYen) => {
        expect(paymentAmount(priceYen, { plan: 'lump_sum' }, 1)).toBe(priceYen);
      }),
    );
  });
});

// Independent of the engine's calendar: Date.UTC(y, m, 0) is the last day of month m.
const daysOf = (m: string): number => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();
const dayIn = (m: string, d: number): string => `${m}-${String(d).padStart(2, '0')}`;
const fee = fc.oneof(fc.constantFrom(418, 550), fc.integer({ min: 1, max: 100_000 }));
// Real months, with leap and common Februaries and 30/31-day months well represented.
const protectionMonth = fc.oneof(
  month(2000, 2100),
  fc.constantFrom('2028-02', '2024-02', '2027-02', '2100-02', '2000-02', '2026-11', '2026-12'),
);

describe('§3 protection fee of the start month (日割)', () => {
  it('is floor(fee × activeDays / daysInMonth), never negative, never above the fee; full fee from the 1st', () => {
    fc.assert(
      fc.property(fee, protectionMonth, fc.integer({ min: 1, max: 31 }), (monthlyFeeYen, m, rawDay) => {
        const days = daysOf(m);
        const day = Math.min(rawDay, days);
        const { amountYen, proration } = protectionFeeFor(monthlyFeeYen, dayIn(m, day), m);
        expect(Number.isInteger(amountYen)).toBe(true);
        expect(amountYen).toBeGreaterThanOrEqual(0);
        expect(amountYen).toBeLessThanOrEqual(monthlyFeeYen);
        const activeDays = days - day + 1;
        // Round down: the largest integer a with a·days ≤ fee·activeDays.
        expect(amountYen * days).toBeLessThanOrEqual(monthlyFeeYen * activeDays);
        expect((amountYen + 1) * days).toBeGreaterThan(monthlyFeeYen * activeDays);
        if (day === 1) {
          expect(amountYen).toBe(monthlyFeeYen);
          expect(proration).toBeUndefined();
        } else {
          expect(proration).toEqual({ activeDays, daysInMonth: days });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('does not increase as the start day moves later in the month', () => {
    fc.assert(
      fc.property(fee, protectionMonth, (monthlyFeeYen, m) => {
        const amounts = Array.from(
          { length: daysOf(m) },
          (_, i) => protectionFeeFor(monthlyFeeYen, dayIn(m, i + 1), m).amountYen,
        );
        for (let i = 1; i < amounts.length; i++) expect(amounts[i]).toBeLessThanOrEqual(amounts[i - 1]!);
        expect(amounts[0]).toBe(monthlyFeeYen);
        // The last day is one active day.
        expect(amounts.at(-1)).toBe(Math.floor(monthlyFeeYen / daysOf(m)));
      }),
      { numRuns: 300 },
    );
  });

  it('is the full fee in every later month, whatever the start day', () => {
    fc.assert(
      fc.property(
        fee,
        protectionMonth,
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 60 }),
        (monthlyFeeYen, m, rawDay, k) => {
          const start = dayIn(m, Math.min(rawDay, daysOf(m)));
          expect(protectionFeeFor(monthlyFeeYen, start, addMonths(m, k))).toEqual({ amountYen: monthlyFeeYen });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('matches the worked examples (418 from 13 November → 250; leap February 2028)', () => {
    expect(protectionFeeFor(418, '2026-11-13', '2026-11').amountYen).toBe(250);
    expect(protectionFeeFor(418, '2028-02-29', '2028-02')).toEqual({
      amountYen: 14,
      proration: { activeDays: 1, daysInMonth: 29 },
    });
    expect(protectionFeeFor(550, '2027-02-15', '2027-02')).toEqual({
      amountYen: 275,
      proration: { activeDays: 14, daysInMonth: 28 },
    });
  });
});

/** The tax of a tax-inclusive total: the q with 110q ≤ 10t < 110(q + 1), i.e. floor(t × 10 / 110). */
function expectTaxOf(taxableYen: number, consumptionTaxYen: number): void {
  expect(Number.isInteger(consumptionTaxYen)).toBe(true);
  expect(11 * consumptionTaxYen).toBeLessThanOrEqual(taxableYen);
  expect(11 * (consumptionTaxYen + 1)).toBeGreaterThan(taxableYen);
}

describe('§6 statement totals', () => {
  it('total = sum of lines = taxable + non-taxable; tax = floor(taxable × 10 / 110), credits included', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const totals = statementTotals(lines);
        const sum = (cls?: string) =>
          lines.filter((l) => cls === undefined || l.taxClass === cls).reduce((s, l) => s + l.amountYen, 0);
        expect(totals.totalYen).toBe(sum());
        expect(totals.taxableYen).toBe(sum('taxable-10'));
        expect(totals.nonTaxableYen).toBe(sum('non-taxable'));
        expect(totals.taxableYen + totals.nonTaxableYen).toBe(totals.totalYen);
        expectTaxOf(totals.taxableYen, totals.consumptionTaxYen);
      }),
      { numRuns: 1000 },
    );
  });

  it('are exact or throw AmountOutOfRangeError, never a rounded number, even for lines far past the event bound', () => {
    const MAX = BigInt(Number.MAX_SAFE_INTEGER);
    const huge = fc.record({
      amountYen: fc.oneof(
        fc.maxSafeInteger(),
        fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52),
      ),
      taxClass,
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(line, huge), { maxLength: 12 }), (lines) => {
        // The BigInt oracle adds as the code does, and says whether any running sum left the range.
        let [taxable, nonTaxable, escaped] = [0n, 0n, false];
        for (const l of lines) {
          if (l.taxClass === 'taxable-10') taxable += BigInt(l.amountYen);
          else nonTaxable += BigInt(l.amountYen);
          escaped ||= taxable > MAX || taxable < -MAX || nonTaxable > MAX || nonTaxable < -MAX;
        }
        const total = taxable + nonTaxable;
        escaped ||= total > MAX || total < -MAX || taxable * 10n > MAX || taxable * 10n < -MAX;
        if (escaped) {
          expect(() => statementTotals(lines)).toThrow(AmountOutOfRangeError);
        } else {
          const totals = statementTotals(lines);
          expect([totals.taxableYen, totals.nonTaxableYen, totals.totalYen].map(BigInt)).toEqual([
            taxable,
            nonTaxable,
            total,
          ]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('computes the tax once on the total, not per line (the sum of per-line taxes may differ)', () => {
    // 3 lines of 100 yen: per line floor(100·10/110) = 9 → 27, on the total floor(300·10/110) = 27;
    // 2 lines of 6 yen: per line 0 → 0, on the total floor(12·10/110) = 1.
    expect(
      statementTotals([
        { amountYen: 6, taxClass: 'taxable-10' },
        { amountYen: 6, taxClass: 'taxable-10' },
      ]).consumptionTaxYen,
    ).toBe(1);
    expect(
      statementTotals([
        { amountYen: 39_800, taxClass: 'taxable-10' },
        { amountYen: 40_000, taxClass: 'non-taxable' },
      ]),
    ).toEqual({
      taxableYen: 39_800,
      consumptionTaxYen: 3_618,
      nonTaxableYen: 40_000,
      totalYen: 79_800,
    });
  });

  it('buildStatement keeps every entry exactly once, ordered by business date then id, with matching totals', () => {
    fc.assert(
      fc.property(ledgerEntries, (entries) => {
        const statement = buildStatement('C1', '2028-03', entries, '2028-04-01T01:00:00+09:00');
        expect(statement.lines.map((l) => l.entryId).sort()).toEqual(entries.map((e) => e.entryId).sort());
        const byId = new Map(entries.map((e) => [e.entryId, e]));
        for (const l of statement.lines)
          expect(l).toMatchObject({
            kind: byId.get(l.entryId)!.kind,
            amountYen: byId.get(l.entryId)!.amountYen,
            taxClass: byId.get(l.entryId)!.taxClass,
          });
        const keys = statement.lines.map((l) => `${byId.get(l.entryId)!.businessDate} ${l.entryId}`);
        expect(keys).toEqual([...keys].sort());
        expect(statement.totals.totalYen).toBe(entries.reduce((s, e) => s + e.amountYen, 0));
        expect(statement.totals.taxableYen + statement.totals.nonTaxableYen).toBe(statement.totals.totalYen);
        expectTaxOf(statement.totals.taxableYen, statement.totals.consumptionTaxYen);
      }),
      { numRuns: 300 },
    );
  });
});
