// The local stack's clock: the real time until an operator sets it, then frozen where set, so
// that a close, a sweep or the finance lookback can be tried at any business date. A clock set
// by hand is kept in the data folder: after a restart the lookback shows the same months.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { daysInYearMonth } from '#shared/domain/calendar.ts';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/** The contract's envelope of offsets: ±14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Why `value` is not a real ISO 8601 timestamp with an offset, or undefined if it is one.
 * Checked field by field, because `Date` rolls an impossible date over without a word
 * (2026-02-30 became 2 March) and reads a timestamp without offset as local time.
 */
export function timestampProblem(value: string): string | undefined {
  const quoted = `"${value.slice(0, 40)}"`;
  const m = value.length <= 40 ? TIMESTAMP.exec(value) : null;
  if (!m) return `${quoted} is not an ISO 8601 timestamp with an offset (Z or ±hh:mm), e.g. 2026-12-01T09:00:00+09:00`;
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  if (month! < 1 || month! > 12) return `${quoted} is not a real date: there is no month ${m[2]}`;
  const days = daysInYearMonth(year!, month!);
  if (day! < 1 || day! > days) return `${quoted} is not a real date: ${MONTHS[month! - 1]} ${m[1]} has ${days} days`;
  if (hour! > 23 || minute! > 59 || second > 59) return `${quoted} is not a real time of day: hours go to 23, minutes and seconds to 59`;
  if (offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > MAX_OFFSET_MINUTES) return `${quoted} has no real offset: offsets go from -14:00 to +14:00`;
  return undefined;
}

export class LocalClock {
  private fixed: Date | undefined;

  constructor(
    initial?: string,
    private readonly file?: string,
  ) {
    if (initial !== undefined) this.set(initial);
    else if (file && existsSync(file)) {
      const saved = (JSON.parse(readFileSync(file, 'utf8')) as { now?: unknown }).now;
      if (typeof saved === 'string') this.fixed = new Date(saved);
    }
  }

  get isSet(): boolean {
    return this.fixed !== undefined;
  }

  now(): string {
    return (this.fixed ?? new Date()).toISOString();
  }

  /** A real ISO timestamp with an offset (Z or ±hh:mm) freezes the clock there; null returns to real time. */
  set(value: string | null): void {
    if (value === null) {
      this.fixed = undefined;
      if (this.file) rmSync(this.file, { force: true });
      return;
    }
    const problem = timestampProblem(value);
    if (problem) throw new RangeError(problem);
    this.fixed = new Date(value);
    if (this.file) writeFileSync(this.file, `${JSON.stringify({ now: this.fixed.toISOString() })}\n`);
  }
}
