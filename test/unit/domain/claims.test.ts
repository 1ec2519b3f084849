import { describe, expect, it } from 'vitest';
import { Customer, jst } from '#test/support/scenario.ts';

/** A customer with device D1 delivered on `deliveredOn` (JST), protected unless `protectionFeeYen` is 0. */
function covered(opts: { condition?: 'new' | 'used'; deliveredOn?: string; protectionFeeYen?: number } = {}): Customer {
  const condition = opts.condition ?? 'new';
  const c = new Customer();
  const fee = opts.protectionFeeYen ?? (condition === 'new' ? 418 : 550);
  c.order(jst('2026-01-05'), [{ deviceId: 'D1', condition, months: 24, ...(fee ? { protectionFeeYen: fee } : {}) }], {
    orderId: 'O1',
  });
  c.on('DeviceDelivered', {
    occurredAt: jst(opts.deliveredOn ?? '2026-01-10', '08:00'),
    orderId: 'O1',
    deviceId: 'D1',
  });
  return c;
}

let n = 0;
function file(
  c: Customer,
  filedOn: string,
  cause: string,
  incidentDate = filedOn,
  extra: Record<string, unknown> = {},
) {
  const claimId = (extra.claimId as string | undefined) ?? `K${++n}`;
  c.on('ClaimFiled', { occurredAt: jst(filedOn), claimId, deviceId: 'D1', cause, incidentDate, ...extra });
  return c.emittedOf('ClaimAdjudicated').find((e) => e.detail.claimId === claimId)?.detail;
}

