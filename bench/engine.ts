// Engine figure of `npm run bench`: customer-months closed per second by the pure domain.
// Each customer's aggregate is built by the real engine (`decide` on its synthetic events,
// bench/population.ts) and closed month by month as the pipeline would: the events of a
// month, then its close. Only the `closeMonth` calls are timed. Customers go through in
// chunks, so that a million aggregates never have to be in memory at once. Then, side by
// side in the same process: one more event for a customer with a history, later than
// everything it has (in order) against a month earlier (re-derivation, through CustomerBook).
//
//   npx tsx bench/engine.ts [--customers 1000000] [--months 12] [--seed 1] [--chunk 200] [--json]
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import {
  addMonths,
  type BookStep,
  CustomerBook,
  type CustomerState,
  closeMonth,
  closeTimeOf,
  type Decision,
  decide,
  emptyCustomerState,
  type JournalRecord,
  type LedgerEntry,
} from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { type CustomerLife, customerLife } from './population.ts';
import { type HistoryCustomer, type HistoryOptions, historyCustomer } from './workload.ts';

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
  /** Rounds of the in-order / out-of-order comparison (each times a batch of both, alternately). */
  orderCostRounds?: number;
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
  /** Untimed setup: events that belonged before others of their customer (decided again with its history by CustomerBook). */
  setupNeedsHistory: number;
  seed: number;
  chunkSize: number;
  /** Side by side, after the closes: one more event later than everything known vs one a month earlier. */
  orderCost: OrderCostResult[];
}

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
  const totals = {
    closeMs: 0,
    closeCpuUs: 0,
    calls: 0,
    events: 0,
    needsHistory: 0,
    entries: 0,
    statements: 0,
    billedYen: 0,
    peakHeap: 0,
  };
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
        if (state.closedThrough !== month)
          throw new Error(`${state.customerId}: the close of ${month} left closedThrough at ${state.closedThrough}`);
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

  const setupSeconds = (performance.now() - started - totals.closeMs) / 1000;
  const gcSeconds = await gc.stop();
  const orderCost = ORDER_COST_CASES.map((c) => benchOrderCost(c, options.orderCostRounds ?? 15));
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
    gcSeconds,
    setupSeconds,
    events: totals.events,
    entries: totals.entries,
    statements: totals.statements,
    billedYen: totals.billedYen,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    peakHeapMb: Math.round(totals.peakHeap / 1_048_576),
    setupNeedsHistory: totals.needsHistory,
    seed,
    chunkSize,
    orderCost,
  };
}

/**
 * Decides the customer's events of `month`. The fingerprint is the eventId: the population
 * never redelivers or reuses an id, and hashing every detail would only slow the setup.
 *
 * An event that belongs before others of its customer (`needs-history`: a few in a hundred
 * thousand customers, events at the same minute whose lifecycle rank orders them the other
 * way) is decided as CustomerBook decides it, with the customer's journal and ledger: the
 * customer is replayed into a book up to that event, closes included. Keeping a book for
 * every customer instead would keep every entry billed alive and make the timed closes
 * measure the garbage collector (44,700–46,300 customer-months per CPU-second against
 * 53,600–56,300 with plain states, 30,000 customers, same run).
 */
function applyEventsOf(
  month: string,
  life: CustomerLife,
  cursors: Int32Array,
  i: number,
  state: CustomerState,
  totals: { events: number; needsHistory: number },
): CustomerState {
  let cursor = cursors[i]!;
  while (cursor < life.events.length && life.events[cursor]!.month === month) {
    const { event } = life.events[cursor]!;
    let decision = decide(state, event, event.detail.eventId);
    if (decision.outcome.outcome === 'needs-history') {
      const book = replayedBook(life, cursor, month);
      const withoutTail = (key: string, value: unknown) => (key === 'journalTail' ? undefined : value);
      if (JSON.stringify(book.state, withoutTail) !== JSON.stringify(state, withoutTail))
        throw new Error(
          `${life.customerId}: the replayed book differs from the bench's state before ${event.detail.eventId}`,
        );
      decision = book.decide(event, event.detail.eventId);
      totals.needsHistory++;
    }
    cursor++;
    // Refusals by a rule ('ignored', a rejected order) are part of the mix; these would be generator bugs.
    const outcome = decision.outcome.outcome;
    if (
      outcome === 'waiting' ||
      outcome === 'needs-history' ||
      outcome === 'pending' ||
      outcome === 'invalid' ||
      outcome === 'duplicate'
    ) {
      throw new Error(
        `${life.customerId}: ${event.detailType} ${event.detail.eventId} was ${JSON.stringify(decision.outcome)}`,
      );
    }
    // The store writes journal records out of the aggregate 25 at a time (customer-step.ts);
    // the close never reads them, so the bench's aggregates do not keep them either.
    state = decision.state;
    if (state.journalTail) {
      state = { ...state };
      delete state.journalTail;
    }
    totals.events++;
  }
  cursors[i] = cursor;
  return state;
}

