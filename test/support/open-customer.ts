// A customer with one of everything the "still open" view lists (shared/domain/open-items.ts),
// as events: the unit tests run them through the pure engine, the integration tests through
// the pipeline, and the contract test validates the view of it against the published schema.
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { Customer, event, jst, orderPlaced } from './scenario.ts';

/** When the view is asked for: after the April events, before any deadline passes. */
export const OPEN_AS_OF = jst('2027-04-15');
/** The months closed before it (the close of each bills that month's installment). */
export const OPEN_CLOSED_MONTHS = ['2027-01', '2027-02', '2027-03'] as const;

/**
 * O1: D1 (new, 39,800 yen over 24 months, protection) and D2 (used, lump sum, protection), both
 * delivered 2027-01-13. Then, in April: claim K1 on D1 answered by a replacement on 04-05 (the old
 * device is due back by 04-19); claim K2 on D2 with a loaner delivered 04-10 (due back, or the
 * faulty device in, by 04-24); and a DeviceReturned naming claim K9, which waits (§0).
 * `before` are the events up to the closes, `after` those of April.
 */
export function openCustomerEvents(customerId: string): { before: InboundEvent[]; after: InboundEvent[] } {
  const before = [
    orderPlaced(
      jst('2027-01-10'),
      [
        { deviceId: 'D1', months: 24, priceYen: 39_800, protectionFeeYen: 418, model: 'Pixel 9' },
        { deviceId: 'D2', condition: 'used', priceYen: 20_000, protectionFeeYen: 550, model: 'iPhone 13' },
      ],
      { customerId, orderId: 'O1' },
    ),
    event('DeviceDelivered', { customerId, occurredAt: jst('2027-01-13'), orderId: 'O1', deviceId: 'D1' }),
    event('DeviceDelivered', { customerId, occurredAt: jst('2027-01-13'), orderId: 'O1', deviceId: 'D2' }),
  ];
  const after = [
    event('ClaimFiled', {
      customerId,
      occurredAt: jst('2027-04-02'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2027-04-01',
    }),
    event('ReplacementDelivered', { customerId, occurredAt: jst('2027-04-05'), claimId: 'K1' }),
    event('ClaimFiled', {
      customerId,
      occurredAt: jst('2027-04-08'),
      claimId: 'K2',
      deviceId: 'D2',
      cause: 'partial_damage',
      incidentDate: '2027-04-07',
    }),
    event('LoanerDelivered', { customerId, occurredAt: jst('2027-04-10'), claimId: 'K2', loanerValueYen: 15_000 }),
    event('DeviceReturned', { customerId, occurredAt: jst('2027-04-11'), claimId: 'K9' }),
  ];
  return { before, after };
}

/** The fixture customer through the pure engine, the April events received on the day they happened. */
export function openCustomerInEngine(customerId: string): Customer {
  const c = new Customer(customerId);
  const { before, after } = openCustomerEvents(customerId);
  for (const e of before) c.send(e);
  for (const month of OPEN_CLOSED_MONTHS) c.close(month);
  for (const e of after) c.send(e, e.detail.occurredAt);
  return c;
}
