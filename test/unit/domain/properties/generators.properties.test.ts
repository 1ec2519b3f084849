// The generators produce the cases the properties are meant to exercise (coverage.ts): without
// this, a generator that stopped producing one — a re-exchange, a renumbering, a loaner's damage
// — would leave every property passing without ever checking it. Fixed seed: the same draw in
// every run; `npx tsx test/unit/domain/properties/coverage.ts 1000` prints the shares.
import { describe, expect, it } from 'vitest';
import { CASES, coverage } from './coverage.ts';

describe('the history generator', () => {
  const runs = 500;
  const counts = coverage(runs, 20_261_127);
  it.each(CASES)('produces histories with: %s', (c) => {
    // At least 1 % of the histories (5 of 500): each property run of 100–300 histories meets it.
    expect(counts[c], `${counts[c]} of ${runs}`).toBeGreaterThanOrEqual(runs / 100);
  });
});
