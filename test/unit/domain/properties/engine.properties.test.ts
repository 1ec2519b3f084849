// Engine invariants over generated customer histories: exactly-once effect per eventId,
// business time deciding (not the offset a timestamp is written with), an append-only ledger
// whose closed statements never change, and an idempotent monthly close.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, closeMonth, type LedgerEntry, type Month } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { closeTimeFor } from '#test/support/scenario.ts';
import {
  type EventStep,
  formatInstant,
  fraction,
  historySpec,
  historySteps,
  inboundEvent,
  netByObligation,
  offset,
  replay,
  type Step,
} from './arbitraries.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };
const histories = historySpec.map((spec) => historySteps(spec));

const eventSteps = (steps: readonly Step[]): EventStep[] => steps.filter((s): s is EventStep => s.type === 'event');
const customerFingerprint = (run: ReturnType<typeof replay>, eventId: string) => run.customer.state.processed[eventId];
const projection = (ledger: readonly LedgerEntry[]) =>
  ledger.map(({ entryId, kind, amountYen, billingMonth, forMonth }) => ({
    entryId,
    kind,
    amountYen,
    billingMonth,
    forMonth,
  }));

describe('exactly-once effect per eventId', () => {
  it('applying every event twice (same eventId, same detail) gives the same ledger, statements, events and state as once', () => {
    fc.assert(
      fc.property(histories, (steps) => {
        const once = replay(steps);
        const twice = replay(steps, { times: 2 });
        expect(twice.customer.ledger).toEqual(once.customer.ledger);
        expect(twice.customer.statements).toEqual(once.customer.statements);
        expect(twice.customer.emitted).toEqual(once.customer.emitted);
        expect(twice.customer.state).toEqual(once.customer.state);
        // The repeat is a duplicate when the first was recorded, and otherwise the same outcome again.
        once.outcomes.forEach((first, i) => {
          expect(twice.outcomes[2 * i]).toEqual(first);
          const recorded = first.outcome === 'applied' || first.outcome === 'ignored' || first.outcome === 'waiting';
          expect(twice.outcomes[2 * i + 1]).toEqual(recorded ? { outcome: 'duplicate' } : first);
        });
      }),
      RUNS,
    );
  });

  it('a re-used eventId with a different detail is refused as EVENT_ID_REUSED and changes nothing', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('offset' as const), offset: offset.filter((o) => o !== '+09:00'), fraction }),
      fc.record({ kind: fc.constant('shift' as const), seconds: fc.integer({ min: 1, max: 86_400 * 40 }) }),
      fc.record({ kind: fc.constant('other' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(histories, fc.nat(), fc.nat(), mutation, (steps, cutPick, victimPick, m) => {
        const cut = 1 + (cutPick % steps.length);
        const run = replay(steps.slice(0, cut));
        const recorded = eventSteps(steps.slice(0, cut)).filter(
          (s) => run.customer.state.processed[s.eventId] !== undefined,
        );
        fc.pre(recorded.length > 0);
        const victim = recorded[victimPick % recorded.length]!;
        const all = eventSteps(steps);
        const other = m.kind === 'other' ? all[m.pick % all.length]! : undefined;
        const reused =
          m.kind === 'offset'
            ? inboundEvent(victim, (ms) => formatInstant(ms, m.offset, m.fraction))
            : m.kind === 'shift'
              ? inboundEvent({ ...victim, at: victim.at + m.seconds * 1000 })
              : inboundEvent({
                  ...other!,
                  eventId: victim.eventId,
                  at: other === victim ? victim.at + 1000 : other!.at,
                });
        fc.pre(fingerprintOf(reused) !== customerFingerprint(run, victim.eventId));
        const before = structuredClone(run.customer.state);
        const counts = [run.customer.ledger.length, run.customer.emitted.length, run.customer.statements.length];
        const outcome = run.customer.send(reused);
        expect(outcome.outcome).toBe('invalid');
        expect(outcome.outcome === 'invalid' && outcome.reason.startsWith('EVENT_ID_REUSED')).toBe(true);
        expect(run.customer.state).toEqual(before);
        expect([run.customer.ledger.length, run.customer.emitted.length, run.customer.statements.length]).toEqual(
          counts,
        );
      }),
      RUNS,
    );
  });
});

