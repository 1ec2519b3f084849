import { describe, expect, it } from 'vitest';
import { decide } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { Customer, event, jst, orderPlaced } from '#test/support/scenario.ts';

describe('idempotency by eventId', () => {
  it('the same eventId with the same detail is a duplicate: no new version, no effects', () => {
    const c = new Customer();
    const order = orderPlaced(jst('2026-11-10'), [{ deviceId: 'D1' }], { orderId: 'O1', eventId: 'E1' });
    expect(c.send(order).outcome).toBe('applied');
    const version = c.state.version;
    // the same detail with its keys in another order is the same detail
    const reordered = { ...order, detail: Object.fromEntries(Object.entries(order.detail).reverse()) } as typeof order;
    expect(c.send(reordered)).toEqual({ outcome: 'duplicate' });
    expect(c.state.version).toBe(version);
  });

  it('the same eventId with another detail is refused as EVENT_ID_REUSED and changes nothing', () => {
    const c = new Customer();
    c.send(orderPlaced(jst('2026-11-10'), [{ deviceId: 'D1' }], { orderId: 'O1', eventId: 'E1' }));
    const before = c.state;
    const decision = decide(
      before,
      orderPlaced(jst('2026-11-10'), [{ deviceId: 'D2' }], { orderId: 'O2', eventId: 'E1' }),
      'another',
    );
    expect(decision.outcome).toMatchObject({ outcome: 'invalid', reason: expect.stringMatching(/^EVENT_ID_REUSED/) });
    expect(decision.changed).toBe(false);
    expect(decision.state).toBe(before);
  });

  it('the same eventId and detail under another detail-type is a reused eventId, not a redelivery', () => {
    const c = new Customer();
    c.order(jst('2026-01-05'), [{ deviceId: 'D1', protectionFeeYen: 418 }], { orderId: 'O1' });
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-01'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-03-01',
    });
    const common = { eventId: 'L1', occurredAt: jst('2026-03-05'), claimId: 'K1' };
    expect(c.on('ReplacementDelivered', common).outcome).toBe('applied');
    expect(c.on('DeviceReturned', common)).toMatchObject({
      outcome: 'invalid',
      reason: expect.stringMatching(/^EVENT_ID_REUSED/),
    });
  });

  it('an event whose order is not known waits with its customer and applies when the order arrives (§0)', () => {
    const c = new Customer();
    const delivery = event('DeviceDelivered', {
      occurredAt: jst('2026-11-13'),
      orderId: 'O1',
      deviceId: 'D1',
      eventId: 'E2',
    });
    expect(c.send(delivery)).toEqual({ outcome: 'waiting', reason: 'order O1 is not known yet' });
    expect(c.send(delivery).outcome).toBe('duplicate');
    expect(c.state.waiting?.map((w) => w.record.event.detail.eventId)).toEqual(['E2']);
    expect(c.order(jst('2026-11-10'), [{ deviceId: 'D1' }], { orderId: 'O1' }).outcome).toBe('applied');
    expect(c.state.devices.D1?.deliveredOn).toBe('2026-11-13');
    expect(c.state.waiting).toBeUndefined();
    expect(c.send(delivery).outcome).toBe('duplicate');
  });

  it('an event of another customer is invalid for this aggregate', () => {
    const c = new Customer('C1');
    const other = orderPlaced(jst('2026-11-10'), [{ deviceId: 'D1' }], { customerId: 'C2' });
    expect(decide(c.state, other, fingerprintOf(other)).outcome).toMatchObject({
      outcome: 'invalid',
      reason: expect.stringContaining('WRONG_CUSTOMER'),
    });
  });

  it('never mutates the state it is given', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], { orderId: 'O1' });
    const snapshot = structuredClone(c.state);
    const frozen = c.state;
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-13'), orderId: 'O1', deviceId: 'D1' });
    c.close('2026-12');
    expect(frozen).toEqual(snapshot);
  });
});

describe('ids that are also JavaScript property names', () => {
  it('orders, devices, claims and events named __proto__, constructor or toString are ordinary ids', () => {
    const c = new Customer();
    expect(
      c.order(jst('2026-01-05'), [{ deviceId: 'constructor', protectionFeeYen: 418 }], {
        orderId: '__proto__',
        eventId: '__proto__',
      }).outcome,
    ).toBe('applied');
    expect(
      c.on('DeviceDelivered', {
        occurredAt: jst('2026-01-10'),
        orderId: '__proto__',
        deviceId: 'constructor',
        eventId: 'toString',
      }).outcome,
    ).toBe('applied');
    expect(
      c.on('ClaimFiled', {
        occurredAt: jst('2026-03-01'),
        claimId: 'hasOwnProperty',
        deviceId: 'constructor',
        cause: 'water_damage',
        incidentDate: '2026-03-01',
      }).outcome,
    ).toBe('applied');
    expect(Object.getPrototypeOf(c.state.orders)).toBe(Object.prototype);
    expect(Object.keys(c.state.orders)).toEqual(['__proto__']);
    expect(c.entriesOf('exchange_fee')).toHaveLength(1);
    const unknown = new Customer();
    expect(
      unknown.on('OrderVoided', { occurredAt: jst('2026-01-06'), orderId: 'constructor', reason: 'x' }).outcome,
    ).toBe('waiting');
    expect(JSON.parse(JSON.stringify(c.state))).toEqual(c.state);
  });
});
