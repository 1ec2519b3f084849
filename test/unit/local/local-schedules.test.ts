// The local stack's schedules fire when the cloud's do: the close of a month at closeTimeOf
// (01:00 JST on the 1st, MONTHLY_CLOSE_HOUR_JST), not at midnight; the sweep when the JST date
// turns; nothing missed before a start is caught up, and a run is due once.
import { describe, expect, it } from 'vitest';
import { closeTimeOf } from '#shared/domain/index.ts';
import { dueRuns, marksAt } from '../../../local/local-schedules.ts';

describe('the local schedules', () => {
  it('close the month at its close time, not when the month turns', () => {
    const marks = marksAt('2026-10-31T23:00:00+09:00');
    expect(marks).toEqual({ sweptDate: '2026-10-31', closedMonth: '2026-09' });
    expect(dueRuns(marks, '2026-11-01T00:00:00+09:00')).toEqual({ sweep: true });
    expect(dueRuns(marks, '2026-11-01T00:59:59.999+09:00')).toEqual({ sweep: true });
    expect(closeTimeOf('2026-10')).toBe('2026-11-01T01:00:00+09:00');
    expect(dueRuns(marks, '2026-11-01T01:00:00+09:00')).toEqual({ close: '2026-10', sweep: true });
    // The same instant in UTC is the same due run.
    expect(dueRuns(marks, '2026-10-31T16:00:00Z')).toEqual({ close: '2026-10', sweep: true });
  });

  it('are due once: after the marks move, nothing until the next date or close time', () => {
    const marks = { sweptDate: '2026-11-01', closedMonth: '2026-10' as const };
    expect(dueRuns(marks, '2026-11-01T12:00:00+09:00')).toEqual({ sweep: false });
    expect(dueRuns(marks, '2026-11-30T23:59:59+09:00')).toEqual({ sweep: true });
    expect(dueRuns(marks, '2026-12-01T01:00:00+09:00')).toEqual({ close: '2026-11', sweep: true });
  });

  it('catch nothing up after a start: a stack started on the 1st after 01:00 does not close the month before', () => {
    expect(marksAt('2026-12-01T09:00:00+09:00')).toEqual({ sweptDate: '2026-12-01', closedMonth: '2026-11' });
    expect(dueRuns(marksAt('2026-12-01T09:00:00+09:00'), '2026-12-01T10:00:00+09:00')).toEqual({ sweep: false });
    // Started between midnight and 01:00 on the 1st: that month's close is still ahead, and comes.
    const early = marksAt('2026-12-01T00:30:00+09:00');
    expect(early.closedMonth).toBe('2026-10');
    expect(dueRuns(early, '2026-12-01T01:00:30+09:00')).toEqual({ close: '2026-11', sweep: false });
  });

  it('cross the year: December closes on 1 January at 01:00 JST', () => {
    const marks = marksAt('2026-12-31T20:00:00+09:00');
    expect(dueRuns(marks, '2027-01-01T00:10:00+09:00')).toEqual({ sweep: true });
    expect(dueRuns(marks, '2027-01-01T01:00:00+09:00')).toEqual({ close: '2026-12', sweep: true });
  });
});
