// §5 as the terms' second reading has it: the re-exchange of a used device (the earlier
// replacement back by the end of N + 7, else its value, in the month of N + 8, instead of
// the 14-day penalty) and a loaner damaged during the loan. Each rule at its boundaries.
import { describe, expect, it } from 'vitest';
import { Customer, event, jst } from '#test/support/scenario.ts';

interface Setup {
  condition?: 'new' | 'used';
  /** The earlier claim E is answered with a replacement (worth this much, or no value) or a repair. */
  earlier?: { valueYen?: number } | 'repair';
  /** When the follow-up F is filed; E's delivery is on 12 Mar (D), so 19 Mar is D+7. */
  followUpFiledOn?: string;
}

/** E accepted and delivered on D = 12 Mar; F (followUpOf E) filed; nothing of F delivered yet. */
function followUp(s: Setup = {}): Customer {
  const c = new Customer();
  c.order(
    jst('2026-01-05'),
    [
      {
        deviceId: 'D1',
        condition: s.condition ?? 'used',
        months: 24,
        protectionFeeYen: s.condition === 'new' ? 418 : 550,
      },
    ],
    { orderId: 'O1' },
  );
  c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
  c.on('ClaimFiled', {
    occurredAt: jst('2026-03-01'),
    claimId: 'E',
    deviceId: 'D1',
    cause: 'total_loss',
    incidentDate: '2026-02-28',
  });
  const earlier = s.earlier ?? { valueYen: 30_000 };
  if (earlier === 'repair') c.on('RepairedDeviceDelivered', { occurredAt: jst('2026-03-12'), claimId: 'E' });
  else
    c.on('ReplacementDelivered', {
      occurredAt: jst('2026-03-12'),
      claimId: 'E',
      ...(earlier.valueYen ? { deviceValueYen: earlier.valueYen } : {}),
    });
  c.on('DeviceReturned', { occurredAt: jst('2026-03-14'), claimId: 'E' });
  c.on('ClaimFiled', {
    occurredAt: jst(s.followUpFiledOn ?? '2026-03-18'),
    claimId: 'F',
    deviceId: 'D1',
    cause: 'partial_damage',
    incidentDate: '2026-03-17',
    followUpOf: 'E',
  });
  return c;
}
const charges = (c: Customer) =>
  c.ledger
    .filter((e) => e.claimId === 'F' && e.kind !== 'exchange_fee')
    .map((e) => [e.kind, e.amountYen, e.taxClass, e.billingMonth, e.businessDate]);

