// The cloud's monthly close runs at the instant `closeTimeOf` names, the one the demo, the
// benches and the tests close at: its hour is the §6 Policy MONTHLY_CLOSE_HOUR_JST itself, read
// from policy.ts when the stack is built (in Asia/Tokyo, so no conversion to UTC), not a copy.
import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeTimeOf } from '#shared/domain/index.ts';
import { MONTHLY_CLOSE_HOUR_JST } from '#shared/domain/policy.ts';
import { type CfnResource, only } from './billing-app.ts';

/** The monthly close's schedule of a stack built with the modules as they are now loaded. */
async function closeSchedule(): Promise<CfnResource> {
  const { billingApp, TEST_CONTEXT } = await import('./billing-app.ts');
  const schedules = Template.fromStack(billingApp().stack).findResources('AWS::Scheduler::Schedule') as Record<
    string,
    CfnResource
  >;
  return only(
    Object.values(schedules).filter((s) => s.Properties.Name === `${TEST_CONTEXT.prefix}-monthly-close`),
    'monthly close schedule',
  );
}

/** The JST hour of an ISO instant written with +09:00. */
const jstHourOf = (iso: string): number => {
  expect(iso).toMatch(/^\d{4}-\d{2}-01T\d{2}:00:00\+09:00$/);
  return Number(iso.slice(11, 13));
};

afterEach(() => {
  vi.doUnmock('#shared/domain/policy.ts');
  vi.resetModules();
});

describe('the monthly close schedule', () => {
  it('fires on the 1st at MONTHLY_CLOSE_HOUR_JST, Asia/Tokyo: the instant closeTimeOf names', async () => {
    const schedule = await closeSchedule();
    expect(schedule.Properties.ScheduleExpression).toBe(`cron(0 ${MONTHLY_CLOSE_HOUR_JST} 1 * ? *)`);
    expect(schedule.Properties.ScheduleExpressionTimezone).toBe('Asia/Tokyo');
    for (const month of ['2026-10', '2026-12', '2028-02'])
      expect(jstHourOf(closeTimeOf(month)), month).toBe(MONTHLY_CLOSE_HOUR_JST);
    expect(closeTimeOf('2026-12')).toBe('2027-01-01T01:00:00+09:00');
  }, 120_000);

  it('moves with the Policy: another hour in policy.ts is the schedule’s hour and closeTimeOf’s', async () => {
    vi.resetModules();
    vi.doMock('#shared/domain/policy.ts', async (importOriginal) => ({
      ...(await importOriginal<typeof import('#shared/domain/policy.ts')>()),
      MONTHLY_CLOSE_HOUR_JST: 3,
    }));
    const schedule = await closeSchedule();
    expect(schedule.Properties.ScheduleExpression).toBe('cron(0 3 1 * ? *)');
    const domain = await import('#shared/domain/index.ts');
    expect(domain.closeTimeOf('2026-10')).toBe('2026-11-01T03:00:00+09:00');
  }, 120_000);
});
