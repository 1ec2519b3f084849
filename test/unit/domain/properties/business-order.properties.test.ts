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
import { type EventStep, historySpec, historySteps, inboundEvent, type Step } from './arbitraries.ts';
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
  const sweeps = steps.flatMap((s) =>
    s.type === 'sweep' ? [{ at: s.at, run: (r: BookRun) => r.sweep(iso(s.at)) }] : [],
  );
  return [...closes, ...sweeps].sort((a, b) => a.at - b.at);
}

const eventsOf = (steps: readonly Step[]): InboundEvent[] =>
  steps.filter((s): s is EventStep => s.type === 'event').map((s) => inboundEvent(s));

/** The oracle: every event once, in business order, then the closes and sweeps. */
function inOrder(events: readonly InboundEvent[], barriers: readonly Barrier[]): BookRun {
  const run = new BookRun();
  for (const e of inBusinessOrder(events)) run.send(e);
  for (const b of barriers) b.run(run);
  return run;
}

/** What must be the same whatever the arrival order, and what must hold in any run. */
function expectBusinessOrder(run: BookRun, oracle: BookRun, omit: readonly string[] = []): void {
  expect(netByBusinessMonth(run.ledger), 'net per obligation per business month').toEqual(
    netByBusinessMonth(oracle.ledger),
  );
  expect(finalDecisions(run.published, omit), 'final decisions').toEqual(finalDecisions(oracle.published, omit));
  expect(run.processed(), 'events recorded').toEqual(oracle.processed());
  // The others wait for what never comes (a device of a rejected order…), or were given up on
  // by a sweep after 7 days: which of the two depends on when they arrived.
  expect(run.lost(), 'events neither recorded, waiting nor dead-lettered').toEqual([]);
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
        // Every event was known before the first close, so each month's statement totals agree
        // too; a month whose lines net to 0 (a charge and its correction) has one in one run only.
        const totals = (r: BookRun) =>
          r.statements.filter((s) => Object.values(s.totals).some((yen) => yen !== 0)).map((s) => [s.month, s.totals]);
        expect(totals(run)).toEqual(totals(oracle));
      }),
      RUNS,
    );
  });

  it('events arriving up to 60 days late, duplicated, between the closes and sweeps: the ledger and decisions of business order', () => {
    const delay = fc.oneof(
      { arbitrary: fc.constant(0), weight: 2 },
      { arbitrary: fc.integer({ min: 0, max: 60 * DAY }), weight: 3 },
    );
    const delays = fc.array(fc.tuple(fc.nat({ max: 2 }), delay, delay, delay), { minLength: 48, maxLength: 48 });
    fc.assert(
      fc.property(historySpec, delays, (spec, d) => {
        const steps = historySteps(spec, { inOrder: true });
        const events = eventsOf(steps);
        const arrivals = copies(events, d, (e, late) => Date.parse(e.detail.occurredAt) + late);
        const lastMonth = addMonths(jstMonth(iso(arrivals.at(-1)!.at)), 1);
        const barriers = barriersOf(steps, lastMonth);
        // Just before the last close the operator redrives every dead letter: what the sweeps
        // gave up on (it waited 7 days for what it names) and what was refused as invalid, as
        // the reliability harness does, so that the close bills and assesses what applies now.
        const byId = new Map(events.map((e) => [e.detail.eventId, e]));
        const redriveAt = Date.parse(closeTimeFor(lastMonth)) - 1;
        const redrive = {
          at: redriveAt,
          run: (r: BookRun) => {
            for (const id of r.deadLettered()) r.send(byId.get(id)!, iso(redriveAt));
          },
        };
        const run = new BookRun();
        const timeline = [
          ...arrivals.map((a) => ({ at: a.at, run: (r: BookRun) => void r.send(a.item, iso(a.at)) })),
          ...barriers,
          redrive,
        ];
        for (const step of timeline.sort((a, b) => a.at - b.at)) step.run(run);
        // A charge's billing month is the first open one when it became known: not compared.
        expectBusinessOrder(run, inOrder(events, barriers), ['billingMonth']);
      }),
      RUNS,
    );
  });
});

/** An arrival order: events, and the closes and sweeps between them. */
type Arrival = InboundEvent | { close: string } | { sweep: string };

/** The arrivals through one run, and the oracle: the same events in business order, then the same steps. */
function arrive(arrivals: readonly Arrival[]): { run: BookRun; oracle: BookRun } {
  const run = new BookRun();
  const barriers: Barrier[] = [];
  const events: InboundEvent[] = [];
  for (const a of arrivals) {
    if ('close' in a) barriers.push({ at: Date.parse(closeTimeFor(a.close)), run: (r) => r.close(a.close) });
    else if ('sweep' in a) barriers.push({ at: Date.parse(a.sweep), run: (r) => r.sweep(a.sweep) });
    else events.push(a);
    if ('detail' in a) run.send(a);
    else barriers.at(-1)!.run(run);
  }
  return { run, oracle: inOrder(events, barriers) };
}

