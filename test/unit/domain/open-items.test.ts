// The "still open" view (shared/domain/open-items.ts) over customers run through the engine:
// what it lists, and where each item stops being listed (the last installment, a payoff, a
// return on time, a charge assessed, a void).
import { describe, expect, it } from 'vitest';
import { openItems } from '#shared/domain/open-items.ts';
import { OPEN_AS_OF, openCustomerInEngine } from '#test/support/open-customer.ts';
import { Customer, jst } from '#test/support/scenario.ts';

const openCustomer = () => openCustomerInEngine('OPEN-1');

/** A customer with one device on `months` installments, delivered on `delivered`. */
function onInstallments(months: number, delivered: string, priceYen = 39_800): Customer {
  const c = new Customer();
  c.order(jst('2026-01-05'), [{ deviceId: 'D1', months, priceYen, protectionFeeYen: 418 }], { orderId: 'O1' });
  c.on('DeviceDelivered', { occurredAt: jst(delivered), orderId: 'O1', deviceId: 'D1' });
  return c;
}

describe('the open items of a customer with one of each', () => {
  const view = openItems(openCustomer().state, OPEN_AS_OF);

  it('lists the installments not billed yet: 21 of 24 after three closes, and their sum', () => {
    expect(view.installments).toEqual([
      {
        orderId: 'O1',
        deviceId: 'D1',
        model: 'Pixel 9',
        months: 24,
        monthlyYen: 1_658,
        remainingCount: 21,
        remainingYen: 21 * 1_658,
        lastMonth: '2028-12',
      },
    ]);
    expect(view.remainingInstallmentsYen).toBe(34_818);
  });

  it('lists the return and loaner deadlines with their last day, the charge and its amount', () => {
    expect(view.deadlines).toEqual([
      {
        kind: 'return',
        charge: 'late_return_penalty',
        claimId: 'K1',
        deviceId: 'D1',
        dueDate: '2027-04-19',
        chargeYen: 40_000,
        overdue: false,
      },
      {
        kind: 'loaner',
        charge: 'loaner_charge',
        claimId: 'K2',
        deviceId: 'D2',
        dueDate: '2027-04-24',
        chargeYen: 15_000,
        overdue: false,
      },
    ]);
  });

  it('lists the open claims with where they stand since when, and counts the waiting event', () => {
    expect(view.openClaims).toEqual([
      { claimId: 'K1', deviceId: 'D1', status: 'awaiting_return', since: '2027-04-05', filedOn: '2027-04-02' },
      { claimId: 'K2', deviceId: 'D2', status: 'in_repair', since: '2027-04-10', filedOn: '2027-04-08' },
    ]);
    expect(view.eventsWaiting).toBe(1);
    expect(view).toMatchObject({ customerId: 'OPEN-1', asOf: OPEN_AS_OF });
  });

  it('a deadline whose last day has passed stays listed, overdue, until the sweep assesses it', () => {
    const c = openCustomer();
    expect(openItems(c.state, jst('2027-04-19', '23:59')).deadlines[0]?.overdue).toBe(false);
    expect(openItems(c.state, jst('2027-04-20', '00:00')).deadlines[0]).toMatchObject({ claimId: 'K1', overdue: true });
    c.sweep(jst('2027-04-20', '00:30'));
    const after = openItems(c.state, jst('2027-04-20', '00:30'));
    // The penalty is billed: the deadline is gone, and so is the claim (the charge settles it).
    expect(after.deadlines.map((d) => d.claimId)).toEqual(['K2']);
    expect(after.openClaims.map((k) => k.claimId)).toEqual(['K2']);
  });

  it('the old device back on time and the faulty one received: neither deadline is listed', () => {
    const c = openCustomer();
    c.on('DeviceReturned', { occurredAt: jst('2027-04-16'), claimId: 'K1' });
    c.on('FaultyDeviceReceived', { occurredAt: jst('2027-04-17'), claimId: 'K2' });
    const view = openItems(c.state, jst('2027-04-18'));
    expect(view.deadlines).toEqual([]);
    // K1 is done; K2's device is in repair since the loaner went out, the earlier of the two.
    expect(view.openClaims).toEqual([
      { claimId: 'K2', deviceId: 'D2', status: 'in_repair', since: '2027-04-10', filedOn: '2027-04-08' },
    ]);
  });

  it('the repaired device delivered with the loaner still out: awaiting its return, by R+14', () => {
    const c = openCustomer();
    c.on('FaultyDeviceReceived', { occurredAt: jst('2027-04-12'), claimId: 'K2' });
    c.on('RepairedDeviceDelivered', { occurredAt: jst('2027-04-20'), claimId: 'K2' });
    const view = openItems(c.state, jst('2027-04-21'));
    expect(view.openClaims.find((k) => k.claimId === 'K2')).toMatchObject({
      status: 'awaiting_loaner_return',
      since: '2027-04-20',
    });
    expect(view.deadlines.find((d) => d.claimId === 'K2')).toMatchObject({ kind: 'loaner', dueDate: '2027-05-04' });
    c.on('LoanerReturned', { occurredAt: jst('2027-04-22'), claimId: 'K2' });
    expect(openItems(c.state, jst('2027-04-23')).openClaims.map((k) => k.claimId)).toEqual(['K1']);
  });

  it('a customer with nothing open answers empty lists and zeros', () => {
    expect(openItems(new Customer('EMPTY').state, OPEN_AS_OF)).toEqual({
      customerId: 'EMPTY',
      asOf: OPEN_AS_OF,
      installments: [],
      remainingInstallmentsYen: 0,
      deadlines: [],
      openClaims: [],
      eventsWaiting: 0,
    });
  });
});

