// The rules of the used-device guarantee, follow-ups, renumbering, re-exchange and loaner
// damage (billing rules §4, §5) as properties over generated histories, each applied once in
// business order and closed through the month after its last deadline. Every expectation is
// computed from the events themselves (dates, values, which of them applied), not from the
// engine's state; arrival order is the business-order properties' concern.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  type CalendarDate,
  daysBetween,
  jstDate,
  jstMonth,
  keyOf,
  type LedgerEntry,
} from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { event, orderPlaced } from '#test/support/scenario.ts';
import {
  type EventStep,
  type HistorySpec,
  historySpec,
  historySteps,
  inboundEvent,
  netByObligation,
  obligationOf,
} from './arbitraries.ts';
import { BookRun, inBusinessOrder, inOrderRun } from './book-run.ts';
import { finalDecisions } from './business-view.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

type Detail = Record<string, unknown>;

interface Ran {
  events: InboundEvent[];
  run: BookRun;
  /** eventId → its outcome in business order. */
  outcome: (e: InboundEvent) => string;
  /** claimId → its final ClaimAdjudicated. */
  decision: Map<string, Detail>;
  /** obligation → net yen, its entries. */
  charges: Map<string, { net: number; entries: LedgerEntry[] }>;
  penalties: Map<string, Detail>;
}

function runInOrder(spec: HistorySpec): Ran {
  const events = historySteps(spec, { inOrder: true })
    .filter((s): s is EventStep => s.type === 'event')
    .map((s) => inboundEvent(s));
  const run = inOrderRun(events);
  const decisions = finalDecisions(run.published);
  const decision = new Map(
    decisions.filter(([id]) => id.startsWith('ClaimAdjudicated/')).map(([, d]) => [d.claimId as string, d]),
  );
  const penalties = new Map(decisions.filter(([id]) => id.startsWith('PenaltyAssessed/')).map(([id, d]) => [id, d]));
  const charges = new Map<string, { net: number; entries: LedgerEntry[] }>();
  for (const e of run.ledger) {
    const own = charges.get(obligationOf(e)) ?? { net: 0, entries: [] };
    own.net += e.amountYen;
    own.entries.push(e);
    charges.set(obligationOf(e), own);
  }
  return {
    events,
    run,
    outcome: (e) => run.outcomes.get(e.detail.eventId)?.outcome ?? 'none',
    decision,
    charges,
    penalties,
  };
}

const dateOf = (e: InboundEvent): CalendarDate => jstDate(e.detail.occurredAt);
const detailOf = (e: InboundEvent): Detail => e.detail as unknown as Detail;
const ofClaim = (r: Ran, type: string, claimId: string) =>
  r.events.filter((e) => e.detailType === type && detailOf(e).claimId === claimId);
/** The one event of that type and claim that applied, if any. */
const appliedOf = (r: Ran, type: string, claimId: string) =>
  ofClaim(r, type, claimId).find((e) => r.outcome(e) === 'applied');

/** The order's devices, as the history placed them. */
function devicesOf(r: Ran) {
  const order = r.events.find((e) => e.detailType === 'OrderPlaced')!;
  const placedOn = dateOf(order);
  const voided = r.events.some((e) => e.detailType === 'OrderVoided' && r.outcome(e) === 'applied');
  const devices = new Map<
    string,
    { condition: string; protectedToo: boolean; cancelled: boolean; start?: CalendarDate }
  >();
  for (const d of detailOf(order).devices as Detail[]) {
    const deviceId = d.deviceId as string;
    const delivered = r.events.find(
      (e) => e.detailType === 'DeviceDelivered' && detailOf(e).deviceId === deviceId && r.outcome(e) === 'applied',
    );
    const cancelled = r.events.some((e) => e.detailType === 'ProtectionCancelled' && detailOf(e).deviceId === deviceId);
    devices.set(deviceId, {
      condition: d.condition as string,
      protectedToo: d.protection !== undefined,
      cancelled,
      ...(delivered && !voided ? { start: dateOf(delivered) } : {}),
    });
  }
  return { placedOn, voided, devices };
}

