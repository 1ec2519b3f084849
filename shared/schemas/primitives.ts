import * as z from 'zod';
import { daysInYearMonth } from '../domain/calendar.ts';
import { MAX_YEN_AMOUNT } from '../domain/policy.ts';

/*
 * Reusable field schemas for the event contract (docs/events.md).
 * Every schema keeps the wire value as-is (no transforms): the domain decides how to read a
 * timestamp in JST, and the idempotency check compares details exactly as they were sent.
 * Error messages never quote the input, because some fields (birth dates) must never be logged.
 * Each schema also states its rule as JSON Schema keywords (`pattern`, `maxLength`, `minimum`,
 * …, through `.meta()` where a refinement checks it), so that the published contract
 * (`schemas/`, `npm run contract`) says every bound the parser enforces; test/unit/contract/
 * holds the two to the same verdicts.
 */

export const TIMESTAMP_MESSAGE =
  'expected an ISO 8601 timestamp with offset, e.g. 2026-11-13T08:30:00+09:00 or 2026-11-13T08:30+09:00';
export const CALENDAR_DATE_MESSAGE = 'expected a real calendar date YYYY-MM-DD';
export const YEAR_MONTH_MESSAGE = 'expected a month YYYY-MM';
export const YEN_MESSAGE = 'expected a non-negative integer yen amount';
export const POSITIVE_YEN_MESSAGE = 'expected a positive integer yen amount';
export const SIGNED_YEN_MESSAGE = 'expected an integer yen amount';
export const EVENT_YEN_MESSAGE = `expected an integer yen amount from 1 to ${MAX_YEN_AMOUNT.toLocaleString('en-US')}`;

// Real-world offsets span -12:00..+14:00; the contract allows the symmetric ±14:00 envelope.
const MAX_OFFSET_MINUTES = 14 * 60;

// Fractions may have any number of digits (every rule reads the instant to the millisecond);
// a timestamp longer than this is rejected before the regex runs, so that a multi-megabyte
// string costs nothing. 256 leaves a 200-digit fraction room.
export const MAX_TIMESTAMP_LENGTH = 256;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601's extended format: seconds are optional (`2026-04-10T10:00+09:00`), and so is a
// fraction of them, of any length; the offset is not.
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
/**
 * `YYYY-MM` with a month 01 to 12, unanchored: the source of every month check (the schema, the
 * finance API's paths, the CLI's arguments, the local admin) and an HTML input's `pattern`,
 * which the browser anchors itself.
 */
export const YEAR_MONTH_PATTERN = '\\d{4}-(?:0[1-9]|1[0-2])';
const YEAR_MONTH_RE = new RegExp(`^${YEAR_MONTH_PATTERN}$`);

/*
 * The same rules as one regular expression each, for the JSON Schema `pattern` of the published
 * contract: a validator elsewhere has no `isRealDate`. A real date is a regular language: 31, 30
 * or 28 days by month, and 29 February in the leap years of the proleptic Gregorian calendar
 * (a year ending in 04, 08, …, 96 other than 00, or a century divisible by 400). The parser
 * keeps its arithmetic, which names what is wrong; test/unit/contract/patterns.test.ts holds
 * each pattern to it.
 */
const REAL_DATE = [
  '\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))',
  '(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29',
].join('|');
/** `YYYY-MM-DD` naming a day that exists, anchored: `calendarDate`'s rule as a JSON Schema `pattern`. */
export const CALENDAR_DATE_PATTERN = `^(?:${REAL_DATE})$`;
/**
 * `isoTimestamp`'s rule as a JSON Schema `pattern`, anchored: a real date, hours 00–23, minutes
 * and seconds 00–59 (seconds and their fraction optional), and an offset `Z` or `±hh:mm` up to
 * ±14:00. The length limit is the schema's `maxLength`.
 */
export const TIMESTAMP_PATTERN = `^(?:${REAL_DATE})T(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?(?:Z|[+-](?:(?:0\\d|1[0-3]):[0-5]\\d|14:00))$`;
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// Plain arithmetic rather than `Date`: `Date` silently rolls 2026-02-30 over to March and maps
// two-digit years to the 1900s.
function isRealDate(yearText: string, monthText: string, dayText: string): boolean {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInYearMonth(year, month);
}

