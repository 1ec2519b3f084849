// Business order (billing rules §0, invariant 4): one customer's events in any arrival order,
// each delivered 1–3 times, end in the ledger and the decisions of the same events applied once
// in business order — the same net per obligation per business month and the same last
// revision of every decision — with no entry id written twice and every credit written after
// the entry it reverses. Then the three arrival orders of the issue, as fixed examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, jstMonth } from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { closeTimeFor, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { historySpec, historySteps, inboundEvent, type EventStep, type Step } from './arbitraries.ts';
import { BookRun, inBusinessOrder } from './book-run.ts';
import { danglingCredits, finalDecisions, idsWrittenTwice, netByBusinessMonth, revisionGaps } from './business-view.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) };
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

interface Barrier {
  at: number;
  run: (r: BookRun) => void;
}

/** The history's closes and sweeps at their times, with closes through `lastMonth` at least. */
function barriersOf(steps: readonly Step[], lastMonth?: string): Barrier[] {
  const months = steps.flatMap((s) => (s.type === 'close' ? [s.month] : []));
  for (let m = addMonths(months.at(-1)!, 1); lastMonth && m <= lastMonth; m = addMonths(m, 1)) months.push(m);
  const closes = months.map((month) => ({ at: Date.parse(closeTimeFor(month)), run: (r: BookRun) => r.close(month) }));
  const sweeps = steps.flatMap((s) => (s.type === 'sweep' ? [{ at: s.at, run: (r: BookRun) => r.sweep(iso(s.at)) }] : []));
  return [...closes, ...sweeps].sort((a, b) => a.at - b.at);
}

const eventsOf = (steps: readonly Step[]): InboundEvent[] => steps.filter((s): s is EventStep => s.type === 'event').map((s) => inboundEvent(s));

/** The oracle: every event once, in business order, then the closes and sweeps. */
function inOrder(events: readonly InboundEvent[], barriers: readonly Barrier[]): BookRun {
  const run = new BookRun();
  for (const e of inBusinessOrder(events)) run.send(e);
  for (const b of barriers) b.run(run);
  return run;
}

/** What must be the same whatever the arrival order, and what must hold in any run. */
function expectBusinessOrder(run: BookRun, oracle: BookRun, omit: readonly string[] = []): void {
  expect(netByBusinessMonth(run.ledger), 'net per obligation per business month').toEqual(netByBusinessMonth(oracle.ledger));
  expect(finalDecisions(run.published, omit), 'final decisions').toEqual(finalDecisions(oracle.published, omit));
  expect(run.processed(), 'events recorded').toEqual(oracle.processed());
  expect(run.waiting(), 'events waiting').toEqual(oracle.waiting());
  expect(idsWrittenTwice(run.ledger), 'entry ids written twice').toEqual([]);
  expect(danglingCredits(run.ledger, true), 'credits before what they reverse').toEqual([]);
  expect(revisionGaps(run.published), 'revisions 1…N').toEqual([]);
}

/** Per event: how many further copies (0–2), and a draw for each copy's place or delay. */
const draws = fc.array(fc.tuple(fc.nat({ max: 2 }), fc.nat(), fc.nat(), fc.nat()), { minLength: 48, maxLength: 48 });
type Draws = [number, number, number, number][];

/** Every copy of every event with its draw, sorted by the draw: a permutation with duplicates. */
function copies<T>(items: readonly T[], d: Draws, place: (item: T, draw: number) => number): { item: T; at: number }[] {
  const out = items.flatMap((item, i) => {
    const [extra, ...own] = d[i % d.length]!;
    return own.slice(0, extra + 1).map((draw, k) => ({ item, at: place(item, draw), order: i * 3 + k }));
  });
  return out.sort((a, b) => a.at - b.at || a.order - b.order);
}

describe('business order decides, whatever the arrival order', () => {
  it('any permutation of the events, with duplicates, then the closes and sweeps: the in-order ledger, decisions and statements', () => {
    fc.assert(
      fc.property(historySpec, draws, (spec, d) => {
        const steps = historySteps(spec, { inOrder: true });
        const events = eventsOf(steps);
        const barriers = barriersOf(steps);
        const run = new BookRun();
        for (const { item } of copies(events, d, (_e, draw) => draw)) run.send(item);
        for (const b of barriers) b.run(run);
        const oracle = inOrder(events, barriers);
        expectBusinessOrder(run, oracle);
        // Every event was known before the first close, so each month's statement totals agree too.
        const totals = (r: BookRun) => r.statements.map((s) => [s.month, s.totals]);
        expect(totals(run)).toEqual(totals(oracle));
      }),
      RUNS,
    );
  });

  it('events arriving up to 60 days late, duplicated, between the closes and sweeps: the ledger and decisions of business order', () => {
    const delay = fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 60 * DAY }), weight: 3 });
    const delays = fc.array(fc.tuple(fc.nat({ max: 2 }), delay, delay, delay), { minLength: 48, maxLength: 48 });
    fc.assert(
      fc.property(historySpec, delays, (spec, d) => {
        const steps = historySteps(spec, { inOrder: true });
        const events = eventsOf(steps);
        const arrivals = copies(events, d, (e, late) => Date.parse(e.detail.occurredAt) + late);
        const barriers = barriersOf(steps, addMonths(jstMonth(iso(arrivals.at(-1)!.at)), 1));
        const run = new BookRun();
        const timeline = [...arrivals.map((a) => ({ at: a.at, run: (r: BookRun) => void r.send(a.item, iso(a.at)) })), ...barriers];
        for (const step of timeline.sort((a, b) => a.at - b.at)) step.run(run);
        // The operator redrives what the sweep gave up on (it waited 7 days for what it names).
        const byId = new Map(events.map((e) => [e.detail.eventId, e]));
        for (const id of new Set(run.expired)) run.send(byId.get(id)!, iso(timeline.at(-1)!.at));
        // A charge's billing month is the first open one when it became known: not compared.
        expectBusinessOrder(run, inOrder(events, barriers), ['billingMonth']);
      }),
      RUNS,
    );
  });
});
