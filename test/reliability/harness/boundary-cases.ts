// Events at the edges of the contract (event-contract §1, billing rules §0): two customers whose
// every id is as long as allowed and made of the extreme printable characters '!' and '~', whose
// amounts are 1 and 10,000,000 yen, through an order, deliveries, a payoff, claims, a loaner (and
// its damage), a cancellation and an exchange, some written without seconds or with a 200-digit
// fraction. Every one of them must be applied. Then the same events each with one id or
// amount just outside its bound, which must be dead-lettered naming that field and change nothing.

import { MAX_YEN_AMOUNT } from '#shared/domain/policy.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { event } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';
import { clone, leafPaths } from '#test/unit/schemas/fixtures.ts';
import { BAD_ID_CHARACTERS, BAD_YEN, consumerOf, type FuzzCase, withCharacter } from './fuzz-cases.ts';

const ID_LIMITS: Record<string, number> = {
  eventId: 128,
  customerId: 64,
  orderId: 128,
  deviceId: 128,
  claimId: 128,
  followUpOf: 128,
};
const YEN_KEYS = new Set(['priceYen', 'monthlyFeeYen', 'loanerValueYen', 'deviceValueYen', 'repairCostYen']);

/** `n` in binary over `width` characters, '!' for 0 and '~' for 1: distinct ids of the two extremes. */
const bits = (n: number, width: number, zero = '!', one = '~'): string =>
  n.toString(2).padStart(width, '0').replace(/0/g, zero).replace(/1/g, one);

const DAY = 86_400_000;
/** A JST timestamp `days` after 2 November 2026, 10:00 JST. */
const at = (days: number): string =>
  new Date(Date.parse('2026-11-02T01:00:00Z') + days * DAY).toISOString().replace('.000Z', 'Z');
/** The same instant in JST without seconds (contract §1: seconds optional). */
const withoutSeconds = (days: number): string =>
  `${new Date(Date.parse(at(days)) + 9 * 3_600_000).toISOString().slice(0, 16)}+09:00`;
/** The same instant with a 200-digit fraction (any number of digits; the instant is read to the millisecond). */
const longFraction = (days: number): string => at(days).replace('Z', `.${'0'.repeat(199)}1Z`);

/** One customer's boundary history, in business order; `c` is '!' or '~'. */
function history(c: '!' | '~'): InboundEvent[] {
  const other = c === '!' ? '~' : '!';
  const customerId = c.repeat(64);
  const orderId = c.repeat(128);
  const devices = [0, 1, 2, 3, 4].map((i) => bits(i, 128, c, other));
  const [claim, followUp, exchange] = [bits(0, 128, other, c), bits(1, 128, other, c), bits(2, 128, other, c)];
  let serial = 0;
  // Every eventId is 128 characters of '!' and '~', the customer's own character first.
  const send = (detailType: string, occurredAt: string, detail: Record<string, unknown>) =>
    event(detailType, { eventId: `${c}${bits(serial++, 127)}`, customerId, occurredAt, ...detail });
  const device = (i: number, priceYen: number, payment: Record<string, unknown>, monthlyFeeYen?: number) => ({
    deviceId: devices[i],
    model: 'Pixel 10',
    condition: 'new',
    priceYen,
    payment,
    ...(monthlyFeeYen ? { protection: { monthlyFeeYen } } : {}),
  });
  return [
    send('OrderPlaced', at(0), {
      orderId,
      customer: { birthDate: '1990-04-01' },
      paymentMethod: 'credit_card',
      devices: [
        device(0, MAX_YEN_AMOUNT, { plan: 'lump_sum' }, 550),
        device(1, 1, { plan: 'installments', months: 2 }, 418),
        device(2, MAX_YEN_AMOUNT, { plan: 'installments', months: 48 }),
        device(3, 1, { plan: 'lump_sum' }),
        device(4, MAX_YEN_AMOUNT, { plan: 'installments', months: 2 }),
      ],
    }),
    ...devices.map((deviceId) => send('DeviceDelivered', at(1), { orderId, deviceId })),
    // Requested in the delivery month, so it bills the whole 10,000,000 at once.
    send('InstallmentPayoffRequested', at(2), { deviceId: devices[2] }),
    send('ClaimFiled', at(3), {
      claimId: claim,
      deviceId: devices[0],
      cause: 'partial_damage',
      incidentDate: at(2).slice(0, 10),
    }),
    send('LoanerDelivered', at(4), { claimId: claim, loanerValueYen: MAX_YEN_AMOUNT }),
    send('FaultyDeviceReceived', at(5), { claimId: claim }),
    send('LoanerDamaged', withoutSeconds(7), { claimId: claim, repairCostYen: MAX_YEN_AMOUNT }),
    send('RepairedDeviceDelivered', at(10), { claimId: claim }),
    send('LoanerReturned', at(12), { claimId: claim }),
    send('ClaimFiled', at(13), {
      claimId: followUp,
      deviceId: devices[0],
      cause: 'partial_damage',
      incidentDate: at(12).slice(0, 10),
      followUpOf: claim,
    }),
    send('ClaimWithdrawn', at(14), { claimId: followUp }),
    send('ProtectionCancelled', at(15), { deviceId: devices[1], effectiveDate: at(20).slice(0, 10) }),
    send('ClaimFiled', withoutSeconds(16), {
      claimId: exchange,
      deviceId: devices[0],
      cause: 'total_loss',
      incidentDate: at(15).slice(0, 10),
    }),
    send('ReplacementDelivered', longFraction(17), { claimId: exchange, deviceValueYen: MAX_YEN_AMOUNT }),
    send('DeviceReturned', withoutSeconds(18), { claimId: exchange }),
  ];
}

/** The valid boundary events of both customers, each customer's in business order. */
export function boundaryEvents(): InboundEvent[] {
  return [...history('!'), ...history('~')];
}

type Path = (string | number)[];
const keyOf = (path: Path): string => String(path[path.length - 1]);
const valueAt = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);

function withValue(detail: unknown, path: Path, value: unknown): Record<string, unknown> {
  const copy = clone(detail) as Record<string, unknown>;
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return copy;
}

/**
 * Each boundary event with one id or amount just outside its bound: an id one character too
 * long, empty, or with one character outside U+0021–U+007E; an amount of 0, 10,000,001,
 * 2^53 − 1, a fraction. Each gets a fresh eventId (unless the eventId is what is broken), so it
 * would be a new event if it got through.
 */
export function boundaryInvalidCases(events: readonly InboundEvent[]): FuzzCase[] {
  const cases: FuzzCase[] = [];
  events.forEach((base, index) => {
    const detail = { ...base.detail, eventId: bits(2 ** 20 + index, 128, '~', '!') };
    for (const path of leafPaths(detail)) {
      const key = keyOf(path);
      const limit = ID_LIMITS[key];
      const value = valueAt(detail, path);
      const bad =
        limit !== undefined
          ? ['', '~'.repeat(limit + 1), ...BAD_ID_CHARACTERS.map((c) => withCharacter(String(value), c))]
          : YEN_KEYS.has(key)
            ? BAD_YEN
            : [];
      for (const wrong of bad) {
        const broken = withValue(detail, path, wrong);
        cases.push({
          kind: limit !== undefined ? 'bad-id' : 'bad-yen',
          consumer: consumerOf(base.detailType),
          body: busEventBody({ detailType: base.detailType, detail: broken }),
          field: path.join('.'),
          customerId: base.detail.customerId,
        });
      }
    }
  });
  return cases;
}
