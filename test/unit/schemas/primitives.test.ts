import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_YEN_AMOUNT } from '../../../shared/domain/policy.ts';
import {
  asciiId,
  calendarDate,
  customerId,
  entityId,
  eventId,
  eventYen,
  isAsciiId,
  isIsoTimestamp,
  isoTimestamp,
  MAX_TIMESTAMP_LENGTH,
  positiveYen,
  signedYen,
  yearMonth,
  yen,
} from '../../../shared/schemas/primitives.ts';
import { validCalendarDate, validTimestamp } from './fixtures.ts';

const accepts = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// Oracle independent of the implementation: let the platform's calendar say whether a day exists.
function platformSaysDateExists(year: number, month: number, day: number): boolean {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

describe('isoTimestamp', () => {
  it.each([
    '2026-11-13T08:30:00+09:00',
    '2026-11-12T23:30:00Z',
    '2026-11-12T23:30:00.123Z',
    '2026-11-12T23:30:00.123456789-03:30',
    '2028-02-29T00:00:00+14:00',
    '2026-01-01T00:00:00-14:00',
    '2026-12-31T23:59:59+05:45',
  ])('accepts %s', (value) => {
    expect(accepts(isoTimestamp, value)).toBe(true);
    expect(isoTimestamp.parse(value)).toBe(value); // kept as sent, never normalised
  });

  it.each([
    ['no offset', '2026-11-13T08:30:00'],
    ['no offset, with fraction', '2026-11-13T08:30:00.5'],
    ['date only', '2026-11-13'],
    ['30 February', '2026-02-30T08:30:00+09:00'],
    ['29 February of a common year', '2027-02-29T08:30:00Z'],
    ['month 13', '2026-13-01T08:30:00Z'],
    ['day 0', '2026-11-00T08:30:00Z'],
    ['hour 24', '2026-11-13T24:00:00Z'],
    ['minute 60', '2026-11-13T08:60:00Z'],
    ['leap second', '2026-12-31T23:59:60Z'],
    ['offset beyond +14:00', '2026-11-13T08:30:00+14:01'],
    ['offset beyond -14:00', '2026-11-13T08:30:00-15:00'],
    ['offset minutes 60', '2026-11-13T08:30:00+09:60'],
    ['compact offset', '2026-11-13T08:30:00+0900'],
    ['hour-only offset', '2026-11-13T08:30:00+09'],
    ['lower-case z', '2026-11-13T08:30:00z'],
    ['space separator', '2026-11-13 08:30:00Z'],
    ['trailing text', '2026-11-13T08:30:00Z\n'],
    ['empty', ''],
    // The same refusals hold when the seconds are left out.
    ['no seconds and no offset', '2026-11-13T08:30'],
    ['no seconds, hour 24', '2026-11-13T24:00+09:00'],
    ['no seconds, minute 60', '2026-11-13T08:60Z'],
    ['no seconds, offset beyond +14:00', '2026-11-13T08:30+14:01'],
    ['no seconds, offset beyond -14:00', '2026-11-13T08:30-15:00'],
    ['no seconds, offset minutes 60', '2026-11-13T08:30+09:60'],
    ['no seconds, 30 February', '2026-02-30T08:30+09:00'],
    ['no seconds, lower-case z', '2026-11-13T08:30z'],
    ['no minutes either', '2026-11-13T08+09:00'],
    ['one-digit seconds', '2026-11-13T08:30:5+09:00'],
    ['three-digit seconds', '2026-11-13T08:30:000+09:00'],
    // A fraction belongs to the seconds: without them there is nothing to divide.
    ['a fraction but no seconds, with offset', '2026-11-13T08:30.5+09:00'],
    ['a fraction but no seconds, with Z', '2026-11-13T08:30.5Z'],
    ['a long fraction but no seconds', `2026-11-13T08:30.${'5'.repeat(20)}+09:00`],
    ['a dot without digits', '2026-11-13T08:30:00.+09:00'],
    ['a comma fraction', '2026-11-13T08:30:00,5+09:00'],
    ['a fraction with a non-digit', '2026-11-13T08:30:00.12a4+09:00'],
  ])('rejects %s', (_name, value) => {
    expect(accepts(isoTimestamp, value)).toBe(false);
  });

  describe('seconds are optional', () => {
    it.each([
      '2026-04-10T10:00+09:00',
      '2026-04-10T10:00Z',
      '2026-04-10T00:00-14:00',
      '2026-04-10T23:59+14:00',
      '2028-02-29T12:34-03:30',
    ])('accepts %s, kept as sent', (value) => {
      expect(accepts(isoTimestamp, value)).toBe(true);
      expect(isoTimestamp.parse(value)).toBe(value);
    });

    it('without seconds, accepts iff every other component is in range (platform calendar as oracle)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 16 }),
          fc.integer({ min: 0, max: 61 }),
          (y, mo, d, h, mi, sign, oh, om) => {
            const value = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}${sign}${pad(oh)}:${pad(om)}`;
            const expected =
              mo >= 1 &&
              mo <= 12 &&
              platformSaysDateExists(y, mo, d) &&
              h < 24 &&
              mi < 60 &&
              om < 60 &&
              oh * 60 + om <= 14 * 60;
            expect(accepts(isoTimestamp, value)).toBe(expected);
          },
        ),
        { numRuns: 2000 },
      );
    });
  });

  describe('fractions of any length, within MAX_TIMESTAMP_LENGTH', () => {
    const withFraction = (digits: number, offset: string) =>
      `2026-04-10T10:00:00.${'1234567890'.repeat(30).slice(0, digits)}${offset}`;

    it.each([1, 3, 9, 10, 20, 200])('accepts %d fraction digits, with Z and with an offset', (digits) => {
      for (const offset of ['Z', '+09:00', '-14:00']) {
        const value = withFraction(digits, offset);
        expect(accepts(isoTimestamp, value), value).toBe(true);
        expect(isoTimestamp.parse(value)).toBe(value);
      }
    });

    it('is bounded at 256 characters', () => {
      expect(MAX_TIMESTAMP_LENGTH).toBe(256);
    });

    it('accepts a timestamp of exactly MAX_TIMESTAMP_LENGTH characters and refuses one character more', () => {
      // 26 characters around the fraction: `2026-04-10T10:00:00.` and `+09:00`.
      const longest = withFraction(MAX_TIMESTAMP_LENGTH - 26, '+09:00');
      expect(longest).toHaveLength(MAX_TIMESTAMP_LENGTH);
      expect(accepts(isoTimestamp, longest)).toBe(true);
      const tooLong = withFraction(MAX_TIMESTAMP_LENGTH - 25, '+09:00');
      expect(tooLong).toHaveLength(MAX_TIMESTAMP_LENGTH + 1);
      expect(accepts(isoTimestamp, tooLong)).toBe(false);
      // With Z the fraction may be five digits longer, but the bound is on the whole string.
      expect(accepts(isoTimestamp, withFraction(MAX_TIMESTAMP_LENGTH - 21, 'Z'))).toBe(true);
      expect(accepts(isoTimestamp, withFraction(MAX_TIMESTAMP_LENGTH - 20, 'Z'))).toBe(false);
    });

    it('accepts a fraction iff the whole timestamp fits MAX_TIMESTAMP_LENGTH', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 400 }), fc.constantFrom('Z', '+09:00', '-03:30'), (digits, offset) => {
          const value = withFraction(digits, offset);
          expect(isIsoTimestamp(value)).toBe(value.length <= MAX_TIMESTAMP_LENGTH);
        }),
      );
    });

    it('refuses a multi-megabyte fraction without reading it as a timestamp', () => {
      expect(accepts(isoTimestamp, `2026-04-10T10:00:00.${'9'.repeat(5_000_000)}+09:00`)).toBe(false);
    });
  });

  it.each([1_794_526_200_000, new Date('2026-11-13T00:00:00Z'), null, undefined])(
    'rejects the non-string %j',
    (value) => {
      expect(accepts(isoTimestamp, value)).toBe(false);
    },
  );

  it('accepts a timestamp iff every component is in range (platform calendar as oracle)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.constantFrom('+', '-'),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 0, max: 61 }),
        (y, mo, d, h, mi, s, sign, oh, om) => {
          const value = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(oh)}:${pad(om)}`;
          const expected =
            mo >= 1 &&
            mo <= 12 &&
            platformSaysDateExists(y, mo, d) &&
            h < 24 &&
            mi < 60 &&
            s < 60 &&
            om < 60 &&
            oh * 60 + om <= 14 * 60;
          expect(accepts(isoTimestamp, value)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every accepted timestamp is a real instant JavaScript can read', () => {
    fc.assert(
      fc.property(validTimestamp, (value) => {
        expect(accepts(isoTimestamp, value)).toBe(true);
        expect(Number.isNaN(Date.parse(value))).toBe(false);
      }),
    );
  });
});

describe('calendarDate', () => {
  it.each(['2026-11-13', '2028-02-29', '2000-02-29', '2026-12-31', '2026-01-01'])('accepts %s', (value) => {
    expect(accepts(calendarDate, value)).toBe(true);
  });

  it.each([
    '2026-02-30',
    '2026-13-01',
    '2027-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-00-10',
    '2026-1-5',
    '26-01-05',
    '2026-11-13T00:00:00Z',
    '20261113',
    '',
  ])('rejects %s', (value) => {
    expect(accepts(calendarDate, value)).toBe(false);
  });

  it('accepts YYYY-MM-DD iff the day exists (platform calendar as oracle)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const expected = m >= 1 && m <= 12 && platformSaysDateExists(y, m, d);
          expect(accepts(calendarDate, `${pad(y, 4)}-${pad(m)}-${pad(d)}`)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(validCalendarDate, (value) => {
        expect(accepts(calendarDate, value)).toBe(true);
      }),
    );
  });
});

describe('yearMonth', () => {
  it('accepts YYYY-MM with a real month only', () => {
    expect(accepts(yearMonth, '2026-11')).toBe(true);
    expect(accepts(yearMonth, '2026-01')).toBe(true);
    for (const bad of ['2026-13', '2026-00', '2026-1', '2026-11-01', '202611', 202611])
      expect(accepts(yearMonth, bad), String(bad)).toBe(false);
  });
});

describe('yen amounts', () => {
  const notNumbers = ['100', null, undefined, true, {}, [], 10n];

  it('yen accepts non-negative safe integers only', () => {
    for (const ok of [0, 1, 418, Number.MAX_SAFE_INTEGER]) expect(accepts(yen, ok), String(ok)).toBe(true);
    for (const bad of [-1, 0.5, 39_800.01, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, -Infinity, ...notNumbers]) {
      expect(accepts(yen, bad), String(bad)).toBe(false);
    }
  });

  it('positiveYen also refuses zero', () => {
    expect(accepts(positiveYen, 0)).toBe(false);
    expect(accepts(positiveYen, 1)).toBe(true);
    expect(accepts(positiveYen, Number.MAX_SAFE_INTEGER)).toBe(true);
    for (const bad of [-5, 1.5, 2 ** 53, NaN, Infinity, ...notNumbers])
      expect(accepts(positiveYen, bad), String(bad)).toBe(false);
  });

  it('signedYen accepts negative credits but no fractions', () => {
    expect(accepts(signedYen, -40_000)).toBe(true);
    expect(accepts(signedYen, -0.5)).toBe(false);
    expect(accepts(signedYen, -(2 ** 53))).toBe(false);
  });

  it('agrees with Number.isSafeInteger on any double', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (n) => {
        expect(accepts(yen, n)).toBe(Number.isSafeInteger(n) && n >= 0);
        expect(accepts(positiveYen, n)).toBe(Number.isSafeInteger(n) && n > 0);
        expect(accepts(signedYen, n)).toBe(Number.isSafeInteger(n));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('eventYen (an amount an event carries)', () => {
  it('is 10,000,000 at most, the Policy constant', () => {
    expect(MAX_YEN_AMOUNT).toBe(10_000_000);
  });

  it('accepts the integers from 1 to 10,000,000, the bounds included', () => {
    for (const ok of [1, 2, 418, 39_800, MAX_YEN_AMOUNT - 1, MAX_YEN_AMOUNT])
      expect(accepts(eventYen, ok), String(ok)).toBe(true);
  });

  it('refuses what is just outside: 0, 10,000,001, 2^53 - 1, fractions, and non-numbers', () => {
    for (const bad of [
      0,
      -0,
      -1,
      MAX_YEN_AMOUNT + 1,
      Number.MAX_SAFE_INTEGER,
      2 ** 53,
      0.5,
      1.5,
      MAX_YEN_AMOUNT - 0.5,
      NaN,
      Infinity,
      '100',
      null,
      true,
    ]) {
      expect(accepts(eventYen, bad), String(bad)).toBe(false);
    }
  });

  it('agrees with "integer in 1..MAX_YEN_AMOUNT" on any double', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: -5, max: MAX_YEN_AMOUNT + 5 }), fc.maxSafeInteger()), (n) => {
        expect(accepts(eventYen, n)).toBe(Number.isInteger(n) && n >= 1 && n <= MAX_YEN_AMOUNT);
      }),
      { numRuns: 1000 },
    );
  });

  it('names the bound in its message', () => {
    const result = eventYen.safeParse(MAX_YEN_AMOUNT + 1);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('expected an integer yen amount from 1 to 10,000,000');
  });
});

