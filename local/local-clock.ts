// The local stack's clock: the real time until an operator sets it, then frozen where set, so
// that a close, a sweep or the finance lookback can be tried at any business date. A clock set
// by hand is kept in the data folder: after a restart the lookback shows the same months.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

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

  /** An ISO timestamp with a zone (Z or ±hh:mm) freezes the clock there; null returns to real time. */
  set(value: string | null): void {
    if (value === null) {
      this.fixed = undefined;
      if (this.file) rmSync(this.file, { force: true });
      return;
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
      throw new RangeError(`"${value.slice(0, 40)}" is not an ISO timestamp with a zone, e.g. 2026-12-01T09:00:00+09:00`);
    }
    this.fixed = new Date(value);
    if (this.file) writeFileSync(this.file, `${JSON.stringify({ now: this.fixed.toISOString() })}\n`);
  }
}
