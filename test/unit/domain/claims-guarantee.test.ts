// §4 as the terms' second reading has it: the supply guarantee of used devices, natural failure
// counted from the purchase date, the follow-up window to the end of D + 7, and use numbers
// that move up after a withdrawal. Each rule at its boundaries.
import { describe, expect, it } from 'vitest';
import { Customer, jst } from '#test/support/scenario.ts';

interface Device {
  condition?: 'new' | 'used';
  protected?: boolean;
  orderedAt?: string;
  deliveredOn?: string | null;
}

/** A customer with device D1 of order O1 (ordered 5 Jan 2026, delivered 10 Jan unless said otherwise). */
function customer(d: Device = {}): Customer {
  const condition = d.condition ?? 'used';
  const c = new Customer();
  const protection = d.protected === false ? {} : { protectionFeeYen: condition === 'new' ? 418 : 550 };
  c.order(d.orderedAt ?? jst('2026-01-05'), [{ deviceId: 'D1', condition, months: 24, ...protection }], {
    orderId: 'O1',
  });
  if (d.deliveredOn !== null)
    c.on('DeviceDelivered', { occurredAt: jst(d.deliveredOn ?? '2026-01-10', '08:00'), orderId: 'O1', deviceId: 'D1' });
  return c;
}

let n = 0;
function file(c: Customer, filedAt: string, cause: string, incidentDate: string, extra: Record<string, unknown> = {}) {
  const claimId = (extra.claimId as string | undefined) ?? `K${++n}`;
  c.on('ClaimFiled', { occurredAt: filedAt, claimId, deviceId: 'D1', cause, incidentDate, ...extra });
  return c.emittedOf('ClaimAdjudicated').findLast((e) => e.detail.claimId === claimId)?.detail;
}
const guarantee = { decision: 'accepted', basis: 'guarantee', feeYen: 0 };

