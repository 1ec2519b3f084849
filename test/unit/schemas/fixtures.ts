import fc from 'fast-check';
import { jstDate } from '../../../shared/domain/calendar.ts';
import { MAX_YEN_AMOUNT } from '../../../shared/domain/policy.ts';
import {
  CLAIM_CAUSES,
  type InboundDetailOf,
  type InboundDetailType,
  PAYMENT_METHODS,
} from '../../../shared/schemas/inbound.ts';

/** One hand-written valid detail per inbound type, with every optional field present. */
export const validDetails: { [K in InboundDetailType]: InboundDetailOf<K> } = {
  OrderPlaced: {
    eventId: 'evt-order-1',
    customerId: 'cust-1',
    occurredAt: '2026-11-13T08:30:00+09:00',
    orderId: 'ord-1',
    customer: { birthDate: '1990-04-01' },
    paymentMethod: 'credit_card',
    devices: [
      {
        deviceId: 'dev-1',
        model: 'Pixel 10',
        condition: 'new',
        priceYen: 39_800,
        payment: { plan: 'installments', months: 24 },
        protection: { monthlyFeeYen: 418 },
        lineWarrantyOption: false,
      },
      {
        deviceId: 'dev-2',
        model: 'iPhone 15 (used)',
        condition: 'used',
        priceYen: 50_000,
        payment: { plan: 'lump_sum' },
      },
      {
        deviceId: 'dev-3',
        model: 'Galaxy S26',
        condition: 'new',
        priceYen: 120_000,
        payment: { plan: 'installments', months: 48 },
      },
    ],
  },
  OrderVoided: {
    eventId: 'evt-2',
    customerId: 'cust-1',
    occurredAt: '2026-11-12T23:30:00Z',
    orderId: 'ord-1',
    reason: 'suspected resale',
  },
  InstallmentPayoffRequested: {
    eventId: 'evt-3',
    customerId: 'cust-1',
    occurredAt: '2026-12-01T00:00:00.5+09:00',
    deviceId: 'dev-1',
  },
  ProtectionCancelled: {
    eventId: 'evt-4',
    customerId: 'cust-1',
    occurredAt: '2026-12-10T10:00:00+09:00',
    deviceId: 'dev-1',
    effectiveDate: '2027-01-15',
  },
  ClaimFiled: {
    eventId: 'evt-5',
    customerId: 'cust-1',
    occurredAt: '2027-02-01T12:00:00-05:00',
    claimId: 'clm-2',
    deviceId: 'dev-1',
    cause: 'water_damage',
    incidentDate: '2027-01-31',
    followUpOf: 'clm-1',
  },
  ClaimWithdrawn: { eventId: 'evt-6', customerId: 'cust-1', occurredAt: '2027-02-02T12:00:00Z', claimId: 'clm-2' },
  DeviceDelivered: {
    eventId: 'evt-7',
    customerId: 'cust-1',
    occurredAt: '2026-11-13T15:00:00+09:00',
    orderId: 'ord-1',
    deviceId: 'dev-1',
  },
  ReplacementDelivered: {
    eventId: 'evt-8',
    customerId: 'cust-1',
    occurredAt: '2027-02-03T09:00:00+09:00',
    claimId: 'clm-2',
    deviceValueYen: 45_000,
  },
  DeviceReturned: { eventId: 'evt-9', customerId: 'cust-1', occurredAt: '2027-02-10T09:00:00+09:00', claimId: 'clm-2' },
  LoanerDelivered: {
    eventId: 'evt-10',
    customerId: 'cust-1',
    occurredAt: '2027-03-01T09:00:00+09:00',
    claimId: 'clm-3',
    loanerValueYen: 30_000,
  },
  FaultyDeviceReceived: {
    eventId: 'evt-11',
    customerId: 'cust-1',
    occurredAt: '2027-03-03T09:00:00+09:00',
    claimId: 'clm-3',
  },
  RepairedDeviceDelivered: {
    eventId: 'evt-12',
    customerId: 'cust-1',
    occurredAt: '2027-03-10T09:00:00+09:00',
    claimId: 'clm-3',
  },
  LoanerReturned: {
    eventId: 'evt-13',
    customerId: 'cust-1',
    occurredAt: '2027-03-12T09:00:00+09:00',
    claimId: 'clm-3',
  },
  // Seconds omitted, as ISO 8601's extended format allows: kept exactly as sent.
  LoanerDamaged: {
    eventId: 'evt-14',
    customerId: 'cust-1',
    occurredAt: '2027-03-05T09:00+09:00',
    claimId: 'clm-3',
    repairCostYen: 12_100,
  },
};

