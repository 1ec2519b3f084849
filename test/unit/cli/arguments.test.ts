// The CLI's month and timestamp arguments take exactly what the contract takes
// (shared/schemas/primitives.ts): a month 01 to 12, and a timestamp as an `occurredAt` may be
// written — seconds and a fraction optional, a real date and time, an offset within ±14:00.
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimestamp, MAX_TIMESTAMP_LENGTH, yearMonth } from '#shared/schemas/primitives.ts';
import { parseMonth, parseTimestamp } from '../../../local/cli/arguments.ts';
import { runCli } from '../../../local/cli/program.ts';

const takes = (parse: (value: string) => string, value: string): boolean => {
  try {
    expect(parse(value)).toBe(value);
    return true;
  } catch (error) {
    if (error instanceof InvalidArgumentError) return false;
    throw error;
  }
};
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseTimestamp', () => {
  it.each([
    '2026-04-10T10:00+09:00',
    '2026-04-10T10:00Z',
    '2026-12-01T09:00:00+09:00',
    '2026-12-31T23:59:59.999-14:00',
    '2028-02-29T00:00:00+14:00',
    `2026-04-10T10:00:00.${'1'.repeat(MAX_TIMESTAMP_LENGTH - 26)}+09:00`,
  ])('takes %s, as it came', (value) => {
    expect(takes(parseTimestamp, value)).toBe(true);
  });

  it.each([
    ['30 February', '2026-02-30T10:00+09:00'],
    ['31 February, with seconds', '2026-02-31T10:00:00+09:00'],
    ['29 February of a common year', '2027-02-29T10:00:00Z'],
    ['month 13', '2026-13-01T10:00+09:00'],
    ['hour 24', '2026-04-10T24:00+09:00'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['an offset beyond +14:00', '2026-04-10T10:00+15:00'],
    ['offset minutes 60', '2026-04-10T10:00+09:60'],
    ['no offset', '2026-04-10T10:00'],
    ['a space for the T', '2026-12-01 09:00'],
    ['one character over the length limit', `2026-04-10T10:00:00.${'1'.repeat(MAX_TIMESTAMP_LENGTH - 25)}+09:00`],
  ])('refuses %s: %s', (_name, value) => {
    expect(takes(parseTimestamp, value)).toBe(false);
  });

  it("takes exactly what the contract's occurredAt takes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.option(fc.integer({ min: 0, max: 61 })),
        fc.option(fc.stringMatching(/^[0-9]{1,12}$/)),
        fc.constantFrom('Z', '+09:00', '-14:00', '+14:01', '+09:60', '', '+0900'),
        (y, mo, d, h, mi, s, fraction, offset) => {
          const seconds = s === null ? '' : `:${pad(s)}${fraction === null ? '' : `.${fraction}`}`;
          const value = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}${seconds}${offset}`;
          expect(takes(parseTimestamp, value), value).toBe(isoTimestamp.safeParse(value).success);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseMonth', () => {
  it.each(['2026-10', '2027-01', '2026-12'])('takes %s', (value) => {
    expect(takes(parseMonth, value)).toBe(true);
  });

  it.each(['2026-13', '2026-00', '2026-1', '26-10', '2026-10-01', '2026/10', ''])('refuses %j', (value) => {
    expect(takes(parseMonth, value)).toBe(false);
  });

  it("takes exactly what the contract's yearMonth takes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), (y, m) => {
        const value = `${pad(y, 4)}-${pad(m)}`;
        expect(takes(parseMonth, value), value).toBe(yearMonth.safeParse(value).success);
      }),
    );
  });
});

describe('billing, with those arguments', () => {
  const run = async (args: string[]) => {
    let stderr = '';
    const stderrOf = (text: string) => {
      stderr += text;
    };
    const code = await runCli(args, { stdout: () => {}, stderr: stderrOf, stderrIsTTY: false, env: {} });
    return { code, stderr };
  };

  it('refuses a clock of 30 February and a month 13 before any request, with exit 1', async () => {
    // The URL is not called: nothing listens there.
    const clock = await run(['--url', 'http://127.0.0.1:9', 'clock', '2026-02-30T10:00+09:00']);
    expect([clock.code, clock.stderr]).toEqual([1, expect.stringContaining('expected an ISO timestamp with a zone')]);
    const close = await run(['--url', 'http://127.0.0.1:9', 'close', '2026-13']);
    expect([close.code, close.stderr]).toEqual([1, expect.stringContaining('expected a month YYYY-MM')]);
  });
});