describe('the supply guarantee of used devices (§4)', () => {
  it('initial defect on day 30 of a used device without protection: accepted free, basis guarantee; day 31: NO_PROTECTION', () => {
    // Usage start 10 Jan = day 1, so day 30 is 8 Feb.
    const day30 = file(customer({ protected: false }), jst('2026-02-09'), 'initial_defect', '2026-02-08');
    expect(day30).toMatchObject(guarantee);
    expect(day30).not.toHaveProperty('useNumber');
    expect(file(customer({ protected: false }), jst('2026-02-09'), 'initial_defect', '2026-02-09')).toMatchObject({
      decision: 'rejected',
      reason: 'NO_PROTECTION',
    });
  });

  it('with protection, day 30 is the guarantee too, and day 31 is WARRANTY_PERIOD_OVER as before', () => {
    expect(file(customer(), jst('2026-02-08'), 'initial_defect', '2026-02-08')).toMatchObject(guarantee);
    expect(file(customer(), jst('2026-02-09'), 'initial_defect', '2026-02-09')).toMatchObject({
      reason: 'WARRANTY_PERIOD_OVER',
    });
  });

  it('network restriction of a used device: the guarantee at any time, with or without protection, even after the plan ended', () => {
    expect(file(customer({ protected: false }), jst('2030-06-01'), 'network_restriction', '2030-05-30')).toMatchObject(
      guarantee,
    );
    const cancelled = customer();
    cancelled.on('ProtectionCancelled', { occurredAt: jst('2026-05-10'), deviceId: 'D1' });
    expect(file(cancelled, jst('2027-02-01'), 'network_restriction', '2027-01-31')).toMatchObject(guarantee);
    expect(cancelled.entriesOf('exchange_fee')).toEqual([]);
  });

  it('a new device has only the maker warranty: NO_PROTECTION without the option; with it, a free initial defect rests on the protection', () => {
    expect(
      file(customer({ condition: 'new', protected: false }), jst('2026-01-12'), 'initial_defect', '2026-01-11'),
    ).toMatchObject({ reason: 'NO_PROTECTION' });
    expect(
      file(customer({ condition: 'new', protected: false }), jst('2026-01-12'), 'network_restriction', '2026-01-11'),
    ).toMatchObject({ reason: 'NO_PROTECTION' });
    expect(file(customer({ condition: 'new' }), jst('2026-02-08'), 'initial_defect', '2026-02-08')).toMatchObject({
      decision: 'accepted',
      basis: 'protection',
      feeYen: 0,
    });
  });

  it('what the guarantee does not cover is decided as before: a used device without protection gets NO_PROTECTION', () => {
    for (const cause of ['water_damage', 'natural_failure', 'theft']) {
      expect(file(customer({ protected: false }), jst('2026-01-20'), cause, '2026-01-19')).toMatchObject({
        reason: 'NO_PROTECTION',
      });
    }
    // An incident before the usage start is not a defect of the device in use.
    expect(file(customer({ protected: false }), jst('2026-01-12'), 'initial_defect', '2026-01-09')).toMatchObject({
      reason: 'NO_PROTECTION',
    });
    expect(file(customer(), jst('2026-01-12'), 'initial_defect', '2026-01-09')).toMatchObject({
      reason: 'BEFORE_COVERAGE',
    });
  });

  it('a claim on an undelivered used device without protection waits for the delivery, then the guarantee decides', () => {
    const c = customer({ protected: false, deliveredOn: null });
    expect(
      c.on('ClaimFiled', {
        occurredAt: jst('2026-01-20'),
        claimId: 'G1',
        deviceId: 'D1',
        cause: 'initial_defect',
        incidentDate: '2026-01-19',
      }).outcome,
    ).toBe('waiting');
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-15'), orderId: 'O1', deviceId: 'D1' });
    expect(c.emittedOf('ClaimAdjudicated').map((e) => e.detail)).toMatchObject([{ claimId: 'G1', ...guarantee }]);
    // A new device without protection has nothing to wait for.
    const d = customer({ condition: 'new', protected: false, deliveredOn: null });
    d.on('ClaimFiled', {
      occurredAt: jst('2026-01-20'),
      claimId: 'N1',
      deviceId: 'D1',
      cause: 'initial_defect',
      incidentDate: '2026-01-19',
    });
    expect(d.emittedOf('ClaimAdjudicated').map((e) => e.detail)).toMatchObject([
      { claimId: 'N1', reason: 'NO_PROTECTION' },
    ]);
  });

  it('guarantee claims are not counted: the next covered claim is still use 1', () => {
    const c = customer();
    file(c, jst('2026-01-20'), 'initial_defect', '2026-01-19');
    file(c, jst('2026-02-20'), 'network_restriction', '2026-02-19');
    expect(file(c, jst('2026-03-01'), 'water_damage', '2026-02-28')).toMatchObject({
      basis: 'protection',
      useNumber: 1,
      feeYen: 5_500,
    });
  });
});

describe('natural failure of a used device counts 24 months from the purchase date (§4)', () => {
  it('the purchase date is the JST date of OrderPlaced: 15:30 UTC on 4 Jan is 5 Jan in Japan', () => {
    const c = () => customer({ orderedAt: '2026-01-04T15:30:00Z', deliveredOn: '2026-01-20' });
    expect(file(c(), jst('2028-01-05'), 'natural_failure', '2028-01-05')).toMatchObject({
      decision: 'accepted',
      basis: 'protection',
      useNumber: 1,
    });
    // One day more: within 24 months of the usage start (20 Jan), not of the purchase.
    expect(file(c(), jst('2028-01-06'), 'natural_failure', '2028-01-06')).toMatchObject({
      reason: 'NATURAL_FAILURE_AFTER_24_MONTHS',
    });
  });

  it('a new device is not bound by it: after the maker warranty, natural failure is covered past 24 months', () => {
    expect(file(customer({ condition: 'new' }), jst('2028-01-06'), 'natural_failure', '2028-01-06')).toMatchObject({
      decision: 'accepted',
      useNumber: 1,
    });
  });
});

