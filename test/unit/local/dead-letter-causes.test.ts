// The link from what waits for an order, device or claim to the dead letter of the event that
// would have brought it (local/dead-letter-causes.ts), made when dead letters and waiting
// events are listed.
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '#shared/store/dead-letters.ts';
import { deadLetterCauses, mayHaveCause } from '../../../local/dead-letter-causes.ts';

const letter = (id: string, detailType: string, detail: Record<string, unknown>, extra: Partial<DeadLetter> = {}) => ({
  id,
  consumer: 'orders',
  reason: `MALFORMED: something of ${id}`,
  body: JSON.stringify({ id: `bus-${id}`, 'detail-type': detailType, detail }),
  deadLetteredAt: '2026-11-01T00:00:00.000Z',
  attempts: 1,
  ...extra,
});

const order = letter('orders#o1', 'OrderPlaced', {
  eventId: 'evt-o1',
  customerId: 'C1',
  orderId: 'O1',
  devices: [{ deviceId: 'D1' }, { deviceId: 'D2', priceYen: -5 }],
});
const claim = letter('claims#k1', 'ClaimFiled', { eventId: 'evt-k1', customerId: 'C1', claimId: 'K1' });

describe('deadLetterCauses', () => {
  const causeOf = deadLetterCauses([order, claim]);

  it('finds the OrderPlaced of the order or device an event waits for, and the ClaimFiled of its claim', () => {
    const cause = {
      deadLetterId: 'orders#o1',
      detailType: 'OrderPlaced',
      eventId: 'evt-o1',
      customerId: 'C1',
      reason: 'MALFORMED: something of orders#o1',
    };
    expect(causeOf('C1', 'order O1 is not known yet')).toEqual(cause);
    expect(causeOf('C1', 'device D2 is not known yet')).toEqual(cause);
    expect(causeOf('C1', 'WAITED_7_DAYS: order O1 is not known yet')).toEqual(cause);
    expect(causeOf('C1', 'claim K1 is not known yet')).toMatchObject({ deadLetterId: 'claims#k1' });
    expect(causeOf('C1', 'WAITED_7_DAYS: claim K1 (followUpOf) is not known yet')).toMatchObject({
      eventId: 'evt-k1',
    });
  });

  it('links only within the customer, and only what names an order, device or claim', () => {
    expect(causeOf('C2', 'order O1 is not known yet')).toBeUndefined();
    expect(causeOf('C1', 'order O2 is not known yet')).toBeUndefined();
    expect(causeOf('C1', 'DEVICE_VALUE_MISSING: claim K1 re-exchanges …')).toBeUndefined();
    expect(mayHaveCause('WAITED_7_DAYS: device D1 is not known yet')).toBe(true);
    expect(mayHaveCause('EVENT_ID_REUSED: event e was already received with a different detail')).toBe(false);
  });

  it('takes a letter whose customerId could not be read, the same customer’s first', () => {
    const anonymous = letter('orders#anon', 'OrderPlaced', { eventId: 'evt-a', orderId: 'O9' });
    const own = letter(
      'orders#own',
      'OrderPlaced',
      { eventId: 'evt-b', customerId: 'C9', orderId: 'O9' },
      { deadLetteredAt: '2026-10-01T00:00:00.000Z' },
    );
    expect(deadLetterCauses([anonymous])('C9', 'order O9 is not known yet')?.deadLetterId).toBe('orders#anon');
    expect(deadLetterCauses([anonymous, own])('C9', 'order O9 is not known yet')?.deadLetterId).toBe('orders#own');
  });

  it('skips a body that is not JSON and never names a letter as its own cause', () => {
    const garbage = { ...order, id: 'orders#garbage', body: 'not json' };
    expect(deadLetterCauses([garbage])('C1', 'order O1 is not known yet')).toBeUndefined();
    expect(causeOf('C1', 'order O1 is not known yet', 'orders#o1')).toBeUndefined();
  });
});
