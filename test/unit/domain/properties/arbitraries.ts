// Generators for the domain property tests: real calendar dates and months, instants written
// with any offset (seconds left out, fractions of any length), and small customer histories
// (one order of new and used devices with or without protection, deliveries, payoffs,
// protection cancellations, claims with their logistics — guarantee claims, follow-ups on D+7 and
// D+8, withdrawals that renumber, re-exchanges, loaner damage —, monthly closes) with a driver
// that replays them. Stories (below) fix a few draws so that each of the §4/§5 cases comes up in
// most property runs; generators.properties.test.ts counts them (coverage.ts).
import fc from 'fast-check';
import type { DecisionOutcome, EntryKind, LedgerEntry, TaxClass } from '#shared/domain/index.ts';
import {
  addDays,
  addMonths,
  type CalendarDate,
  ENTRY_KINDS,
  jstMonth,
  type Month,
  policy,
  startOfJstDay,
} from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { Customer, closeTimeFor, event } from '#test/support/scenario.ts';

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
    .tuple(
      fc.integer({ min: Number(from.slice(0, 4)), max: Number(to.slice(0, 4)) }),
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom('first', 'last'),
    )
    .map(([y, m, which]) => utcDateOf(Date.UTC(y, which === 'first' ? m - 1 : m, which === 'first' ? 1 : 0)))
    .filter((d) => d >= from && d <= to);
  return fc.oneof(
    { arbitrary: uniform, weight: 3 },
    { arbitrary: special, weight: 1 },
    {
      arbitrary: fc
        .constantFrom('2028-02-29', '2024-02-29', '2000-02-29', '2028-02-01', '2027-02-28', '2100-02-28')
        .filter((d) => d >= from && d <= to),
      weight: 1,
    },
  );
}

export const month = (fromYear = 1990, toYear = 2099): fc.Arbitrary<Month> =>
  fc
    .tuple(fc.integer({ min: fromYear, max: toYear }), fc.integer({ min: 1, max: 12 }))
    .map(([y, m]) => `${y}-${pad2(m)}`);

/** Minutes into a JST day; half the time in 00:00–08:59 JST, which is the previous UTC day. */
export const minuteOfDay: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 539 }),
  fc.integer({ min: 0, max: 1439 }),
);

/** Offsets a sender may write a timestamp with ('Z' and '+00:00' are both UTC). */
export const OFFSETS = [
  '+09:00',
  'Z',
  '+00:00',
  '-05:00',
  '+05:30',
  '+05:45',
  '-09:30',
  '-12:00',
  '+14:00',
  '+13:45',
] as const;
export type Offset = (typeof OFFSETS)[number];
export const offset: fc.Arbitrary<Offset> = fc.constantFrom(...OFFSETS);
/**
 * How the seconds of a timestamp are written (contract §1: seconds and fractions optional, a
 * fraction of any length). `NO_SECONDS` drops them (`2026-04-10T10:00+09:00`) when the instant
 * is on a whole minute, as every generated event's is; the others write a fraction that is
 * the same millisecond however a reader rounds or truncates it (a nanosecond, half a
 * millisecond less a bit, 25 zeros).
 */
export const NO_SECONDS = 'no-seconds';
export const LONG_FRACTIONS = ['.000000001', '.0004999', '.0000000000000000000000000'] as const;
const FRACTIONS = ['', '.000', '.000000', '.000000000', NO_SECONDS, ...LONG_FRACTIONS] as const;
export const fraction = fc.constantFrom(...FRACTIONS);
/** How a history writes its own JST timestamps: mostly with whole seconds. */
const jstWriting = fc.oneof(
  { arbitrary: fc.constant(''), weight: 6 },
  { arbitrary: fc.constant(NO_SECONDS), weight: 2 },
  { arbitrary: fc.constantFrom(...LONG_FRACTIONS), weight: 1 },
);

function offsetMinutes(off: Offset): number {
  if (off === 'Z') return 0;
  const sign = off.startsWith('-') ? -1 : 1;
  return sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
}

