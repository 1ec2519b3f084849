// The bus archive's retention is derived from the lookback (policy.ts), not written by hand:
// a replay must still reach the first day of the oldest month finance can read.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, firstDayOf, lastDayOf } from '#shared/domain/calendar.ts';
import { lookbackMonths } from '#shared/domain/index.ts';
import { ARCHIVE_RETENTION_DAYS, LOOKBACK_MONTHS, WAITING_DEAD_LETTER_DAYS } from '#shared/domain/policy.ts';
import { billingApp } from './billing-app.ts';

describe('the archive keeps inbound events as long as the lookback needs them', () => {
  it('is synthesized with ARCHIVE_RETENTION_DAYS', () => {
    const { stack } = billingApp();
    const archives = Object.values(Template.fromStack(stack).findResources('AWS::Events::Archive'));
    expect(archives.map((a) => a.Properties.RetentionDays)).toEqual([ARCHIVE_RETENTION_DAYS]);
  });

  it('reaches, on the last day of any month, back to the first day of the oldest readable month and the week its events may wait', () => {
    let worst = 0;
    // Every month of four years: the longest span is after a run of 31-day months.
    for (let month = '2026-01'; month <= '2029-12'; month = addMonths(month, 1)) {
      const today = lastDayOf(month);
      const oldest = lookbackMonths(`${today}T23:59:59+09:00`).at(-1) as string;
      expect(lookbackMonths(`${today}T12:00:00+09:00`)).toHaveLength(LOOKBACK_MONTHS);
      worst = Math.max(worst, daysBetween(addDays(firstDayOf(oldest), -WAITING_DEAD_LETTER_DAYS), today));
    }
    expect(worst).toBeLessThanOrEqual(ARCHIVE_RETENTION_DAYS);
  });
});