/** Keys the contract marks optional (`?`); every other key is required. */
export const OPTIONAL_KEYS = new Set([
  'protection',
  'lineWarrantyOption',
  'effectiveDate',
  'followUpOf',
  'deviceValueYen',
]);

// JSON round trip, not structuredClone: generated details may share sub-objects (fc.constant),
// and structuredClone would keep them shared, so a mutation at one path would hit several.
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// ---- fast-check arbitraries for valid details -------------------------------------------

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isLeap(year: number): boolean {
  // Independent of the code under test: ask the platform whether 29 February exists.
  const d = new Date(Date.UTC(2000, 1, 29));
  d.setUTCFullYear(year, 1, 29);
  return d.getUTCMonth() === 1;
}

const dateParts = fc
  .record({
    year: fc.integer({ min: 1900, max: 2199 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }) => {
    const max = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
    return { year, month, day: Math.min(day, max) };
  });

export const validCalendarDate = dateParts.map(({ year, month, day }) => `${year}-${pad(month)}-${pad(day)}`);

const offset = fc.oneof(
  fc.constant('Z'),
  fc
    .record({ sign: fc.constantFrom('+', '-'), minutes: fc.integer({ min: 0, max: 14 * 60 }) })
    .map(({ sign, minutes }) => `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`),
);

// A fraction of any length: usually up to nanoseconds, sometimes far longer. 230 digits is the
// most that fits MAX_TIMESTAMP_LENGTH (256) with seconds and a ±hh:mm offset.
const digit = fc.constantFrom(...'0123456789');
const fractionDigits = fc.oneof(
  { arbitrary: fc.string({ unit: digit, minLength: 1, maxLength: 9 }), weight: 3 },
  { arbitrary: fc.string({ unit: digit, minLength: 10, maxLength: 230 }), weight: 1 },
);
// Seconds are optional, and a fraction comes only with seconds.
const seconds = fc.option(
  fc
    .tuple(fc.integer({ min: 0, max: 59 }), fc.option(fractionDigits, { nil: undefined }))
    .map(([s, frac]) => `:${pad(s)}${frac === undefined ? '' : `.${frac}`}`),
  { nil: '' },
);

export const validTimestamp = fc
  .tuple(validCalendarDate, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), seconds, offset)
  .map(([date, h, m, sec, off]) => `${date}T${pad(h)}:${pad(m)}${sec}${off}`);

/** The id fields of the contract (each printable ASCII without spaces) and the yen fields. */
export const ID_KEYS = new Set(['eventId', 'customerId', 'orderId', 'deviceId', 'claimId', 'followUpOf']);
export const YEN_KEYS = new Set(['priceYen', 'monthlyFeeYen', 'loanerValueYen', 'deviceValueYen', 'repairCostYen']);

// U+0021..U+007E, with the extremes '!' and '~' drawn often, and ids of the full length too.
const idChar = fc.oneof(
  fc.constantFrom('!', '~'),
  fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
);
const idOf = (max: number) =>
  fc.oneof(
    { arbitrary: fc.string({ unit: idChar, minLength: 1, maxLength: max }), weight: 4 },
    { arbitrary: fc.string({ unit: idChar, minLength: max, maxLength: max }), weight: 1 },
  );