/**
 * The instant `ms` (whole seconds) written in local time at `off`, with the fraction `frac`;
 * `NO_SECONDS` writes no seconds when the instant is on a whole minute (otherwise the seconds,
 * so that the instant is the same).
 */
export function formatInstant(ms: number, off: Offset, frac: string = ''): string {
  const local = new Date(ms + offsetMinutes(off) * MS_PER_MINUTE).toISOString().slice(0, 19);
  if (frac === NO_SECONDS) return ms % MS_PER_MINUTE === 0 ? `${local.slice(0, 16)}${off}` : `${local}${off}`;
  return `${local}${frac}${off}`;
}

/** Epoch ms of a JST date and minute of day. */
export const jstInstant = (date: CalendarDate, minute: number): number => startOfJstDay(date) + minute * MS_PER_MINUTE;

// ---------------------------------------------------------------------------------------------
// Statement lines / ledger entries

export const taxClass: fc.Arbitrary<TaxClass> = fc.constantFrom('taxable-10', 'non-taxable');
/** An amount within the bound of one event's amount (±MAX_YEN_AMOUNT, a credit being negative), its edges often. */
const yenLine = fc.oneof(
  { arbitrary: fc.integer({ min: -policy.MAX_YEN_AMOUNT, max: policy.MAX_YEN_AMOUNT }), weight: 4 },
  fc.constantFrom(-policy.MAX_YEN_AMOUNT, -1, 1, policy.MAX_YEN_AMOUNT),
);
export const line = fc.record({ amountYen: yenLine, taxClass });

const KINDS: readonly EntryKind[] = ENTRY_KINDS;
export const ledgerEntries: fc.Arbitrary<LedgerEntry[]> = fc
  .array(
    fc.record({
      kind: fc.constantFrom(...KINDS),
      taxClass,
      amountYen: fc.integer({ min: -500_000, max: 500_000 }),
      businessDate: calendarDate('2028-01-01', '2028-03-31'),
    }),
    { maxLength: 25 },
  )
  .map((rows) =>
    rows.map((r, i) => ({
      ...r,
      entryId: `e/${i}`,
      customerId: 'C1',
      deviceId: 'D1',
      billingMonth: '2028-03',
      description: r.kind,
      causedBy: `evt-${i}`,
    })),
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
  /** How the history writes this event's seconds in JST (a `fraction`, or `NO_SECONDS`). */
  seconds?: string;
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
const delay = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 45 }), weight: 1 },
);
/** `arb` with probability `percent`%, otherwise undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 100 - percent }, { arbitrary: arb, weight: percent });
const later = (maxDays: number, late = delay) =>
  fc.record({ days: fc.integer({ min: 0, max: maxDays }), minute: minuteOfDay, delayDays: late });
/** Returns often reach the engine after their deadline was assessed (the penalty is then reversed). */
const oftenLate = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 45 }));
/** A price or value in an event: within 1..MAX_YEN_AMOUNT (§0), its edges often. */
const yenUpTo = (max: number) =>
  fc.oneof({ arbitrary: fc.integer({ min: 1, max }), weight: 8 }, fc.constantFrom(1, policy.MAX_YEN_AMOUNT));

const deviceGen = fc.record({
  condition: fc.constantFrom('new', 'used') as fc.Arbitrary<'new' | 'used'>,
  priceYen: yenUpTo(250_000),
  months: sometimes(fc.oneof(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 48 })), 75),
  // A third without protection: a used one is then covered by the supply guarantee only (§4).
  protection: fc.constantFrom('none', 'none', 418, 550, 550, 550) as fc.Arbitrary<'none' | 418 | 550>,
  delivery: fc.record({ days: fc.integer({ min: 0, max: 10 }), minute: minuteOfDay, delayDays: delay }),
  payoff: sometimes(later(150), 30),
  cancel: sometimes(
    fc.record({ when: later(200), effectiveInDays: sometimes(fc.integer({ min: -40, max: 90 }), 60) }),
    35,
  ),
});
type DeviceGen = typeof deviceGen extends fc.Arbitrary<infer T> ? T : never;

