import { describe, expect, it } from 'vitest';
import { protectionFeeFor } from '#shared/domain/index.ts';
import { Customer, jst } from '#test/support/scenario.ts';

function protectedDevice(deliveredAt: string, fee = 418, orderAt = jst('2026-10-01')): Customer {
  const c = new Customer();
  c.order(orderAt, [{ deviceId: 'D1', protectionFeeYen: fee, condition: fee === 550 ? 'used' : 'new' }], {
    orderId: 'O1',
  });
  c.on('DeviceDelivered', { occurredAt: deliveredAt, orderId: 'O1', deviceId: 'D1' });
  return c;
}
const fees = (c: Customer) => c.entriesOf('protection_fee').map((e) => [e.billingMonth, e.amountYen]);

describe('protection fee (§3)', () => {
  it('prorates the first month by day, rounding down: 418 from 13 Nov = floor(418 × 18 / 30) = 250', () => {
    expect(protectionFeeFor(418, '2026-11-13', '2026-11')).toEqual({
      amountYen: 250,
      proration: { activeDays: 18, daysInMonth: 30 },
    });
  });

  it('charges the full fee when delivered on the 1st, one day of it when delivered on the last day', () => {
    expect(protectionFeeFor(418, '2026-11-01', '2026-11')).toEqual({ amountYen: 418 });
    expect(protectionFeeFor(418, '2026-11-30', '2026-11')).toEqual({
      amountYen: 13,
      proration: { activeDays: 1, daysInMonth: 30 },
    });
    expect(protectionFeeFor(550, '2026-12-31', '2026-12')).toEqual({
      amountYen: 17,
      proration: { activeDays: 1, daysInMonth: 31 },
    });
  });

  it('uses 29 days in February 2028 and 28 in February 2027', () => {
    expect(protectionFeeFor(550, '2028-02-15', '2028-02')).toEqual({
      amountYen: 284,
      proration: { activeDays: 15, daysInMonth: 29 },
    });
    expect(protectionFeeFor(550, '2027-02-15', '2027-02')).toEqual({
      amountYen: 275,
      proration: { activeDays: 14, daysInMonth: 28 },
    });
  });

  it('takes the usage start from the JST date of the delivery (00:30 JST on the 1st is the 1st)', () => {
    const c = protectedDevice('2026-10-31T15:30:00Z');
    c.close('2026-10');
    c.close('2026-11');
    expect(fees(c)).toEqual([['2026-11', 418]]);
  });

  it('bills every month from the start month; a cancellation ends it with its month charged in full', () => {
    const c = protectedDevice(jst('2026-11-13'));
    c.close('2026-11');
    c.close('2026-12');
    c.on('ProtectionCancelled', { occurredAt: jst('2027-01-03'), deviceId: 'D1' });
    for (const m of ['2027-01', '2027-02']) c.close(m);
    expect(fees(c)).toEqual([
      ['2026-11', 250],
      ['2026-12', 418],
      ['2027-01', 418],
    ]);
  });

  it('a cancellation takes effect at the end of its effectiveDate month, never before the request month', () => {
    const later = protectedDevice(jst('2026-11-13'));
    later.on('ProtectionCancelled', { occurredAt: jst('2026-11-20'), deviceId: 'D1', effectiveDate: '2027-01-15' });
    for (const m of ['2026-11', '2026-12', '2027-01', '2027-02']) later.close(m);
    expect(fees(later).map(([m]) => m)).toEqual(['2026-11', '2026-12', '2027-01']);
    const backdated = protectedDevice(jst('2026-11-13'));
    for (const m of ['2026-11', '2026-12']) backdated.close(m);
    backdated.on('ProtectionCancelled', { occurredAt: jst('2027-01-10'), deviceId: 'D1', effectiveDate: '2026-11-30' });
    for (const m of ['2027-01', '2027-02']) backdated.close(m);
    expect(fees(backdated).map(([m]) => m)).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('same-month start and end: the prorated fee is the only fee', () => {
    const c = protectedDevice(jst('2026-11-13'));
    c.on('ProtectionCancelled', { occurredAt: jst('2026-11-20'), deviceId: 'D1' });
    for (const m of ['2026-11', '2026-12']) c.close(m);
    expect(fees(c)).toEqual([['2026-11', 250]]);
  });

  it('a plan cancelled before delivery is never billed; the device still is', () => {
    const c = new Customer();
    c.order(jst('2026-11-01'), [{ deviceId: 'D1', months: 2, priceYen: 1_000, protectionFeeYen: 418 }], {
      orderId: 'O1',
    });
    c.on('ProtectionCancelled', { occurredAt: jst('2026-11-02'), deviceId: 'D1' });
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-05'), orderId: 'O1', deviceId: 'D1' });
    for (const m of ['2026-11', '2026-12']) c.close(m);
    expect(fees(c)).toEqual([]);
    expect(c.entriesOf('device_installment')).toHaveLength(2);
  });

  it('a cancellation learned late reverses the fees billed past the final month', () => {
    const c = protectedDevice(jst('2026-11-13'));
    for (const m of ['2026-11', '2026-12', '2027-01']) c.close(m);
    c.on('ProtectionCancelled', { occurredAt: jst('2026-12-15'), deviceId: 'D1' });
    c.close('2027-02');
    expect(c.statement('2027-02')?.lines).toMatchObject([
      { kind: 'protection_fee', amountYen: -418, reverses: 'prot/D1/2027-01', forMonth: '2027-01' },
    ]);
  });

  it('refuses a second cancellation and one for a device without a plan', () => {
    const c = protectedDevice(jst('2026-11-13'));
    c.on('ProtectionCancelled', { occurredAt: jst('2026-11-20'), deviceId: 'D1' });
    expect(c.on('ProtectionCancelled', { occurredAt: jst('2026-11-21'), deviceId: 'D1' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('ALREADY_CANCELLED'),
    });
    const none = new Customer();
    none.order(jst('2026-11-01'), [{ deviceId: 'D1' }], { orderId: 'O1' });
    expect(none.on('ProtectionCancelled', { occurredAt: jst('2026-11-21'), deviceId: 'D1' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('NO_PROTECTION'),
    });
  });
});