describe('business time decides', () => {
  it('the same history with every timestamp written at another offset (same instants) gives the same ledger', () => {
    fc.assert(
      fc.property(
        histories,
        fc.array(fc.tuple(offset, fraction), { minLength: 1, maxLength: 12 }),
        (steps, writings) => {
          const asJst = replay(steps);
          const rewritten = replay(steps, {
            write: (ms, i) => {
              const [o, frac] = writings[i % writings.length]!;
              return formatInstant(ms, o, frac);
            },
          });
          expect(projection(rewritten.customer.ledger)).toEqual(projection(asJst.customer.ledger));
          expect(rewritten.outcomes.map((o) => o.outcome)).toEqual(asJst.outcomes.map((o) => o.outcome));
          expect(rewritten.customer.statements.map((s) => [s.month, s.totals])).toEqual(
            asJst.customer.statements.map((s) => [s.month, s.totals]),
          );
        },
      ),
      { numRuns: RUNS.numRuns * 2 },
    );
  });

  it('closing every month at once at the end (no sweeps) nets the same amount per obligation as closing month by month with sweeps', () => {
    fc.assert(
      fc.property(histories, (steps) => {
        const monthly = replay(steps);
        const closes = steps.filter((s) => s.type === 'close');
        // No sweeps either: the close assesses every deadline due by the end of the month it closes.
        const last = closes.at(-1)!;
        const atOnce = replay([...eventSteps(steps), last]);
        expect(netByObligation(atOnce.customer.ledger)).toEqual(netByObligation(monthly.customer.ledger));
        // Closing the last month closed every earlier month with anything on it.
        expect(atOnce.customer.state.closedThrough).toBe(last.month);
        expect(atOnce.customer.state.openEntries).toEqual([]);
        const months = new Set(atOnce.customer.ledger.map((e) => e.billingMonth));
        expect(atOnce.customer.statements.map((s) => s.month).sort()).toEqual([...months].sort());
      }),
      RUNS,
    );
  });
});

describe('append-only ledger and immutable closed statements', () => {
  it('statement totals are the sums of their lines, entry ids are unique, credits reverse an earlier entry', () => {
    fc.assert(
      fc.property(histories, (steps) => {
        const { customer, trace } = replay(steps);
        const ledger = customer.ledger;
        expect(new Set(ledger.map((e) => e.entryId)).size).toBe(ledger.length);
        ledger.forEach((entry, i) => {
          expect(Number.isInteger(entry.amountYen)).toBe(true);
          if (entry.amountYen < 0) expect(entry.reverses).toBeDefined();
          if (entry.reverses === undefined) return;
          const original = ledger.slice(0, i).find((e) => e.entryId === entry.reverses);
          expect(original, `${entry.entryId} reverses an earlier entry`).toBeDefined();
          expect(entry.kind).toBe(original!.kind);
          expect(entry.taxClass).toBe(original!.taxClass);
          expect(entry.amountYen + original!.amountYen).toBe(0);
          expect(original!.reverses).toBeUndefined();
        });
        for (const s of customer.statements) {
          const sum = (cls?: string) =>
            s.lines.filter((l) => cls === undefined || l.taxClass === cls).reduce((a, l) => a + l.amountYen, 0);
          expect(s.totals.totalYen).toBe(sum());
          expect(s.totals.taxableYen).toBe(sum('taxable-10'));
          expect(s.totals.nonTaxableYen).toBe(sum('non-taxable'));
          expect(11 * s.totals.consumptionTaxYen).toBeLessThanOrEqual(s.totals.taxableYen);
          expect(11 * (s.totals.consumptionTaxYen + 1)).toBeGreaterThan(s.totals.taxableYen);
        }
        // One statement per closed month, holding exactly the entries billed in that month.
        const months = customer.statements.map((s) => s.month);
        expect(new Set(months).size).toBe(months.length);
        for (const s of customer.statements) {
          const billed = ledger
            .filter((e) => e.billingMonth === s.month)
            .map((e) => e.entryId)
            .sort();
          expect(s.lines.map((l) => l.entryId).sort()).toEqual(billed);
        }
        // Nothing is ever written into a closed month; a late entry names the month it belongs to.
        for (const { closedThroughBefore, entries } of trace) {
          if (closedThroughBefore === undefined) continue;
          for (const e of entries) {
            expect(
              e.billingMonth > closedThroughBefore,
              `${e.entryId} billed in ${e.billingMonth}, closed through ${closedThroughBefore}`,
            ).toBe(true);
            if (e.forMonth !== undefined) {
              expect(e.forMonth <= closedThroughBefore).toBe(true);
              expect(e.billingMonth).toBe(addMonths(closedThroughBefore, 1));
            }
          }
        }
      }),
      RUNS,
    );
  });
});

describe('monthly close idempotency', () => {
  it('closing a month twice, or an earlier month after it, writes nothing and changes nothing', () => {
    fc.assert(
      fc.property(
        histories,
        fc.array(fc.nat({ max: 6 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 400 }),
        (steps, backs, lateDays) => {
          const plain = replay(steps);
          let n = 0;
          const checked = replay(steps, {
            afterClose: (customer, month: Month) => {
              const now = new Date(Date.parse(closeTimeFor(month)) + lateDays * 86_400_000).toISOString();
              for (const m of [month, addMonths(month, -backs[n++ % backs.length]!)]) {
                const again = closeMonth(customer.state, m, now);
                expect(again.changed).toBe(false);
                expect(again.effects).toEqual({ entries: [], emitted: [], statements: [] });
                expect(again.state).toBe(customer.state);
              }
            },
          });
          expect(checked.customer.ledger).toEqual(plain.customer.ledger);
          expect(checked.customer.statements).toEqual(plain.customer.statements);
          expect(checked.customer.emitted).toEqual(plain.customer.emitted);
        },
      ),
      RUNS,
    );
  });
});