describe('re-exchange of a used device (§5)', () => {
  it('the earlier replacement back at 23:59 on N+7: nothing billed, however late the sweeps', () => {
    const c = followUp();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-20'), claimId: 'F', deviceValueYen: 28_000 }); // N = 20 Mar
    c.on('DeviceReturned', { occurredAt: '2026-03-27T23:59+09:00', claimId: 'F' });
    c.sweep(jst('2026-03-28'));
    c.sweep(jst('2026-05-01'));
    expect(charges(c)).toEqual([]);
  });

  it("not back by N+7: the earlier replacement's value, non-taxable, in the month of N+8 — and never the 40,000 penalty", () => {
    const c = followUp();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-24'), claimId: 'F', deviceValueYen: 28_000 }); // N+7 = 31 Mar, N+8 = 1 Apr
    expect(c.sweep(jst('2026-03-31', '23:59')).entries).toEqual([]);
    c.sweep(jst('2026-04-01', '00:05'));
    c.sweep(jst('2026-04-30')); // D+15 of F has passed too
    expect(charges(c)).toEqual([['reexchange_charge', 30_000, 'non-taxable', '2026-04', '2026-04-01']]);
    expect(c.emittedOf('PenaltyAssessed').map((e) => e.detail)).toEqual([
      {
        customerId: 'C1',
        deviceId: 'D1',
        claimId: 'F',
        kind: 'reexchange_charge',
        amountYen: 30_000,
        billingMonth: '2026-04',
        revision: 1,
      },
    ]);
    c.close('2026-04');
    expect(c.statement('2026-04')?.totals.nonTaxableYen).toBe(30_000);
  });

  it('a return received on N+8 is late: the charge stands', () => {
    const c = followUp();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-20'), claimId: 'F', deviceValueYen: 28_000 });
    c.sweep(jst('2026-03-28', '03:00'));
    c.on('DeviceReturned', { occurredAt: '2026-03-28T00:00+09:00', claimId: 'F' });
    expect(charges(c)).toEqual([['reexchange_charge', 30_000, 'non-taxable', '2026-03', '2026-03-28']]);
  });

  it('a delayed DeviceReturned whose occurredAt was on time reverses it, and the decision is published again with 0', () => {
    const c = followUp();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-20'), claimId: 'F', deviceValueYen: 28_000 });
    c.sweep(jst('2026-03-29'));
    c.on('DeviceReturned', { occurredAt: jst('2026-03-26'), claimId: 'F' });
    expect(
      c.ledger.filter((e) => e.kind === 'reexchange_charge').map((e) => [e.amountYen, e.reverses ?? null]),
    ).toEqual([
      [30_000, null],
      [-30_000, 'reexchange/F'],
    ]);
    expect(c.emittedOf('PenaltyAssessed').map((e) => [e.detail.amountYen, e.detail.revision])).toEqual([
      [30_000, 1],
      [0, 2],
    ]);
  });

  it('the 14-day rule still holds where the re-exchange rule does not: a new device, a repaired earlier device, a follow-up filed on D+8', () => {
    for (const setup of [
      { condition: 'new' as const },
      { earlier: 'repair' as const },
      { followUpFiledOn: '2026-03-20' },
    ]) {
      const c = followUp(setup);
      c.on('ReplacementDelivered', { occurredAt: jst('2026-03-22'), claimId: 'F', deviceValueYen: 28_000 }); // D+15 = 6 Apr
      c.sweep(jst('2026-04-06'));
      expect(charges(c), JSON.stringify(setup)).toEqual([
        ['late_return_penalty', 40_000, 'non-taxable', '2026-04', '2026-04-06'],
      ]);
    }
  });

  it('a follow-up filed on day D before the earlier replacement arrived that day is an ordinary use: the 14-day rule', () => {
    const c = new Customer();
    c.order(jst('2026-01-05'), [{ deviceId: 'D1', condition: 'used', months: 24, protectionFeeYen: 550 }], {
      orderId: 'O1',
    });
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-01'),
      claimId: 'E',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-12', '09:00'),
      claimId: 'F',
      deviceId: 'D1',
      cause: 'partial_damage',
      incidentDate: '2026-03-11',
      followUpOf: 'E',
    });
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-12', '15:00'), claimId: 'E', deviceValueYen: 30_000 });
    c.on('DeviceReturned', { occurredAt: jst('2026-03-14'), claimId: 'E' });
    expect(c.state.claims.F).toMatchObject({ basis: 'protection', useNumber: 2 });
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-20'), claimId: 'F', deviceValueYen: 28_000 });
    c.sweep(jst('2026-04-05'));
    expect(charges(c)).toEqual([['late_return_penalty', 40_000, 'non-taxable', '2026-04', '2026-04-04']]);
  });

  it("an earlier replacement sent without deviceValueYen: the follow-up's replacement waits, listed with the contract error, and is dead-lettered with it after 7 days", () => {
    const c = followUp({ earlier: {} });
    const outcome = c.send(
      event('ReplacementDelivered', { occurredAt: jst('2026-03-20'), claimId: 'F', deviceValueYen: 28_000 }),
      jst('2026-03-20', '13:00'),
    );
    const reason = expect.stringMatching(
      /^DEVICE_VALUE_MISSING: claim F re-exchanges the replacement of claim E, whose ReplacementDelivered has no deviceValueYen$/,
    );
    expect(outcome).toEqual({ outcome: 'waiting', reason });
    expect(c.state.waiting?.map((w) => w.reason)).toEqual([reason]);
    expect(c.state.claims.F?.replacementDeliveredOn).toBeUndefined();
    // Nothing starts: no deadline, no charge, however late the sweeps — until it is given up on.
    expect(c.sweep(jst('2026-03-27', '12:00')).expired).toBeUndefined();
    const given = c.sweep(jst('2026-03-27', '14:00')).expired;
    expect(given?.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^WAITED_7_DAYS: DEVICE_VALUE_MISSING: claim F /),
    ]);
    c.sweep(jst('2026-04-30'));
    expect(charges(c)).toEqual([]);
    // The same delivery on a new device needs no value: the ordinary 14-day rule applies.
    const d = followUp({ condition: 'new', earlier: {} });
    expect(d.on('ReplacementDelivered', { occurredAt: jst('2026-03-20'), claimId: 'F' })).toEqual({
      outcome: 'applied',
    });
  });

  it("the same contract error found by a re-derivation: the follow-up's delivery, applied before, waits again and is no longer recorded", () => {
    const c = new Customer();
    c.order(jst('2026-01-05'), [{ deviceId: 'D1', condition: 'used', months: 24, protectionFeeYen: 550 }], {
      orderId: 'O1',
    });
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-01'),
      claimId: 'E',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-18'),
      claimId: 'F',
      deviceId: 'D1',
      cause: 'partial_damage',
      incidentDate: '2026-03-17',
      followUpOf: 'E',
    });
    // E's delivery is not known yet, so F is an ordinary claim and its delivery applies.
    expect(
      c.on('ReplacementDelivered', {
        occurredAt: jst('2026-03-20'),
        claimId: 'F',
        deviceValueYen: 28_000,
        eventId: 'RD-F',
      }),
    ).toEqual({ outcome: 'applied' });
    // E's delivery arrives late, without a value: F becomes a free re-exchange whose value is unknown.
    expect(c.on('ReplacementDelivered', { occurredAt: jst('2026-03-12'), claimId: 'E' })).toEqual({
      outcome: 'applied',
    });
    expect(c.state.claims.F).toMatchObject({ basis: 'follow_up' });
    expect(c.state.claims.F?.replacementDeliveredOn).toBeUndefined();
    expect(c.state.processed).not.toHaveProperty('RD-F');
    expect(c.state.waiting?.map((w) => [w.record.event.detail.eventId, w.reason])).toEqual([
      ['RD-F', expect.stringMatching(/^DEVICE_VALUE_MISSING: claim F .* claim E/)],
    ]);
  });

  it('a contract error that an earlier event undoes: E withdrawn before its delivery, learned last — F is an ordinary claim and its delivery applies', () => {
    const c = followUp({ earlier: {} }); // E's replacement (no value) on 12 Mar, F filed 18 Mar
    expect(
      c.on('ReplacementDelivered', { occurredAt: jst('2026-03-20'), claimId: 'F', deviceValueYen: 28_000 }).outcome,
    ).toBe('waiting');
    // E was withdrawn on 2 Mar, before anything was delivered: its delivery is refused, F is no follow-up.
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-02'), claimId: 'E' });
    expect(c.state.waiting).toBeUndefined();
    expect(c.state.claims.F).toMatchObject({ basis: 'protection', replacementDeliveredOn: '2026-03-20' });
    expect(c.state.claims.F?.reexchange).toBeUndefined();
  });

  it("in any arrival order: the follow-up's delivery arriving before the earlier claim's is decided as in business order", () => {
    const late = new Customer();
    late.order(jst('2026-01-05'), [{ deviceId: 'D1', condition: 'used', months: 24, protectionFeeYen: 550 }], {
      orderId: 'O1',
    });
    late.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
    late.on('ClaimFiled', {
      occurredAt: jst('2026-03-01'),
      claimId: 'E',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
    late.on('ReplacementDelivered', { occurredAt: jst('2026-03-24'), claimId: 'F', deviceValueYen: 28_000 }); // waits for F
    late.on('DeviceReturned', { occurredAt: jst('2026-03-14'), claimId: 'E' });
    late.on('ClaimFiled', {
      occurredAt: jst('2026-03-18'),
      claimId: 'F',
      deviceId: 'D1',
      cause: 'partial_damage',
      incidentDate: '2026-03-17',
      followUpOf: 'E',
    });
    late.on('ReplacementDelivered', { occurredAt: jst('2026-03-12'), claimId: 'E', deviceValueYen: 30_000 }); // the earliest, last
    late.sweep(jst('2026-04-30'));
    expect(late.state.claims.F).toMatchObject({ basis: 'follow_up', reexchange: { of: 'E', valueYen: 30_000 } });
    expect(charges(late)).toEqual([['reexchange_charge', 30_000, 'non-taxable', '2026-04', '2026-04-01']]);
    expect(late.entriesOf('late_return_penalty')).toEqual([]);
  });
});