/** The customer's book after its first `events` events and the closes of the months before `month`, as the bench ran them. */
function replayedBook(life: CustomerLife, events: number, month: string): CustomerBook {
  const months: string[] = [];
  for (let m = addMonths(life.closedThrough, 1); m <= month; m = addMonths(m, 1)) months.push(m);
  const steps = monthByMonth(life.customerId, life.events.slice(0, events), months, (m) => m < month);
  return new CustomerBook(life.customerId, life.closedThrough).replay(steps, { fingerprint: eventIdAsFingerprint });
}

/** The population never redelivers or reuses an eventId: the id serves as the fingerprint, without hashing every detail. */
const eventIdAsFingerprint = (event: InboundEvent): string => event.detail.eventId;

/**
 * A customer's events as the pipeline lives them, month by month: each month's events in the
 * order given, then its close when `closes` says so. Every event must fall in one of `months`.
 */
function monthByMonth(
  customerId: string,
  events: readonly { month: string; event: InboundEvent }[],
  months: readonly string[],
  closes: (month: string) => boolean,
): BookStep[] {
  const steps: BookStep[] = [];
  let cursor = 0;
  for (const month of months) {
    for (; cursor < events.length && events[cursor]!.month === month; cursor++)
      steps.push({ event: events[cursor]!.event });
    if (closes(month)) steps.push({ close: month, at: closeTimeOf(month) });
  }
  if (cursor !== events.length) throw new Error(`${customerId}: ${events.length - cursor} events after the last month`);
  return steps;
}

/** The two customers of the in-order / out-of-order comparison (bench/workload.ts, `historyCustomer`). */
export const ORDER_COST_CASES: (HistoryOptions & { name: string })[] = [
  // A year: the order of two devices, their deliveries and three claims; 11 months closed.
  { name: 'a year, 2 devices, 3 claims', firstMonth: '2025-10', months: 12, devices: 2 },
  // Three years with claims filed and rejected or withdrawn every month: about 1,000 events.
  {
    name: '3 years, 2 devices, ~1,000 events',
    firstMonth: '2023-10',
    months: 36,
    devices: 2,
    fillerEventsPerMonth: 27,
  },
];

export interface OrderCostResult {
  name: string;
  events: number;
  closedMonths: number;
  journalRecords: number;
  billedEntries: number;
  /** The probe: a ClaimFiled on D1, one hour after the customer's last event, or 30 days before it. */
  probe: string;
  inOrder: OrderCostSide;
  outOfOrder: OrderCostSide & { corrections: number; emitted: number };
  /** Median out-of-order time over median in-order time, measured alternately in the same process. */
  ratio: number;
  /** The same ratio in CPU time summed over all the batches of each side. */
  cpuRatio: number;
  rounds: number;
}

interface OrderCostSide {
  outcome: string;
  /** Median over the rounds of the time per decision (a round times a batch of decisions). */
  medianMicroseconds: number;
  minMicroseconds: number;
  cpuMicroseconds: number;
  batch: number;
}

const HOUR_MS = 3_600_000;
const jstIsoOf = (ms: number): string => `${new Date(ms + 9 * HOUR_MS).toISOString().slice(0, 19)}+09:00`;

