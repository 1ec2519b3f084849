// The engine's steps share unchanged parts of a state with the state they return (the close
// copies only what it changes). That is safe only if no step ever writes to a state it was
// given: every state of a history must still equal its snapshot when the history has ended.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerState } from '#shared/domain/index.ts';
import { Customer } from '#test/support/scenario.ts';
import { historySpec, historySteps, inboundEvent } from './arbitraries.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };

describe('engine purity', () => {
  it('decide, closeMonth and sweepDeadlines never modify a state they were given, nor one they returned earlier', () => {
    fc.assert(
      fc.property(historySpec, (spec) => {
        const customer = new Customer('C1');
        const seen: { state: CustomerState; snapshot: CustomerState }[] = [];
        for (const step of historySteps(spec)) {
          seen.push({ state: customer.state, snapshot: structuredClone(customer.state) });
          if (step.type === 'event') customer.send(inboundEvent(step));
          else if (step.type === 'close') customer.close(step.month);
          else customer.sweep(new Date(step.at).toISOString());
        }
        for (const { state, snapshot } of seen) expect(state).toEqual(snapshot);
      }),
      RUNS,
    );
  });
});
