// The chaos test compares the pipeline against the pure engine's run of the streams; that is
// only sound if the engine oracle is what the pipeline gives when nothing goes wrong. Here each
// window's events are applied once, in business order, through a fresh table and on the
// engine, and compared exactly: every entry, statement, recorded event and publication.
import { describe, expect, it } from 'vitest';
import { chaosSeed } from '#test/support/chaos-seed.ts';
import { compare } from './harness/compare.ts';
import { engineOracle } from './harness/engine-oracle.ts';
import { chosenStore } from './harness/environment.ts';
import { tableOracle } from './harness/stream-check.ts';
import { buildTimeline } from './harness/streams.ts';

const seed = chaosSeed();

describe(`the oracle on the engine (seed ${seed}: CHAOS_SEED=${seed} to replay)`, () => {
  it('equals the oracle run through the pipeline in a table, customer by customer', async () => {
    const timeline = buildTimeline({ seed, customers: 20, sweepEveryDays: 28 });
    const { stats, snapshot } = await tableOracle(timeline, seed, chosenStore);
    expect(stats.handlerErrors).toEqual([]);
    expect(compare(timeline, engineOracle(timeline), snapshot).mismatches).toEqual([]);
    // Not vacuous: the streams billed, closed, had events wait for what they name, and revised decisions.
    expect([...snapshot.customers.values()].some((c) => c.statements.length > 0)).toBe(true);
    expect(stats.waiting).toBeGreaterThan(0);
    expect([...snapshot.customers.values()].some((c) => [...c.published.keys()].some((id) => id.includes('#')))).toBe(
      true,
    );
  }, 120_000);
});
