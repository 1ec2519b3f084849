// close-start's input: `{}` from the schedule (the previous JST month) or `{ "month": "YYYY-MM" }`
// by hand, refused before anything is read or written when it is not a month that has ended.
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Module = typeof import('../../functions/close-start.ts');
let closeStart: Module;

beforeAll(async () => {
  // What the stack sets; both endpoints refuse connections, so a handler that reached the store
  // or the queue would fail with a network error, not with the validation's message.
  const env: Record<string, string> = {
    TABLE_NAME: 'unreachable',
    CLOSE_QUEUE_URL: 'http://127.0.0.1:9/000000000000/close',
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  closeStart = await import('../../functions/close-start.ts');
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

// 00:30 JST on 1 March 2026 is still 28 February in UTC: the month is March in Asia/Tokyo.
const NOW = '2026-02-28T15:30:00Z';

describe('the month close-start is asked for', () => {
  it('is the previous JST month when none is given (the schedule sends {})', () => {
    expect(closeStart.requestedMonth({}, NOW)).toBe('2026-02');
    expect(closeStart.requestedMonth(undefined, NOW)).toBe('2026-02');
    expect(closeStart.requestedMonth({ month: null }, NOW)).toBe('2026-02');
  });

  it('is taken as given when it has ended, up to the previous JST month', () => {
    expect(closeStart.requestedMonth({ month: '2026-02' }, NOW)).toBe('2026-02');
    expect(closeStart.requestedMonth({ month: '2025-12' }, NOW)).toBe('2025-12');
  });

  it.each([
    ['2026-2'],
    ['2026-13'],
    ['2026-00'],
    ['202602'],
    ['2026-02-01'],
    [' 2026-02'],
    [''],
    [202602],
    [['2026-02']],
  ])('refuses %j: not YYYY-MM', (month) => {
    expect(() => closeStart.requestedMonth({ month }, NOW)).toThrow(/month must be a string YYYY-MM/);
  });

  it('refuses the current JST month (not ended, though UTC is still in the previous one) and any later one', () => {
    expect(() => closeStart.requestedMonth({ month: '2026-03' }, NOW)).toThrow(
      /month 2026-03 has not ended yet \(it is 2026-03 in Asia\/Tokyo\)/,
    );
    expect(() => closeStart.requestedMonth({ month: '2027-01' }, NOW)).toThrow(/has not ended yet/);
  });

  it('fails the invocation with that message before the store or the queue is touched', async () => {
    const context = { functionName: 'close-start', awsRequestId: 'r-1' } as Context;
    await expect(closeStart.handler({ month: '2026-13' }, context)).rejects.toThrow(/month must be a string YYYY-MM/);
    await expect(closeStart.handler({ month: '9999-12' }, context)).rejects.toThrow(/has not ended yet/);
  });
});
