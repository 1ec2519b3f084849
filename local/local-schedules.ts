// The cloud's two schedules, in process: the daily deadline sweep when the JST date turns, and
// the monthly close when the JST month turns. They follow the real clock only: once an
// operator sets the clock by hand, close and sweep are theirs to run through /admin, so that
// a replayed year is never closed behind their back.
import { jstDate } from '#shared/domain/index.ts';
import { monthToClose } from '#shared/runtime/month-close.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { handleAdmin, type AdminDeps } from './admin.ts';
import type { LocalClock } from './local-clock.ts';

const CHECK_EVERY_MS = 30_000;

export class LocalSchedules {
  private lastDate: string;
  private readonly timer: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly clock: LocalClock,
    private readonly deps: AdminDeps,
    private readonly log: (line: string) => void,
  ) {
    // Like EventBridge Scheduler, nothing missed while the stack was down is caught up.
    this.lastDate = jstDate(clock.now());
    this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running || this.clock.isSet) return;
    const now = this.clock.now();
    const today = jstDate(now);
    if (today === this.lastDate) return;
    this.running = true;
    try {
      if (today.slice(0, 7) !== this.lastDate.slice(0, 7)) {
        const month = monthToClose(now);
        const result = await handleAdmin(this.deps, 'POST', new URL('http://local/admin/close'), { month });
        this.log(`scheduled monthly close of ${month}: ${JSON.stringify(result.body)}`);
      }
      const swept = await sweepDue(this.deps.pipeline, now);
      this.log(`scheduled deadline sweep as of ${now}: ${swept.customers} customers, ${swept.assessed} entries`);
      this.lastDate = today;
    } catch (error) {
      this.log(`scheduled run failed, tried again at the next check: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
