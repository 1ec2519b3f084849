// The contract's bounds through the real handlers and a real table (test/reliability/harness/
// boundary-cases.ts): ids as long as allowed, of the extreme printable characters '!' and '~',
// amounts of 1 and 10,000,000 yen (a loaner's repair and a replacement's value among them) and
// timestamps without seconds or with a 200-digit fraction are all applied; the same events each
// with one id or amount just outside its bound are dead-lettered naming that field and change
// nothing else.
import { describe, expect, it } from 'vitest';
import { type LedgerEntry, policy } from '#shared/domain/index.ts';
import { Customer } from '#test/support/scenario.ts';
import { boundaryEvents, boundaryInvalidCases } from './harness/boundary-cases.ts';
import { chosenStore } from './harness/environment.ts';
import { boundaryCheck, fuzzCheck } from './harness/fuzz-run.ts';

const byId = (a: LedgerEntry, b: LedgerEntry) =>
  `${a.customerId}#${a.entryId}` < `${b.customerId}#${b.entryId}` ? -1 : 1;

describe('events at the edges of the contract', () => {
  const events = boundaryEvents();
  // The oracle: the same events on the pure engine, each customer's in order.
  const customers = new Map<string, Customer>();
  const outcomes = events.map((event) => {
    const id = event.detail.customerId;
    if (!customers.has(id)) customers.set(id, new Customer(id));
    return customers.get(id)!.send(event).outcome;
  });

  it('are valid, and each applies on the pure engine', () => {
    expect(
      outcomes.every((o) => o === 'applied'),
      JSON.stringify(outcomes),
    ).toBe(true);
    expect([...customers.keys()]).toEqual(['!'.repeat(64), '~'.repeat(64)]);
    const payoffs = [...customers.values()].flatMap((c) => c.entriesOf('installment_payoff').map((e) => e.amountYen));
    expect(payoffs).toEqual([policy.MAX_YEN_AMOUNT, policy.MAX_YEN_AMOUNT]);
    const repairs = [...customers.values()].flatMap((c) =>
      c.entriesOf('loaner_repair_charge').map((e) => [e.amountYen, e.taxClass]),
    );
    expect(repairs).toEqual([
      [policy.MAX_YEN_AMOUNT, 'taxable-10'],
      [policy.MAX_YEN_AMOUNT, 'taxable-10'],
    ]);
  });

  it('are all applied through the handlers; each with one id or amount just outside is dead-lettered naming it', async () => {
    const env = await chosenStore();
    try {
      const applied = await boundaryCheck(env, events);
      expect(applied).toMatchObject({
        inputs: events.length,
        processed: events.length,
        handlerCrashes: 0,
        deadLettered: [],
      });
      // The payoff requested in the delivery month bills the whole 10,000,000 in one entry.
      expect(applied.largestEntryYen).toBe(policy.MAX_YEN_AMOUNT);
      // What the table holds is exactly what the engine wrote: nothing lost, truncated or rounded.
      const oracle = [...customers.values()].flatMap((c) => c.ledger);
      expect(applied.entries.sort(byId)).toEqual(oracle.sort(byId));

      const cases = boundaryInvalidCases(events);
      expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['bad-id', 'bad-yen']));
      const fuzz = await fuzzCheck(env, cases);
      expect(fuzz.misnamed).toEqual([]);
      expect([fuzz.deadLettered, fuzz.fieldNamed, fuzz.handlerCrashes]).toEqual([cases.length, cases.length, 0]);
      expect(fuzz.tableChanged).toBe(false);
      expect(fuzz.prototypePolluted).toBe(false);
    } finally {
      await env.stop();
    }
  }, 180_000);
});
