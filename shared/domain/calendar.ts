// JST calendar arithmetic. Every date the rules reason about is a JST calendar date
// ('YYYY-MM-DD') and every billing month a JST month ('YYYY-MM'); both compare correctly
// as strings. Arithmetic goes through integer day numbers, never through the host time zone.
// The monthly close runs these a few dozen times per customer, so fields are read in place
// (no slicing, no Date objects): see docs/performance.md.
import { present } from './invariant.ts';

export type CalendarDate = string; // YYYY-MM-DD, JST
export type Month = string; // YYYY-MM, JST

export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const MS_PER_DAY = 86_400_000;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => (n >= 1000 ? String(n) : String(n).padStart(4, '0'));

/** The number written with digits at [from, to) of a date or month, read without slicing. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** Months since year 0 (year × 12 + month − 1) of 'YYYY-MM' or 'YYYY-MM-DD'. */
const monthIndex = (monthOrDate: string): number => digitsAt(monthOrDate, 0, 4) * 12 + digitsAt(monthOrDate, 5, 7) - 1;

// Months are interned: the close derives the same few months many times per customer, and
// looking one up is cheaper than building it again. At most 12 × 10,000 of them can exist.
const monthNames = new Map<number, Month>();

function monthOfIndex(index: number): Month {
  let name = monthNames.get(index);
  if (name === undefined) {
    const year = Math.floor(index / 12);
    name = `${pad4(year)}-${pad2(index - year * 12 + 1)}`;
    monthNames.set(index, name);
  }
  return name;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar (month 1..12). */
export function daysInYearMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : present(MONTH_DAYS[month - 1], `month ${month} is 1..12`);
}

export function daysInMonth(month: Month): number {
  return daysInYearMonth(digitsAt(month, 0, 4), digitsAt(month, 5, 7));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date of a day number (Howard Hinnant's civil_from_days, the inverse of `dayNumber`). */
function fromDayNumber(z: number): CalendarDate {
  const shifted = z + 719468;
  const era = Math.floor(shifted / 146097);
  const doe = shifted - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return `${pad4(yoe + era * 400 + (m <= 2 ? 1 : 0))}-${pad2(m)}-${pad2(d)}`;
}

export function toDayNumber(date: CalendarDate): number {
  return dayNumber(digitsAt(date, 0, 4), digitsAt(date, 5, 7), digitsAt(date, 8, 10));
}

// A shard's close passes the same `now` for every customer: remember the last answer.
let lastTimestamp: string | undefined;
let lastJstDate: CalendarDate = '';

/** The JST calendar date of an instant, whatever offset the timestamp was written with. */
export function jstDate(timestamp: string): CalendarDate {
  if (timestamp === lastTimestamp) return lastJstDate;
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${timestamp}`);
  lastJstDate = fromDayNumber(Math.floor((ms + JST_OFFSET_MS) / MS_PER_DAY));
  lastTimestamp = timestamp;
  return lastJstDate;
}

/** The first instant (epoch ms) of a JST calendar date. */
export function startOfJstDay(date: CalendarDate): number {
  return toDayNumber(date) * MS_PER_DAY - JST_OFFSET_MS;
}

export function monthOf(date: CalendarDate): Month {
  return monthOfIndex(monthIndex(date));
}

export function jstMonth(timestamp: string): Month {
  return monthOf(jstDate(timestamp));
}

export function dayOfMonth(date: CalendarDate): number {
  return digitsAt(date, 8, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function addMonths(month: Month, k: number): Month {
  return monthOfIndex(monthIndex(month) + k);
}

/** Months from `from` to `to`: 0 for the same month, 1 for the next, negative for earlier. */
export function monthsBetween(from: Month, to: Month): number {
  return monthIndex(to) - monthIndex(from);
}

/** The same day k months later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb). */
export function addMonthsToDate(date: CalendarDate, k: number): CalendarDate {
  const month = addMonths(monthOf(date), k);
  const day = Math.min(dayOfMonth(date), daysInMonth(month));
  return `${month}-${pad2(day)}`;
}

export function firstDayOf(month: Month): CalendarDate {
  return `${month}-01`;
}

export function lastDayOf(month: Month): CalendarDate {
  return `${month}-${pad2(daysInMonth(month))}`;
}

/**
 * Completed years from `from` to `on`, the Japanese way: a year is completed on the
 * anniversary date; for a 29 February start, on 1 March of a common year. Used for a
 * customer's age and for the protection coverage year.
 */
export function wholeYearsBetween(from: CalendarDate, on: CalendarDate): number {
  const years = Number(on.slice(0, 4)) - Number(from.slice(0, 4));
  return on.slice(5) < from.slice(5) ? years - 1 : years;
}

export function maxMonth(a: Month, b: Month): Month {
  return a >= b ? a : b;
}