export function isCalendarDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (m === null) return false;
  const [, year = '', month = '', day = ''] = m;
  return isRealDate(year, month, day);
}

/**
 * Why `value` is not a timestamp the contract accepts, as the end of a sentence about it (the
 * caller says what it is, e.g. the local clock quotes it), or undefined when it is one. The
 * one check of a timestamp: the contract's `isoTimestamp`, the CLI's arguments and the local
 * stack's clock accept exactly the same.
 */
export function timestampProblem(value: string): string | undefined {
  if (value.length > MAX_TIMESTAMP_LENGTH)
    return `is longer than the ${MAX_TIMESTAMP_LENGTH} characters of a timestamp`;
  const m = TIMESTAMP_RE.exec(value);
  if (m === null) return 'is not an ISO 8601 timestamp with an offset (Z or ±hh:mm), e.g. 2026-12-01T09:00:00+09:00';
  const [, year = '', month = '', day = '', hour, minute, second, sign, offsetHours, offsetMinutes] = m;
  if (!isRealDate(year, month, day)) {
    const monthName = MONTH_NAMES[Number(month) - 1];
    return monthName === undefined
      ? `is not a real date: there is no month ${month}`
      : `is not a real date: ${monthName} ${year} has ${daysInYearMonth(Number(year), Number(month))} days`;
  }
  // No leap second (60): JavaScript dates cannot represent it, so the domain could not either.
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)
    return 'is not a real time of day: hours go to 23, minutes and seconds to 59';
  if (sign === undefined) return undefined; // 'Z'
  const offHours = Number(offsetHours);
  const offMinutes = Number(offsetMinutes);
  return offMinutes <= 59 && offHours * 60 + offMinutes <= MAX_OFFSET_MINUTES
    ? undefined
    : 'has no real offset: offsets go from -14:00 to +14:00';
}

export function isIsoTimestamp(value: string): boolean {
  return timestampProblem(value) === undefined;
}

/** Whether `value` is a billing month `YYYY-MM` (month 01 to 12), as the contract's `yearMonth` accepts. */
export function isYearMonth(value: string): boolean {
  return YEAR_MONTH_RE.test(value);
}

/** ISO 8601 timestamp with an explicit `Z` or `±hh:mm` offset, kept as the original string. */
export const isoTimestamp = z
  .string({ error: TIMESTAMP_MESSAGE })
  .refine(isIsoTimestamp, { error: TIMESTAMP_MESSAGE })
  .meta({
    pattern: TIMESTAMP_PATTERN,
    maxLength: MAX_TIMESTAMP_LENGTH,
    description:
      'An ISO 8601 timestamp with an offset, Z or ±hh:mm (at most ±14:00), e.g. 2026-11-13T08:30:00+09:00. ' +
      'Seconds are optional (2026-11-13T08:30+09:00), and so is a fraction of them, of any length. The date is ' +
      'a real one, hours go to 23, minutes and seconds to 59 (no leap second); at most ' +
      `${MAX_TIMESTAMP_LENGTH} characters. Not RFC 3339 date-time, which requires seconds. Kept as sent.`,
  });

/** `YYYY-MM-DD` naming a day that exists. */
export const calendarDate = z
  .string({ error: CALENDAR_DATE_MESSAGE })
  .refine(isCalendarDate, { error: CALENDAR_DATE_MESSAGE })
  .meta({
    format: 'date',
    pattern: CALENDAR_DATE_PATTERN,
    description: 'A real calendar date YYYY-MM-DD (2026-02-30 and 2026-4-01 are refused).',
  });

/** `YYYY-MM`: a billing month. */
export const yearMonth = z
  .string({ error: YEAR_MONTH_MESSAGE })
  .regex(YEAR_MONTH_RE, { error: YEAR_MONTH_MESSAGE })
  .meta({ description: 'A month YYYY-MM, months 01 to 12.' });

/** The JSON Schema bounds of an integer amount from `minimum` to `maximum` yen. */
const integerYen = (minimum: number, maximum: number, description: string) =>
  ({ type: 'integer', minimum, maximum, description }) as const;