/** The customer's book after its history: events month by month, every month but the last closed. */
export function bookOf(history: HistoryCustomer): { book: CustomerBook; journal: Map<string, JournalRecord> } {
  // What the book keeps as its journal, kept here too, to hand `decide` the history as the book does.
  const journal = new Map<string, JournalRecord>();
  const months = [...history.closedMonths, addMonths(history.closedMonths.at(-1)!, 1)];
  const steps = monthByMonth(history.customerId, history.events, months, (month) =>
    history.closedMonths.includes(month),
  );
  const book = new CustomerBook(history.customerId, history.closedThrough).replay(steps, {
    fingerprint: eventIdAsFingerprint,
    onStep: (step, { effects, outcome }) => {
      if (!('event' in step)) return;
      const { event } = step;
      if (outcome?.outcome !== 'applied' && outcome?.outcome !== 'ignored')
        throw new Error(
          `${history.customerId}: ${event.detailType} ${event.detail.eventId} was ${JSON.stringify(outcome)}`,
        );
      for (const r of effects.journal ?? []) journal.set(r.event.detail.eventId, r);
      for (const x of effects.expired ?? []) journal.delete(x.record.event.detail.eventId);
    },
  });
  return { book, journal };
}

/** A ClaimFiled on D1 at `occurredAt` (D1 has one use a coverage year, so it is accepted as use 2). */
export function probeClaim(customerId: string, occurredAt: string, eventId: string): InboundEvent {
  const incident = jstIsoOf(Date.parse(occurredAt) - 24 * HOUR_MS).slice(0, 10);
  return {
    detailType: 'ClaimFiled',
    detail: {
      eventId,
      customerId,
      occurredAt,
      claimId: `P-${eventId}`,
      deviceId: 'D1',
      cause: 'water_damage',
      incidentDate: incident,
    },
  } as InboundEvent;
}

/** The probes of a history: one hour after its last event (in order), 30 days before it (needs the history). */
export function probesOf(
  history: HistoryCustomer,
  customerId = history.customerId,
): { early: InboundEvent; late: InboundEvent } {
  const last = Date.parse(history.events.at(-1)!.event.detail.occurredAt);
  return {
    early: probeClaim(customerId, jstIsoOf(last - 30 * 24 * HOUR_MS), `${customerId}/probe-early`),
    late: probeClaim(customerId, jstIsoOf(last + HOUR_MS), `${customerId}/probe-late`),
  };
}

/** Calls `work` `batch` times; wall and CPU microseconds per call. */
function timeBatch(work: () => unknown, batch: number): { wallUs: number; cpuUs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < batch; i++) work();
  const wallUs = ((performance.now() - t0) * 1000) / batch;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs, cpuUs: (cpu.user + cpu.system) / batch };
}

/** How many calls of `work` take about `targetMs` (at least one). */
function batchFor(work: () => unknown, targetMs: number): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) work();
    const ms = performance.now() - t0;
    if (ms >= targetMs / 4 || n >= 1 << 20) return Math.max(1, Math.round((n * targetMs) / Math.max(ms, 1e-3)));
    n *= 2;
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/**
 * One customer, two probes: one more event later than everything the customer has (the
 * in-order path of `decide`) and the same event a month earlier (needs-history, then `decide`
 * with the journal and the ledger as CustomerBook hands them: re-derivation with
 * corrections). Neither is kept: each call decides against the same state. Rounds alternate
 * a batch of each, so that both see the same machine; warm-up first.
 */
