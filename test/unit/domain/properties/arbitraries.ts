// Generators for the domain property tests: real calendar dates and months, instants written
// with any offset, and small customer histories (one order, deliveries, payoffs, protection
// cancellations, claims with their logistics, monthly closes) with a driver that replays them.
import fc from 'fast-check';
import { addDays, addMonths, jstMonth, policy, startOfJstDay, type CalendarDate, type Month } from '#shared/domain/index.ts';
import { closeTimeFor, Customer, event } from '#test/support/scenario.ts';
import type { DecisionOutcome, EntryKind, LedgerEntry, TaxClass } from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';

const MS_PER_MINUTE = 60_000;
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Oracle independent of the engine: the UTC calendar date of epoch milliseconds. */
export const utcDateOf = (ms: number): CalendarDate => new Date(ms).toISOString().slice(0, 10);

/** A real calendar date between two dates (inclusive), biased to month ends, 1sts and leap days. */
export function calendarDate(from = '1990-01-01', to = '2099-12-31'): fc.Arbitrary<CalendarDate> {
  const lo = Date.parse(`${from}T00:00:00Z`);
  const span = (Date.parse(`${to}T00:00:00Z`) - lo) / 86_400_000;
  const uniform = fc.integer({ min: 0, max: span }).map((d) => utcDateOf(lo + d * 86_400_000));
  const special = fc
    .tuple(fc.integer({ min: Number(from.slice(0, 4)), max: Number(to.slice(0, 4)) }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('first', 'last'))
    .map(([y, m, which]) => utcDateOf(Date.UTC(y, which === 'first' ? m - 1 : m, which === 'first' ? 1 : 0)))
    .filter((d) => d >= from && d <= to);
  return fc.oneof({ arbitrary: uniform, weight: 3 }, { arbitrary: special, weight: 1 }, { arbitrary: fc.constantFrom('2028-02-29', '2024-02-29', '2000-02-29', '2028-02-01', '2027-02-28', '2100-02-28').filter((d) => d >= from && d <= to), weight: 1 });
}

export const month = (fromYear = 1990, toYear = 2099): fc.Arbitrary<Month> =>
  fc.tuple(fc.integer({ min: fromYear, max: toYear }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${pad2(m)}`);

/** Minutes into a JST day; half the time in 00:00–08:59 JST, which is the previous UTC day. */
export const minuteOfDay: fc.Arbitrary<number> = fc.oneof(fc.integer({ min: 0, max: 539 }), fc.integer({ min: 0, max: 1439 }));

/** Offsets a sender may write a timestamp with ('Z' and '+00:00' are both UTC). */
export const OFFSETS = ['+09:00', 'Z', '+00:00', '-05:00', '+05:30', '+05:45', '-09:30', '-12:00', '+14:00', '+13:45'] as const;
export type Offset = (typeof OFFSETS)[number];
export const offset: fc.Arbitrary<Offset> = fc.constantFrom(...OFFSETS);
const FRACTIONS = ['', '.000', '.000000', '.000000000'] as const;
export const fraction = fc.constantFrom(...FRACTIONS);

function offsetMinutes(off: Offset): number {
  if (off === 'Z') return 0;
  const sign = off.startsWith('-') ? -1 : 1;
  return sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
}

/** The instant `ms` (whole seconds) written in local time at `off`. */
export function formatInstant(ms: number, off: Offset, frac: string = ''): string {
  const local = new Date(ms + offsetMinutes(off) * MS_PER_MINUTE).toISOString().slice(0, 19);
  return `${local}${frac}${off}`;
}

/** Epoch ms of a JST date and minute of day. */
export const jstInstant = (date: CalendarDate, minute: number): number => startOfJstDay(date) + minute * MS_PER_MINUTE;

// ---------------------------------------------------------------------------------------------
// Statement lines / ledger entries

export const taxClass: fc.Arbitrary<TaxClass> = fc.constantFrom('taxable-10', 'non-taxable');
/** An amount within the bound of one event's amount (±MAX_YEN_AMOUNT, a credit being negative), its edges often. */
const yenLine = fc.oneof({ arbitrary: fc.integer({ min: -policy.MAX_YEN_AMOUNT, max: policy.MAX_YEN_AMOUNT }), weight: 4 }, fc.constantFrom(-policy.MAX_YEN_AMOUNT, -1, 1, policy.MAX_YEN_AMOUNT));
export const line = fc.record({ amountYen: yenLine, taxClass });

const KINDS: readonly EntryKind[] = ['device_lump_sum', 'device_installment', 'installment_payoff', 'protection_fee', 'exchange_fee', 'late_return_penalty', 'loaner_charge'];
export const ledgerEntries: fc.Arbitrary<LedgerEntry[]> = fc
  .array(fc.record({ kind: fc.constantFrom(...KINDS), taxClass, amountYen: fc.integer({ min: -500_000, max: 500_000 }), businessDate: calendarDate('2028-01-01', '2028-03-31') }), { maxLength: 25 })
  .map((rows) =>
    rows.map((r, i) => ({ ...r, entryId: `e/${i}`, customerId: 'C1', deviceId: 'D1', billingMonth: '2028-03', description: r.kind, causedBy: `evt-${i}` })),
  );

// ---------------------------------------------------------------------------------------------
// Customer histories

/** One inbound event of a history: its business instant, when it reaches the engine, its detail. */
export interface EventStep {
  type: 'event';
  eventId: string;
  detailType: string;
  /** For reading a counterexample: occurredAt in JST, and when it reaches the engine. */
  occurred: string;
  arrival: string;
  at: number;
  /** Arrival order key: `at` plus a delivery delay (late events land after closes). */
  arrives: number;
  detail: Record<string, unknown>;
}
export interface CloseStep {
  type: 'close';
  month: Month;
  arrives: number;
}
/** The daily deadline sweep, run at `at`. */
export interface SweepStep {
  type: 'sweep';
  at: number;
  arrives: number;
}
export type Step = EventStep | CloseStep | SweepStep;

const DAY = 86_400_000;
const delay = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 45 }), weight: 1 });
/** `arb` with probability `percent`%, otherwise undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 100 - percent }, { arbitrary: arb, weight: percent });
const later = (maxDays: number, late = delay) => fc.record({ days: fc.integer({ min: 0, max: maxDays }), minute: minuteOfDay, delayDays: late });
/** Returns often reach the engine after their deadline was assessed (the penalty is then reversed). */
const oftenLate = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 45 }));

const deviceGen = fc.record({
  condition: fc.constantFrom('new', 'used') as fc.Arbitrary<'new' | 'used'>,
  priceYen: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 250_000 }), weight: 8 }, fc.constantFrom(1, policy.MAX_YEN_AMOUNT)),
  months: sometimes(fc.oneof(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 48 })), 75),
  protection: fc.constantFrom('none', 418, 550, 550, 550),
  delivery: fc.record({ days: fc.integer({ min: 0, max: 10 }), minute: minuteOfDay, delayDays: delay }),
  payoff: sometimes(later(150), 30),
  cancel: sometimes(fc.record({ when: later(200), effectiveInDays: sometimes(fc.integer({ min: -40, max: 90 }), 60) }), 35),
});

const claimGen = fc.record({
  device: fc.nat(),
  cause: fc.constantFrom('total_loss', 'partial_damage', 'water_damage', 'natural_failure', 'initial_defect', 'network_restriction', 'theft', 'other'),
  incidentAfterDelivery: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.integer({ min: 0, max: 420 })),
  filedAfter: fc.integer({ min: 1, max: 6 }),
  minute: minuteOfDay,
  followUp: fc.boolean(),
  withdraw: sometimes(later(5), 30),
  path: fc.constantFrom('none', 'replacement', 'loaner'),
  deliveredAfter: fc.integer({ min: 1, max: 5 }),
  returned: sometimes(later(25, oftenLate), 75),
  loanerValueYen: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 60_000 }), weight: 8 }, fc.constantFrom(1, policy.MAX_YEN_AMOUNT)),
  faulty: sometimes(later(20, oftenLate), 60),
  repaired: sometimes(fc.record({ days: fc.integer({ min: 3, max: 30 }), minute: minuteOfDay }), 70),
});

export const historySpec = fc.record({
  orderDate: calendarDate('2027-10-01', '2028-03-31'),
  orderMinute: minuteOfDay,
  paymentMethod: fc.oneof({ arbitrary: fc.constant('credit_card'), weight: 12 }, { arbitrary: fc.constantFrom('debit_card', 'prepaid_card'), weight: 1 }),
  devices: fc.array(deviceGen, { minLength: 1, maxLength: 3 }),
  // A void may happen between two deliveries and reach the engine after both (a race the terms settle by business time).
  voidOrder: sometimes(fc.record({ hoursAfterOrder: fc.integer({ min: 1, max: 24 * 9 }), delayDays: fc.oneof(delay, fc.integer({ min: 20, max: 60 })) }), 20),
  claims: fc.array(claimGen, { minLength: 0, maxLength: 4 }),
  sweeps: fc.array(fc.record({ daysAfterOrder: fc.integer({ min: 0, max: 450 }), minute: minuteOfDay }), { maxLength: 4 }),
});
export type HistorySpec = typeof historySpec extends fc.Arbitrary<infer T> ? T : never;

/**
 * One order and what happens to it (no claims): a void close to the first delivery (before or
 * after it) and deliveries, payoffs and cancellations that may reach the engine weeks late.
 */
export const orderHistorySpec = fc
  .tuple(
    historySpec,
    fc.integer({ min: -48, max: 72 }),
    fc.integer({ min: 0, max: 40 }),
    fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 3, maxLength: 3 }),
  )
  .map(([spec, hoursFromFirstDelivery, voidDelay, deliveryDelays]) => {
    const first = spec.devices[0]!.delivery;
    const firstDeliveryHours = (first.days + 1) * 24 + (first.minute - spec.orderMinute) / 60;
    const hoursAfterOrder = Math.max(1, Math.round(firstDeliveryHours) + hoursFromFirstDelivery);
    const devices = spec.devices.map((d, i) => ({ ...d, delivery: { ...d.delivery, delayDays: deliveryDelays[i]! } }));
    return { ...spec, devices, claims: [], voidOrder: { hoursAfterOrder, delayDays: voidDelay } };
  });

/**
 * The steps of a history, in arrival order, with one close per month through the last event + 1 month.
 * `inOrder`: every event arrives at its business time (no delays).
 */
export function historySteps(spec: HistorySpec, opts: { inOrder?: boolean } = {}): Step[] {
  const customerId = 'C1';
  const events: EventStep[] = [];
  let lastArrival = 0; // the same horizon of closes whether or not events arrive late
  const add = (detailType: string, at: number, delayDays: number, detail: Record<string, unknown>): void => {
    const arrives = opts.inOrder ? at : at + delayDays * DAY;
    lastArrival = Math.max(lastArrival, at + delayDays * DAY);
    const [occurred, arrival] = [formatInstant(at, '+09:00'), formatInstant(arrives, '+09:00')];
    events.push({ type: 'event', eventId: `ev-${events.length + 1}`, detailType, occurred, arrival, at, arrives, detail: { customerId, ...detail } });
  };
  const orderAt = jstInstant(spec.orderDate, spec.orderMinute);
  const devices = spec.devices.map((d, i) => {
    const fee = d.protection === 'none' ? undefined : d.condition === 'used' ? 550 : d.protection;
    const payment = d.months ? { plan: 'installments', months: d.months } : { plan: 'lump_sum' };
    return { deviceId: `D${i + 1}`, model: 'Pixel 9', condition: d.condition, priceYen: d.priceYen, payment, ...(fee ? { protection: { monthlyFeeYen: fee } } : {}) };
  });
  add('OrderPlaced', orderAt, 0, { orderId: 'O1', customer: { birthDate: '1990-04-01' }, paymentMethod: spec.paymentMethod, devices });
  if (spec.voidOrder) add('OrderVoided', orderAt + spec.voidOrder.hoursAfterOrder * 3_600_000, spec.voidOrder.delayDays, { orderId: 'O1', reason: 'suspected resale' });
  const deliveredOn: CalendarDate[] = [];
  spec.devices.forEach((d, i) => {
    const deviceId = `D${i + 1}`;
    const day = addDays(spec.orderDate, d.delivery.days + 1);
    deliveredOn.push(day);
    add('DeviceDelivered', jstInstant(day, d.delivery.minute), d.delivery.delayDays, { orderId: 'O1', deviceId });
    if (d.payoff) add('InstallmentPayoffRequested', jstInstant(addDays(day, d.payoff.days), d.payoff.minute), d.payoff.delayDays, { deviceId });
    if (d.cancel) {
      const on = addDays(day, d.cancel.when.days);
      const eff = d.cancel.effectiveInDays === undefined ? {} : { effectiveDate: addDays(on, d.cancel.effectiveInDays) };
      add('ProtectionCancelled', jstInstant(on, d.cancel.when.minute), d.cancel.when.delayDays, { deviceId, ...eff });
    }
  });
  let previous: { claimId: string; device: number; filedOn: CalendarDate; deliveredOn?: CalendarDate } | undefined;
  spec.claims.forEach((c, i) => {
    const claimId = `CL${i + 1}`;
    const followUp = c.followUp && previous !== undefined;
    const device = followUp ? previous!.device : c.device % spec.devices.length;
    const start = deliveredOn[device]!;
    const incident = followUp ? previous!.filedOn : addDays(start, c.incidentAfterDelivery);
    const base = followUp ? (previous!.deliveredOn ?? previous!.filedOn) : incident > start ? incident : start;
    const filedOn = addDays(base, followUp ? c.filedAfter * 2 - 2 : c.filedAfter);
    const filedAt = jstInstant(filedOn, c.minute);
    add('ClaimFiled', filedAt, 0, { claimId, deviceId: `D${device + 1}`, cause: c.cause, incidentDate: incident, ...(followUp ? { followUpOf: previous!.claimId } : {}) });
    if (c.withdraw) add('ClaimWithdrawn', filedAt + c.withdraw.days * DAY + c.withdraw.minute * MS_PER_MINUTE, c.withdraw.delayDays, { claimId });
    const deliveredDay = addDays(filedOn, c.deliveredAfter);
    const deliveredAt = jstInstant(deliveredDay, c.minute);
    if (c.path === 'replacement') {
      add('ReplacementDelivered', deliveredAt, 0, { claimId });
      if (c.returned) add('DeviceReturned', jstInstant(addDays(deliveredDay, c.returned.days), c.returned.minute), c.returned.delayDays, { claimId });
    } else if (c.path === 'loaner') {
      add('LoanerDelivered', deliveredAt, 0, { claimId, loanerValueYen: c.loanerValueYen });
      if (c.faulty) add('FaultyDeviceReceived', jstInstant(addDays(deliveredDay, c.faulty.days), c.faulty.minute), c.faulty.delayDays, { claimId });
      if (c.repaired) {
        const repairedDay = addDays(deliveredDay, c.repaired.days);
        add('RepairedDeviceDelivered', jstInstant(repairedDay, c.repaired.minute), 0, { claimId });
        if (c.returned) add('LoanerReturned', jstInstant(addDays(repairedDay, c.returned.days), c.returned.minute), c.returned.delayDays, { claimId });
      }
    }
    previous = { claimId, device, filedOn, ...(c.path === 'none' ? {} : { deliveredOn: deliveredDay }) };
  });
  const closes: CloseStep[] = [];
  for (let m = jstMonth(new Date(orderAt).toISOString()); m <= addMonths(jstMonth(new Date(lastArrival).toISOString()), 1); m = addMonths(m, 1)) {
    closes.push({ type: 'close', month: m, arrives: Date.parse(closeTimeFor(m)) });
  }
  // Stable sort: equal arrival keeps generation order (an event before the close at the same instant).
  const sweeps: SweepStep[] = spec.sweeps
    .map((w) => jstInstant(addDays(spec.orderDate, w.daysAfterOrder), w.minute))
    .filter((at) => at <= lastArrival + 40 * DAY)
    .map((at) => ({ type: 'sweep', at, arrives: at }));
  return [...events, ...closes, ...sweeps].sort((a, b) => a.arrives - b.arrives);
}

/** How each event's occurredAt is written: by default as JST (+09:00). */
export type Writer = (ms: number, index: number) => string;
export const asJst: Writer = (ms) => formatInstant(ms, '+09:00');

export function inboundEvent(step: EventStep, write: Writer = asJst, index = 0) {
  return event(step.detailType, { eventId: step.eventId, ...step.detail, occurredAt: write(step.at, index) } as Parameters<typeof event>[1]);
}

export interface Run {
  customer: Customer;
  outcomes: DecisionOutcome[];
  /** For each step: the first open month before it ran and the entries it wrote. */
  trace: { step: Step; closedThroughBefore: Month | undefined; entries: LedgerEntry[] }[];
}

/**
 * Replays steps against a fresh customer; `times` sends every event (and runs every sweep)
 * that many times in a row. An event whose order, device or claim is not known yet waits with
 * the customer (§0) and applies when what it names arrives: nothing is retried here.
 */
export function replay(steps: readonly Step[], opts: { write?: Writer; times?: number; afterClose?: (c: Customer, month: Month) => void } = {}): Run {
  const customer = new Customer('C1');
  const trace: Run['trace'] = [];
  const times = opts.times ?? 1;
  steps.forEach((step, index) => {
    const closedThroughBefore = customer.state.closedThrough;
    const before = customer.ledger.length;
    if (step.type === 'close') {
      customer.close(step.month);
      opts.afterClose?.(customer, step.month);
    } else if (step.type === 'sweep') {
      const asOf = (opts.write ?? asJst)(step.at, index);
      for (let t = 0; t < times; t++) {
        // An event that waited 7 days is dead-lettered; the operator here redrives it at once.
        for (const x of customer.sweep(asOf).expired ?? []) customer.redrive(x.record.event as InboundEvent, asOf);
      }
    } else {
      const receivedAt = new Date(step.arrives).toISOString();
      for (let t = 0; t < times; t++) customer.send(inboundEvent(step, opts.write, index), receivedAt);
    }
    trace.push({ step, closedThroughBefore, entries: customer.ledger.slice(before) });
  });
  return { customer, outcomes: customer.outcomes, trace };
}

/** The suffixes a charge's id gets when it is billed again, reversed or corrected. */
const SUFFIX = /\/(?:[rcx]\d+|rev)$/;

/**
 * The obligation an entry bills: its id without the reversal suffix, without the billing
 * round a charge gets when it is billed again (`…/r1`), and without the suffix of a
 * correction written by a re-derivation (`…/c7` billed again, `…/x7` credited).
 */
export function obligationOf(entry: LedgerEntry): string {
  let id = entry.reverses ?? entry.entryId;
  for (let bare = id.replace(SUFFIX, ''); bare !== id; bare = id.replace(SUFFIX, '')) id = bare;
  return id;
}

/** What each obligation nets to: its entries and their reversals; obligations netting to 0 are left out. */
export function netByObligation(ledger: readonly LedgerEntry[]): [string, number][] {
  const sums = new Map<string, number>();
  for (const e of ledger) sums.set(obligationOf(e), (sums.get(obligationOf(e)) ?? 0) + e.amountYen);
  return [...sums].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
}
