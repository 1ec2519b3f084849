// The JST calendar as properties: the JST date of an instant does not depend on the offset it
// is written with, day and month arithmetic invert, and 00:00–08:59 JST is the previous UTC day.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysBetween,
  jstDate,
  jstMonth,
  monthsBetween,
  wholeYearsBetween,
} from '#shared/domain/index.ts';
import { isYearMonth } from '#shared/schemas/primitives.ts';
import {
  calendarDate,
  formatInstant,
  fraction,
  jstInstant,
  minuteOfDay,
  month,
  OFFSETS,
  offset,
  utcDateOf,
} from './arbitraries.ts';

// Whole seconds from 1971 to 2099.
const instant = fc.integer({ min: 31_536_000, max: 4_102_444_799 }).map((s) => s * 1000);

describe('jstDate', () => {
  it('is the same for one instant written with any offset (+09:00, Z, -05:00, +05:30 …) and any fraction', () => {
    fc.assert(
      fc.property(instant, offset, offset, fraction, (ms, a, b, frac) => {
        const expected = utcDateOf(ms + 9 * 3_600_000); // oracle: shift to JST, read the UTC date
        expect(jstDate(formatInstant(ms, a, frac))).toBe(expected);
        expect(jstDate(formatInstant(ms, b))).toBe(expected);
        expect(jstMonth(formatInstant(ms, a))).toBe(expected.slice(0, 7));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same date for all listed offsets of one instant', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const dates = new Set(OFFSETS.map((o) => jstDate(formatInstant(ms, o))));
        expect(dates.size).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('puts 00:00–08:59 JST on the JST date although the instant is on the previous UTC day', () => {
    fc.assert(
      fc.property(calendarDate(), fc.integer({ min: 0, max: 539 }), offset, (date, minute, o) => {
        const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
        const written = `${date}T${hhmm}:00+09:00`;
        const ms = Date.parse(written);
        expect(ms).toBe(jstInstant(date, minute));
        expect(utcDateOf(ms)).toBe(addDays(date, -1)); // the UTC day is the previous one
        expect(jstDate(written)).toBe(date);
        expect(jstDate(formatInstant(ms, 'Z'))).toBe(date);
        expect(jstDate(formatInstant(ms, o))).toBe(date);
      }),
      { numRuns: 500 },
    );
  });

  it('changes date exactly at 00:00 JST (15:00 UTC the day before)', () => {
    fc.assert(
      fc.property(calendarDate(), minuteOfDay, (date, minute) => {
        const start = jstInstant(date, 0);
        expect(jstDate(formatInstant(start - 1000, 'Z'))).toBe(addDays(date, -1));
        expect(jstDate(formatInstant(start, 'Z'))).toBe(date);
        expect(jstDate(formatInstant(start + minute * 60_000, '-12:00'))).toBe(date);
      }),
      { numRuns: 300 },
    );
  });
});

describe('day arithmetic', () => {
  const days = fc.integer({ min: -4000, max: 4000 });

  it('addDays agrees with UTC date arithmetic and daysBetween inverts it', () => {
    fc.assert(
      fc.property(calendarDate(), days, (date, k) => {
        const moved = addDays(date, k);
        expect(moved).toBe(utcDateOf(Date.parse(`${date}T00:00:00Z`) + k * 86_400_000));
        expect(daysBetween(date, moved)).toBe(k);
        expect(addDays(moved, -k)).toBe(date);
      }),
      { numRuns: 1000 },
    );
  });

  it('addDays(a, daysBetween(a, b)) is b, and daysBetween is antisymmetric', () => {
    fc.assert(
      fc.property(calendarDate(), calendarDate(), (a, b) => {
        expect(addDays(a, daysBetween(a, b))).toBe(b);
        expect(daysBetween(b, a) + daysBetween(a, b)).toBe(0);
        expect(Math.sign(daysBetween(a, b))).toBe(a < b ? 1 : a > b ? -1 : 0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('month arithmetic', () => {
  const months = fc.integer({ min: -600, max: 600 });

  it('addMonths gives a well-formed month and monthsBetween inverts it', () => {
    fc.assert(
      fc.property(month(), months, (m, k) => {
        const moved = addMonths(m, k);
        expect(isYearMonth(moved), moved).toBe(true);
        expect(monthsBetween(m, moved)).toBe(k);
        expect(addMonths(moved, -k)).toBe(m);
        // Oracle: Date.UTC normalises month overflow.
        const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + k, 1));
        expect(moved).toBe(d.toISOString().slice(0, 7));
      }),
      { numRuns: 1000 },
    );
  });

  it('addMonths(a, monthsBetween(a, b)) is b', () => {
    fc.assert(
      fc.property(month(), month(), (a, b) => {
        expect(addMonths(a, monthsBetween(a, b))).toBe(b);
        expect(monthsBetween(b, a) + monthsBetween(a, b)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('wholeYearsBetween (age and coverage year)', () => {
  /** The k-th anniversary: the same month-day, or 1 March when a 29 February start meets a common year. */
  function anniversary(from: string, k: number): string {
    const year = String(Number(from.slice(0, 4)) + k).padStart(4, '0');
    const candidate = `${year}-${from.slice(5)}`;
    return utcDateOf(Date.parse(`${candidate}T00:00:00Z`)) === candidate ? candidate : `${year}-03-01`;
  }

  it('completes year k on the k-th anniversary and not the day before', () => {
    fc.assert(
      fc.property(calendarDate('1950-01-01', '2060-12-31'), fc.integer({ min: 1, max: 40 }), (from, k) => {
        const on = anniversary(from, k);
        expect(wholeYearsBetween(from, on)).toBe(k);
        expect(wholeYearsBetween(from, addDays(on, -1))).toBe(k - 1);
        expect(wholeYearsBetween(from, from)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts a 29 February start complete on 1 March of a common year', () => {
    expect(wholeYearsBetween('2028-02-29', '2029-02-28')).toBe(0);
    expect(wholeYearsBetween('2028-02-29', '2029-03-01')).toBe(1);
    expect(wholeYearsBetween('2028-02-29', '2032-02-29')).toBe(4);
  });
});
