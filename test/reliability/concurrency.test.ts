// 50 handler invocations at once on 5 customers: the table must hold what some serial order of
// the events gives, the order the aggregates recorded them in (test/reliability/harness/concurrency.ts).
import { describe, expect, it } from 'vitest';
import { chaosSeed } from '#test/support/chaos-seed.ts';
import { concurrencyCheck } from './harness/concurrency.ts';
import { chosenStore } from './harness/environment.ts';

const seed = chaosSeed();

describe(`concurrent handlers (seed ${seed}: CHAOS_SEED=${seed} to replay)`, () => {
  it('50 concurrent handlers on 5 customers leave a serial-equivalent ledger and lose nothing', async () => {
    const report = await concurrencyCheck({ seed, customers: 5, handlers: 50, environment: chosenStore });
    expect(report.handlers).toBe(50);
    expect(report.versionConflicts, 'writers really raced').toBeGreaterThan(0);
    expect(report.differences).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.serialEquivalent).toBe(5);
  }, 120_000);
});
