// The cloud's two schedules, in process: the daily deadline sweep when the JST date turns, and
// the monthly close at the cloud's time, the 1st at MONTHLY_CLOSE_HOUR_JST (closeTimeOf), so
// that the events of the month's last hour drain first, as they do in the cloud. They follow
// the real clock only: once an operator sets the clock by hand, close and sweep are theirs to
// run through /admin, so that a replayed year is never closed behind their back.
import { addMonths, closeTimeOf, jstDate, type Month } from '#shared/domain/index.ts';
import { monthToClose } from '#shared/runtime/month-close.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { type AdminDeps, handleAdmin } from './admin.ts';
import type { LocalClock } from './local-clock.ts';

const CHECK_EVERY_MS = 30_000;

/** What the schedules have done: the JST date last swept, and the last month whose close time has passed. */
export interface ScheduleMarks {
  sweptDate: string;
  closedMonth: Month;
}

/** The latest month whose close time is `now` or earlier: the previous month from 01:00 JST on the 1st, else the one before. */
function latestCloseDue(now: string): Month {
  const month = monthToClose(now);
  return Date.parse(now) >= Date.parse(closeTimeOf(month)) ? month : addMonths(month, -1);
}

/** The marks as of a start at `now`: like EventBridge Scheduler, nothing missed while the stack was down is caught up. */
export function marksAt(now: string): ScheduleMarks {
  return { sweptDate: jstDate(now), closedMonth: latestCloseDue(now) };
}

/** What is due at `now` after `marks`: a month to close (its close time came since) and whether to sweep (the JST date turned). */
export function dueRuns(marks: ScheduleMarks, now: string): { close?: Month; sweep: boolean } {
  const due = latestCloseDue(now);
  return { ...(due > marks.closedMonth ? { close: due } : {}), sweep: jstDate(now) !== marks.sweptDate };
}

export class LocalSchedules {
  private marks: ScheduleMarks;
  private readonly timer: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly clock: LocalClock,
    private readonly deps: AdminDeps,
    private readonly log: (line: string) => void,
  ) {
    this.marks = marksAt(clock.now());
    this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running || this.clock.isSet) return;
    const now = this.clock.now();
    const due = dueRuns(this.marks, now);
    if (due.close === undefined && !due.sweep) return;
    this.running = true;
    try {
      // Each mark moves only once its run succeeded: a failed run is tried again at the next check.
      if (due.close !== undefined) {
        const result = await handleAdmin(this.deps, 'POST', new URL('http://local/admin/close'), { month: due.close });
        this.log(`scheduled monthly close of ${due.close}: ${JSON.stringify(result.body)}`);
        this.marks = { ...this.marks, closedMonth: due.close };
      }
      if (due.sweep) {
        const swept = await sweepDue(this.deps.pipeline, now);
        this.log(`scheduled deadline sweep as of ${now}: ${swept.customers} customers, ${swept.assessed} entries`);
        this.marks = { ...this.marks, sweptDate: jstDate(now) };
      }
    } catch (error) {
      this.log(
        `scheduled run failed, tried again at the next check: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running = false;
    }
  }
}
