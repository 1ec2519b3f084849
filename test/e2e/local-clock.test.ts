// The local clock takes only timestamps that name a real moment: an impossible date, time or
// offset is refused with 400 and the reason, never rolled over (2026-02-30 became 2 March).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '#test/support/local-stack.ts';
import { jst } from '#test/support/scenario.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ now: jst('2026-12-01', '01:00') });
});
afterAll(() => stack?.stop());

describe('the clock takes real moments only', () => {
  it('refuses impossible dates, times and offsets with 400 and says why, and keeps the clock where it was', async () => {
    const before = (await stack.get('/admin/clock')).json;
    const refused: [string, RegExp][] = [
      ['2026-02-30T00:00:00+09:00', /February 2026 has 28 days/],
      ['2028-02-30T00:00:00+09:00', /February 2028 has 29 days/],
      ['2026-04-31T09:00:00Z', /April 2026 has 30 days/],
      ['2026-13-01T00:00:00+09:00', /no month 13/],
      ['2026-00-10T00:00:00+09:00', /no month 00/],
      ['2026-12-00T00:00:00+09:00', /December 2026 has 31 days/],
      ['2026-12-01T24:00:00+09:00', /real time of day/],
      ['2026-12-01T23:60:00+09:00', /real time of day/],
      ['2026-12-01T23:59:60+09:00', /real time of day/],
      ['2026-12-01T09:00:00+15:00', /offset/],
      ['2026-12-01T09:00:00+09:60', /offset/],
      ['2026-12-01T09:00:00', /with an offset/],
      ['2026-12-01', /with an offset/],
      ['Tue, 01 Dec 2026 09:00:00 GMT', /with an offset/],
    ];
    for (const [now, reason] of refused) {
      const answer = await stack.post('/admin/clock', { now });
      expect([now, answer.status, answer.json.error]).toEqual([now, 400, 'BAD_REQUEST']);
      expect(answer.json.message).toMatch(reason);
    }
    expect((await stack.get('/admin/clock')).json).toEqual(before);
  });

  it('takes a real date with any offset, a leap day, and seconds or fractions left out', async () => {
    for (const [now, utc] of [
      ['2028-02-29T00:00:00+09:00', '2028-02-28T15:00:00.000Z'],
      ['2026-12-31T23:59:59.999-14:00', '2027-01-01T13:59:59.999Z'],
      ['2027-01-01T01:00+09:00', '2026-12-31T16:00:00.000Z'],
    ]) {
      const answer = await stack.post('/admin/clock', { now });
      expect([now, answer.status, answer.json]).toEqual([now, 200, { now: utc, fixed: true }]);
    }
  });
});