const DAMAGE_CAUSES = ['total_loss', 'partial_damage', 'water_damage'] as const;
const COVERED: ReadonlySet<string> = new Set([
  ...DAMAGE_CAUSES,
  'natural_failure',
  'initial_defect',
  'network_restriction',
]);
const causeGen = fc.oneof(
  { arbitrary: fc.constantFrom(...DAMAGE_CAUSES), weight: 9 },
  { arbitrary: fc.constant('natural_failure'), weight: 3 },
  // The supply guarantee's causes on a used device (§4), a maker-warranty matter on a new one.
  { arbitrary: fc.constant('initial_defect'), weight: 3 },
  { arbitrary: fc.constant('network_restriction'), weight: 3 },
  { arbitrary: fc.constantFrom('theft', 'loss', 'other', 'business_use'), weight: 2 },
) as fc.Arbitrary<string>;

/** When the incident happened: days after the usage start, or after the purchase date + 24 months. */
const incidentGen = fc.oneof(
  {
    arbitrary: fc.record({ after: fc.constant('delivery' as const), days: fc.integer({ min: -3, max: 40 }) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ after: fc.constant('delivery' as const), days: fc.integer({ min: 0, max: 420 }) }),
    weight: 3,
  },
  // Day 30 and day 31 of use (usage start = day 1): the edge of the initial-defect window.
  { arbitrary: fc.record({ after: fc.constant('delivery' as const), days: fc.constantFrom(29, 30) }), weight: 2 },
  // Around 24 months after the purchase date (OrderPlaced), a used device's natural-failure limit.
  {
    arbitrary: fc.record({ after: fc.constant('purchase+24m' as const), days: fc.integer({ min: -2, max: 2 }) }),
    weight: 1,
  },
);

/** A follow-up's filing day after the earlier claim's replacement or repaired device (day 0): D+7 and D+8 often. */
const followUpDay = fc.oneof(
  { arbitrary: fc.constant(7), weight: 2 },
  { arbitrary: fc.constant(8), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 2 },
);

/**
 * How a claim relates to the claims before it: its own incident on any device; a follow-up
 * (`followUpOf`) of an earlier claim, on that claim's device, filed `day` days after its
 * replacement or repaired device came (after its filing if none came); or filed `days` after
 * the previous claim on the same device, so that a withdrawal of the one can renumber the other.
 */
const linkGen = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('own' as const) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('followUp' as const), of: fc.nat(), day: followUpDay }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('soon' as const), days: fc.integer({ min: 0, max: 3 }) }), weight: 2 },
);

/** A LoanerDamaged: days after the loaner came (-1: the day before, refused NO_LOANER), now and then twice. */
const damageGen = fc.record({
  days: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 6 }, { arbitrary: fc.constant(-1), weight: 1 }),
  minute: minuteOfDay,
  delayDays: delay,
  repairCostYen: yenUpTo(80_000),
  /** A second LoanerDamaged of the same claim (another eventId), refused: the loaner is billed once. */
  again: sometimes(fc.integer({ min: 0, max: 10 }), 12),
  /** Below 10: sent for a claim with no loaner too (refused NO_LOANER). */
  onOther: fc.integer({ min: 0, max: 99 }),
});

const claimGen = fc.record({
  device: fc.nat(),
  cause: causeGen,
  incident: incidentGen,
  filedAfter: fc.integer({ min: 1, max: 6 }),
  minute: minuteOfDay,
  link: linkGen,
  withdraw: sometimes(later(6), 30),
  path: fc.constantFrom('none', 'replacement', 'replacement', 'loaner') as fc.Arbitrary<
    'none' | 'replacement' | 'loaner'
  >,
  deliveredAfter: fc.integer({ min: 1, max: 5 }),
  /** The replacement's value (ReplacementDelivered.deviceValueYen); now and then absent. */
  deviceValueYen: sometimes(yenUpTo(150_000), 88),
  // 7 / 8 days: the re-exchange's N+7 edge; 14 / 15: the late return's D+14 edge.
  returned: sometimes(
    fc.record({
      days: fc.oneof(fc.integer({ min: 0, max: 25 }), fc.constantFrom(7, 8, 14, 15)),
      minute: minuteOfDay,
      delayDays: oftenLate,
    }),
    75,
  ),
  loanerValueYen: yenUpTo(60_000),
  faulty: sometimes(later(20, oftenLate), 60),
  repaired: sometimes(fc.record({ days: fc.integer({ min: 3, max: 30 }), minute: minuteOfDay }), 70),
  damaged: sometimes(damageGen, 40),
});
type ClaimGen = typeof claimGen extends fc.Arbitrary<infer T> ? T : never;

