// The reliability harness at test size (the full run is `npm run chaos`, docs/reliability.md):
// 50 customers' randomized streams, each window's events applied once in business order (the
// oracle, on the pure engine; that it equals the oracle run in a table is oracle.test.ts), and
// again through the pipeline with each customer's events in a random order, duplicates, other
// offsets and crashes at every step of the commit protocol, compared by business order (§0);
// then 1,000 fuzzed hostile inputs against the chaos run's table. The streams now span some 32
// months (a used device's natural failure 24 months after its purchase) where they spanned 21:
// half as many closes again, and about 1.5× the time (86 s → 129 s on dynalite, loaded machine).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chaosSeed } from '#test/support/chaos-seed.ts';
import { CRASH_POINTS } from './harness/crash.ts';
import { chosenStore } from './harness/environment.ts';
import { unexercised } from './harness/exercised.ts';
import { FUZZ_KINDS, fuzzCase } from './harness/fuzz-cases.ts';
import { type FuzzReport, fuzzCheck } from './harness/fuzz-run.ts';
import { streamCheck } from './harness/stream-check.ts';

const seed = chaosSeed();

describe(`randomized streams against the oracle (seed ${seed}: CHAOS_SEED=${seed} to replay)`, () => {
  it('shuffled, duplicated, re-offset and crashed deliveries give the business-order ledger and decisions; fuzzed inputs are dead-lettered and change nothing', async () => {
    let fuzz: FuzzReport | undefined;
    const report = await streamCheck(
      {
        seed,
        customers: 50,
        sweepEveryDays: 28,
        concurrency: 8,
        crashRate: 0.35,
        oracle: 'engine',
        environment: chosenStore,
      },
      async (env, r) => {
        const cases = fc.sample(fuzzCase(r.timeline.events.map((e) => e.inJst)), { seed, numRuns: 1_000 });
        fuzz = await fuzzCheck(env, cases);
      },
    );
    expect(report.mismatches).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.chaos.handlerErrors).toEqual([]);
    // The run did what it claims: every crash step was hit, copies and out-of-order deliveries happened.
    for (const site of ['ingest', 'close'] as const) {
      for (const point of CRASH_POINTS)
        expect(report.chaos.crashes[site][point], `crashes at ${point} in ${site}`).toBeGreaterThan(0);
    }
    expect(report.chaos.duplicates).toBeGreaterThan(0);
    expect(report.chaos.outOfOrder).toBeGreaterThan(0);
    expect(report.rewrittenOffsets).toBeGreaterThan(0);
    // …and the streams held every kind of entry, charge and claim basis the comparison checks:
    // re-exchange charges, loaner repairs, guarantee and follow-up claims included; and re-exchanges
    // whose earlier replacement had no value, left unapplied (waiting, or dead letters) in every
    // arrival order — the comparison holds the chaos run to the oracle's recorded events.
    expect(unexercised(report.exercised)).toEqual([]);
    expect(report.exercised.unapplied.ReplacementDelivered ?? 0).toBeGreaterThan(0);

    const f = fuzz!;
    expect(f.misnamed).toEqual([]);
    expect([f.deadLettered, f.fieldNamed, f.handlerCrashes]).toEqual([1_000, 1_000, 0]);
    expect(f.tableChanged).toBe(false);
    expect(f.prototypePolluted).toBe(false);
    for (const kind of FUZZ_KINDS) expect(f.byKind[kind].inputs, kind).toBeGreaterThan(0);
  }, 480_000); // 30 s on dynalite, 100 s on DynamoDB Local on an idle 2-core machine for 21 months of streams (see above): room for a loaded one
});