describe('claim adjudication (§4)', () => {
  it('accepts a covered claim as use 1 for 5,500 yen, billed in the filing month', () => {
    const c = covered();
    expect(file(c, '2026-03-02', 'water_damage', '2026-02-27', { claimId: 'K1' })).toEqual({
      claimId: 'K1',
      customerId: 'C1',
      deviceId: 'D1',
      decision: 'accepted',
      basis: 'protection',
      useNumber: 1,
      feeYen: 5_500,
      revision: 1,
    });
    expect(c.entriesOf('exchange_fee')).toMatchObject([
      { amountYen: 5_500, billingMonth: '2026-03', taxClass: 'taxable-10', useNumber: 1, claimId: 'K1' },
    ]);
  });

  it('NO_PROTECTION: a device without a plan, or of a voided order', () => {
    expect(file(covered({ protectionFeeYen: 0 }), '2026-03-02', 'water_damage')).toMatchObject({
      decision: 'rejected',
      reason: 'NO_PROTECTION',
      feeYen: 0,
    });
    const voided = new Customer();
    voided.order(jst('2026-01-05'), [{ deviceId: 'D1', protectionFeeYen: 418 }], { orderId: 'O1' });
    voided.on('OrderVoided', { occurredAt: jst('2026-01-06'), orderId: 'O1', reason: 'resale' });
    expect(file(voided, '2026-03-02', 'water_damage')).toMatchObject({ decision: 'rejected', reason: 'NO_PROTECTION' });
  });

  it('BEFORE_COVERAGE: an incident the day before the usage start', () => {
    expect(file(covered(), '2026-01-12', 'water_damage', '2026-01-09')).toMatchObject({ reason: 'BEFORE_COVERAGE' });
    expect(file(covered(), '2026-01-12', 'water_damage', '2026-01-10')).toMatchObject({ decision: 'accepted' });
  });

  it('COVERAGE_ENDED: filed after the final month, or an incident after its last day', () => {
    const c = covered();
    c.on('ProtectionCancelled', { occurredAt: jst('2026-05-10'), deviceId: 'D1' });
    expect(file(c, '2026-05-31', 'water_damage', '2026-05-31')).toMatchObject({ decision: 'accepted' });
    expect(file(c, '2026-06-01', 'water_damage', '2026-05-30')).toMatchObject({ reason: 'COVERAGE_ENDED' });
    // An incident after the final month's last day: since an incident cannot be dated after its
    // filing (the event would be malformed), such a claim is also filed after the final month.
    const d = covered();
    d.on('ProtectionCancelled', { occurredAt: jst('2026-05-10'), deviceId: 'D1' });
    expect(file(d, '2026-06-01', 'water_damage', '2026-06-01')).toMatchObject({ reason: 'COVERAGE_ENDED' });
  });

  it('CAUSE_NOT_COVERED: theft, loss, modification, natural disaster, business use, other', () => {
    for (const cause of ['theft', 'loss', 'modification', 'natural_disaster', 'business_use', 'other']) {
      expect(file(covered(), '2026-03-02', cause)).toMatchObject({ reason: 'CAUSE_NOT_COVERED' });
    }
  });

  it('MAKER_WARRANTY: a new device natural failure within a year of usage start; covered from the anniversary', () => {
    expect(file(covered(), '2027-01-09', 'natural_failure', '2027-01-09')).toMatchObject({ reason: 'MAKER_WARRANTY' });
    expect(file(covered(), '2027-01-10', 'natural_failure', '2027-01-10')).toMatchObject({
      decision: 'accepted',
      useNumber: 1,
    });
  });

  it('NATURAL_FAILURE_AFTER_24_MONTHS: a used device, incident more than 24 months after the purchase date (the order, 5 Jan 2026)', () => {
    const used = () => covered({ condition: 'used' });
    expect(file(used(), '2026-02-01', 'natural_failure', '2026-02-01')).toMatchObject({ decision: 'accepted' });
    expect(file(used(), '2028-01-05', 'natural_failure', '2028-01-05')).toMatchObject({ decision: 'accepted' });
    // Within 24 months of the usage start (10 Jan) but not of the purchase date.
    expect(file(used(), '2028-01-06', 'natural_failure', '2028-01-06')).toMatchObject({
      reason: 'NATURAL_FAILURE_AFTER_24_MONTHS',
    });
  });

  it('initial defect: free and uncounted on days 1–30 (start day = day 1), WARRANTY_PERIOD_OVER from day 31', () => {
    const c = covered();
    expect(file(c, '2026-02-08', 'initial_defect', '2026-02-08')).toEqual(
      expect.objectContaining({ decision: 'accepted', feeYen: 0 }),
    );
    expect(c.emittedOf('ClaimAdjudicated')[0]?.detail).not.toHaveProperty('useNumber');
    expect(c.entriesOf('exchange_fee')).toEqual([]);
    expect(file(covered(), '2026-02-09', 'initial_defect', '2026-02-09')).toMatchObject({
      reason: 'WARRANTY_PERIOD_OVER',
    });
  });

  it('network restriction: free on a used device whenever, WARRANTY_PERIOD_OVER on a new one', () => {
    expect(file(covered({ condition: 'used' }), '2029-06-01', 'network_restriction')).toMatchObject({
      decision: 'accepted',
      feeYen: 0,
    });
    expect(file(covered(), '2026-01-11', 'network_restriction')).toMatchObject({ reason: 'WARRANTY_PERIOD_OVER' });
  });

  it('checks in the documented order: the first failing check decides', () => {
    // before coverage AND not covered AND maker warranty: BEFORE_COVERAGE wins
    expect(file(covered(), '2026-01-12', 'theft', '2026-01-01')).toMatchObject({ reason: 'BEFORE_COVERAGE' });
    // not covered beats the maker warranty and the annual limit
    expect(file(covered(), '2026-01-12', 'theft', '2026-01-11')).toMatchObject({ reason: 'CAUSE_NOT_COVERED' });
  });
});

