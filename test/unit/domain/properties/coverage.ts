// What a generated history exercises of the rules (billing rules §4, §5; contract §1): run in
// business order on the pure engine, then closed through its last month, and read back. The
// generator test counts these over many histories so that a generator that stopped producing
// a case (the properties would then pass vacuously) is seen; its shares are printed by
// `npx tsx test/unit/domain/properties/coverage.ts [runs] [seed]`.
import fc from 'fast-check';
import { addDays, type CalendarDate, daysBetween, jstDate } from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import {
  type EventStep,
  type HistorySpec,
  historySpec,
  historySteps,
  inboundEvent,
  LONG_FRACTIONS,
} from './arbitraries.ts';
import { inOrderRun } from './book-run.ts';

export const CASES = [
  'used device without protection',
  'used device with protection',
  'guarantee claim without protection',
  'guarantee claim with protection',
  'initial defect on day 30 of use',
  'initial defect on day 31 of use',
  'network restriction of a used device',
  'used natural failure after purchase + 24 months',
  'used natural failure in the last days before purchase + 24 months',
  'follow-up filed on D+7',
  'follow-up filed on D+8',
  'free follow-up (basis follow_up)',
  'use 1 withdrawn while a use 2 stands (renumbered)',
  're-exchange, earlier replacement back by N+7',
  're-exchange, earlier replacement not back by N+7 (charged)',
  're-exchange refused: earlier replacement had no deviceValueYen',
  'loaner damaged (billed)',
  'loaner damage refused: NO_LOANER',
  'loaner damaged twice (billed once)',
  'timestamp without seconds',
  'timestamp with a long fraction',
] as const;
export type Case = (typeof CASES)[number];

const eventsOf = (spec: HistorySpec): InboundEvent[] =>
  historySteps(spec, { inOrder: true })
    .filter((s): s is EventStep => s.type === 'event')
    .map((s) => inboundEvent(s));

/** The cases one history exercises. */
export function casesOf(spec: HistorySpec): Set<Case> {
  const events = eventsOf(spec);
  const run = inOrderRun(events);
  const out = new Set<Case>();
  const state = run.book.state;
  const order = events.find((e) => e.detailType === 'OrderPlaced')!;
  const placedOn = jstDate(order.detail.occurredAt);
  for (const d of Object.values(state.devices)) {
    if (d.condition === 'used' && d.deliveredOn)
      out.add(d.protection ? 'used device with protection' : 'used device without protection');
  }
  const decisions = new Map<string, Record<string, unknown>>();
  for (const p of run.published) {
    if (!p.id.startsWith('ClaimAdjudicated/')) continue;
    const seen = decisions.get(p.id);
    if (!seen || Number(p.detail.revision) > Number(seen.revision)) decisions.set(p.id, p.detail);
  }
  for (const claim of Object.values(state.claims)) {
    const device = state.devices[claim.deviceId]!;
    const decision = decisions.get(`ClaimAdjudicated/${claim.claimId}`);
    const start = device.deliveredOn;
    if (!start || !decision) continue;
    const dayOfUse = daysBetween(start, claim.incidentDate) + 1;
    if (decision.basis === 'guarantee')
      out.add(device.protection ? 'guarantee claim with protection' : 'guarantee claim without protection');
    if (claim.cause === 'initial_defect' && device.condition === 'used' && dayOfUse === 30)
      out.add('initial defect on day 30 of use');
    if (claim.cause === 'initial_defect' && device.condition === 'used' && dayOfUse === 31)
      out.add('initial defect on day 31 of use');
    if (claim.cause === 'network_restriction' && device.condition === 'used')
      out.add('network restriction of a used device');
    if (claim.cause === 'natural_failure' && device.condition === 'used' && device.protection) {
      const limit = twoYearsAfter(placedOn);
      if (claim.incidentDate > limit) out.add('used natural failure after purchase + 24 months');
      else if (daysBetween(claim.incidentDate, limit) <= 2)
        out.add('used natural failure in the last days before purchase + 24 months');
    }
    if (decision.basis === 'follow_up') out.add('free follow-up (basis follow_up)');
    const earlier = claim.followUpOf ? state.claims[claim.followUpOf] : undefined;
    const fixed = earlier?.replacementDeliveredOn ?? earlier?.repairedDeliveredOn;
    if (earlier?.decision === 'accepted' && fixed) {
      const day = daysBetween(fixed, claim.filedOn);
      if (day === 7) out.add('follow-up filed on D+7');
      if (day === 8) out.add('follow-up filed on D+8');
    }
    if (claim.reexchange && claim.replacementDeliveredOn) {
      const back =
        claim.deviceReturnedOn !== undefined && claim.deviceReturnedOn <= addDays(claim.replacementDeliveredOn, 7);
      out.add(
        back
          ? 're-exchange, earlier replacement back by N+7'
          : 're-exchange, earlier replacement not back by N+7 (charged)',
      );
    }
  }
  const ledger = run.ledger;
  if (ledger.some((e) => e.kind === 'exchange_fee' && /\/r\d+$/.test(e.entryId) && e.amountYen === 5_500))
    out.add('use 1 withdrawn while a use 2 stands (renumbered)');
  if (ledger.some((e) => e.kind === 'loaner_repair_charge' && e.amountYen > 0)) out.add('loaner damaged (billed)');
  const reasons = [...run.outcomes.values()].flatMap((o) => ('reason' in o ? [o.reason] : []));
  if (reasons.some((r) => r.startsWith('DEVICE_VALUE_MISSING')))
    out.add('re-exchange refused: earlier replacement had no deviceValueYen');
  if (reasons.some((r) => r.startsWith('NO_LOANER'))) out.add('loaner damage refused: NO_LOANER');
  if (reasons.some((r) => r.startsWith('ALREADY_RECORDED: the loaner'))) out.add('loaner damaged twice (billed once)');
  for (const e of events) {
    const at = e.detail.occurredAt;
    if (/T\d{2}:\d{2}(?:[+-]|Z)/.test(at)) out.add('timestamp without seconds');
    if (LONG_FRACTIONS.some((f) => at.includes(f))) out.add('timestamp with a long fraction');
  }
  return out;
}

/** The same month and day two years later (28 February for a 29th that has none), as the generator places it. */
function twoYearsAfter(date: CalendarDate): CalendarDate {
  const moved = `${Number(date.slice(0, 4)) + 2}${date.slice(4)}`;
  return new Date(`${moved}T00:00:00Z`).toISOString().slice(0, 10) === moved ? moved : `${moved.slice(0, 8)}28`;
}

/** How many of `runs` histories drawn with `seed` exercise each case. */
export function coverage(runs: number, seed: number): Record<Case, number> {
  const counts = Object.fromEntries(CASES.map((c) => [c, 0])) as Record<Case, number>;
  for (const spec of fc.sample(historySpec, { seed, numRuns: runs })) for (const c of casesOf(spec)) counts[c]++;
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? 42);
  const counts = coverage(runs, seed);
  for (const c of CASES)
    console.log(`${String(counts[c]).padStart(5)}  ${((100 * counts[c]) / runs).toFixed(1).padStart(5)} %  ${c}`);
}
