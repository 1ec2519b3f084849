// Checked yen arithmetic. Every amount an event carries is at most MAX_YEN_AMOUNT (policy.ts),
// so no sum the engine makes from valid input comes near 2^53. This is the defence for the
// day that stops being true (a bound widened, a sum over a whole population, a bug): past
// Number.MAX_SAFE_INTEGER a double silently rounds, and a wrong total on a bill is worse than
// a loud failure. An error thrown inside a step fails it without committing anything.

/** A yen computation left the safe-integer range (or was handed a value outside it). */
export class AmountOutOfRangeError extends RangeError {
  constructor(
    /** What was being computed, e.g. `taxableYen of a statement`. */
    readonly what: string,
    readonly value: number,
  ) {
    super(`${what} is ${value}, outside the safe-integer yen range ±${Number.MAX_SAFE_INTEGER}`);
    this.name = 'AmountOutOfRangeError';
  }
}

/** `value` itself, when it is a safe integer; throws AmountOutOfRangeError otherwise. */
export function checkedYen(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new AmountOutOfRangeError(what, value);
  return value;
}

/**
 * `sum + amount`, checked. Both operands must be safe integers too: a sum that only looks safe
 * because an out-of-range operand was offset by another is just as wrong. Once the exact sum
 * of two safe integers reaches 2^53 its double does too (rounding is monotonic), so checking
 * the result is enough to catch an overflow.
 */
export function addYen(sum: number, amount: number, what: string): number {
  const next = sum + amount;
  if (Number.isSafeInteger(next) && Number.isSafeInteger(amount) && Number.isSafeInteger(sum)) return next;
  throw new AmountOutOfRangeError(
    what,
    Number.isSafeInteger(amount) ? (Number.isSafeInteger(sum) ? next : sum) : amount,
  );
}

/** `amount × factor` (a rate's numerator, a number of days), checked like addYen. */
export function multiplyYen(amount: number, factor: number, what: string): number {
  return checkedYen(checkedYen(amount, what) * factor, what);
}