const anyId = idOf(128);
// Every yen amount of an event is 1..MAX_YEN_AMOUNT; the bounds themselves are drawn often.
const positive = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: MAX_YEN_AMOUNT }), weight: 4 },
  { arbitrary: fc.constantFrom(1, MAX_YEN_AMOUNT), weight: 1 },
);

const commonFields = { eventId: idOf(128), customerId: idOf(64), occurredAt: validTimestamp };

const payment = fc.oneof(
  fc.constant({ plan: 'lump_sum' as const }),
  fc.integer({ min: 2, max: 48 }).map((months) => ({ plan: 'installments' as const, months })),
);

const device = fc.record(
  {
    deviceId: anyId,
    model: fc.string({ minLength: 1, maxLength: 200 }),
    condition: fc.constantFrom('new' as const, 'used' as const),
    priceYen: positive,
    payment,
    protection: fc.record({ monthlyFeeYen: positive }),
    lineWarrantyOption: fc.boolean(),
  },
  { requiredKeys: ['deviceId', 'model', 'condition', 'priceYen', 'payment'] },
);

const claimOnly = fc.record({ ...commonFields, claimId: anyId });

export const validDetailArbitraries: { [K in InboundDetailType]: fc.Arbitrary<InboundDetailOf<K>> } = {
  OrderPlaced: fc.record({
    ...commonFields,
    orderId: anyId,
    customer: fc.record({ birthDate: validCalendarDate }),
    paymentMethod: fc.constantFrom(...PAYMENT_METHODS),
    devices: fc.uniqueArray(device, { minLength: 1, maxLength: 5, selector: (d) => d.deviceId }),
  }),
  OrderVoided: fc.record({ ...commonFields, orderId: anyId, reason: fc.string({ minLength: 1, maxLength: 1000 }) }),
  InstallmentPayoffRequested: fc.record({ ...commonFields, deviceId: anyId }),
  ProtectionCancelled: fc.record(
    { ...commonFields, deviceId: anyId, effectiveDate: validCalendarDate },
    { requiredKeys: ['eventId', 'customerId', 'occurredAt', 'deviceId'] },
  ),
  ClaimFiled: fc
    .record(
      {
        ...commonFields,
        claimId: anyId,
        deviceId: anyId,
        cause: fc.constantFrom(...CLAIM_CAUSES),
        incidentDate: validCalendarDate,
        followUpOf: anyId,
      },
      { requiredKeys: ['eventId', 'customerId', 'occurredAt', 'claimId', 'deviceId', 'cause', 'incidentDate'] },
    )
    // An incident is not after the filing day: a later one becomes the filing day, the edge.
    .map((claim) => {
      const filedOn = jstDate(claim.occurredAt);
      return claim.incidentDate > filedOn ? { ...claim, incidentDate: filedOn } : claim;
    }),
  ClaimWithdrawn: claimOnly,
  DeviceDelivered: fc.record({ ...commonFields, orderId: anyId, deviceId: anyId }),
  ReplacementDelivered: fc.record(
    { ...commonFields, claimId: anyId, deviceValueYen: positive },
    { requiredKeys: ['eventId', 'customerId', 'occurredAt', 'claimId'] },
  ),
  DeviceReturned: claimOnly,
  LoanerDelivered: fc.record({ ...commonFields, claimId: anyId, loanerValueYen: positive }),
  FaultyDeviceReceived: claimOnly,
  RepairedDeviceDelivered: claimOnly,
  LoanerReturned: claimOnly,
  LoanerDamaged: fc.record({ ...commonFields, claimId: anyId, repairCostYen: positive }),
};

/** Paths to every primitive (non-object) value of a JSON-like tree. */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

/** Returns a copy of `root` with the value at `path` replaced (or deleted when `value` is DELETE). */
export const DELETE = Symbol('delete');
export function withValueAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = clone(root);
  let node = copy as Record<string | number, unknown>;
  path.slice(0, -1).forEach((key) => {
    node = node[key] as Record<string | number, unknown>;
  });
  const last = path[path.length - 1]!;
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return copy;
}