/** The same day k months later, or the month's last day when it has none. */
function monthsAfter(date: CalendarDate, k: number): CalendarDate {
  const month = addMonths(date.slice(0, 7), k);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(Math.min(Number(date.slice(8)), last)).padStart(2, '0')}`;
}

/** Whole years from `from` to `on` (a 29 February start completes its year on 1 March). */
function wholeYears(from: CalendarDate, on: CalendarDate): number {
  let years = Number(on.slice(0, 4)) - Number(from.slice(0, 4));
  if (on.slice(5) < from.slice(5)) years--;
  return years;
}

const claimsOf = (r: Ran) => r.events.filter((e) => e.detailType === 'ClaimFiled');

describe('§4 the supply guarantee of used devices', () => {
  it("a used device's network restriction, and its initial defect up to day 30 of use, are accepted free with basis guarantee, with or without protection", () => {
    fc.assert(
      fc.property(historySpec, (spec) => {
        const r = runInOrder(spec);
        const { devices } = devicesOf(r);
        for (const claim of claimsOf(r)) {
          const c = detailOf(claim);
          const device = devices.get(c.deviceId as string)!;
          const decision = r.decision.get(c.claimId as string);
          if (!device.start || !decision) continue;
          const incident = c.incidentDate as CalendarDate;
          const dayOfUse = daysBetween(device.start, incident) + 1;
          const guaranteed =
            device.condition === 'used' &&
            dayOfUse >= 1 &&
            (c.cause === 'network_restriction' || (c.cause === 'initial_defect' && dayOfUse <= 30));
          if (guaranteed) {
            expect(decision, `${c.claimId}: ${c.cause} on day ${dayOfUse} of a used device`).toMatchObject({
              decision: 'accepted',
              basis: 'guarantee',
              feeYen: 0,
            });
            expect(decision.useNumber).toBeUndefined();
            expect(r.charges.get(`fee/${c.claimId}`)?.net ?? 0).toBe(0);
          } else {
            expect(
              decision.basis,
              `${c.claimId}: ${c.cause} on day ${dayOfUse} of a ${device.condition} device`,
            ).not.toBe('guarantee');
          }
          // A new device without protection has only the maker's warranty.
          if (device.condition === 'new' && !device.protectedToo)
            expect(decision).toMatchObject({ decision: 'rejected', reason: 'NO_PROTECTION' });
          // Past day 30 the guarantee has ended, and so has the protection's free initial defect.
          if (device.condition === 'used' && c.cause === 'initial_defect' && dayOfUse > 30) {
            expect(decision, `${c.claimId}: initial defect on day ${dayOfUse}`).toMatchObject({
              decision: 'rejected',
              reason: expect.stringMatching(/^(NO_PROTECTION|COVERAGE_ENDED|WARRANTY_PERIOD_OVER)$/),
            });
          }
        }
      }),
      RUNS,
    );
  });

  it("a used device's natural failure is covered through 24 months after its purchase date (the OrderPlaced's JST date), not after its usage start", () => {
    fc.assert(
      fc.property(historySpec, (spec) => {
        const r = runInOrder(spec);
        const { placedOn, devices } = devicesOf(r);
        const limit = monthsAfter(placedOn, 24);
        for (const claim of claimsOf(r)) {
          const c = detailOf(claim);
          const device = devices.get(c.deviceId as string)!;
          const decision = r.decision.get(c.claimId as string);
          if (!decision || !device.start || c.cause !== 'natural_failure' || device.condition !== 'used') continue;
          const incident = c.incidentDate as CalendarDate;
          if (decision.reason === 'NATURAL_FAILURE_AFTER_24_MONTHS')
            expect(incident > limit, `${c.claimId}: incident ${incident}, purchased ${placedOn}`).toBe(true);
          // Protected, never cancelled, after the usage start: only the 24 months can reject it.
          if (device.protectedToo && !device.cancelled && incident >= device.start && incident > limit) {
            expect(decision, `${c.claimId}: incident ${incident}, purchased ${placedOn}`).toMatchObject({
              decision: 'rejected',
              reason: 'NATURAL_FAILURE_AFTER_24_MONTHS',
            });
          }
        }
      }),
      RUNS,
    );
  });
});

describe('§4 follow-ups and use numbers', () => {
  it('a free follow-up was filed by the end of D+7 (D: the earlier claim’s replacement or repaired device, day 0); one filed on D+8 or later is an ordinary claim', () => {
    fc.assert(
      fc.property(historySpec, (spec) => {
        const r = runInOrder(spec);
        for (const claim of claimsOf(r)) {
          const c = detailOf(claim);
          const decision = r.decision.get(c.claimId as string);
          if (!decision || c.followUpOf === undefined) continue;
          const earlier = c.followUpOf as string;
          const fix = appliedOf(r, 'ReplacementDelivered', earlier) ?? appliedOf(r, 'RepairedDeviceDelivered', earlier);
          const day = fix ? daysBetween(dateOf(fix), dateOf(claim)) : undefined;
          if (decision.basis === 'follow_up') {
            expect(day, `${c.claimId} follows up ${earlier}`).toBeDefined();
            expect(day! >= 0 && day! <= 7, `${c.claimId} filed on D+${day}`).toBe(true);
            expect(r.decision.get(earlier)?.decision).toBe('accepted');
            expect(decision.useNumber).toBeUndefined();
            expect(decision.feeYen).toBe(0);
          }
          if (day !== undefined && day >= 8)
            expect(decision.basis, `${c.claimId} filed on D+${day}`).not.toBe('follow_up');
        }
      }),
      RUNS,
    );
  });

  it('the counted claims of a device and coverage year are uses 1, 2 in filing order, at 5,500 and 8,800 yen, withdrawn ones giving theirs back', () => {
    fc.assert(
      fc.property(historySpec, (spec) => {
        const r = runInOrder(spec);
        const { devices } = devicesOf(r);
        const withdrawn = new Set(
          r.events
            .filter((e) => e.detailType === 'ClaimWithdrawn' && r.outcome(e) === 'applied')
            .map((e) => detailOf(e).claimId as string),
        );
        const years = new Map<string, { claimId: string; key: string }[]>();
        for (const claim of claimsOf(r)) {
          const c = detailOf(claim);
          const claimId = c.claimId as string;
          const decision = r.decision.get(claimId);
          if (!decision) continue;
          const fee = r.charges.get(`fee/${claimId}`)?.net ?? 0;
          if (withdrawn.has(claimId) || decision.useNumber === undefined) {
            expect(fee, `fee of ${claimId}`).toBe(0);
            continue;
          }
          const start = devices.get(c.deviceId as string)!.start!;
          const year = `${c.deviceId} ${wholeYears(start, dateOf(claim))}`;
          years.set(year, [...(years.get(year) ?? []), { claimId, key: keyOf(claim) }]);
        }
        for (const [year, counted] of years) {
          counted.sort((a, b) => (a.key < b.key ? -1 : 1));
          expect(counted.length, `uses of ${year}`).toBeLessThanOrEqual(2);
          counted.forEach(({ claimId }, i) => {
            expect(r.decision.get(claimId), `${claimId}, the ${i + 1}. counted claim of ${year}`).toMatchObject({
              decision: 'accepted',
              basis: 'protection',
              useNumber: i + 1,
              feeYen: [5_500, 8_800][i],
            });
            expect(r.charges.get(`fee/${claimId}`)?.net, `fee of ${claimId}`).toBe([5_500, 8_800][i]);
          });
        }
      }),
      RUNS,
    );
  });
});

describe('§5 re-exchange of a used device and loaner damage', () => {
  it("a used device's free follow-up exchange bills the earlier replacement's value in the month of N+8 unless it is back by N+7, and has no 40,000-yen penalty; without that value it never applies", () => {
    fc.assert(
      fc.property(historySpec, (spec) => {
        const r = runInOrder(spec);
        const { devices } = devicesOf(r);
        for (const claim of claimsOf(r)) {
          const f = detailOf(claim);
          const claimId = f.claimId as string;
          const decision = r.decision.get(claimId);
          const e = f.followUpOf as string | undefined;
          if (
            decision?.decision !== 'accepted' ||
            e === undefined ||
            devices.get(f.deviceId as string)!.condition !== 'used'
          )
            continue;
          const eRd = appliedOf(r, 'ReplacementDelivered', e);
          const fRds = ofClaim(r, 'ReplacementDelivered', claimId);
          const day = eRd ? daysBetween(dateOf(eRd), dateOf(claim)) : undefined;
          const reexchange =
            eRd !== undefined &&
            keyOf(eRd) < keyOf(claim) &&
            day! <= 7 &&
            r.decision.get(e)?.decision === 'accepted' &&
            fRds.length > 0;
          const charge = r.charges.get(`reexchange/${claimId}`);
          if (!reexchange) {
            expect(charge?.net ?? 0, `re-exchange charge of ${claimId}`).toBe(0);
            continue;
          }
          const value = detailOf(eRd).deviceValueYen as number | undefined;
          const fRd = fRds.find((x) => r.outcome(x) === 'applied');
          if (value === undefined) {
            // Never applied (unless refused before that for a withdrawal), never recorded: refused
            // as invalid and dead-lettered at once, or kept waiting with the reason (to be
            // dead-lettered after 7 days) — the engine has done either; the rule is the same.
            const waiting = new Map(
              (r.run.book.state.waiting ?? []).map((w) => [w.record.event.detail.eventId, w.reason]),
            );
            for (const x of fRds) {
              const id = x.detail.eventId;
              const outcome = r.run.outcomes.get(id)!;
              if (outcome.outcome === 'ignored') {
                expect(outcome.reason, id).toMatch(/^CLAIM_WITHDRAWN/);
                continue;
              }
              expect(r.run.processed(), `${claimId}'s ReplacementDelivered is not recorded`).not.toContain(id);
              if (outcome.outcome === 'invalid') {
                expect(outcome.reason, id).toMatch(/^DEVICE_VALUE_MISSING: /);
                expect(r.run.deadLettered()).toContain(id);
              } else {
                expect(outcome.outcome, id).toBe('waiting');
                expect(waiting.get(id), `${claimId}'s ReplacementDelivered waits`).toMatch(/^DEVICE_VALUE_MISSING: /);
              }
            }
            expect(r.charges.get(`reexchange/${claimId}`)?.net ?? 0).toBe(0);
            expect(r.charges.get(`penalty/${claimId}`)?.net ?? 0).toBe(0);
            continue;
          }
          if (!fRd) continue; // refused for another reason (after a withdrawal…)
          const n = dateOf(fRd);
          const back = ofClaim(r, 'DeviceReturned', claimId).find((x) => r.outcome(x) === 'applied');
          const onTime = back !== undefined && dateOf(back) <= addDays(n, 7);
          expect(r.charges.get(`penalty/${claimId}`)?.net ?? 0, `${claimId} has no late-return penalty`).toBe(0);
          if (onTime) {
            expect(charge?.net ?? 0, `${claimId}: back on ${dateOf(back!)}, N = ${n}`).toBe(0);
            continue;
          }
          expect(charge?.net, `${claimId}: not back by N+7 (N = ${n}, returned ${back ? dateOf(back) : 'never'})`).toBe(
            value,
          );
          const live = charge!.entries.filter((x) => x.amountYen > 0).at(-1)!;
          expect([live.kind, live.taxClass, live.forMonth ?? live.billingMonth]).toEqual([
            'reexchange_charge',
            'non-taxable',
            addDays(n, 8).slice(0, 7),
          ]);
          expect(r.penalties.get(`PenaltyAssessed/C1/reexchange/${claimId}`)).toMatchObject({
            kind: 'reexchange_charge',
            amountYen: value,
            claimId,
          });
        }
      }),
      RUNS,
    );
  });

  it("LoanerDamaged bills its repair cost once per claim, taxable, in the month it occurred — when the claim's loaner came before it — and is otherwise refused NO_LOANER and kept", () => {
    fc.assert(
      fc.property(historySpec, (spec) => {
        const r = runInOrder(spec);
        const byClaim = new Map<string, InboundEvent[]>();
        for (const e of r.events)
          if (e.detailType === 'LoanerDamaged')
            byClaim.set(detailOf(e).claimId as string, [...(byClaim.get(detailOf(e).claimId as string) ?? []), e]);
        for (const [claimId, damages] of byClaim) {
          if (!appliedOf(r, 'ClaimFiled', claimId)) continue; // waits for its claim
          const loaner = appliedOf(r, 'LoanerDelivered', claimId);
          const ordered = inBusinessOrder(damages);
          // Billable: after the loaner came, in business order.
          const billable = ordered.filter((d) => loaner !== undefined && keyOf(loaner) < keyOf(d));
          const charge = r.charges.get(`loaner-repair/${claimId}`);
          for (const d of ordered) {
            const outcome = r.run.outcomes.get(d.detail.eventId)!;
            // One before its claim waits for it and is decided when it comes (the ledger says how).
            if (outcome.outcome === 'waiting')
              expect(billable.includes(d), `${d.detail.eventId} waited for its claim`).toBe(false);
            else if (d === billable[0]) expect(outcome.outcome, `${d.detail.eventId}`).toBe('applied');
            else
              expect(outcome, `${d.detail.eventId}`).toMatchObject({
                outcome: 'ignored',
                reason: expect.stringMatching(billable.includes(d) ? /^ALREADY_RECORDED/ : /^NO_LOANER/),
              });
            // Refused and kept: recorded, neither waiting nor dead-lettered.
            expect(r.run.processed()).toContain(d.detail.eventId);
          }
          if (billable.length === 0) {
            expect(charge?.net ?? 0).toBe(0);
            continue;
          }
          const first = billable[0]!;
          expect(charge?.net).toBe(detailOf(first).repairCostYen);
          const entry = charge!.entries.find((x) => x.amountYen > 0)!;
          expect([entry.kind, entry.taxClass, entry.forMonth ?? entry.billingMonth]).toEqual([
            'loaner_repair_charge',
            'taxable-10',
            jstMonth(first.detail.occurredAt),
          ]);
        }
        for (const e of r.run.ledger) if (e.kind === 'loaner_repair_charge') expect(e.taxClass).toBe('taxable-10');
        for (const e of r.run.ledger) if (e.kind === 'reexchange_charge') expect(e.taxClass).toBe('non-taxable');
      }),
      RUNS,
    );
  });
});