describe('installments at their boundaries', () => {
  it('before the first close every installment remains, the first carrying the remainder', () => {
    const c = onInstallments(24, '2026-01-10');
    expect(openItems(c.state, jst('2026-01-20')).installments[0]).toMatchObject({
      remainingCount: 24,
      remainingYen: 39_800,
      monthlyYen: 1_658,
      lastMonth: '2027-12',
    });
  });

  it('in the last installment month one remains; once that month is closed the plan is not listed', () => {
    const c = onInstallments(2, '2026-01-10', 10_001); // 5,001 then 5,000
    c.close('2026-01');
    expect(openItems(c.state, jst('2026-02-28', '23:59')).installments).toMatchObject([
      { remainingCount: 1, remainingYen: 5_000, lastMonth: '2026-02' },
    ]);
    c.close('2026-02');
    const paid = openItems(c.state, jst('2026-03-01', '02:00'));
    expect(paid.installments).toEqual([]);
    expect(paid.remainingInstallmentsYen).toBe(0);
  });

  it('paid off early: not listed, whatever closes follow', () => {
    const c = onInstallments(24, '2026-01-10');
    c.close('2026-01');
    c.on('InstallmentPayoffRequested', { occurredAt: jst('2026-02-10'), deviceId: 'D1' });
    expect(openItems(c.state, jst('2026-02-11')).installments).toEqual([]);
  });

  it('not listed before delivery (nothing is owed before the usage start), nor on a voided order', () => {
    const c = new Customer();
    c.order(jst('2026-01-05'), [{ deviceId: 'D1', months: 24 }], { orderId: 'O1' });
    expect(openItems(c.state, jst('2026-01-06')).installments).toEqual([]);
    const voided = onInstallments(24, '2026-01-10');
    voided.close('2026-01');
    // Voided before the delivery, the void arriving after the close billed the first installment.
    voided.on('OrderVoided', { occurredAt: jst('2026-01-08'), orderId: 'O1', reason: 'fraud' });
    expect(voided.state.orders.O1?.status).toBe('voided');
    expect(openItems(voided.state, jst('2026-02-04')).installments).toEqual([]);
  });

  it('a lump sum is no installment plan', () => {
    const c = new Customer();
    c.order(jst('2026-01-05'), [{ deviceId: 'D1' }], { orderId: 'O1' });
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
    expect(openItems(c.state, jst('2026-01-11')).installments).toEqual([]);
  });

  it('sums the plans of several devices, in order and device order', () => {
    const c = new Customer();
    c.order(
      jst('2026-01-05'),
      [
        { deviceId: 'D2', months: 12, priceYen: 12_000 },
        { deviceId: 'D1', months: 10, priceYen: 10_005 },
      ],
      { orderId: 'O1' },
    );
    for (const deviceId of ['D1', 'D2'])
      c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId });
    const view = openItems(c.state, jst('2026-01-11'));
    expect(view.installments.map((i) => [i.deviceId, i.remainingYen])).toEqual([
      ['D1', 10_005],
      ['D2', 12_000],
    ]);
    expect(view.remainingInstallmentsYen).toBe(22_005);
  });
});

describe('claims that are not open', () => {
  const fileClaim = (c: Customer, claimId: string, cause: string, on: string) =>
    c.on('ClaimFiled', { occurredAt: jst(on), claimId, deviceId: 'D1', cause, incidentDate: '2026-02-27' });

  it('an accepted claim without logistics yet is filed; a rejected one and a withdrawn one are not listed', () => {
    const c = onInstallments(24, '2026-01-10');
    fileClaim(c, 'K1', 'total_loss', '2026-02-28');
    fileClaim(c, 'K2', 'theft', '2026-03-01');
    fileClaim(c, 'K3', 'water_damage', '2026-03-02');
    expect(c.state.claims.K2?.decision).toBe('rejected');
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-03'), claimId: 'K3' });
    expect(c.state.claims.K3?.withdrawnAt).toBeDefined();
    expect(openItems(c.state, jst('2026-03-04')).openClaims).toEqual([
      { claimId: 'K1', deviceId: 'D1', status: 'filed', since: '2026-02-28', filedOn: '2026-02-28' },
    ]);
  });
});
