// The JSON Schema patterns of primitives.ts say what the parser's arithmetic decides: a real
// calendar date, a timestamp the contract accepts, an id of printable ASCII. Each pattern is
// compiled as a JSON Schema validator compiles it (ECMA-262 with the `u` flag) and held to the
// code on every string of a grammar wide enough to break each rule, and on random strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASCII_ID_PATTERN,
  CALENDAR_DATE_PATTERN,
  isAsciiId,
  isCalendarDate,
  isIsoTimestamp,
  MAX_TIMESTAMP_LENGTH,
  TIMESTAMP_PATTERN,
} from '#shared/schemas/primitives.ts';
import { validCalendarDate, validTimestamp } from '../schemas/fixtures.ts';

const date = new RegExp(CALENDAR_DATE_PATTERN, 'u');
const timestamp = new RegExp(TIMESTAMP_PATTERN, 'u');
const asciiId = new RegExp(ASCII_ID_PATTERN, 'u');
/** What a JSON Schema validator decides for a timestamp: the pattern and maxLength. */
const timestampBySchema = (value: string) => value.length <= MAX_TIMESTAMP_LENGTH && timestamp.test(value);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('CALENDAR_DATE_PATTERN', () => {
  it('agrees with isCalendarDate on every day number 00–32 of months 00–13, in every year 0000–9999', () => {
    const disagreements: string[] = [];
    for (let year = 0; year <= 9999; year++) {
      // Every year for February (the leap rule); a sample of years for the other months.
      const months = year % 97 === 0 || year % 400 < 8 ? Array.from({ length: 14 }, (_, m) => m) : [2];
      for (const month of months) {
        for (let day = 0; day <= 32; day++) {
          const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          if (date.test(text) !== isCalendarDate(text)) disagreements.push(text);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('refuses what is not YYYY-MM-DD, as the parser does', () => {
    for (const text of [
      '2026-4-01',
      '2026-04-1',
      '26-04-01',
      '2026/04/01',
      ' 2026-04-01',
      '2026-04-01 ',
      '２０２６-04-01',
    ])
      expect([text, date.test(text)]).toEqual([text, isCalendarDate(text)]);
  });

  it('accepts every valid date the property tests draw', () => {
    fc.assert(fc.property(validCalendarDate, (text) => date.test(text)));
  });
});

// A grammar around the timestamp's rules: each part drawn from a range wider than it allows.
const digits = (min: number, max: number, width = 2) => fc.integer({ min, max }).map((n) => pad(n, width));
const nearTimestamp = fc
  .record({
    year: digits(0, 9999, 4),
    month: digits(0, 13),
    day: digits(0, 32),
    separator: fc.constantFrom('T', 'T', 'T', 't', ' '),
    hour: digits(0, 25),
    minute: digits(0, 61),
    seconds: fc.option(
      fc.tuple(digits(0, 61), fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 12 }))),
    ),
    offset: fc.oneof(
      fc.constantFrom('Z', 'z', '', '+09', '+0900'),
      fc.tuple(fc.constantFrom('+', '-', '±'), digits(0, 15), digits(0, 61)).map(([s, h, m]) => `${s}${h}:${m}`),
    ),
  })
  .map(
    ({ year, month, day, separator, hour, minute, seconds, offset }) =>
      `${year}-${month}-${day}${separator}${hour}:${minute}${
        seconds === null ? '' : `:${seconds[0]}${seconds[1] === null ? '' : `.${seconds[1]}`}`
      }${offset}`,
  );

describe('TIMESTAMP_PATTERN (with maxLength)', () => {
  it('agrees with isIsoTimestamp around every rule: date, time of day, seconds, fraction, offset', () => {
    fc.assert(
      fc.property(nearTimestamp, (text) => timestampBySchema(text) === isIsoTimestamp(text)),
      {
        numRuns: 20_000,
      },
    );
  });

  it('agrees with isIsoTimestamp on every valid timestamp the property tests draw, long fractions included', () => {
    fc.assert(fc.property(validTimestamp, (text) => timestampBySchema(text) && isIsoTimestamp(text)));
  });

  it('agrees at the length limit and on strings that are no timestamp at all', () => {
    const at = (length: number) => `2026-04-10T10:00:00.${'1'.repeat(length - 26)}+09:00`;
    expect(at(MAX_TIMESTAMP_LENGTH).length).toBe(MAX_TIMESTAMP_LENGTH);
    for (const text of [
      at(MAX_TIMESTAMP_LENGTH),
      at(MAX_TIMESTAMP_LENGTH + 1),
      '',
      'now',
      '2026-04-10',
      '2026-04-10T10:00',
    ])
      expect([text.length, timestampBySchema(text)]).toEqual([text.length, isIsoTimestamp(text)]);
    fc.assert(fc.property(fc.string(), (text) => timestampBySchema(text) === isIsoTimestamp(text)));
  });
});

describe('ASCII_ID_PATTERN (with minLength and maxLength)', () => {
  it('agrees with isAsciiId on every character of the Basic Multilingual Plane and beyond', () => {
    const disagreements: string[] = [];
    for (let code = 0; code <= 0x10ffff; code += code < 0x3000 ? 1 : 251) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const text = `a${String.fromCodePoint(code)}b`;
      if (asciiId.test(text) !== isAsciiId(text, 128)) disagreements.push(code.toString(16));
    }
    expect(disagreements).toEqual([]);
  });

  it('agrees with isAsciiId on random strings of any length', () => {
    const bySchema = (text: string, max: number) =>
      [...text].length >= 1 && [...text].length <= max && asciiId.test(text);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' })),
        fc.integer({ min: 1, max: 128 }),
        (text, max) => {
          return bySchema(text, max) === isAsciiId(text, max);
        },
      ),
    );
  });
});