describe('uses, the fee ladder and the coverage year (§4)', () => {
  it('5,500 then 8,800, a third claim in the coverage year is ANNUAL_LIMIT; the ladder resets at the anniversary', () => {
    const c = covered();
    expect(file(c, '2026-03-01', 'water_damage')).toMatchObject({ useNumber: 1, feeYen: 5_500 });
    expect(file(c, '2026-06-01', 'partial_damage')).toMatchObject({ useNumber: 2, feeYen: 8_800 });
    expect(file(c, '2027-01-09', 'total_loss')).toMatchObject({ reason: 'ANNUAL_LIMIT', feeYen: 0 });
    expect(file(c, '2027-01-10', 'total_loss')).toMatchObject({ useNumber: 1, feeYen: 5_500 });
    expect(c.entriesOf('exchange_fee').map((e) => e.amountYen)).toEqual([5_500, 8_800, 5_500]);
  });

  it('free claims do not count toward the two uses', () => {
    const c = covered();
    file(c, '2026-01-20', 'initial_defect');
    file(c, '2026-03-01', 'water_damage');
    expect(file(c, '2026-04-01', 'water_damage')).toMatchObject({ useNumber: 2 });
  });

  it('a follow-up filed by the end of D+7 (D the replacement delivery, day 0) is free; D+8 is a new use', () => {
    const c = covered();
    file(c, '2026-03-01', 'water_damage', '2026-03-01', { claimId: 'K1' });
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-05'), claimId: 'K1' });
    expect(file(c, '2026-03-12', 'partial_damage', '2026-03-10', { followUpOf: 'K1' })).toMatchObject({
      decision: 'accepted',
      basis: 'follow_up',
      feeYen: 0,
    });
    expect(file(c, '2026-03-13', 'partial_damage', '2026-03-13', { followUpOf: 'K1' })).toMatchObject({
      useNumber: 2,
      feeYen: 8_800,
    });
  });

  it('a follow-up of a claim whose device is not delivered yet, or of a rejected claim, is an ordinary claim', () => {
    const c = covered();
    file(c, '2026-03-01', 'water_damage', '2026-03-01', { claimId: 'K1' });
    expect(file(c, '2026-03-03', 'partial_damage', '2026-03-03', { followUpOf: 'K1' })).toMatchObject({ useNumber: 2 });
    const d = covered();
    file(d, '2026-03-01', 'theft', '2026-03-01', { claimId: 'K1' });
    expect(file(d, '2026-03-03', 'partial_damage', '2026-03-03', { followUpOf: 'K1' })).toMatchObject({ useNumber: 1 });
  });

  it('a follow-up naming an unknown claim waits for it; a claim on an undelivered protected device waits', () => {
    const c = covered();
    expect(
      c.on('ClaimFiled', {
        occurredAt: jst('2026-03-03'),
        claimId: 'K9',
        deviceId: 'D1',
        cause: 'water_damage',
        incidentDate: '2026-03-03',
        followUpOf: 'K404',
      }).outcome,
    ).toBe('waiting');
    const d = new Customer();
    d.order(jst('2026-01-05'), [{ deviceId: 'D1', protectionFeeYen: 418 }], { orderId: 'O1' });
    expect(
      d.on('ClaimFiled', {
        occurredAt: jst('2026-03-03'),
        claimId: 'K9',
        deviceId: 'D1',
        cause: 'water_damage',
        incidentDate: '2026-03-03',
      }).outcome,
    ).toBe('waiting');
    expect(
      d.on('ClaimFiled', {
        occurredAt: jst('2026-03-03'),
        claimId: 'K9',
        deviceId: 'D404',
        cause: 'water_damage',
        incidentDate: '2026-03-03',
      }).outcome,
    ).toBe('waiting');
  });
});

describe('withdrawal (§4)', () => {
  it('before any delivery: the fee is credited and the use given back', () => {
    const c = covered();
    file(c, '2026-03-01', 'water_damage', '2026-03-01', { claimId: 'K1' });
    expect(c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-02'), claimId: 'K1' })).toEqual({ outcome: 'applied' });
    expect(c.entriesOf('exchange_fee')).toMatchObject([
      { amountYen: 5_500 },
      { amountYen: -5_500, reverses: 'fee/K1' },
    ]);
    expect(file(c, '2026-04-01', 'water_damage')).toMatchObject({ useNumber: 1, feeYen: 5_500 });
  });

  it('after a replacement, repaired device or loaner was delivered: refused, the fee stays', () => {
    for (const delivery of ['ReplacementDelivered', 'RepairedDeviceDelivered', 'LoanerDelivered']) {
      const c = covered();
      file(c, '2026-03-01', 'water_damage', '2026-03-01', { claimId: 'K1' });
      c.on(delivery, {
        occurredAt: jst('2026-03-03'),
        claimId: 'K1',
        ...(delivery === 'LoanerDelivered' ? { loanerValueYen: 20_000 } : {}),
      });
      expect(c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-04'), claimId: 'K1' })).toMatchObject({
        outcome: 'ignored',
        reason: expect.stringContaining('WITHDRAWAL_AFTER_DELIVERY'),
      });
      expect(c.entriesOf('exchange_fee')).toHaveLength(1);
    }
  });

  it('a withdrawal in a later month credits the fee there, saying which month it belongs to', () => {
    const c = covered();
    file(c, '2026-03-31', 'water_damage', '2026-03-30', { claimId: 'K1' });
    c.close('2026-03');
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-04-01'), claimId: 'K1' });
    expect(c.entriesOf('exchange_fee').at(-1)).toMatchObject({
      amountYen: -5_500,
      billingMonth: '2026-04',
      forMonth: '2026-03',
    });
  });
});