describe('follow-up claims are free to the end of D + 7, D being day 0 (§4)', () => {
  /** Claim E accepted, its replacement (or repaired device) delivered on 5 Mar = D. */
  function withDelivered(
    delivery: 'ReplacementDelivered' | 'RepairedDeviceDelivered' = 'ReplacementDelivered',
  ): Customer {
    const c = customer({ condition: 'new' });
    file(c, jst('2026-03-01'), 'water_damage', '2026-03-01', { claimId: 'E' });
    c.on(delivery, { occurredAt: jst('2026-03-05', '10:00'), claimId: 'E' });
    return c;
  }

  it.each(['ReplacementDelivered', 'RepairedDeviceDelivered'] as const)(
    'after %s: free on D and at 23:59 on D+7, a counted use at 00:00 on D+8',
    (delivery) => {
      expect(
        file(withDelivered(delivery), jst('2026-03-05', '18:00'), 'partial_damage', '2026-03-05', { followUpOf: 'E' }),
      ).toMatchObject({ basis: 'follow_up', feeYen: 0 });
      expect(
        file(withDelivered(delivery), '2026-03-12T23:59+09:00', 'partial_damage', '2026-03-12', { followUpOf: 'E' }),
      ).toMatchObject({ basis: 'follow_up', feeYen: 0 });
      expect(
        file(withDelivered(delivery), '2026-03-13T00:00+09:00', 'partial_damage', '2026-03-12', { followUpOf: 'E' }),
      ).toMatchObject({ basis: 'protection', useNumber: 2, feeYen: 8_800 });
    },
  );

  it('D+7 is counted in JST: 15:00 UTC on D+7 is already D+8 in Japan', () => {
    expect(
      file(withDelivered(), '2026-03-12T14:59:59Z', 'partial_damage', '2026-03-12', { followUpOf: 'E' }),
    ).toMatchObject({ basis: 'follow_up' });
    expect(
      file(withDelivered(), '2026-03-12T15:00:00Z', 'partial_damage', '2026-03-12', { followUpOf: 'E' }),
    ).toMatchObject({ useNumber: 2 });
  });
});

