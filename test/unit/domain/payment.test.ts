import { describe, expect, it } from 'vitest';
import { installmentSchedule } from '#shared/domain/index.ts';
import { Customer, jst, sumYen } from '#test/support/scenario.ts';

const kindsAndAmounts = (c: Customer, month: string) => c.statement(month)?.lines.map((l) => [l.kind, l.amountYen]);

function delivered(months: number | undefined, deliveredAt: string, priceYen = 39_800): Customer {
  const c = new Customer();
  c.order(jst('2026-11-01'), [{ deviceId: 'D1', months, priceYen }], { orderId: 'O1' });
  c.on('DeviceDelivered', { occurredAt: deliveredAt, orderId: 'O1', deviceId: 'D1' });
  return c;
}

describe('installments (§2)', () => {
  it('39,800 yen over 24: 1,666 first, then 23 × 1,658', () => {
    const schedule = installmentSchedule(39_800, 24);
    expect(schedule[0]).toBe(1_666);
    expect(schedule.slice(1)).toEqual(Array(23).fill(1_658));
    expect(sumYen(schedule.map((amountYen) => ({ amountYen })))).toBe(39_800);
  });

  it('bills installment k in delivery month + (k − 1), numbered k of N, nothing before delivery', () => {
    const c = new Customer();
    c.order(jst('2026-10-20'), [{ deviceId: 'D1', months: 3, priceYen: 10_000 }], { orderId: 'O1' });
    expect(c.close('2026-10')).toBeUndefined();
    c.on('DeviceDelivered', {
      occurredAt: '2026-10-31T15:10:00Z' /* 1 Nov 00:10 JST */,
      orderId: 'O1',
      deviceId: 'D1',
    });
    for (const m of ['2026-11', '2026-12', '2027-01', '2027-02']) c.close(m);
    expect(c.statement('2026-11')?.lines).toMatchObject([
      { kind: 'device_installment', amountYen: 3_334, installment: { number: 1, of: 3 }, taxClass: 'taxable-10' },
    ]);
    expect(c.statement('2026-12')?.lines).toMatchObject([{ amountYen: 3_333, installment: { number: 2, of: 3 } }]);
    expect(c.statement('2027-01')?.lines).toMatchObject([{ amountYen: 3_333, installment: { number: 3, of: 3 } }]);
    expect(c.statement('2027-02')).toBeUndefined();
  });

  it('bills a lump sum in full in the delivery month', () => {
    const c = delivered(undefined, jst('2026-11-30', '23:59'), 88_000);
    c.close('2026-11');
    expect(kindsAndAmounts(c, '2026-11')).toEqual([['device_lump_sum', 88_000]]);
    c.close('2026-12');
    expect(c.statement('2026-12')).toBeUndefined();
  });

  it('keeps billing installments after protection is cancelled', () => {
    const c = new Customer();
    c.order(jst('2026-11-01'), [{ deviceId: 'D1', months: 2, priceYen: 1_000, protectionFeeYen: 418 }], {
      orderId: 'O1',
    });
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-01'), orderId: 'O1', deviceId: 'D1' });
    c.on('ProtectionCancelled', { occurredAt: jst('2026-11-05'), deviceId: 'D1' });
    c.close('2026-11');
    c.close('2026-12');
    expect(kindsAndAmounts(c, '2026-12')).toEqual([['device_installment', 500]]);
  });
});

describe('early payoff (§2)', () => {
  it('bills every installment not yet billed as one line in the request month; nothing after', () => {
    const c = delivered(24, jst('2026-11-13'));
    c.close('2026-11');
    c.close('2026-12');
    c.on('InstallmentPayoffRequested', { occurredAt: jst('2027-01-10'), deviceId: 'D1' });
    c.close('2027-01');
    // installments 3..24 (22 × 1,658) as one line in January
    expect(kindsAndAmounts(c, '2027-01')).toEqual([['installment_payoff', 22 * 1_658]]);
    c.close('2027-02');
    expect(c.statement('2027-02')).toBeUndefined();
    expect(sumYen(c.ledger)).toBe(39_800);
    expect(c.state.devices.D1?.payoff?.billed).toBe(true);
  });

  it('a payoff learned after its month was closed reverses what that close billed, and lands with forMonth', () => {
    const c = delivered(24, jst('2026-11-13'));
    c.close('2026-11');
    c.close('2026-12'); // bills installment 2 of 24
    c.on('InstallmentPayoffRequested', { occurredAt: jst('2026-12-31', '23:00'), deviceId: 'D1' });
    c.close('2027-01');
    expect(c.statement('2027-01')?.lines).toMatchObject([
      { kind: 'device_installment', amountYen: -1_658, reverses: 'inst/D1/2', forMonth: '2026-12' },
      { kind: 'installment_payoff', amountYen: 23 * 1_658, forMonth: '2026-12' },
    ]);
    expect(sumYen(c.ledger)).toBe(39_800);
  });

  it('a payoff requested before delivery bills the whole price in the delivery month', () => {
    const c = new Customer();
    c.order(jst('2026-11-01'), [{ deviceId: 'D1', months: 24 }], { orderId: 'O1' });
    expect(c.on('InstallmentPayoffRequested', { occurredAt: jst('2026-11-02'), deviceId: 'D1' }).outcome).toBe(
      'applied',
    );
    c.on('DeviceDelivered', { occurredAt: jst('2026-12-03'), orderId: 'O1', deviceId: 'D1' });
    c.close('2026-11');
    c.close('2026-12');
    expect(kindsAndAmounts(c, '2026-12')).toEqual([['installment_payoff', 39_800]]);
  });

  it('refuses a payoff of a lump sum, a second payoff, and one after the last installment', () => {
    const lump = delivered(undefined, jst('2026-11-13'));
    expect(lump.on('InstallmentPayoffRequested', { occurredAt: jst('2026-11-20'), deviceId: 'D1' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('NOT_ON_INSTALLMENTS'),
    });
    const twice = delivered(24, jst('2026-11-13'));
    twice.on('InstallmentPayoffRequested', { occurredAt: jst('2026-11-20'), deviceId: 'D1' });
    expect(twice.on('InstallmentPayoffRequested', { occurredAt: jst('2026-11-21'), deviceId: 'D1' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('ALREADY_PAID_OFF'),
    });
    const done = delivered(2, jst('2026-11-13'));
    expect(done.on('InstallmentPayoffRequested', { occurredAt: jst('2027-01-05'), deviceId: 'D1' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('NOTHING_TO_PAY_OFF'),
    });
    expect(
      delivered(2, jst('2026-11-13')).on('InstallmentPayoffRequested', {
        occurredAt: jst('2026-12-31'),
        deviceId: 'D1',
      }).outcome,
    ).toBe('applied');
  });

  it('waits for an unknown device', () => {
    const c = new Customer();
    expect(c.on('InstallmentPayoffRequested', { occurredAt: jst('2026-11-20'), deviceId: 'D404' }).outcome).toBe(
      'waiting',
    );
  });
});
