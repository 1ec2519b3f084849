import { describe, expect, it } from 'vitest';
import { Customer, jst } from '#test/support/scenario.ts';

/** A customer whose claim K1 on D1 was accepted on 2026-03-01. */
function withClaim(condition: 'new' | 'used' = 'new'): Customer {
  const c = new Customer();
  c.order(
    jst('2026-01-05'),
    [{ deviceId: 'D1', condition, months: 24, protectionFeeYen: condition === 'new' ? 418 : 550 }],
    { orderId: 'O1' },
  );
  c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
  c.on('ClaimFiled', {
    occurredAt: jst('2026-03-01'),
    claimId: 'K1',
    deviceId: 'D1',
    cause: 'total_loss',
    incidentDate: '2026-02-28',
  });
  return c;
}
const penalties = (c: Customer) => c.entriesOf('late_return_penalty');
const loanerCharges = (c: Customer) => c.entriesOf('loaner_charge');

describe('late return of the old device (§5)', () => {
  it('returned by the end of D+14: no penalty, however late the sweep runs', () => {
    const c = withClaim();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K1' });
    c.on('DeviceReturned', { occurredAt: jst('2026-03-24', '23:59'), claimId: 'K1' });
    c.sweep(jst('2026-03-25'));
    c.sweep(jst('2026-04-30'));
    expect(penalties(c)).toEqual([]);
  });

  it('not returned by D+14: 40,000 yen non-taxable in the month of D+15, assessed once', () => {
    const c = withClaim();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-17'), claimId: 'K1' }); // D+14 = 31 Mar, D+15 = 1 Apr
    expect(c.sweep(jst('2026-03-31', '23:59')).entries).toEqual([]);
    c.sweep(jst('2026-04-01', '00:05'));
    c.sweep(jst('2026-04-02'));
    expect(penalties(c)).toMatchObject([
      {
        amountYen: 40_000,
        taxClass: 'non-taxable',
        billingMonth: '2026-04',
        businessDate: '2026-04-01',
        claimId: 'K1',
      },
    ]);
    expect(c.emittedOf('PenaltyAssessed').map((e) => e.detail)).toEqual([
      {
        customerId: 'C1',
        deviceId: 'D1',
        claimId: 'K1',
        kind: 'late_return_penalty',
        amountYen: 40_000,
        billingMonth: '2026-04',
        revision: 1,
      },
    ]);
  });

  it('a sweep that never ran before the close: the close assesses the deadlines of its month', () => {
    const c = withClaim();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K1' }); // D+15 = 25 Mar
    c.close('2026-03');
    expect(c.statement('2026-03')?.lines.find((l) => l.kind === 'late_return_penalty')).toMatchObject({
      amountYen: 40_000,
    });
    expect(c.statement('2026-03')?.totals.nonTaxableYen).toBe(40_000);
  });

  it('a delayed DeviceReturned whose occurredAt was on time reverses the penalty', () => {
    const c = withClaim();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K1' });
    c.sweep(jst('2026-03-26'));
    c.on('DeviceReturned', { occurredAt: jst('2026-03-20'), claimId: 'K1' });
    expect(penalties(c)).toMatchObject([
      { amountYen: 40_000 },
      { amountYen: -40_000, reverses: 'penalty/K1', taxClass: 'non-taxable' },
    ]);
    c.close('2026-03');
    expect(c.statement('2026-03')?.totals.nonTaxableYen).toBe(0);
  });

  it('a return that really was late keeps the penalty', () => {
    const c = withClaim();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K1' });
    c.sweep(jst('2026-03-26'));
    c.on('DeviceReturned', { occurredAt: jst('2026-03-25', '00:01'), claimId: 'K1' });
    expect(penalties(c)).toHaveLength(1);
  });

  it('a return seen before the replacement delivery counts (out-of-order logistics)', () => {
    const c = withClaim();
    c.on('DeviceReturned', { occurredAt: jst('2026-03-12'), claimId: 'K1' });
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K1' });
    c.sweep(jst('2026-04-30'));
    expect(penalties(c)).toEqual([]);
  });

  it('logistics events of an unknown claim wait; of a rejected claim are ignored', () => {
    const c = withClaim();
    expect(c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K404' }).outcome).toBe('waiting');
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-01'),
      claimId: 'K2',
      deviceId: 'D1',
      cause: 'theft',
      incidentDate: '2026-02-28',
    });
    expect(c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K2' }).outcome).toBe('ignored');
  });
});

describe('loaner devices (§5)', () => {
  const lend = (c: Customer, on: string, loanerValueYen = 22_000) =>
    c.on('LoanerDelivered', { occurredAt: jst(on), claimId: 'K1', loanerValueYen });

  it('neither the faulty device nor the loaner back by L+14: the loaner value is billed, non-taxable, in the month of L+15', () => {
    const c = withClaim('used');
    lend(c, '2026-03-05'); // L+14 = 19 Mar
    c.sweep(jst('2026-03-19'));
    expect(loanerCharges(c)).toEqual([]);
    c.sweep(jst('2026-03-20'));
    c.sweep(jst('2026-03-21'));
    expect(loanerCharges(c)).toMatchObject([
      { amountYen: 22_000, taxClass: 'non-taxable', billingMonth: '2026-03', businessDate: '2026-03-20' },
    ]);
    expect(c.emittedOf('PenaltyAssessed').at(-1)?.detail).toMatchObject({
      kind: 'loaner_charge',
      amountYen: 22_000,
      billingMonth: '2026-03',
    });
  });

  it('the faulty device received by L+14 meets the first deadline', () => {
    const c = withClaim('used');
    lend(c, '2026-03-05');
    c.on('FaultyDeviceReceived', { occurredAt: jst('2026-03-19'), claimId: 'K1' });
    c.sweep(jst('2026-04-30'));
    expect(loanerCharges(c)).toEqual([]);
  });

  it('the loaner not returned by R+14 after the repaired device came back: billed', () => {
    const c = withClaim('used');
    lend(c, '2026-03-05');
    c.on('FaultyDeviceReceived', { occurredAt: jst('2026-03-07'), claimId: 'K1' });
    c.on('RepairedDeviceDelivered', { occurredAt: jst('2026-03-25'), claimId: 'K1' }); // R+14 = 8 Apr
    c.sweep(jst('2026-04-08'));
    expect(loanerCharges(c)).toEqual([]);
    c.sweep(jst('2026-04-09'));
    expect(loanerCharges(c)).toMatchObject([{ amountYen: 22_000, billingMonth: '2026-04' }]);
  });

  it('billed at most once per claim even when both deadlines pass', () => {
    const c = withClaim('used');
    lend(c, '2026-03-01');
    c.sweep(jst('2026-03-20'));
    c.on('RepairedDeviceDelivered', { occurredAt: jst('2026-03-25'), claimId: 'K1' });
    c.sweep(jst('2026-04-30'));
    c.close('2026-04');
    expect(loanerCharges(c)).toHaveLength(1);
  });

  it('a delayed LoanerReturned that was on time reverses the charge', () => {
    const c = withClaim('used');
    lend(c, '2026-03-01');
    c.sweep(jst('2026-03-20'));
    c.on('LoanerReturned', { occurredAt: jst('2026-03-14'), claimId: 'K1' });
    expect(loanerCharges(c).map((e) => e.amountYen)).toEqual([22_000, -22_000]);
    c.sweep(jst('2026-05-01'));
    expect(loanerCharges(c)).toHaveLength(2);
  });
});
