import { describe, expect, it } from 'vitest';
import { Customer, type DeviceSpec, jst } from '#test/support/scenario.ts';

const rejectionOf = (c: Customer) => c.emittedOf('OrderRejected').at(-1)?.detail;
const device = (deviceId: string, extra: Partial<DeviceSpec> = {}): DeviceSpec => ({ deviceId, months: 24, ...extra });

describe('order eligibility (§1)', () => {
  it('accepts an order that breaks no rule, and emits nothing', () => {
    const c = new Customer();
    expect(c.order(jst('2026-11-10'), [device('D1', { protectionFeeYen: 418 })], { orderId: 'O1' })).toEqual({
      outcome: 'applied',
    });
    expect(c.state.orders.O1?.status).toBe('active');
    expect(c.emitted).toEqual([]);
  });

  it('UNDER_18: 17 the day before the 18th birthday (JST), 18 on it', () => {
    const young = new Customer();
    young.order('2026-11-26T15:30:00Z' /* 27 Nov 00:30 JST */, [device('D1')], {
      birthDate: '2008-11-28',
      orderId: 'O1',
    });
    expect(rejectionOf(young)).toMatchObject({ orderId: 'O1', reasons: ['UNDER_18'] });
    const adult = new Customer();
    adult.order('2026-11-26T15:30:00Z', [device('D1')], { birthDate: '2008-11-27' });
    expect(adult.emittedOf('OrderRejected')).toEqual([]);
  });

  it('PAYMENT_METHOD: debit and prepaid cards are refused', () => {
    for (const paymentMethod of ['debit_card', 'prepaid_card']) {
      const c = new Customer();
      c.order(jst('2026-11-10'), [device('D1')], { paymentMethod });
      expect(rejectionOf(c)?.reasons).toEqual(['PAYMENT_METHOD']);
    }
  });

  it('DOUBLE_COVERAGE: protection on a device already covered by the line warranty option', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [device('D1', { protectionFeeYen: 418, lineWarrantyOption: true })]);
    expect(rejectionOf(c)?.reasons).toEqual(['DOUBLE_COVERAGE']);
    const noPlan = new Customer();
    noPlan.order(jst('2026-11-10'), [device('D1', { lineWarrantyOption: true })]);
    expect(noPlan.emittedOf('OrderRejected')).toEqual([]);
  });

  it('PROTECTION_FEE: 418 or 550 for a new device, 550 for a used one', () => {
    const ok = new Customer();
    ok.order(jst('2026-11-10'), [
      device('D1', { protectionFeeYen: 418 }),
      device('D2', { protectionFeeYen: 550 }),
      device('D3', { condition: 'used', protectionFeeYen: 550 }),
    ]);
    expect(ok.emittedOf('OrderRejected')).toEqual([]);
    for (const spec of [
      device('D1', { condition: 'used', protectionFeeYen: 418 }),
      device('D1', { protectionFeeYen: 500 }),
    ]) {
      const c = new Customer();
      c.order(jst('2026-11-10'), [spec]);
      expect(rejectionOf(c)?.reasons).toEqual(['PROTECTION_FEE']);
    }
  });

  it('reports every broken rule together, names the source event, and bills nothing', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [device('D1', { condition: 'used', protectionFeeYen: 418, lineWarrantyOption: true })], {
      birthDate: '2010-01-01',
      paymentMethod: 'prepaid_card',
      orderId: 'O9',
      eventId: 'evt-order-9',
    });
    expect(rejectionOf(c)).toEqual({
      orderId: 'O9',
      customerId: 'C1',
      reasons: ['UNDER_18', 'PAYMENT_METHOD', 'DOUBLE_COVERAGE', 'PROTECTION_FEE'],
      sourceEventId: 'evt-order-9',
      revision: 1,
    });
    expect(c.on('DeviceDelivered', { occurredAt: jst('2026-11-13'), orderId: 'O9', deviceId: 'D1' })).toMatchObject({
      outcome: 'ignored',
    });
    expect(c.close('2026-11')).toBeUndefined();
    expect(c.ledger).toEqual([]);
  });

  it('never keeps the birth date or payment method in the aggregate', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [device('D1')], { birthDate: '1987-06-05' });
    const stored = JSON.stringify(c.state);
    expect(stored).not.toContain('1987-06-05');
    expect(stored).not.toContain('credit_card');
  });
});

