// The synthetic population of the engine benchmark: one seeded life per customer, as the
// inbound events the real pipeline would receive. Customer i's life depends only on the seed
// and i, so any chunking of the population replays the same histories.
import type { InboundEvent } from '#shared/schemas/inbound.ts';

const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;

/** mulberry32: small, fast and good enough to pick a mix; not for anything secret. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed per customer, so that neighbouring customers do not get correlated streams. */
function customerSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

export interface Window {
  /** The first month the benchmark closes; the population's customers arrive in its first quarter. */
  firstMonth: string;
  months: number;
}

export interface CustomerLife {
  customerId: string;
  /** The month closed before the first event: the pipeline's global close at sign-up. */
  closedThrough: string;
  /** In business-time order, each with the JST month it occurs in. */
  events: { month: string; event: InboundEvent }[];
}

/** Epoch ms of a JST day number (days since 1970-01-01) at a minute of that day. */
const instant = (day: number, minute: number): number => day * DAY_MS - JST_OFFSET_MS + minute * 60_000;
const jstIso = (ms: number): string => `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
const jstDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOfIndex = (index: number): string =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
const dayOfMonthStart = (index: number): number => Date.UTC(Math.floor(index / 12), index % 12, 1) / DAY_MS;

const CAUSES_WITH_FEE = ['water_damage', 'partial_damage', 'total_loss'] as const;

/**
 * One customer's life in the window: one or two orders of one to three devices (lump sum, or
 * 12/24/36 installments; new or used; mostly with protection), a few voids and rejections,
 * payoffs and cancellations, and claims on protected devices: exchanges whose old device comes
 * back on time, late or never, repairs with a loaner returned on time or late, withdrawals,
 * and refused causes.
 */
export function customerLife(seed: number, index: number, window: Window): CustomerLife {
  const rnd = prng(customerSeed(seed, index));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const customerId = `C${String(index).padStart(7, '0')}`;
  const first = monthIndex(window.firstMonth);
  const windowStart = dayOfMonthStart(first);
  const windowEnd = dayOfMonthStart(first + window.months) - 1;
  const raw: { at: number; detailType: InboundEvent['detailType']; detail: Record<string, unknown> }[] = [];
  let n = 0;
  const add = (at: number, detailType: InboundEvent['detailType'], detail: Record<string, unknown>): void => {
    raw.push({
      at,
      detailType,
      detail: { eventId: `${customerId}/e${++n}`, customerId, occurredAt: jstIso(at), ...detail },
    });
  };
  // Half the events fall in 00:00–08:59 JST, the previous UTC day, as real senders' do.
  const minute = (): number => (rnd() < 0.5 ? int(0, 539) : int(0, 1439));
  let deviceCount = 0;
  let claimCount = 0;
  const orders = rnd() < 0.25 ? 2 : 1;
  for (let o = 1; o <= orders; o++) {
    const orderId = `O${o}`;
    const orderDay = o === 1 ? windowStart + int(0, 89) : windowStart + int(120, 270);
    // At most five devices in all, so that no order is refused by the device or plan limits.
    const devices = Array.from({ length: Math.min(pick([1, 1, 2, 2, 2, 3]), 5 - deviceCount) }, () => {
      const condition = rnd() < 0.2 ? 'used' : 'new';
      const protection = rnd() < 0.75 ? { monthlyFeeYen: condition === 'used' ? 550 : pick([418, 550]) } : undefined;
      const months = pick([0, 12, 24, 24, 36]);
      return {
        deviceId: `D${++deviceCount}`,
        model: pick(['Pixel 9', 'iPhone 16', 'Galaxy S25', 'Xperia 1 VI']),
        condition,
        priceYen: int(20_000, 220_000),
        payment: months ? { plan: 'installments', months } : { plan: 'lump_sum' },
        ...(protection ? { protection } : {}),
      };
    });
    const paymentMethod = rnd() < 0.02 ? 'debit_card' : 'credit_card'; // refused: PAYMENT_METHOD
    const placedAt = instant(orderDay, minute());
    add(placedAt, 'OrderPlaced', {
      orderId,
      customer: { birthDate: `19${int(60, 99)}-0${int(1, 9)}-1${int(0, 9)}` },
      paymentMethod,
      devices,
    });
    if (paymentMethod !== 'credit_card') continue;
    if (rnd() < 0.03) {
      add(placedAt + int(1, 40) * 3_600_000, 'OrderVoided', { orderId, reason: 'suspected resale' });
      continue;
    }
    for (const device of devices) {
      const deliveredDay = orderDay + int(1, 6);
      add(instant(deliveredDay, minute()), 'DeviceDelivered', { orderId, deviceId: device.deviceId });
      if (device.payment.plan === 'installments' && rnd() < 0.05) {
        add(instant(deliveredDay + int(20, 300), minute()), 'InstallmentPayoffRequested', {
          deviceId: device.deviceId,
        });
      }
      if (!device.protection) continue;
      if (rnd() < 0.08) {
        const on = deliveredDay + int(10, 300);
        add(instant(on, minute()), 'ProtectionCancelled', {
          deviceId: device.deviceId,
          ...(rnd() < 0.5 ? { effectiveDate: jstDay(on + int(0, 45)) } : {}),
        });
      }
      const claims = rnd() < 0.2 ? int(1, 3) : 0;
      let day = deliveredDay;
      for (let c = 0; c < claims; c++) {
        const claimId = `K${++claimCount}`;
        const incident = day + int(5, 120);
        const filedDay = incident + int(0, 3);
        const cause = rnd() < 0.85 ? pick(CAUSES_WITH_FEE) : pick(['theft', 'natural_failure', 'initial_defect']);
        add(instant(filedDay, minute()), 'ClaimFiled', {
          claimId,
          deviceId: device.deviceId,
          cause,
          incidentDate: jstDay(incident),
        });
        const sentDay = filedDay + int(1, 4);
        const path = rnd();
        if (path < 0.05) {
          add(instant(filedDay, 1439), 'ClaimWithdrawn', { claimId });
        } else if (path < 0.75) {
          add(instant(sentDay, minute()), 'ReplacementDelivered', { claimId });
          const back = rnd();
          if (back < 0.75) add(instant(sentDay + int(1, 14), minute()), 'DeviceReturned', { claimId });
          else if (back < 0.92) add(instant(sentDay + int(15, 40), minute()), 'DeviceReturned', { claimId }); // late: penalty
        } else {
          add(instant(sentDay, minute()), 'LoanerDelivered', { claimId, loanerValueYen: int(5_000, 40_000) });
          const faultyDay = sentDay + (rnd() < 0.85 ? int(1, 14) : int(15, 30)); // late: loaner charge
          add(instant(faultyDay, minute()), 'FaultyDeviceReceived', { claimId });
          const repairedDay = faultyDay + int(3, 12);
          add(instant(repairedDay, minute()), 'RepairedDeviceDelivered', { claimId });
          add(instant(repairedDay + (rnd() < 0.85 ? int(1, 14) : int(15, 30)), minute()), 'LoanerReturned', {
            claimId,
          });
        }
        day = filedDay + int(20, 120);
      }
    }
  }
  raw.sort((a, b) => a.at - b.at);
  const lastInstant = instant(windowEnd, 1439);
  const events = raw
    .filter((e) => e.at <= lastInstant)
    .map((e) => ({
      month: (e.detail.occurredAt as string).slice(0, 7),
      event: { detailType: e.detailType, detail: e.detail } as InboundEvent,
    }));
  return { customerId, closedThrough: monthOfIndex(first - 1), events };
}
