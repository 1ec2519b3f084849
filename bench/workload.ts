// The bench's own synthetic customers, as the inbound events upstream would send: every event
// is parsed by the contract's schemas, and every customer's events apply in the order given
// (the ingest figure fails if any is dead-lettered).
import { parseInboundEvent, type InboundEvent } from '#shared/schemas/inbound.ts';

const JST = '+09:00';
const at = (day: string, time = '12:00'): string => `${day}T${time}:00${JST}`;
/** `2026-08-01` plus n days, as a calendar date (no time zone involved). */
const dayAfter = (start: string, n: number): string => new Date(Date.parse(`${start}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function event(detailType: InboundEvent['detailType'], detail: Record<string, unknown>): InboundEvent {
  const parsed = parseInboundEvent(detailType, detail);
  if (!parsed.ok) throw new Error(`bench built a malformed ${detailType}: ${JSON.stringify(parsed)}`);
  return parsed.event;
}

export const customerIdOf = (prefix: string, index: number): string => `${prefix}${String(index).padStart(7, '0')}`;

/**
 * Ten events of one customer, in business-time order, in August to October 2026: an order of
 * two protected devices (installments and lump sum), both deliveries, an exchange claim
 * (filed, replacement out, old device back) and a repair claim (filed, loaner out, faulty
 * device in, repaired device back). Odd customers differ in causes, prices and dates.
 */
export function tenEventCustomer(customerId: string, index: number): InboundEvent[] {
  const odd = index % 2 === 1;
  const d0 = dayAfter('2026-08-01', index % 20);
  const day = (n: number) => dayAfter(d0, n);
  const common = (n: number, eventDay: string, time?: string) => ({ eventId: `${customerId}/e${n}`, customerId, occurredAt: at(eventDay, time) });
  return [
    event('OrderPlaced', {
      ...common(1, d0, '08:30'),
      orderId: 'O1',
      customer: { birthDate: '1985-06-15' },
      paymentMethod: 'credit_card',
      devices: [
        { deviceId: 'D1', model: 'Pixel 9', condition: 'new', priceYen: odd ? 120_000 : 98_800, payment: { plan: 'installments', months: odd ? 36 : 24 }, protection: { monthlyFeeYen: 418 } },
        { deviceId: 'D2', model: 'iPhone 16', condition: 'used', priceYen: odd ? 45_000 : 39_800, payment: { plan: 'lump_sum' }, protection: { monthlyFeeYen: 550 } },
      ],
    }),
    event('DeviceDelivered', { ...common(2, day(2)), orderId: 'O1', deviceId: 'D1' }),
    event('DeviceDelivered', { ...common(3, day(3)), orderId: 'O1', deviceId: 'D2' }),
    event('ClaimFiled', { ...common(4, day(40)), claimId: 'K1', deviceId: 'D1', cause: odd ? 'total_loss' : 'water_damage', incidentDate: day(39) }),
    event('ReplacementDelivered', { ...common(5, day(42)), claimId: 'K1' }),
    event('DeviceReturned', { ...common(6, day(odd ? 50 : 45)), claimId: 'K1' }),
    event('ClaimFiled', { ...common(7, day(55)), claimId: 'K2', deviceId: 'D2', cause: odd ? 'natural_failure' : 'partial_damage', incidentDate: day(54) }),
    event('LoanerDelivered', { ...common(8, day(56)), claimId: 'K2', loanerValueYen: 20_000 }),
    event('FaultyDeviceReceived', { ...common(9, day(58)), claimId: 'K2' }),
    event('RepairedDeviceDelivered', { ...common(10, day(65)), claimId: 'K2' }),
  ];
}

/**
 * A customer with five devices, orders in the first months of a year-long history so that
 * every month from the first to the last has installment and protection lines to print.
 */
export function fiveDeviceCustomer(customerId: string, firstDay: string): InboundEvent[] {
  const devices = [1, 2, 3, 4, 5].map((n) => ({
    deviceId: `D${n}`,
    model: ['Pixel 9', 'iPhone 16', 'Galaxy S25', 'Xperia 1 VI', 'iPhone 16'][n - 1],
    condition: n === 5 ? 'used' : 'new',
    priceYen: 30_000 + n * 17_000,
    payment: n === 3 ? { plan: 'lump_sum' } : { plan: 'installments', months: n === 4 ? 12 : 24 },
    protection: { monthlyFeeYen: n === 5 ? 550 : 418 },
  }));
  const events: InboundEvent[] = [
    event('OrderPlaced', { eventId: `${customerId}/o1`, customerId, occurredAt: at(firstDay, '10:00'), orderId: 'O1', customer: { birthDate: '1979-02-03' }, paymentMethod: 'credit_card', devices }),
  ];
  for (const d of devices) events.push(event('DeviceDelivered', { eventId: `${customerId}/${d.deviceId}`, customerId, occurredAt: at(dayAfter(firstDay, 2)), orderId: 'O1', deviceId: d.deviceId }));
  events.push(
    event('ClaimFiled', { eventId: `${customerId}/k1`, customerId, occurredAt: at(dayAfter(firstDay, 100)), claimId: 'K1', deviceId: 'D2', cause: 'partial_damage', incidentDate: dayAfter(firstDay, 99) }),
    event('ReplacementDelivered', { eventId: `${customerId}/k1r`, customerId, occurredAt: at(dayAfter(firstDay, 102)), claimId: 'K1' }),
    event('DeviceReturned', { eventId: `${customerId}/k1b`, customerId, occurredAt: at(dayAfter(firstDay, 106)), claimId: 'K1' }),
  );
  return events;
}
