// JST calendar arithmetic. Every date the rules reason about is a JST calendar date
// ('YYYY-MM-DD') and every billing month a JST month ('YYYY-MM'); both compare correctly
// as strings. Arithmetic goes through integer day numbers, never through the host time zone.

export type CalendarDate = string; // YYYY-MM-DD, JST
export type Month = string; // YYYY-MM, JST

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const MS_PER_DAY = 86_400_000;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar (month 1..12). */
export function daysInYearMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

export function daysInMonth(month: Month): number {
  return daysInYearMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
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

function fromDayNumber(z: number): CalendarDate {
  const date = new Date(z * MS_PER_DAY);
  return `${pad4(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

function parts(date: CalendarDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

export function toDayNumber(date: CalendarDate): number {
  const [y, m, d] = parts(date);
  return dayNumber(y, m, d);
}

/** The JST calendar date of an instant, whatever offset the timestamp was written with. */
export function jstDate(timestamp: string): CalendarDate {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${timestamp}`);
  return fromDayNumber(Math.floor((ms + JST_OFFSET_MS) / MS_PER_DAY));
}

/** The first instant (epoch ms) of a JST calendar date. */
export function startOfJstDay(date: CalendarDate): number {
  return toDayNumber(date) * MS_PER_DAY - JST_OFFSET_MS;
}

export function monthOf(date: CalendarDate): Month {
  return date.slice(0, 7);
}

export function jstMonth(timestamp: string): Month {
  return monthOf(jstDate(timestamp));
}

export function dayOfMonth(date: CalendarDate): number {
  return Number(date.slice(8, 10));
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function addMonths(month: Month, k: number): Month {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + k;
  const year = Math.floor(index / 12);
  return `${pad4(year)}-${pad2(index - year * 12 + 1)}`;
}

/** Months from `from` to `to`: 0 for the same month, 1 for the next, negative for earlier. */
export function monthsBetween(from: Month, to: Month): number {
  const a = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7));
  const b = Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7));
  return b - a;
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