describe('asciiId(max)', () => {
  const printable = (code: number) => code >= 0x21 && code <= 0x7e;

  it('accepts 1..max characters and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 320 }), (max, length) => {
        expect(accepts(asciiId(max), 'a'.repeat(length))).toBe(length >= 1 && length <= max);
      }),
    );
    expect(accepts(asciiId(10), 5)).toBe(false);
    expect(accepts(asciiId(10), null)).toBe(false);
  });

  it('accepts a character iff it is U+0021..U+007E (every code unit, and astral characters)', () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (isAsciiId(`a${String.fromCharCode(code)}b`, 3) !== printable(code)) wrong.push(code.toString(16));
    }
    expect(wrong).toEqual([]);
    for (const astral of ['😀', '𠮷', '\u{10FFFF}']) expect(isAsciiId(`a${astral}`, 10), astral).toBe(false);
  });

  it('refuses a space, é, a Japanese character, a control character, DEL and the empty id', () => {
    for (const bad of [
      'a b',
      ' a',
      'a ',
      'caf\u00e9',
      'cafe\u0301',
      '顧客1',
      'ｃ1',
      'a\tb',
      'a\nb',
      'a\u0000',
      'a\u007f',
      '\u00a0',
      '',
    ]) {
      expect(accepts(entityId, bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('accepts the longest ids of the extreme printable characters ! and ~', () => {
    expect(accepts(eventId, '!'.repeat(128))).toBe(true);
    expect(accepts(eventId, '~'.repeat(128))).toBe(true);
    expect(accepts(customerId, '!~'.repeat(32))).toBe(true);
    expect(accepts(entityId, `!${'~'.repeat(126)}!`)).toBe(true);
  });

  it('uses the contract limits: eventId 128, customerId 64, every other id 128', () => {
    expect(accepts(eventId, 'e'.repeat(128))).toBe(true);
    expect(accepts(eventId, 'e'.repeat(129))).toBe(false);
    expect(accepts(customerId, 'c'.repeat(64))).toBe(true);
    expect(accepts(customerId, 'c'.repeat(65))).toBe(false);
    expect(accepts(entityId, '~'.repeat(128))).toBe(true);
    expect(accepts(entityId, '~'.repeat(129))).toBe(false);
  });
});