const generalSpec = fc.record({
  orderDate: calendarDate('2027-10-01', '2028-03-31'),
  orderMinute: minuteOfDay,
  paymentMethod: fc.oneof(
    { arbitrary: fc.constant('credit_card'), weight: 12 },
    { arbitrary: fc.constantFrom('debit_card', 'prepaid_card'), weight: 1 },
  ),
  devices: fc.array(deviceGen, { minLength: 1, maxLength: 3 }),
  // A void may happen between two deliveries and reach the engine after both (a race the terms settle by business time).
  voidOrder: sometimes(
    fc.record({
      hoursAfterOrder: fc.integer({ min: 1, max: 24 * 9 }),
      delayDays: fc.oneof(delay, fc.integer({ min: 20, max: 60 })),
    }),
    20,
  ),
  claims: fc.array(claimGen, { minLength: 0, maxLength: 4 }),
  sweeps: fc.array(fc.record({ daysAfterOrder: fc.integer({ min: 0, max: 450 }), minute: minuteOfDay }), {
    maxLength: 4,
  }),
  /** How the history writes its JST timestamps, event by event in turn. */
  seconds: fc.array(jstWriting, { minLength: 1, maxLength: 6 }),
});
export type HistorySpec = typeof generalSpec extends fc.Arbitrary<infer T> ? T : never;

// Stories: the general history with a few draws fixed, so that each new rule's case comes up
// in most runs of a property rather than in a few (generators.properties.test.ts counts them).
// A story's order is paid by card (the general histories try the other payment methods).
const story = <T>(
  parts: fc.Arbitrary<T>,
  build: (spec: HistorySpec, parts: T) => HistorySpec,
): fc.Arbitrary<HistorySpec> =>
  fc.tuple(generalSpec, parts).map(([spec, p]) => build({ ...spec, paymentMethod: 'credit_card' }, p));
const usedDevice = (d: DeviceGen, protectedToo: boolean): DeviceGen => ({
  ...d,
  condition: 'used',
  protection: protectedToo ? 550 : 'none',
  cancel: undefined,
});

/**
 * Re-exchange (§5): a used device's exchange E (its replacement's value given, now and then
 * not: `valueShare`%), then a follow-up F of it filed on D + `fDay` and answered by another
 * exchange on N, the earlier replacement back by N+7, on N+8 or never. With protection F is
 * mostly a damage (a free follow-up); without it both rest on the supply guarantee.
 */
