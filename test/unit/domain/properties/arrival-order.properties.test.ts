// Business time decides, for late and out-of-order arrival (engineering.md invariant 4): an
// order's deliveries, void, payoffs and protection cancellations that reach the engine weeks
// late end in the same net ledger as when they arrive in business-time order; only the month a
// late entry lands in (with forMonth) may differ. Whole histories, claims and revised decisions
// included, in any permutation: business-order.properties.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '#shared/domain/index.ts';
import { Customer, jst } from '#test/support/scenario.ts';
import { historySteps, netByObligation, orderHistorySpec, replay } from './arbitraries.ts';

const net = netByObligation;

function expectUniqueIds(ledger: readonly LedgerEntry[]): void {
  const ids = ledger.map((e) => e.entryId);
  expect(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    'entry ids written twice',
  ).toEqual([]);
}

describe('late and out-of-order events end in the in-order ledger', () => {
  it('an order with a void racing its deliveries nets the same per obligation, with unique entry ids', () => {
    fc.assert(
      fc.property(orderHistorySpec, (spec) => {
        const late = replay(historySteps(spec));
        const inOrder = replay(historySteps(spec, { inOrder: true }));
        expectUniqueIds(late.customer.ledger);
        expect(net(late.customer.ledger)).toEqual(net(inOrder.customer.ledger));
      }),
      { numRuns: 300 },
    );
  });
});

// The counterexamples, as fixed scenarios. In each, OrderVoided (12 Jan) comes after D1's delivery
// (10 Jan), so the terms refuse it; but it reaches the engine before D1's DeviceDelivered. The
// engine applies the void, then D1's late delivery "un-voids" the order (orders.ts
// applyDeviceDelivered) without restoring what happened while the void stood.
describe('a void refused by an earlier delivery that arrives after it', () => {
  function run(order: string[]): Customer {
    const c = new Customer('C1');
    const send: Record<string, () => unknown> = {
      order: () =>
        c.order(
          jst('2028-01-05'),
          [
            { deviceId: 'D1', months: 3, priceYen: 3_000, protectionFeeYen: 418 },
            { deviceId: 'D2', months: 2, priceYen: 1_000 },
          ],
          { orderId: 'O1' },
        ),
      d1: () =>
        c.on('DeviceDelivered', { eventId: 'del-1', occurredAt: jst('2028-01-10'), orderId: 'O1', deviceId: 'D1' }),
      void: () =>
        c.on('OrderVoided', { eventId: 'void', occurredAt: jst('2028-01-12'), orderId: 'O1', reason: 'resale' }),
      payoff2: () =>
        c.on('InstallmentPayoffRequested', { eventId: 'pay-2', occurredAt: jst('2028-01-13'), deviceId: 'D2' }),
      d2: () =>
        c.on('DeviceDelivered', { eventId: 'del-2', occurredAt: jst('2028-01-14'), orderId: 'O1', deviceId: 'D2' }),
      payoff1: () =>
        c.on('InstallmentPayoffRequested', { eventId: 'pay-1', occurredAt: jst('2028-01-15'), deviceId: 'D1' }),
      cancel1: () =>
        c.on('ProtectionCancelled', { eventId: 'cancel-1', occurredAt: jst('2028-01-16'), deviceId: 'D1' }),
      close: () => c.close('2028-01'),
    };
    for (const k of order) send[k]!();
    c.close('2028-03');
    return c;
  }

  it('a delivery, payoff and cancellation that arrive while the void stands are still applied', () => {
    const inOrder = run(['order', 'd1', 'void', 'd2', 'payoff1', 'cancel1']);
    expect(net(inOrder.ledger)).toEqual([
      ['inst/D2/1', 500],
      ['inst/D2/2', 500],
      ['payoff/D1', 3_000],
      ['prot/D1/2028-01', 296],
    ]);
    expect(net(run(['order', 'void', 'd2', 'payoff1', 'cancel1', 'd1']).ledger)).toEqual(net(inOrder.ledger));
  });

  it('charges the void reversed are billed again without writing an entry id twice', () => {
    const late = run(['order', 'd2', 'close', 'void', 'd1']);
    expectUniqueIds(late.ledger);
    expect(net(late.ledger)).toEqual(net(run(['order', 'd1', 'void', 'd2', 'close']).ledger));
  });

  it('a payoff the void reversed is billed again', () => {
    const inOrder = run(['order', 'd1', 'void', 'payoff2', 'd2']);
    expect(net(inOrder.ledger).find(([id]) => id === 'payoff/D2')).toEqual(['payoff/D2', 1_000]);
    expect(net(run(['order', 'payoff2', 'd2', 'void', 'd1']).ledger)).toEqual(net(inOrder.ledger));
  });
});
