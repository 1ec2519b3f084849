// Engine figure of `npm run bench`: customer-months closed per second by the pure domain.
// Each customer's aggregate is built by the real engine (`decide` on its synthetic events,
// bench/population.ts) and closed month by month as the pipeline would: the events of a
// month, then its close. Only the `closeMonth` calls are timed. Customers go through in
// chunks, so that a million aggregates never have to be in memory at once.
//
//   npx tsx bench/engine.ts [--customers 1000000] [--months 12] [--seed 1] [--chunk 200] [--json]
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { addMonths, closeMonth, decide, emptyCustomerState, type CustomerState } from '#shared/domain/index.ts';
import { customerLife, type CustomerLife } from './population.ts';

export interface EngineBenchOptions {
  customers: number;
  /** Months closed per customer (default 12, April to March). */
  months?: number;
  seed?: number;
  /**
   * Customers built and closed together (default 200, a page of the shard close in
   * shared/runtime/month-close.ts). Larger chunks keep more aggregates alive across a month,
   * which the pipeline never does, and the figure then measures the garbage collector.
   */
  chunkSize?: number;
  firstMonth?: string;
}

export interface EngineBenchResult {
  customers: number;
  months: number;
  /** closeMonth calls, each closing exactly one month of one customer. */
  customerMonths: number;
  /** Wall-clock time inside the closeMonth calls. */
  seconds: number;
  customerMonthsPerSecond: number;
  microsecondsPerCustomerMonth: number;
  /**
   * CPU time of the process over the same calls, V8's GC helper threads included: the cost on
   * one core, and steadier than wall time on a machine that other work shares.
   */
  cpuSeconds: number;
  customerMonthsPerCpuSecond: number;
  /** Garbage-collection pauses that fell inside the timed calls (part of `seconds`). */
  gcSeconds: number;
  /** Untimed: generating the population and building the aggregates with decide(). */
  setupSeconds: number;
  events: number;
  /** What the closes wrote, so that two runs (or two versions of the engine) can be compared. */
  entries: number;
  statements: number;
  billedYen: number;
  /** Peak resident set of the process, setup included. */
  peakRssMb: number;
  /** Highest V8 heap use seen after each chunk's month. */
  peakHeapMb: number;
  seed: number;
  chunkSize: number;
}

const closeTimeOf = (month: string): string => `${addMonths(month, 1)}-01T01:00:00+09:00`;

/** Sums the GC pauses that overlap the timed windows (both lists in time order). */
class GcTimer {
  private readonly pauses: [number, number][] = [];
  private readonly windows: [number, number][] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.pauses.push([e.startTime, e.startTime + e.duration]);
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  window(start: number, end: number): void {
    this.windows.push([start, end]);
  }

  /** Waits for the last GC entries, which are delivered asynchronously, then stops. */
  async stop(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    this.observer.disconnect();
    let overlapMs = 0;
    let w = 0;
    for (const [start, end] of this.pauses.sort((a, b) => a[0] - b[0])) {
      while (w < this.windows.length && this.windows[w]![1] <= start) w++;
      for (let i = w; i < this.windows.length && this.windows[i]![0] < end; i++) {
        overlapMs += Math.min(end, this.windows[i]![1]) - Math.max(start, this.windows[i]![0]);
      }
    }
    return overlapMs / 1000;
  }
}

