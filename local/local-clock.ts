// The local stack's clock: the real time until an operator sets it, then frozen where set, so
// that a close, a sweep or the finance lookback can be tried at any business date. A clock set
// by hand is kept in the data folder: after a restart the lookback shows the same months.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { timestampProblem as contractTimestampProblem } from '#shared/schemas/primitives.ts';

/**
 * Why `value` is not a real ISO 8601 timestamp with an offset, quoting it, or undefined if it
 * is one: the clock takes exactly what the contract takes for `occurredAt`
 * (shared/schemas/primitives.ts), checked field by field there, because `Date` rolls an
 * impossible date over without a word (2026-02-30 became 2 March) and reads a timestamp
 * without offset as local time.
 */
export function timestampProblem(value: string): string | undefined {
  const problem = contractTimestampProblem(value);
  return problem === undefined ? undefined : `"${value.slice(0, 40)}" ${problem}`;
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