const order = orderPlaced(jst('2028-01-05'), [{ deviceId: 'D1', protectionFeeYen: 418 }], {
  orderId: 'O1',
  eventId: 'order',
});
const delivered = event('DeviceDelivered', {
  eventId: 'delivered',
  occurredAt: jst('2028-01-10', '08:00'),
  orderId: 'O1',
  deviceId: 'D1',
});
const claim = (claimId: string, filedOn: string, incidentDate: string) =>
  event('ClaimFiled', {
    eventId: claimId,
    occurredAt: jst(filedOn, '10:00'),
    claimId,
    deviceId: 'D1',
    cause: 'water_damage',
    incidentDate,
  });
const logistics = (detailType: string, claimId: string, on: string) =>
  event(detailType, { eventId: `${claimId}-${detailType}`, occurredAt: jst(on, '10:00'), claimId });
const revisions = (run: BookRun, id: string) => run.published.filter((p) => p.id === id).map((p) => p.detail);

describe('the arrival orders of the issue', () => {
  it('(a) a withdrawal that arrives before the earlier replacement delivery is refused: no penalty for a device returned 2 days after, the next claim is use 2', () => {
    const { run, oracle } = arrive([
      order,
      delivered,
      claim('K1', '2028-02-01', '2028-01-31'),
      logistics('ClaimWithdrawn', 'K1', '2028-02-04'),
      { sweep: '2028-02-20T03:00:00+09:00' },
      { close: '2028-02' },
      claim('K2', '2028-03-10', '2028-03-09'),
      logistics('ReplacementDelivered', 'K1', '2028-02-03'),
      logistics('DeviceReturned', 'K1', '2028-02-05'),
      { close: '2028-03' },
    ]);
    expectBusinessOrder(run, oracle);
    const nets = new Map(netByBusinessMonth(run.ledger));
    expect([...nets.keys()].filter((k) => k.startsWith('penalty/'))).toEqual([]);
    expect([nets.get('fee/K1 @ 2028-02'), nets.get('fee/K2 @ 2028-03')]).toEqual([5_500, 8_800]);
    // K2 was priced as use 1 while the withdrawal stood, and is revised whole.
    expect(revisions(run, 'ClaimAdjudicated/K2')).toMatchObject([
      { decision: 'accepted', useNumber: 1, feeYen: 5_500, revision: 1 },
      { decision: 'accepted', useNumber: 2, feeYen: 8_800, revision: 2 },
    ]);
    // The penalty the closed February then owed is withdrawn once the on-time return is known.
    expect(revisions(run, 'PenaltyAssessed/C1/penalty/K1')).toMatchObject([
      { amountYen: 40_000, revision: 1 },
      { amountYen: 0, billingMonth: '2028-02', revision: 2 },
    ]);
  });

  it('(b) two claims of one coverage year arriving in the reverse of their filing order: use numbers and fees follow filing order', () => {
    const { run, oracle } = arrive([
      order,
      delivered,
      claim('K0', '2028-02-01', '2028-01-31'),
      { close: '2028-02' },
      { close: '2028-03' },
      claim('K2', '2028-04-01', '2028-03-31'),
      claim('K1', '2028-03-01', '2028-02-29'),
      { close: '2028-04' },
    ]);
    expectBusinessOrder(run, oracle);
    expect(revisions(run, 'ClaimAdjudicated/K1')).toMatchObject([
      { decision: 'accepted', useNumber: 2, feeYen: 8_800, revision: 1 },
    ]);
    expect(revisions(run, 'ClaimAdjudicated/K2')).toMatchObject([
      { decision: 'accepted', useNumber: 2, feeYen: 8_800, revision: 1 },
      { decision: 'rejected', reason: 'ANNUAL_LIMIT', feeYen: 0, revision: 2 },
    ]);
    const nets = new Map(netByBusinessMonth(run.ledger));
    expect([nets.get('fee/K1 @ 2028-03'), nets.get('fee/K2 @ 2028-04')]).toEqual([8_800, undefined]);
  });

  it('(c) a claim that arrives between a void refused by an earlier delivery and that delivery is accepted, not NO_PROTECTION', () => {
    const { run, oracle } = arrive([
      order,
      event('OrderVoided', {
        eventId: 'void',
        occurredAt: jst('2028-01-12'),
        orderId: 'O1',
        reason: 'suspected resale',
      }),
      claim('K1', '2028-01-20', '2028-01-19'),
      delivered,
      { close: '2028-01' },
      { close: '2028-02' },
    ]);
    expectBusinessOrder(run, oracle);
    expect(revisions(run, 'ClaimAdjudicated/K1')).toMatchObject([
      { decision: 'rejected', reason: 'NO_PROTECTION', revision: 1 },
      { decision: 'accepted', useNumber: 1, feeYen: 5_500, revision: 2 },
    ]);
    expect(new Map(netByBusinessMonth(run.ledger)).get('fee/K1 @ 2028-01')).toBe(5_500);
    expect(run.book.state.orders.O1?.status).toBe('active');
  });
});