// JPY has no minor unit, so any fraction is a sender bug, never something to round.
// `z.number()` already refuses NaN and ±Infinity; isSafeInteger also refuses values above
// 2^53 - 1, where integer arithmetic on amounts would stop being exact.
export const yen = z
  .number({ error: YEN_MESSAGE })
  .refine((n) => Number.isSafeInteger(n) && n >= 0, { error: YEN_MESSAGE })
  .meta(integerYen(0, Number.MAX_SAFE_INTEGER, 'Integer yen, 0 or more (a safe integer).'));

export const positiveYen = z
  .number({ error: POSITIVE_YEN_MESSAGE })
  .refine((n) => Number.isSafeInteger(n) && n > 0, { error: POSITIVE_YEN_MESSAGE })
  .meta(integerYen(1, Number.MAX_SAFE_INTEGER, 'Integer yen, 1 or more (a safe integer).'));

/**
 * An amount an inbound event carries (a price, a monthly fee, a value): an integer from 1 to
 * MAX_YEN_AMOUNT (billing rules §0 Policy), so that no sum of them can leave the safe integers.
 * The `yen` schemas above are for what the pipeline emits, where totals are sums.
 */
export const eventYen = z
  .number({ error: EVENT_YEN_MESSAGE })
  .refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_YEN_AMOUNT, { error: EVENT_YEN_MESSAGE })
  .meta(
    integerYen(1, MAX_YEN_AMOUNT, `Integer yen from 1 to ${MAX_YEN_AMOUNT.toLocaleString('en-US')} (tax included).`),
  );

/** Signed amount: a statement total can be negative when credits outweigh the month's charges. */
export const signedYen = z
  .number({ error: SIGNED_YEN_MESSAGE })
  .refine((n) => Number.isSafeInteger(n), { error: SIGNED_YEN_MESSAGE })
  .meta(
    integerYen(
      -Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
      'Integer yen, negative for a credit (a safe integer).',
    ),
  );

/** Contract limits for identifiers: eventId 128, customerId 64, every other id 128. */
export const EVENT_ID_MAX = 128;
export const CUSTOMER_ID_MAX = 64;
export const OTHER_ID_MAX = 128;

/**
 * A non-empty string of at most `max` characters. Zod (4.6) counts Unicode code points, as JSON
 * Schema's `maxLength` does: an emoji is one character, not JavaScript's two UTF-16 code units.
 */
export function boundedString(max: number) {
  const message = `expected a string of 1 to ${max} characters`;
  return z
    .string({ error: message })
    .min(1, { error: message })
    .max(max, { error: message })
    .meta({ description: `Text of 1 to ${max} characters (Unicode code points: an emoji counts as one).` });
}

// Contract §1: ids are printable ASCII without spaces. One UTF-8 byte per character keeps the
// size of every key built from ids known from their lengths (DynamoDB counts bytes: a Japanese
// character URI-encoded into an entry id costs 9), and an id cannot hide a space, a control
// character or a look-alike letter from the operator reading a dead letter.
/** Printable ASCII without spaces, anchored: the ids' rule, also their JSON Schema `pattern` (lengths apart). */
export const ASCII_ID_PATTERN = '^[\\x21-\\x7E]+$';
const ASCII_ID_RE = new RegExp(ASCII_ID_PATTERN);

/** Whether `value` is 1 to `max` characters, each in U+0021–U+007E. */
export function isAsciiId(value: string, max: number): boolean {
  // Length first, so a multi-megabyte string is refused before the regex reads it.
  return value.length >= 1 && value.length <= max && ASCII_ID_RE.test(value);
}

/** An identifier: 1 to `max` printable ASCII characters without spaces (U+0021 to U+007E). */
export function asciiId(max: number) {
  const message = `expected 1 to ${max} printable ASCII characters without spaces (U+0021 to U+007E)`;
  return z
    .string({ error: message })
    .refine((value) => isAsciiId(value, max), { error: message })
    .meta({
      minLength: 1,
      maxLength: max,
      pattern: ASCII_ID_PATTERN,
      description: `An id: 1 to ${max} printable ASCII characters without spaces (U+0021 to U+007E).`,
    });
}

export const eventId = asciiId(EVENT_ID_MAX);
export const customerId = asciiId(CUSTOMER_ID_MAX);
export const entityId = asciiId(OTHER_ID_MAX);
