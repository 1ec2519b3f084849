// The local clock's check of a timestamp is the contract's (shared/schemas/primitives.ts): it
// takes what an `occurredAt` may be, and says why it refuses the rest, quoting what it was given.
// The same refusals over HTTP, with 400, are in test/e2e/local-clock.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoTimestamp, MAX_TIMESTAMP_LENGTH } from '#shared/schemas/primitives.ts';
import { LocalClock, timestampProblem } from '../../../local/local-clock.ts';

describe('the local clock', () => {
  it.each([
    ['2026-02-30T00:00:00+09:00', '"2026-02-30T00:00:00+09:00" is not a real date: February 2026 has 28 days'],
    ['2028-02-30T00:00:00+09:00', '"2028-02-30T00:00:00+09:00" is not a real date: February 2028 has 29 days'],
    ['2026-13-01T00:00:00+09:00', '"2026-13-01T00:00:00+09:00" is not a real date: there is no month 13'],
    ['2026-00-10T00:00:00+09:00', '"2026-00-10T00:00:00+09:00" is not a real date: there is no month 00'],
    ['2026-12-00T00:00:00+09:00', '"2026-12-00T00:00:00+09:00" is not a real date: December 2026 has 31 days'],
    [
      '2026-12-01T24:00:00+09:00',
      '"2026-12-01T24:00:00+09:00" is not a real time of day: hours go to 23, minutes and seconds to 59',
    ],
    ['2026-12-01T09:00:00+15:00', '"2026-12-01T09:00:00+15:00" has no real offset: offsets go from -14:00 to +14:00'],
    [
      '2026-12-01T09:00:00',
      '"2026-12-01T09:00:00" is not an ISO 8601 timestamp with an offset (Z or ±hh:mm), e.g. 2026-12-01T09:00:00+09:00',
    ],
  ])('refuses %s and says why', (value, problem) => {
    expect(timestampProblem(value)).toBe(problem);
    expect(() => new LocalClock(value)).toThrow(new RangeError(problem));
  });

  it('takes a fraction of any length within the contract’s limit, as an occurredAt may carry', () => {
    const value = `2026-12-01T09:00:00.${'5'.repeat(MAX_TIMESTAMP_LENGTH - 26)}+09:00`;
    expect(value).toHaveLength(MAX_TIMESTAMP_LENGTH);
    expect(new LocalClock(value).now()).toBe('2026-12-01T00:00:00.555Z');
    expect(timestampProblem(`${value.slice(0, 20)}5${value.slice(20)}`)).toMatch(/longer than the 256 characters/);
  });

  it('refuses exactly what the contract refuses', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('2026-12-01T09:00', '2027-02-29T09:00', '2026-12-01T09:00:00.1', ''),
        fc.constantFrom('Z', '+09:00', '+14:30', ''),
        (noise, stem, offset) => {
          for (const value of [`${stem}${offset}`, `${stem}${noise}${offset}`])
            expect(timestampProblem(value) === undefined, value).toBe(isIsoTimestamp(value));
        },
      ),
    );
  });
});
