// A condition the rules rely on but the types cannot say (a delivered device has a usage
// start, a claim's device exists). Broken, it is a bug in this pipeline, not bad input: the
// step fails loudly, its message naming what was assumed, and nothing is written.
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function invariant(condition: unknown, assumed: string): asserts condition {
  if (!condition) throw new InvariantError(`invariant broken: ${assumed}`);
}

/** The value, known to be there: a `!` that says what it assumes and fails loudly if wrong. */
export function present<T>(value: T | undefined | null, assumed: string): T {
  invariant(value !== undefined && value !== null, assumed);
  return value;
}