export async function benchEngine(options: EngineBenchOptions): Promise<EngineBenchResult> {
  const months = options.months ?? 12;
  const seed = options.seed ?? 1;
  const chunkSize = options.chunkSize ?? 200;
  const firstMonth = options.firstMonth ?? '2026-04';
  const window = { firstMonth, months };
  const monthList = Array.from({ length: months }, (_, m) => addMonths(firstMonth, m));
  const totals = { closeMs: 0, closeCpuUs: 0, calls: 0, events: 0, entries: 0, statements: 0, billedYen: 0, peakHeap: 0 };
  const gc = new GcTimer();
  const started = performance.now();

  for (let start = 0; start < options.customers; start += chunkSize) {
    const count = Math.min(chunkSize, options.customers - start);
    const lives: CustomerLife[] = [];
    const states: CustomerState[] = [];
    for (let i = 0; i < count; i++) {
      lives.push(customerLife(seed, start + i, window));
      states.push(emptyCustomerState(lives[i]!.customerId, lives[i]!.closedThrough));
    }
    const cursors = new Int32Array(count);
    const results: ReturnType<typeof closeMonth>[] = new Array(count);
    for (const month of monthList) {
      for (let i = 0; i < count; i++) states[i] = applyEventsOf(month, lives[i]!, cursors, i, states[i]!, totals);

      const now = closeTimeOf(month);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < count; i++) results[i] = closeMonth(states[i]!, month, now);
      const t1 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      totals.closeMs += t1 - t0;
      totals.closeCpuUs += cpu.user + cpu.system;
      totals.calls += count;
      gc.window(t0, t1);

      for (let i = 0; i < count; i++) {
        const { state, effects } = results[i]!;
        if (state.closedThrough !== month) throw new Error(`${state.customerId}: the close of ${month} left closedThrough at ${state.closedThrough}`);
        states[i] = state;
        totals.entries += effects.entries.length;
        totals.statements += effects.statements.length;
        for (const s of effects.statements) totals.billedYen += s.totals.totalYen;
      }
      totals.peakHeap = Math.max(totals.peakHeap, getHeapStatistics().used_heap_size);
    }
    // Lets a caller's progress display or timers run between chunks.
    await new Promise((resolve) => setImmediate(resolve));
  }

  const seconds = totals.closeMs / 1000;
  const cpuSeconds = totals.closeCpuUs / 1e6;
  return {
    customers: options.customers,
    months,
    customerMonths: totals.calls,
    seconds,
    customerMonthsPerSecond: Math.round(totals.calls / seconds),
    microsecondsPerCustomerMonth: (totals.closeMs * 1000) / totals.calls,
    cpuSeconds,
    customerMonthsPerCpuSecond: Math.round(totals.calls / cpuSeconds),
    gcSeconds: await gc.stop(),
    setupSeconds: (performance.now() - started - totals.closeMs) / 1000,
    events: totals.events,
    entries: totals.entries,
    statements: totals.statements,
    billedYen: totals.billedYen,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    peakHeapMb: Math.round(totals.peakHeap / 1_048_576),
    seed,
    chunkSize,
  };
}

/**
 * Decides the customer's events of `month`. The fingerprint is the eventId: the population
 * never redelivers or reuses an id, and hashing every detail would only slow the setup.
 */
function applyEventsOf(month: string, life: CustomerLife, cursors: Int32Array, i: number, state: CustomerState, totals: { events: number }): CustomerState {
  let cursor = cursors[i]!;
  while (cursor < life.events.length && life.events[cursor]!.month === month) {
    const { event } = life.events[cursor++]!;
    const decision = decide(state, event, event.detail.eventId);
    // Refusals by a rule ('ignored', a rejected order) are part of the mix; these would be generator bugs.
    if (decision.outcome.outcome === 'pending' || decision.outcome.outcome === 'invalid' || decision.outcome.outcome === 'duplicate') {
      throw new Error(`${life.customerId}: ${event.detailType} ${event.detail.eventId} was ${JSON.stringify(decision.outcome)}`);
    }
    state = decision.state;
    totals.events++;
  }
  cursors[i] = cursor;
  return state;
}

export function formatEngineResult(r: EngineBenchResult): string {
  const n = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits });
  return [
    `engine: ${n(r.customerMonthsPerSecond)} customer-months/s, ${n(r.microsecondsPerCustomerMonth, 2)} µs each (goal ≥ 1,000,000/s on one core)`,
    `  ${n(r.customers)} customers × ${r.months} months = ${n(r.customerMonths)} closes in ${n(r.seconds, 2)} s (GC ${n(r.gcSeconds, 2)} s); ${n(r.cpuSeconds, 2)} s of CPU = ${n(r.customerMonthsPerCpuSecond)}/s per core`,
    `  setup (untimed): ${n(r.events)} events through decide() in ${n(r.setupSeconds, 1)} s; the closes wrote ${n(r.entries)} entries and ${n(r.statements)} statements for ${n(r.billedYen)} yen`,
    `  peak RSS ${n(r.peakRssMb)} MB, peak heap ${n(r.peakHeapMb)} MB; seed ${r.seed}, chunks of ${n(r.chunkSize)} customers`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '1000000' },
      months: { type: 'string', default: '12' },
      seed: { type: 'string', default: '1' },
      chunk: { type: 'string', default: '200' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await benchEngine({ customers: Number(values.customers), months: Number(values.months), seed: Number(values.seed), chunkSize: Number(values.chunk) });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatEngineResult(result));
}