interface ReexchangeOptions {
  /** How often E's replacement has a deviceValueYen (%). */
  valueShare: number;
  fDay: fc.Arbitrary<number>;
  /** F always covered: without protection a network restriction, with it a damage. */
  fCovered?: boolean;
  protectedToo?: fc.Arbitrary<boolean>;
  /** Days after N that the earlier replacement comes back (undefined: never). */
  fReturn?: fc.Arbitrary<number | undefined>;
}
const reexchange = ({
  valueShare,
  fDay,
  fCovered = false,
  protectedToo: protection = fc.boolean(),
  fReturn: back = fc.oneof(fc.constantFrom(undefined, 7, 8), fc.integer({ min: 0, max: 14 })),
}: ReexchangeOptions) =>
  story(
    fc.record({
      protectedToo: protection,
      e: claimGen,
      eValue: sometimes(yenUpTo(150_000), valueShare),
      f: claimGen,
      fDay,
      fDamage: fc.integer({ min: 0, max: 9 }),
      fReturn: back,
      returnDelay: oftenLate,
      more: fc.array(claimGen, { maxLength: 1 }),
    }),
    (spec, { protectedToo, e, eValue, f, fDay, fDamage, fReturn, returnDelay, more }) => {
      const [first, ...others] = spec.devices;
      // Covered causes: with protection any of them, without it only the guarantee's.
      const guaranteed = (c: ClaimGen) => (c.cause.length % 2 === 0 ? 'network_restriction' : 'initial_defect');
      const covered = (c: ClaimGen) => (COVERED.has(c.cause) ? c.cause : DAMAGE_CAUSES[c.minute % 3]!);
      const E: ClaimGen = {
        ...e,
        device: 0,
        cause: protectedToo ? covered(e) : guaranteed(e),
        incident: { after: 'delivery', days: Math.max(0, e.incident.days % 25) },
        link: { kind: 'own' },
        withdraw: undefined,
        path: 'replacement',
        deviceValueYen: eValue,
      };
      const F: ClaimGen = {
        ...f,
        // Without protection a network restriction, now and then an initial defect (past day 30: NO_PROTECTION).
        cause: !protectedToo
          ? fCovered || fDamage < 7
            ? 'network_restriction'
            : 'initial_defect'
          : fCovered || fDamage < 8
            ? DAMAGE_CAUSES[fDamage % 3]!
            : covered(f),
        link: { kind: 'followUp', of: 0, day: fDay },
        withdraw: undefined,
        path: 'replacement',
        returned: fReturn === undefined ? undefined : { days: fReturn, minute: f.minute, delayDays: returnDelay },
      };
      return {
        ...spec,
        devices: [usedDevice(first!, protectedToo), ...others],
        voidOrder: undefined,
        claims: [E, F, ...more],
      };
    },
  );
// Filed mostly in the window (D+7 often), on D+8 now and then: then an ordinary claim.
const reexchangeStory = reexchange({
  valueShare: 80,
  fDay: fc.oneof(
    { arbitrary: fc.constant(7), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 3 },
    { arbitrary: fc.constant(8), weight: 1 },
  ),
});

/** Renumbering (§4): uses 1 and 2 of one device filed days apart, use 1 withdrawn before anything is delivered for it. */
const renumberStory = story(
  fc.record({
    a: claimGen,
    b: claimGen,
    gap: fc.integer({ min: 0, max: 2 }),
    withdrawAfter: fc.integer({ min: 0, max: 3 }),
    damage: fc.constantFrom(...DAMAGE_CAUSES),
    more: fc.array(claimGen, { maxLength: 2 }),
  }),
  (spec, { a, b, gap, withdrawAfter, damage, more }) => {
    const [first, ...others] = spec.devices;
    const device: DeviceGen = { ...first!, protection: first!.condition === 'used' ? 550 : 418, cancel: undefined };
    const A: ClaimGen = {
      ...a,
      device: 0,
      cause: damage,
      incident: { after: 'delivery', days: a.incident.days % 200 },
      link: { kind: 'own' },
      deliveredAfter: gap + withdrawAfter + 2,
      withdraw: { days: gap + withdrawAfter, minute: a.minute, delayDays: a.withdraw?.delayDays ?? 0 },
    };
    const B: ClaimGen = {
      ...b,
      cause:
        b.cause === 'natural_failure' || b.cause === 'initial_defect' || b.cause === 'network_restriction'
          ? damage
          : b.cause,
      link: { kind: 'soon', days: gap },
      withdraw: undefined,
    };
    return { ...spec, devices: [device, ...others], voidOrder: undefined, claims: [A, B, ...more] };
  },
);