describe('device and protection limits (§1)', () => {
  const fiveDevices = (prefix: string, extra: Partial<DeviceSpec> = {}) =>
    [1, 2, 3, 4, 5].map((i) => device(`${prefix}${i}`, extra));

  it('DEVICE_LIMIT: a 6th unpaid device is refused; it is accepted once one is paid off', () => {
    const c = new Customer();
    c.order(jst('2026-11-01'), fiveDevices('A'), { orderId: 'O1' });
    c.order(jst('2026-11-02'), [device('B1')], { orderId: 'O2' });
    expect(rejectionOf(c)?.reasons).toEqual(['DEVICE_LIMIT']);
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-03'), orderId: 'O1', deviceId: 'A1' });
    c.on('InstallmentPayoffRequested', { occurredAt: jst('2026-11-05'), deviceId: 'A1' });
    c.order(jst('2026-11-06'), [device('B1')], { orderId: 'O3' });
    expect(c.state.orders.O3?.status).toBe('active');
  });

  it('DEVICE_LIMIT: a lump-sum device counts until its lump sum is billed; voided orders do not count', () => {
    const c = new Customer();
    c.order(jst('2026-11-01'), [device('A1', { months: undefined })], { orderId: 'O1' });
    c.order(jst('2026-11-01'), fiveDevices('V').slice(0, 4), { orderId: 'OV' });
    c.order(jst('2026-11-02'), [device('B1')], { orderId: 'O2' });
    expect(rejectionOf(c)?.reasons).toEqual(['DEVICE_LIMIT']);
    c.on('OrderVoided', { occurredAt: jst('2026-11-02'), orderId: 'OV', reason: 'suspected resale' });
    c.order(jst('2026-11-03'), fiveDevices('B').slice(0, 4), { orderId: 'O3' });
    expect(c.state.orders.O3?.status).toBe('active');
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-04'), orderId: 'O1', deviceId: 'A1' });
    c.order(jst('2026-11-20'), [device('X1')], { orderId: 'O4' });
    expect(c.state.orders.O4?.status).toBe('rejected');
    c.close('2026-11'); // bills the lump sum: A1 is paid
    c.order(jst('2026-12-02'), [device('X1')], { orderId: 'O5' });
    expect(c.state.orders.O5?.status).toBe('active');
  });

  it('PROTECTION_LIMIT: at most 5 active plans; a cancelled plan counts until its final month is billed', () => {
    const c = new Customer();
    c.order(jst('2026-10-01'), fiveDevices('A', { months: undefined, protectionFeeYen: 550 }), { orderId: 'O1' });
    for (let i = 1; i <= 5; i++)
      c.on('DeviceDelivered', { occurredAt: jst('2026-10-02'), orderId: 'O1', deviceId: `A${i}` });
    c.close('2026-10'); // every device paid in full: only the plans count now
    c.order(jst('2026-11-02'), [device('B1', { protectionFeeYen: 418 })], { orderId: 'O2' });
    expect(rejectionOf(c)?.reasons).toEqual(['PROTECTION_LIMIT']);
    c.order(jst('2026-11-02'), [device('B2')], { orderId: 'O3' });
    expect(c.state.orders.O3?.status).toBe('active');
    c.on('ProtectionCancelled', { occurredAt: jst('2026-11-03'), deviceId: 'A1' });
    c.order(jst('2026-11-04'), [device('B3', { protectionFeeYen: 418 })], { orderId: 'O4' });
    expect(c.state.orders.O4?.status).toBe('rejected');
    c.close('2026-11'); // A1's final month (November) is billed
    c.order(jst('2026-12-01'), [device('B4', { protectionFeeYen: 418 })], { orderId: 'O5' });
    expect(c.state.orders.O5?.status).toBe('active');
  });
});

describe('voiding an order (§1)', () => {
  it('a void before delivery means the order is never billed', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [device('D1', { protectionFeeYen: 418 })], { orderId: 'O1' });
    expect(c.on('OrderVoided', { occurredAt: jst('2026-11-11'), orderId: 'O1', reason: 'suspected resale' })).toEqual({
      outcome: 'applied',
    });
    // The delivery is recorded (a late, earlier delivery could still refuse the void) but not billed.
    expect(c.on('DeviceDelivered', { occurredAt: jst('2026-11-13'), orderId: 'O1', deviceId: 'D1' })).toMatchObject({
      outcome: 'applied',
      note: expect.stringContaining('void'),
    });
    c.close('2026-12');
    expect(c.ledger).toEqual([]);
  });

  it('a void after delivery is refused with a reason and changes nothing', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [device('D1')], { orderId: 'O1' });
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-13'), orderId: 'O1', deviceId: 'D1' });
    const before = structuredClone(c.state);
    const outcome = c.on('OrderVoided', { occurredAt: jst('2026-11-14'), orderId: 'O1', reason: 'late' });
    expect(outcome).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('VOID_AFTER_DELIVERY') });
    // Only the bookkeeping of the event itself moves: its id is recorded, its business key is the latest.
    expect({ ...c.state, processed: {}, version: 0, lastKey: '', journalTail: [] }).toEqual({
      ...before,
      processed: {},
      version: 0,
      lastKey: '',
      journalTail: [],
    });
    expect(c.close('2026-11')?.lines.map((l) => l.amountYen)).toEqual([1666]);
  });

  it('a void learned before a delivery that happened earlier is refused when the delivery arrives', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [device('D1')], { orderId: 'O1' });
    c.on('OrderVoided', { occurredAt: jst('2026-11-14'), orderId: 'O1', reason: 'resale' });
    // Decided again in business order: the delivery (13 Nov) comes first, so the void is refused.
    expect(c.on('DeviceDelivered', { occurredAt: jst('2026-11-13'), orderId: 'O1', deviceId: 'D1' })).toEqual({
      outcome: 'applied',
    });
    expect(c.state.orders.O1?.status).toBe('active');
    expect(c.close('2026-11')?.lines.map((l) => l.amountYen)).toEqual([1666]);
  });

  it('a void of an unknown order waits for the order (pending), one of a rejected order is ignored', () => {
    const c = new Customer();
    expect(c.on('OrderVoided', { occurredAt: jst('2026-11-14'), orderId: 'O404', reason: 'x' }).outcome).toBe(
      'waiting',
    );
    c.order(jst('2026-11-10'), [device('D1')], { orderId: 'O2', paymentMethod: 'debit_card' });
    expect(c.on('OrderVoided', { occurredAt: jst('2026-11-14'), orderId: 'O2', reason: 'x' }).outcome).toBe('ignored');
  });

  it('a reused orderId or deviceId is invalid (dead-lettered), not a second contract', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [device('D1')], { orderId: 'O1' });
    expect(c.order(jst('2026-11-11'), [device('D2')], { orderId: 'O1' })).toMatchObject({
      outcome: 'invalid',
      reason: expect.stringContaining('ORDER_ID_REUSED'),
    });
    expect(c.order(jst('2026-11-11'), [device('D1')], { orderId: 'O2' })).toMatchObject({
      outcome: 'invalid',
      reason: expect.stringContaining('DEVICE_ID_REUSED'),
    });
  });
});