// Found by the re-exchange property above (shrunk, then written out). A follow-up filed on day
// D before the earlier claim's replacement arrives that day is not a free follow-up — in
// business order the replacement was not there when it was filed — so it is an ordinary paid
// claim, and its own replacement falls under the 14-day / 40,000-yen rule, not the re-exchange.
describe('a follow-up filed on day D before the earlier replacement arrives that day', () => {
  it('is an ordinary use 2, and its replacement not returned costs the 40,000-yen penalty of D+15, not the earlier replacement’s value', () => {
    const on = (date: string, time: string) => `${date}T${time}:00+09:00`;
    const events: InboundEvent[] = [
      orderPlaced(on('2028-01-05', '12:00'), [{ deviceId: 'D1', condition: 'used', protectionFeeYen: 550 }], {
        orderId: 'O1',
        eventId: 'order',
      }),
      event('DeviceDelivered', {
        eventId: 'delivered',
        occurredAt: on('2028-01-10', '08:00'),
        orderId: 'O1',
        deviceId: 'D1',
      }),
      event('ClaimFiled', {
        eventId: 'E',
        occurredAt: on('2028-02-01', '10:00'),
        claimId: 'E',
        deviceId: 'D1',
        cause: 'water_damage',
        incidentDate: '2028-01-31',
      }),
      event('ReplacementDelivered', {
        eventId: 'E-sent',
        occurredAt: on('2028-02-03', '15:00'),
        claimId: 'E',
        deviceValueYen: 30_000,
      }),
      event('DeviceReturned', { eventId: 'E-back', occurredAt: on('2028-02-05', '10:00'), claimId: 'E' }),
      // 09:00 on D = 3 February: E's replacement comes at 15:00.
      event('ClaimFiled', {
        eventId: 'F',
        occurredAt: on('2028-02-03', '09:00'),
        claimId: 'F',
        deviceId: 'D1',
        cause: 'partial_damage',
        incidentDate: '2028-02-02',
        followUpOf: 'E',
      }),
      event('ReplacementDelivered', {
        eventId: 'F-sent',
        occurredAt: on('2028-02-06', '10:00'),
        claimId: 'F',
        deviceValueYen: 25_000,
      }),
    ];
    const run = new BookRun();
    for (const e of inBusinessOrder(events)) run.send(e);
    for (const m of ['2028-01', '2028-02', '2028-03']) run.close(m);
    const decisions = new Map(finalDecisions(run.published));
    expect(decisions.get('ClaimAdjudicated/F')).toMatchObject({
      decision: 'accepted',
      basis: 'protection',
      useNumber: 2,
      feeYen: 8_800,
    });
    const nets = new Map(netByObligation(run.ledger));
    expect(nets.get('reexchange/F')).toBeUndefined();
    expect(nets.get('penalty/F')).toBe(40_000);
    expect(decisions.get('PenaltyAssessed/C1/penalty/F')).toMatchObject({
      kind: 'late_return_penalty',
      amountYen: 40_000,
      billingMonth: '2028-02',
    });
  });
});
