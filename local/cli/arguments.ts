// Argument checks done before any request, so a typo is answered at once and in plain words.
import { InvalidArgumentError } from 'commander';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function parseMonth(value: string): string {
  if (!MONTH.test(value)) throw new InvalidArgumentError('expected a month YYYY-MM, e.g. 2026-10.');
  return value;
}

export function parseTimestamp(value: string): string {
  // The stack wants an explicit zone: a bare local time would mean whatever zone this machine is in.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expected an ISO timestamp with a zone, e.g. 2026-12-01T09:00:00+09:00.');
  }
  return value;
}