describe('use numbers move up after a withdrawal (§4)', () => {
  /** Use 1 (K1, 1 Mar) and use 2 (K2, 10 Mar) of the first coverage year. */
  function twoUses(): Customer {
    const c = customer({ condition: 'new' });
    file(c, jst('2026-03-01'), 'water_damage', '2026-03-01', { claimId: 'K1' });
    file(c, jst('2026-03-10'), 'partial_damage', '2026-03-10', { claimId: 'K2' });
    return c;
  }
  const fees = (c: Customer) =>
    c.entriesOf('exchange_fee').map((e) => [e.entryId, e.amountYen, e.billingMonth, e.forMonth ?? null]);

  it('withdrawing use 1: use 2 becomes use 1, re-priced 8,800 → 5,500 with a credit and a new fee, and published again', () => {
    const c = twoUses();
    expect(c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-15'), claimId: 'K1' })).toEqual({ outcome: 'applied' });
    expect(fees(c)).toEqual([
      ['fee/K1', 5_500, '2026-03', null],
      ['fee/K2', 8_800, '2026-03', null],
      ['fee/K1/rev', -5_500, '2026-03', null],
      ['fee/K2/rev', -8_800, '2026-03', null],
      ['fee/K2/r1', 5_500, '2026-03', null],
    ]);
    expect(c.entriesOf('exchange_fee').at(-1)).toMatchObject({ useNumber: 1, claimId: 'K2' });
    expect(
      c
        .emittedOf('ClaimAdjudicated')
        .filter((e) => e.detail.claimId === 'K2')
        .map((e) => e.detail),
    ).toMatchObject([
      { useNumber: 2, feeYen: 8_800, revision: 1 },
      { useNumber: 1, feeYen: 5_500, revision: 2, basis: 'protection' },
    ]);
    // Two counted uses can no longer cost 17,600: K2 and the next claim cost 5,500 + 8,800.
    expect(file(c, jst('2026-04-01'), 'total_loss', '2026-04-01', { claimId: 'K3' })).toMatchObject({
      useNumber: 2,
      feeYen: 8_800,
    });
  });

  it('after the filing month closed, the correction lands in the first open month with forMonth', () => {
    const c = twoUses();
    c.close('2026-03');
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-04-02'), claimId: 'K1' });
    expect(fees(c).slice(2)).toEqual([
      ['fee/K1/rev', -5_500, '2026-04', '2026-03'],
      ['fee/K2/rev', -8_800, '2026-04', '2026-03'],
      ['fee/K2/r1', 5_500, '2026-04', '2026-03'],
    ]);
  });

  it('withdrawing use 2 moves nothing; a withdrawal in another coverage year moves nothing either', () => {
    const c = twoUses();
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-15'), claimId: 'K2' });
    expect(fees(c).map((f) => f[0])).toEqual(['fee/K1', 'fee/K2', 'fee/K2/rev']);
    const d = twoUses();
    file(d, jst('2027-01-12'), 'water_damage', '2027-01-12', { claimId: 'Y2' }); // coverage year 2 from 10 Jan 2027
    d.on('ClaimWithdrawn', { occurredAt: jst('2027-01-13'), claimId: 'Y2' });
    expect(
      d
        .emittedOf('ClaimAdjudicated')
        .filter((e) => e.detail.claimId === 'K2')
        .map((e) => e.detail.revision),
    ).toEqual([1]);
  });

  it('a free claim between them keeps its place: only counted claims are numbered', () => {
    const c = customer({ condition: 'new' });
    file(c, jst('2026-01-20'), 'initial_defect', '2026-01-19', { claimId: 'F' });
    file(c, jst('2026-03-01'), 'water_damage', '2026-03-01', { claimId: 'K1' });
    file(c, jst('2026-03-10'), 'partial_damage', '2026-03-10', { claimId: 'K2' });
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-15'), claimId: 'K1' });
    expect(
      c
        .emittedOf('ClaimAdjudicated')
        .filter((e) => e.detail.claimId === 'F')
        .map((e) => e.detail.revision),
    ).toEqual([1]);
    expect(c.state.claims.K2).toMatchObject({ useNumber: 1, feeYen: 5_500 });
  });

  it('whatever the arrival order, the net per month and the final decisions are those of business order', () => {
    const inOrder = twoUses();
    inOrder.on('ClaimWithdrawn', { occurredAt: jst('2026-03-15'), claimId: 'K1', eventId: 'W1' });
    // The withdrawal arrives first; K2's filing (earlier in business time) arrives last.
    const late = customer({ condition: 'new' });
    file(late, jst('2026-03-01'), 'water_damage', '2026-03-01', { claimId: 'K1' });
    late.on('ClaimWithdrawn', { occurredAt: jst('2026-03-15'), claimId: 'K1', eventId: 'W1' });
    file(late, jst('2026-03-10'), 'partial_damage', '2026-03-10', { claimId: 'K2' });
    const net = (c: Customer) => c.ledger.reduce((s, e) => s + e.amountYen, 0);
    expect(net(late)).toBe(net(inOrder));
    expect(late.state.claims.K2).toMatchObject({ useNumber: 1, feeYen: 5_500 });
    const last = (c: Customer) => c.emittedOf('ClaimAdjudicated').findLast((e) => e.detail.claimId === 'K2')?.detail;
    expect({ ...last(late), revision: 0 }).toEqual({ ...last(inOrder), revision: 0 });
  });
});