/** The supply guarantee (§4): used devices, with and without protection, with initial defects at the window's edge and network restrictions. */
const guaranteeStory = story(
  fc.record({
    protectedToo: fc.boolean(),
    // Incidents on days 30 and 31 of use (offsets 29 and 30) most often: the window's edge.
    claims: fc.array(
      fc.tuple(
        claimGen,
        fc.constantFrom('initial_defect', 'initial_defect', 'network_restriction'),
        fc.constantFrom(0, 15, 29, 29, 30, 30, 31, 200),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  (spec, { protectedToo, claims }) => {
    const [first, ...others] = spec.devices;
    return {
      ...spec,
      devices: [usedDevice(first!, protectedToo), ...others],
      claims: claims.map(([c, cause, days]) => ({
        ...c,
        device: 0,
        cause,
        incident: { after: 'delivery' as const, days },
        link: { kind: 'own' as const },
      })),
    };
  },
);

/** A loaner damaged during the loan (§5): loaner repairs, now and then damaged twice or before the loaner came. */
const loanerDamageStory = story(
  fc.record({
    claims: fc.array(
      fc.tuple(claimGen, damageGen, sometimes(fc.integer({ min: 0, max: 10 }), 30), fc.constantFrom(...DAMAGE_CAUSES)),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  (spec, { claims }) => {
    const [first, ...others] = spec.devices;
    const device: DeviceGen = { ...first!, protection: 550, cancel: undefined };
    return {
      ...spec,
      devices: [device, ...others],
      voidOrder: undefined,
      claims: claims.map(([c, damaged, again, cause]) => ({
        ...c,
        device: 0,
        cause,
        path: c.path === 'replacement' && c.minute % 4 === 0 ? ('replacement' as const) : ('loaner' as const),
        damaged: { ...damaged, again },
      })),
    };
  },
);

/** A used device's natural failure around 24 months after its purchase date (§4), not its usage start. */
const naturalFailureStory = story(
  // The last days of the 24 months, and the first after them.
  fc.record({ c: claimGen, days: fc.constantFrom(-2, -1, 0, 1, 1, 2) }),
  (spec, { c, days }) => {
    const [first, ...others] = spec.devices;
    return {
      ...spec,
      devices: [usedDevice(first!, true), ...others],
      voidOrder: undefined,
      claims: [
        { ...c, device: 0, cause: 'natural_failure', incident: { after: 'purchase+24m', days }, link: { kind: 'own' } },
      ],
    };
  },
);

/**
 * A re-exchange whose earlier replacement has no deviceValueYen, filed on D+1 … D+7: its
 * ReplacementDelivered is refused as invalid (a dead letter) in every arrival order. The
 * reliability streams give it to a few customers so that every run has one.
 */
export const reexchangeWithoutValueSpec: fc.Arbitrary<HistorySpec> = reexchange({
  valueShare: 0,
  fDay: fc.integer({ min: 1, max: 7 }),
  fCovered: true,
});

/**
 * A protected re-exchange whose follow-up is a damage (basis follow_up), filed on D+1 … D+7,
 * the earlier replacement never back or back on N+8: charged its value. The reliability
 * streams give it to a few customers so that every run has one.
 */
export const reexchangeChargedSpec: fc.Arbitrary<HistorySpec> = reexchange({
  valueShare: 100,
  fDay: fc.integer({ min: 1, max: 7 }),
  fCovered: true,
  protectedToo: fc.constant(true),
  fReturn: fc.constantFrom(undefined, 8),
});

/** One customer's history: 10 in 23 general, the others one of the stories above. */
export const historySpec: fc.Arbitrary<HistorySpec> = fc.oneof(
  { arbitrary: generalSpec, weight: 10 },
  { arbitrary: reexchangeStory, weight: 5 },
  { arbitrary: renumberStory, weight: 2 },
  { arbitrary: guaranteeStory, weight: 2 },
  { arbitrary: loanerDamageStory, weight: 2 },
  { arbitrary: naturalFailureStory, weight: 2 },
);

/**
 * One order and what happens to it (no claims): a void close to the first delivery (before or
 * after it) and deliveries, payoffs and cancellations that may reach the engine weeks late.
 */
export const orderHistorySpec = fc
  .tuple(
    generalSpec,
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

/** The same month and day 24 months later (28 February for a 29th that has none): the used device's natural-failure limit. */
function twoYearsAfter(date: CalendarDate): CalendarDate {
  const moved = `${Number(date.slice(0, 4)) + 2}${date.slice(4)}`;
  return utcDateOf(Date.parse(`${moved}T00:00:00Z`)) === moved ? moved : `${moved.slice(0, 8)}28`;
}

/** What a claim of the history left for the claims after it. */
interface FiledClaim {
  claimId: string;
  device: number;
  filedAt: number;
  filedOn: CalendarDate;
  incident: CalendarDate;
  /** When its replacement or repaired device came (a follow-up's day 0). */
  fixedOn?: CalendarDate;
}

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
    const seconds = spec.seconds[events.length % spec.seconds.length]!;
    events.push({
      type: 'event',
      eventId: `ev-${events.length + 1}`,
      detailType,
      occurred,
      arrival,
      at,
      arrives,
      ...(seconds ? { seconds } : {}),
      detail: { customerId, ...detail },
    });
  };
  const orderAt = jstInstant(spec.orderDate, spec.orderMinute);
  const devices = spec.devices.map((d, i) => {
    const fee = d.protection === 'none' ? undefined : d.condition === 'used' ? 550 : d.protection;
    const payment = d.months ? { plan: 'installments', months: d.months } : { plan: 'lump_sum' };
    return {
      deviceId: `D${i + 1}`,
      model: 'Pixel 9',
      condition: d.condition,
      priceYen: d.priceYen,
      payment,
      ...(fee ? { protection: { monthlyFeeYen: fee } } : {}),
    };
  });
  add('OrderPlaced', orderAt, 0, {
    orderId: 'O1',
    customer: { birthDate: '1990-04-01' },
    paymentMethod: spec.paymentMethod,
    devices,
  });
  if (spec.voidOrder)
    add('OrderVoided', orderAt + spec.voidOrder.hoursAfterOrder * 3_600_000, spec.voidOrder.delayDays, {
      orderId: 'O1',
      reason: 'suspected resale',
    });
  const deliveredOn: CalendarDate[] = [];
  spec.devices.forEach((d, i) => {
    const deviceId = `D${i + 1}`;
    const day = addDays(spec.orderDate, d.delivery.days + 1);
    deliveredOn.push(day);
    add('DeviceDelivered', jstInstant(day, d.delivery.minute), d.delivery.delayDays, { orderId: 'O1', deviceId });
    if (d.payoff)
      add('InstallmentPayoffRequested', jstInstant(addDays(day, d.payoff.days), d.payoff.minute), d.payoff.delayDays, {
        deviceId,
      });
    if (d.cancel) {
      const on = addDays(day, d.cancel.when.days);
      const eff =
        d.cancel.effectiveInDays === undefined ? {} : { effectiveDate: addDays(on, d.cancel.effectiveInDays) };
      add('ProtectionCancelled', jstInstant(on, d.cancel.when.minute), d.cancel.when.delayDays, { deviceId, ...eff });
    }
  });
  const filed: FiledClaim[] = [];
  spec.claims.forEach((c, i) => {
    const claimId = `CL${i + 1}`;
    const link = filed.length > 0 ? c.link : { kind: 'own' as const };
    let device: number;
    let incident: CalendarDate;
    let filedOn: CalendarDate;
    let filedAt: number | undefined;
    let followUpOf: string | undefined;
    if (link.kind === 'followUp') {
      const earlier = filed[link.of % filed.length]!;
      device = earlier.device;
      filedOn = addDays(earlier.fixedOn ?? earlier.filedOn, link.day);
      // Never before the claim it follows up (it would wait for it, and take effect after it).
      filedAt = Math.max(jstInstant(filedOn, c.minute), earlier.filedAt + MS_PER_MINUTE);
      filedOn = utcDateOf(filedAt + 9 * 3_600_000);
      incident = link.day > 0 && c.filedAfter % 2 === 0 ? addDays(filedOn, -1) : filedOn;
      followUpOf = earlier.claimId;
    } else if (link.kind === 'soon') {
      const earlier = filed.at(-1)!;
      device = earlier.device;
      filedOn = addDays(earlier.filedOn, link.days);
      incident = earlier.incident;
    } else {
      device = c.device % spec.devices.length;
      const start = deliveredOn[device]!;
      incident =
        c.incident.after === 'delivery'
          ? addDays(start, c.incident.days)
          : addDays(twoYearsAfter(spec.orderDate), c.incident.days);
      filedOn = addDays(incident > start ? incident : start, c.filedAfter);
    }
    filedAt ??= jstInstant(filedOn, c.minute);
    add('ClaimFiled', filedAt, 0, {
      claimId,
      deviceId: `D${device + 1}`,
      cause: c.cause,
      incidentDate: incident,
      ...(followUpOf ? { followUpOf } : {}),
    });
    if (c.withdraw)
      add('ClaimWithdrawn', filedAt + c.withdraw.days * DAY + c.withdraw.minute * MS_PER_MINUTE, c.withdraw.delayDays, {
        claimId,
      });
    const deliveredDay = addDays(filedOn, c.deliveredAfter);
    const deliveredAt = jstInstant(deliveredDay, c.minute);
    let fixedOn: CalendarDate | undefined;
    if (c.path === 'replacement') {
      add('ReplacementDelivered', deliveredAt, 0, {
        claimId,
        ...(c.deviceValueYen === undefined ? {} : { deviceValueYen: c.deviceValueYen }),
      });
      fixedOn = deliveredDay;
      if (c.returned)
        add(
          'DeviceReturned',
          jstInstant(addDays(deliveredDay, c.returned.days), c.returned.minute),
          c.returned.delayDays,
          { claimId },
        );
    } else if (c.path === 'loaner') {
      add('LoanerDelivered', deliveredAt, 0, { claimId, loanerValueYen: c.loanerValueYen });
      if (c.faulty)
        add(
          'FaultyDeviceReceived',
          jstInstant(addDays(deliveredDay, c.faulty.days), c.faulty.minute),
          c.faulty.delayDays,
          { claimId },
        );
      if (c.repaired) {
        const repairedDay = addDays(deliveredDay, c.repaired.days);
        add('RepairedDeviceDelivered', jstInstant(repairedDay, c.repaired.minute), 0, { claimId });
        fixedOn = repairedDay;
        if (c.returned)
          add(
            'LoanerReturned',
            jstInstant(addDays(repairedDay, c.returned.days), c.returned.minute),
            c.returned.delayDays,
            { claimId },
          );
      }
    }
    // A loaner damaged while lent; now and then for a claim that has no loaner (refused NO_LOANER).
    const d = c.damaged;
    if (d && (c.path === 'loaner' || d.onOther < 10)) {
      const damagedOn = addDays(deliveredDay, d.days);
      add('LoanerDamaged', jstInstant(damagedOn, d.minute), d.delayDays, { claimId, repairCostYen: d.repairCostYen });
      if (d.again !== undefined)
        add('LoanerDamaged', jstInstant(addDays(damagedOn, d.again), (d.minute + 7) % 1440), d.delayDays, {
          claimId,
          repairCostYen: d.repairCostYen,
        });
    }
    filed.push({ claimId, device, filedAt, filedOn, incident, ...(fixedOn ? { fixedOn } : {}) });
  });
  const closes: CloseStep[] = [];
  for (
    let m = jstMonth(new Date(orderAt).toISOString());
    m <= addMonths(jstMonth(new Date(lastArrival).toISOString()), 1);
    m = addMonths(m, 1)
  ) {
    closes.push({ type: 'close', month: m, arrives: Date.parse(closeTimeFor(m)) });
  }
  // Stable sort: equal arrival keeps generation order (an event before the close at the same instant).
  const sweeps: SweepStep[] = spec.sweeps
    .map((w) => jstInstant(addDays(spec.orderDate, w.daysAfterOrder), w.minute))
    .filter((at) => at <= lastArrival + 40 * DAY)
    .map((at) => ({ type: 'sweep', at, arrives: at }));
  return [...events, ...closes, ...sweeps].sort((a, b) => a.arrives - b.arrives);
}

/** How each event's occurredAt is written: by default as JST (+09:00), with the history's own seconds. */
export type Writer = (ms: number, index: number) => string;
export const asJst: Writer = (ms) => formatInstant(ms, '+09:00');

export function inboundEvent(step: EventStep, write?: Writer, index = 0) {
  const occurredAt = write ? write(step.at, index) : formatInstant(step.at, '+09:00', step.seconds ?? '');
  return event(step.detailType, { eventId: step.eventId, ...step.detail, occurredAt } as Parameters<typeof event>[1]);
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
export function replay(
  steps: readonly Step[],
  opts: { write?: Writer; times?: number; afterClose?: (c: Customer, month: Month) => void } = {},
): Run {
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
