import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addMonthsToDate,
  daysBetween,
  daysInMonth,
  jstDate,
  jstMonth,
  lastDayOf,
  monthsBetween,
  startOfJstDay,
  wholeYearsBetween,
} from '#shared/domain/calendar.ts';

describe('JST calendar', () => {
  it('takes the JST date of an instant whatever offset it is written with', () => {
    // 08:30 JST on 13 Nov is still 12 Nov in UTC: the JST date decides.
    expect(jstDate('2026-11-12T23:30:00Z')).toBe('2026-11-13');
    expect(jstDate('2026-11-13T08:30:00+09:00')).toBe('2026-11-13');
    expect(jstDate('2026-11-12T18:30:00-05:00')).toBe('2026-11-13');
    expect(jstDate('2026-11-12T14:59:59.999Z')).toBe('2026-11-12');
    expect(jstDate('2026-11-12T15:00:00Z')).toBe('2026-11-13');
  });

  it('puts 00:00–08:59 JST on the first of a month in that month, not the previous one', () => {
    expect(jstMonth('2026-11-30T15:00:00Z')).toBe('2026-12');
    expect(jstMonth('2026-12-31T15:00:00Z')).toBe('2027-01');
    expect(jstMonth('2026-11-30T14:59:59Z')).toBe('2026-11');
  });

  it('knows month lengths, leap Februaries included', () => {
    expect(daysInMonth('2026-11')).toBe(30);
    expect(daysInMonth('2026-12')).toBe(31);
    expect(daysInMonth('2027-02')).toBe(28);
    expect(daysInMonth('2028-02')).toBe(29);
    expect(daysInMonth('2100-02')).toBe(28);
    expect(daysInMonth('2000-02')).toBe(29);
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
    expect(addDays('2028-02-20', 14)).toBe('2028-03-05');
    expect(addDays('2027-02-20', 14)).toBe('2027-03-06');
    expect(daysBetween('2026-11-13', '2026-12-12')).toBe(29);
  });

  it('adds months and counts them', () => {
    expect(addMonths('2026-11', 1)).toBe('2026-12');
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', 23)).toBe('2028-10');
    expect(monthsBetween('2026-11', '2028-10')).toBe(23);
    expect(addMonthsToDate('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsToDate('2026-02-28', 24)).toBe('2028-02-28');
    expect(addMonthsToDate('2028-02-29', 12)).toBe('2029-02-28');
  });

  it('counts completed years the Japanese way: on the anniversary, 29 Feb on 1 Mar', () => {
    expect(wholeYearsBetween('2008-11-27', '2026-11-26')).toBe(17);
    expect(wholeYearsBetween('2008-11-27', '2026-11-27')).toBe(18);
    expect(wholeYearsBetween('2008-02-29', '2026-02-28')).toBe(17);
    expect(wholeYearsBetween('2008-02-29', '2026-03-01')).toBe(18);
    expect(wholeYearsBetween('2008-02-29', '2028-02-29')).toBe(20);
  });

  it('starts a JST day at 15:00 UTC the day before', () => {
    expect(new Date(startOfJstDay('2026-12-01')).toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });
});
