// The randomized streams: one customer history each, drawn with the engine property tests'
// generator (orders of new and used devices, deliveries that may arrive weeks late, voids,
// payoffs, cancellations, claims — guarantee claims, follow-ups, withdrawals that renumber,
// re-exchanges — and their logistics, loaner damage among them), renamed to its own customer and eventIds, then merged into one
// timeline in arrival order and cut into windows by the steps every customer shares: the
// monthly closes and a periodic deadline sweep. Each event carries its place in business order
// (§0), in which the oracle applies a window's events.
import fc from 'fast-check';
import { addDays, addMonths, jstDate, jstMonth, keyOf, type Month } from '#shared/domain/index.ts';
import { type Consumer, routesFor } from '#shared/routing.ts';
import { INBOUND_SOURCES, type InboundEvent } from '#shared/schemas/inbound.ts';
import { closeTimeFor } from '#test/support/scenario.ts';
import {
  type EventStep,
  formatInstant,
  fraction,
  historySpec,
  historySteps,
  inboundEvent,
  offset,
  reexchangeChargedSpec,
  reexchangeWithoutValueSpec,
} from '#test/unit/domain/properties/arbitraries.ts';

export interface StreamEvent {
  customerId: string;
  eventId: string;
  consumer: Consumer;
  /** Its place in business order (`keyOf`): occurredAt, lifecycle rank, eventId. */
  key: string;
  /** When it reaches the pipeline (epoch ms): its business time plus any delivery delay. */
  arrives: number;
  /** As the oracle sends it: occurredAt written in JST. */
  inJst: InboundEvent;
  /** The same instant written with another offset and fraction, as the chaos run sends it. */
  rewritten: InboundEvent;
}

export type Barrier = { type: 'close'; month: Month; at: string } | { type: 'sweep'; at: string };

export interface Window {
  /** The events arriving before the barrier, in arrival order. */
  events: StreamEvent[];
  barrier?: Barrier;
}

export interface Timeline {
  customerIds: string[];
  events: StreamEvent[];
  windows: Window[];
  months: Month[];
}

export interface TimelineOptions {
  seed: number;
  customers: number;
  sweepEveryDays: number;
  /** Only the first this many months (their events and closes): a shorter, cheaper timeline. */
  months?: number;
}

const writings = fc.array(fc.tuple(offset, fraction), { minLength: 1, maxLength: 8 });
const customerStream = fc.record({ spec: historySpec, writings });
/**
 * One customer in twenty has a re-exchange whose earlier replacement has no deviceValueYen (its
 * ReplacementDelivered never applies, in any arrival order), and another a charged re-exchange
 * of a free follow-up, so that every run has both, whatever the seed.
 */
const FORCED_EVERY = 20;
const FORCED = [
  { at: 7, stream: fc.record({ spec: reexchangeWithoutValueSpec, writings }) },
  { at: 13, stream: fc.record({ spec: reexchangeChargedSpec, writings }) },
];

function consumerOf(event: InboundEvent): Consumer {
  return routesFor({ source: INBOUND_SOURCES[event.detailType], 'detail-type': event.detailType })[0]!.consumer;
}

function customerIdOf(n: number): string {
  return `C${String(n + 1).padStart(5, '0')}`;
}

/**
 * Every tenth customer names its order, devices and claims with ids that are property names of
 * Object.prototype: valid ids, which the engine keeps in plain-object records.
 */
const HOSTILE_IDS: Record<string, string> = {
  O1: '__proto__',
  D1: '__proto__',
  D2: 'constructor',
  D3: 'toString',
  CL1: 'hasOwnProperty',
  CL2: '__defineGetter__',
  CL3: 'valueOf',
  CL4: 'prototype',
};
const ID_KEYS = new Set(['orderId', 'deviceId', 'claimId', 'followUpOf']);

function renameIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      ID_KEYS.has(k) && typeof v === 'string' ? (HOSTILE_IDS[v] ?? v) : renameIds(v),
    ]),
  );
}

export function buildTimeline(options: TimelineOptions): Timeline {
  const drawn = fc.sample(customerStream, { seed: options.seed, numRuns: options.customers });
  for (const { at, stream } of FORCED) {
    fc.sample(stream, { seed: options.seed + at, numRuns: Math.ceil(options.customers / FORCED_EVERY) }).forEach(
      (forced, k) => {
        const n = k * FORCED_EVERY + at;
        if (n < drawn.length) drawn[n] = forced;
      },
    );
  }
  const customerIds: string[] = [];
  const perCustomer: StreamEvent[][] = drawn.map(({ spec, writings }, n) => {
    const customerId = customerIdOf(n);
    customerIds.push(customerId);
    const hostile = n % 10 === 9;
    const steps = historySteps(spec)
      .filter((s): s is EventStep => s.type === 'event')
      .map((s) => (hostile ? { ...s, detail: renameIds(s.detail) as Record<string, unknown> } : s));
    return steps.map((step, i) => {
      const own: EventStep = {
        ...step,
        eventId: `${customerId}-${step.eventId}`,
        detail: { ...step.detail, customerId },
      };
      const [off, frac] = writings[i % writings.length]!;
      const inJst = inboundEvent(own);
      return {
        customerId,
        eventId: own.eventId,
        consumer: consumerOf(inJst),
        key: keyOf(inJst),
        arrives: step.arrives,
        inJst,
        rewritten: inboundEvent(own, (ms) => formatInstant(ms, off, frac)),
      };
    });
  });
  // Arrival order; ties keep each customer's own order (the generator's).
  const all = perCustomer.flat().sort((a, b) => a.arrives - b.arrives);
  const first = all[0]!.arrives;
  const months: Month[] = [];
  for (
    let m = jstMonth(new Date(first).toISOString());
    m <= addMonths(jstMonth(new Date(all.at(-1)!.arrives).toISOString()), 1);
    m = addMonths(m, 1)
  )
    months.push(m);
  months.splice(options.months ?? months.length);
  const events = all.filter((e) => e.arrives <= Date.parse(closeTimeFor(months.at(-1)!)));
  const barriers: { at: number; barrier: Barrier }[] = months.map((month) => ({
    at: Date.parse(closeTimeFor(month)),
    barrier: { type: 'close', month, at: closeTimeFor(month) },
  }));
  const end = barriers.at(-1)!.at;
  for (let day = jstDate(new Date(first).toISOString()); ; day = addDays(day, options.sweepEveryDays)) {
    const at = `${day}T03:00:00+09:00`;
    if (Date.parse(at) >= end) break;
    barriers.push({ at: Date.parse(at), barrier: { type: 'sweep', at } });
  }
  barriers.sort((a, b) => a.at - b.at);
  const windows: Window[] = [];
  let next = 0;
  for (const { at, barrier } of barriers) {
    const start = next;
    while (next < events.length && events[next]!.arrives <= at) next++;
    windows.push({ events: events.slice(start, next), barrier });
  }
  if (next < events.length) windows.push({ events: events.slice(next) });
  return { customerIds, events, windows, months };
}
