// Argument checks done before any request, so a typo is answered at once and in plain words.
import { InvalidArgumentError } from 'commander';
import { isIsoTimestamp, isYearMonth } from '#shared/schemas/primitives.ts';

/** A billing month as the contract and the finance API take it (`isYearMonth`). */
export function parseMonth(value: string): string {
  if (!isYearMonth(value)) throw new InvalidArgumentError('expected a month YYYY-MM, e.g. 2026-10.');
  return value;
}

/**
 * A timestamp exactly as the contract takes an `occurredAt` (`isIsoTimestamp`): seconds and a
 * fraction optional, a real date and time, an offset within ±14:00.
 */
export function parseTimestamp(value: string): string {
  // The stack wants an explicit zone: a bare local time would mean whatever zone this machine is in.
  if (!isIsoTimestamp(value)) {
    throw new InvalidArgumentError('expected an ISO timestamp with a zone, e.g. 2026-12-01T09:00:00+09:00.');
  }
  return value;
}