describe('a loaner damaged during the loan (§5)', () => {
  /** Claim K1 with a loaner delivered on 5 Mar. */
  function withLoaner(): Customer {
    const c = new Customer();
    c.order(jst('2026-01-05'), [{ deviceId: 'D1', condition: 'used', months: 24, protectionFeeYen: 550 }], {
      orderId: 'O1',
    });
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-01'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'natural_failure',
      incidentDate: '2026-02-28',
    });
    c.on('LoanerDelivered', { occurredAt: jst('2026-03-05'), claimId: 'K1', loanerValueYen: 20_000 });
    return c;
  }
  const repairs = (c: Customer) =>
    c
      .entriesOf('loaner_repair_charge')
      .map((e) => [e.entryId, e.amountYen, e.taxClass, e.billingMonth, e.forMonth ?? null]);

  it('bills the repair cost, taxable 10 %, in the month of its occurredAt (JST: 15:30 UTC on 31 Mar is April)', () => {
    const c = withLoaner();
    expect(c.on('LoanerDamaged', { occurredAt: '2026-03-31T15:30:00Z', claimId: 'K1', repairCostYen: 12_100 })).toEqual(
      { outcome: 'applied' },
    );
    expect(repairs(c)).toEqual([['loaner-repair/K1', 12_100, 'taxable-10', '2026-04', null]]);
    c.close('2026-03');
    c.close('2026-04');
    // 550 protection + the installment + 12,100: the repair is in the statement's taxable total.
    const april = c.statement('2026-04')!;
    expect(april.lines.find((l) => l.kind === 'loaner_repair_charge')).toMatchObject({
      amountYen: 12_100,
      taxClass: 'taxable-10',
    });
    expect(april.totals.consumptionTaxYen).toBe(Math.floor((april.totals.taxableYen * 10) / 110));
  });

  it('the largest amount the contract allows, into a closed month: the first open month, with forMonth', () => {
    const c = withLoaner();
    c.close('2026-03');
    c.on('LoanerDamaged', { occurredAt: jst('2026-03-20'), claimId: 'K1', repairCostYen: 10_000_000 });
    expect(repairs(c)).toEqual([['loaner-repair/K1', 10_000_000, 'taxable-10', '2026-04', '2026-03']]);
  });

  it('once per claim; refused and kept when no loaner is out; waits for an unknown claim', () => {
    const c = withLoaner();
    c.on('LoanerDamaged', { occurredAt: jst('2026-03-20'), claimId: 'K1', repairCostYen: 12_100 });
    expect(c.on('LoanerDamaged', { occurredAt: jst('2026-03-21'), claimId: 'K1', repairCostYen: 5_000 })).toMatchObject(
      { outcome: 'ignored', reason: expect.stringMatching(/^ALREADY_RECORDED:/) },
    );
    const early = withLoaner();
    expect(
      early.on('LoanerDamaged', { occurredAt: jst('2026-03-04'), claimId: 'K1', repairCostYen: 12_100 }),
    ).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^NO_LOANER:/) });
    expect(
      early.on('LoanerDamaged', { occurredAt: jst('2026-03-04'), claimId: 'K404', repairCostYen: 12_100 }),
    ).toMatchObject({ outcome: 'waiting' });
    expect(repairs(c)).toHaveLength(1);
    expect(repairs(early)).toEqual([]);
  });

  it("the damage arriving before its loaner's delivery is applied once the delivery shows it came first", () => {
    const c = new Customer();
    c.order(jst('2026-01-05'), [{ deviceId: 'D1', condition: 'used', months: 24, protectionFeeYen: 550 }], {
      orderId: 'O1',
    });
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
    c.on('ClaimFiled', {
      occurredAt: jst('2026-03-01'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'natural_failure',
      incidentDate: '2026-02-28',
    });
    expect(c.on('LoanerDamaged', { occurredAt: jst('2026-03-20'), claimId: 'K1', repairCostYen: 12_100 }).outcome).toBe(
      'ignored',
    );
    c.on('LoanerDelivered', { occurredAt: jst('2026-03-05'), claimId: 'K1', loanerValueYen: 20_000 });
    expect(repairs(c)).toEqual([['loaner-repair/K1', 12_100, 'taxable-10', '2026-03', null]]);
  });
});