export function benchOrderCost(options: HistoryOptions & { name: string }, rounds: number): OrderCostResult {
  const history = historyCustomer(`H-${options.months}`, options);
  const { book, journal } = bookOf(history);
  const state = book.state;
  const billed: LedgerEntry[] = book.entries();
  const { early, late } = probesOf(history);
  const inOrder = (): Decision => decide(state, late, late.detail.eventId);
  const outOfOrder = (): Decision => {
    const first = decide(state, early, early.detail.eventId);
    if (first.outcome.outcome !== 'needs-history') return first;
    return decide(state, early, early.detail.eventId, {
      history: { journal: [...journal.values()], billed: [...billed] },
    });
  };
  const inDecision = inOrder();
  const outDecision = outOfOrder();
  if (inDecision.outcome.outcome !== 'applied' || outDecision.outcome.outcome !== 'applied') {
    throw new Error(
      `order cost ${options.name}: probes were ${JSON.stringify(inDecision.outcome)} and ${JSON.stringify(outDecision.outcome)}`,
    );
  }
  if (decide(state, early, early.detail.eventId).outcome.outcome !== 'needs-history')
    throw new Error(`order cost ${options.name}: the early probe did not need the history`);
  // The book's own decide gives the same decision as the one timed here.
  const check = bookOf(history).book.decide(early, early.detail.eventId);
  if (JSON.stringify(check) !== JSON.stringify(outDecision))
    throw new Error(`order cost ${options.name}: CustomerBook decided the early probe otherwise`);

  const inBatch = batchFor(inOrder, 20);
  const outBatch = batchFor(outOfOrder, 20);
  for (let w = 0; w < 3; w++) {
    timeBatch(inOrder, inBatch);
    timeBatch(outOfOrder, outBatch);
  }
  const sides = { in: { wall: [] as number[], cpu: 0 }, out: { wall: [] as number[], cpu: 0 } };
  for (let r = 0; r < rounds; r++) {
    const a = timeBatch(inOrder, inBatch);
    const b = timeBatch(outOfOrder, outBatch);
    sides.in.wall.push(a.wallUs);
    sides.in.cpu += a.cpuUs;
    sides.out.wall.push(b.wallUs);
    sides.out.cpu += b.cpuUs;
  }
  const side = (s: { wall: number[]; cpu: number }, batch: number, outcome: string): OrderCostSide => ({
    outcome,
    medianMicroseconds: round2(median(s.wall)),
    minMicroseconds: round2(Math.min(...s.wall)),
    cpuMicroseconds: round2(s.cpu / rounds),
    batch,
  });
  const inSide = side(sides.in, inBatch, inDecision.outcome.outcome);
  const outSide = side(sides.out, outBatch, outDecision.outcome.outcome);
  return {
    name: options.name,
    events: history.events.length,
    closedMonths: history.closedMonths.length,
    journalRecords: journal.size,
    billedEntries: billed.length,
    probe: `ClaimFiled on D1 at ${late.detail.occurredAt} (in order) or ${early.detail.occurredAt} (needs history)`,
    inOrder: inSide,
    outOfOrder: {
      ...outSide,
      corrections: outDecision.effects.entries.filter((e) => e.claimId !== `P-${early.detail.eventId}`).length,
      emitted: outDecision.effects.emitted.length,
    },
    ratio: round2(outSide.medianMicroseconds / inSide.medianMicroseconds),
    cpuRatio: round2(outSide.cpuMicroseconds / inSide.cpuMicroseconds),
    rounds,
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function formatEngineResult(r: EngineBenchResult): string {
  const n = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits });
  return [
    `engine: ${n(r.customerMonthsPerSecond)} customer-months/s, ${n(r.microsecondsPerCustomerMonth, 2)} µs each (goal ≥ 1,000,000/s on one core)`,
    `  ${n(r.customers)} customers × ${r.months} months = ${n(r.customerMonths)} closes in ${n(r.seconds, 2)} s (GC ${n(r.gcSeconds, 2)} s); ${n(r.cpuSeconds, 2)} s of CPU = ${n(r.customerMonthsPerCpuSecond)}/s per core`,
    `  setup (untimed): ${n(r.events)} events through decide() in ${n(r.setupSeconds, 1)} s; the closes wrote ${n(r.entries)} entries and ${n(r.statements)} statements for ${n(r.billedYen)} yen`,
    `  peak RSS ${n(r.peakRssMb)} MB, peak heap ${n(r.peakHeapMb)} MB; seed ${r.seed}, chunks of ${n(r.chunkSize)} customers`,
    ...r.orderCost.map(
      (c) =>
        `order cost, ${c.name} (${n(c.events)} events, ${c.closedMonths} months closed, ${n(c.billedEntries)} entries billed): in order ${n(c.inOrder.medianMicroseconds, 1)} µs, a month earlier ${n(c.outOfOrder.medianMicroseconds, 1)} µs = ${n(c.ratio, 1)}× (CPU ${n(c.cpuRatio, 1)}×), median of ${c.rounds} rounds`,
    ),
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
  const result = await benchEngine({
    customers: Number(values.customers),
    months: Number(values.months),
    seed: Number(values.seed),
    chunkSize: Number(values.chunk),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatEngineResult(result));
}
