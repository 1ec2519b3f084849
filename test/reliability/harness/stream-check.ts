// The stream check: each customer's events of a window applied once, in business order, each
// event once, every occurredAt in JST (the oracle: in a fresh table, or on the pure engine, or
// both and then compared exactly); then the same timeline in another fresh table with each
// customer's events of a window in a random order, every event duplicated up to 3×, written at
// other offsets, and crashes injected at every step of the commit protocol. The chaos run is
// read back and compared with the oracle customer by customer, by business order (§0).

import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { byBusinessOrder, compare, type Snapshot, snapshot, type Verdict } from './compare.ts';
import { engineOracle } from './engine-oracle.ts';
import { type Environment, type EnvironmentFactory, inProcess, type Table } from './environment.ts';
import { type Exercised, exercised } from './exercised.ts';
import { seededRng } from './rng.ts';
import { type RunStats, runTimeline } from './run.ts';
import { buildTimeline, type Timeline, type TimelineOptions } from './streams.ts';

export interface StreamCheckOptions extends TimelineOptions {
  /** Handler invocations at once in the chaos run. */
  concurrency: number;
  /** Chance that an invocation (or a close shard, or a sweep) crashes somewhere. */
  crashRate: number;
  /** Where the oracle runs: in a table through the pipeline, on the pure engine, or both. */
  oracle: 'table' | 'engine' | 'both';
  /** Where the tables live (default: an in-process dynalite). */
  environment?: EnvironmentFactory;
  /** Told when each run is done. */
  progress?: (message: string) => void;
  /** Swaps the chaos run's store, e.g. for a deliberately broken one (the harness's own test). */
  chaosPipeline?: (p: Pipeline, table: Table) => Pipeline;
}

export interface StreamCheckReport extends Verdict {
  seed: number;
  customers: number;
  timeline: Timeline;
  /** The table oracle's run, when there was one. */
  oracle?: RunStats;
  /** Customers on which the table oracle and the engine oracle disagree, when both ran. */
  oracleDisagreements?: Verdict['mismatches'];
  chaos: RunStats;
  /** Events the chaos run sent with an offset other than +09:00. */
  rewrittenOffsets: number;
  republished: number;
  /** What the streams exercised of the rules, in the oracle's view. */
  exercised: Exercised;
}

/** Each window's events in business order, each event once, in JST, through a fresh table. */
export async function tableOracle(
  timeline: Timeline,
  seed: number,
  environment: EnvironmentFactory = inProcess,
): Promise<{ stats: RunStats; snapshot: Snapshot }> {
  const env = await environment();
  try {
    const stats = await runTimeline(env.pipeline, timeline, {
      rng: seededRng(seed),
      concurrency: 8,
      maxBatch: 1,
      order: 'business',
      holdBack: 0,
      crashRate: 0,
      copyShare: 0,
      copiesOf: () => 0,
      payload: (e) => e.inJst,
    });
    return { stats, snapshot: await snapshot(env, timeline) };
  } finally {
    await env.stop();
  }
}

/** Runs the check; the chaos run's environment is handed to `then` before it is stopped. */
export async function streamCheck(
  options: StreamCheckOptions,
  then?: (chaosEnv: Environment, report: StreamCheckReport) => Promise<void>,
): Promise<StreamCheckReport> {
  const timeline = buildTimeline(options);
  const progress = options.progress ?? (() => {});
  progress(
    `${timeline.events.length} events, ${timeline.months.length} months, ${timeline.windows.length} closes and sweeps`,
  );
  const inTable =
    options.oracle === 'engine' ? undefined : await tableOracle(timeline, options.seed, options.environment);
  if (inTable) progress('oracle in a table done');
  const onEngine = options.oracle === 'table' ? undefined : engineOracle(timeline);
  const oracle = (inTable?.snapshot ?? onEngine)!;

  const rng = seededRng(options.seed);
  const copies = new Map(timeline.events.map((e) => [e.eventId, rng.int(3)]));
  const env = await (options.environment ?? inProcess)();
  try {
    const pipeline = options.chaosPipeline?.(env.pipeline, env.table) ?? env.pipeline;
    const chaos = await runTimeline(pipeline, timeline, {
      rng,
      concurrency: options.concurrency,
      maxBatch: 10,
      order: 'random',
      holdBack: 0.15,
      crashRate: options.crashRate,
      copyShare: 0.3,
      copiesOf: (e) => copies.get(e.eventId)!,
      payload: (e) => e.rewritten,
    });
    progress('chaos run done');
    const view = await snapshot({ ...env, pipeline }, timeline);
    const report: StreamCheckReport = {
      seed: options.seed,
      customers: options.customers,
      timeline,
      ...(inTable ? { oracle: inTable.stats } : {}),
      ...(inTable && onEngine ? { oracleDisagreements: compare(timeline, onEngine, inTable.snapshot).mismatches } : {}),
      chaos,
      rewrittenOffsets: timeline.events.filter((e) => !e.rewritten.detail.occurredAt.endsWith('+09:00')).length,
      republished: view.republished,
      exercised: exercised(timeline, oracle),
      ...compare(timeline, oracle, view, byBusinessOrder(timeline.months)),
    };
    await then?.(env, report);
    return report;
  } finally {
    await env.stop();
  }
}
