// §0 Business order decides: the order events are applied in, what an earlier event arriving
// late corrects (new entries, nothing edited), the decisions it publishes again with their
// revision raised, and the aggregates from before the journal.
import { describe, expect, it } from 'vitest';
import { businessKey, decide, historyFor, LIFECYCLE_RANK } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { emissionId } from '#shared/runtime/publisher.ts';
import { Customer, event, jst } from '#test/support/scenario.ts';

const sorted = (keys: string[]) => [...keys].sort();

describe('the business order key', () => {
  it('orders by instant whatever the offset, then by lifecycle rank, then by eventId', () => {
    const sameInstant = ['2026-11-10T12:00:00+09:00', '2026-11-10T03:00:00Z', '2026-11-10T04:00:00+01:00'];
    const keys = sameInstant.map((at, i) => businessKey('ClaimFiled', at, `E${i}`));
    expect(new Set(keys.map((k) => k.split('#')[0])).size).toBe(1);
    expect(sorted(keys)).toEqual(keys);
    const at = jst('2026-11-10');
    const order = businessKey('OrderPlaced', at, 'Z');
    const delivery = businessKey('DeviceDelivered', at, 'A');
    const voided = businessKey('OrderVoided', at, 'A');
    expect(sorted([voided, delivery, order])).toEqual([order, delivery, voided]);
    expect(businessKey('DeviceReturned', jst('2026-11-09'), 'Z') < order).toBe(true);
  });

  it('ranks every detail-type: an order before its delivery and void, a claim before its logistics, a withdrawal after its deliveries', () => {
    expect(LIFECYCLE_RANK.OrderPlaced).toBeLessThan(LIFECYCLE_RANK.DeviceDelivered);
    expect(LIFECYCLE_RANK.DeviceDelivered).toBeLessThan(LIFECYCLE_RANK.OrderVoided);
    expect(LIFECYCLE_RANK.DeviceDelivered).toBeLessThan(LIFECYCLE_RANK.ClaimFiled);
    for (const t of [
      'ReplacementDelivered',
      'LoanerDelivered',
      'RepairedDeviceDelivered',
      'DeviceReturned',
      'FaultyDeviceReceived',
      'LoanerReturned',
    ] as const) {
      expect(LIFECYCLE_RANK.ClaimFiled).toBeLessThan(LIFECYCLE_RANK[t]);
      expect(LIFECYCLE_RANK[t]).toBeLessThan(LIFECYCLE_RANK.ClaimWithdrawn);
    }
  });
});

/** Device D1 delivered 10 Jan 2026 with protection; claims K1 (1 Mar) and K2 (5 Mar) in `order`. */
function twoClaims(order: ('K1' | 'K2')[]): Customer {
  const c = new Customer();
  c.order(jst('2026-01-05'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], { orderId: 'O1' });
  c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' });
  const filed = { K1: jst('2026-03-01'), K2: jst('2026-03-05') };
  for (const id of order)
    c.on('ClaimFiled', {
      eventId: `file-${id}`,
      occurredAt: filed[id],
      claimId: id,
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
  return c;
}

describe('an earlier event that arrives late decides again', () => {
  it('claims arriving in reverse filing order end with the use numbers and fees of filing order, revised and republished', () => {
    const c = twoClaims(['K2', 'K1']);
    const inOrder = twoClaims(['K1', 'K2']);
    expect(c.state.claims.K1).toMatchObject({ useNumber: 1, feeYen: 5_500 });
    expect(c.state.claims.K2).toMatchObject({ useNumber: 2, feeYen: 8_800 });
    const net = (x: Customer, claimId: string) =>
      x.ledger.filter((e) => e.claimId === claimId).reduce((sum, e) => sum + e.amountYen, 0);
    expect([net(c, 'K1'), net(c, 'K2')]).toEqual([net(inOrder, 'K1'), net(inOrder, 'K2')]);
    // K2 was first billed as use 1 (5,500): credited in full, naming that entry, and billed again as use 2.
    expect(
      c.ledger
        .filter((e) => e.claimId === 'K2')
        .map((e) => [e.entryId, e.amountYen, e.reverses ?? null, e.useNumber ?? null]),
    ).toEqual([
      ['fee/K2', 5_500, null, 1],
      ['fee/K2/rev', -5_500, 'fee/K2', 1],
      ['fee/K2/c4', 8_800, null, 2],
    ]);
    const k2 = c.emittedOf('ClaimAdjudicated').filter((e) => e.detail.claimId === 'K2');
    expect(k2.map((e) => [e.detail.useNumber, e.detail.feeYen, e.detail.revision, emissionId(e)])).toEqual([
      [1, 5_500, 1, 'ClaimAdjudicated/K2'],
      [2, 8_800, 2, 'ClaimAdjudicated/K2#2'],
    ]);
    // K1 is published once, as it is decided: use 1.
    expect(
      c
        .emittedOf('ClaimAdjudicated')
        .filter((e) => e.detail.claimId === 'K1')
        .map((e) => e.detail.revision),
    ).toEqual([1]);
  });

  it('a correction for a closed month lands in the first open month with forMonth; nothing billed is edited', () => {
    const c = twoClaims(['K2']);
    c.close('2026-03');
    const before = structuredClone(c.ledger);
    c.on('ClaimFiled', {
      eventId: 'file-K1',
      occurredAt: jst('2026-03-01'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
    expect(c.ledger.slice(0, before.length)).toEqual(before);
    const corrections = c.ledger.slice(before.length);
    expect(corrections.map((e) => [e.claimId, e.amountYen, e.billingMonth, e.forMonth])).toEqual([
      ['K2', -5_500, '2026-04', '2026-03'],
      ['K2', 8_800, '2026-04', '2026-03'],
      ['K1', 5_500, '2026-04', '2026-03'],
    ]);
    expect(
      c
        .close('2026-04')
        ?.lines.filter((l) => l.forMonth === '2026-03')
        .map((l) => l.amountYen)
        .sort((a, b) => a - b),
    ).toEqual([-5_500, 5_500, 8_800]);
  });

  it('an order rejected for DEVICE_LIMIT stands once an earlier void arrives: republished with reasons [] and billed', () => {
    const c = new Customer();
    for (let i = 1; i <= 5; i++)
      c.order(jst(`2026-01-0${i}`), [{ deviceId: `D${i}`, months: 24 }], { orderId: `O${i}` });
    c.order(jst('2026-01-08'), [{ deviceId: 'D6', months: 24 }], { orderId: 'O6', eventId: 'order-6' });
    expect(c.state.orders.O6?.reasons).toEqual(['DEVICE_LIMIT']);
    c.on('OrderVoided', { occurredAt: jst('2026-01-07'), orderId: 'O1', reason: 'resale' });
    expect(c.state.orders.O6?.status).toBe('active');
    expect(c.emittedOf('OrderRejected').map((e) => [e.detail.reasons, e.detail.revision, emissionId(e)])).toEqual([
      [['DEVICE_LIMIT'], 1, 'OrderRejected/O6'],
      [[], 2, 'OrderRejected/O6#2'],
    ]);
    c.on('DeviceDelivered', { occurredAt: jst('2026-01-20'), orderId: 'O6', deviceId: 'D6' });
    expect(c.close('2026-01')?.lines.map((l) => l.deviceId)).toEqual(['D6']);
  });

  it('a penalty no longer owed is credited and republished with amountYen 0, whichever path learns it', () => {
    const c = twoClaims(['K1']);
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K1' });
    c.sweep(jst('2026-03-26'));
    // On time (24 Mar, day D+14), received after the sweep billed the penalty.
    c.on('DeviceReturned', { occurredAt: jst('2026-03-24'), claimId: 'K1' });
    expect(c.entriesOf('late_return_penalty').reduce((s, e) => s + e.amountYen, 0)).toBe(0);
    expect(
      c.emittedOf('PenaltyAssessed').map((e) => [e.detail.amountYen, e.detail.billingMonth, e.detail.revision]),
    ).toEqual([
      [40_000, '2026-03', 1],
      [0, '2026-03', 2],
    ]);
  });

  it('a withdrawal that arrives before the replacement delivery it follows is refused once the delivery arrives', () => {
    const c = twoClaims(['K1']);
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-03-12'), claimId: 'K1' });
    expect(c.state.claims.K1?.withdrawnAt).toBeDefined();
    c.on('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: 'K1' });
    c.on('DeviceReturned', { occurredAt: jst('2026-03-12'), claimId: 'K1' });
    c.sweep(jst('2026-04-30'));
    expect(c.state.claims.K1?.withdrawnAt).toBeUndefined();
    expect(c.entriesOf('exchange_fee').reduce((s, e) => s + e.amountYen, 0)).toBe(5_500);
    expect(c.entriesOf('late_return_penalty')).toEqual([]);
  });
});

describe('an aggregate from before the journal', () => {
  it('has its earlier events applied as they arrive, and says so', () => {
    const c = twoClaims(['K2']);
    // As an earlier version stored it: events applied, no journal, no business-order key.
    const { lastKey: _dropped, journaled: _none, ...legacy } = c.state;
    const k1 = event('ClaimFiled', {
      customerId: 'C1',
      eventId: 'file-K1',
      occurredAt: jst('2026-03-01'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
    const decision = decide(legacy, k1, fingerprintOf(k1));
    expect(decision.outcome).toEqual({ outcome: 'applied' });
    expect(decision.state.claims.K1).toMatchObject({ useNumber: 2, feeYen: 8_800 });
    expect(decision.state.journalIncomplete).toBe(true);
  });
});

describe('events that need no re-derivation', () => {
  it('a void after delivery that belongs before events already applied is refused without the history', () => {
    const c = twoClaims(['K1']);
    const late = event('OrderVoided', {
      customerId: 'C1',
      eventId: 'void-late',
      occurredAt: jst('2026-02-01'),
      orderId: 'O1',
      reason: 'resale',
    });
    const decision = decide(c.state, late, fingerprintOf(late));
    expect(decision.outcome).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/^VOID_AFTER_DELIVERY:/),
    });
    expect(decision.effects.journal?.map((r) => r.event.detail.eventId)).toEqual(['void-late']);
    expect(decision.state.lastKey).toBe(c.state.lastKey);
  });

  it('an earlier claim still needs the history', () => {
    const c = twoClaims(['K2']);
    const k1 = event('ClaimFiled', {
      customerId: 'C1',
      eventId: 'file-K1',
      occurredAt: jst('2026-03-01'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
    expect(decide(c.state, k1, fingerprintOf(k1))).toMatchObject({
      outcome: { outcome: 'needs-history' },
      changed: false,
    });
  });
});

describe('checkpoints of re-derivation', () => {
  /** Three years of a protected device: a claim every month, each replaced and returned on time (110 events). */
  function longHistory(): Customer {
    const c = new Customer();
    c.order(jst('2025-01-05'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], { orderId: 'O1' });
    c.on('DeviceDelivered', { occurredAt: jst('2025-01-10'), orderId: 'O1', deviceId: 'D1' });
    for (let m = 0; m < 36; m++) {
      const month = `${2025 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      c.on('ClaimFiled', {
        occurredAt: jst(`${month}-13`),
        claimId: `Q${m}`,
        deviceId: 'D1',
        cause: 'total_loss',
        incidentDate: `${month}-12`,
      });
      c.on('ReplacementDelivered', { occurredAt: jst(`${month}-16`), claimId: `Q${m}` });
      c.on('DeviceReturned', { occurredAt: jst(`${month}-19`), claimId: `Q${m}` });
    }
    return c;
  }
  const late = (claimId: string, on: string) =>
    event('ClaimFiled', {
      customerId: 'C1',
      eventId: `late-${claimId}`,
      occurredAt: jst(on),
      claimId,
      deviceId: 'D1',
      cause: 'water_damage',
      incidentDate: on,
    });

  it('an earlier event decided from the checkpoint gives exactly what deciding it from the first event gives', () => {
    const c = longHistory();
    // The first re-derivation reads everything and leaves a checkpoint at the month before the latest event's.
    c.send(late('L1', '2027-11-20'));
    expect(c.state.checkpoint?.month).toBe('2027-11');
    expect(c.snapshot?.hash).toBe(c.state.checkpoint?.hash);
    const second = late('L2', '2027-11-25');
    const journal = [...c.journal.values()];
    const partial = historyFor(c.state, second, journal, c.ledger, c.snapshot);
    expect(partial.from?.month).toBe('2027-11');
    expect(partial.journal.length).toBeLessThan(journal.length / 10);
    const fromCheckpoint = decide(c.state, second, fingerprintOf(second), { history: partial });
    const fromStart = decide(c.state, second, fingerprintOf(second), { history: { journal, billed: c.ledger } });
    expect(fromCheckpoint.outcome).toEqual({ outcome: 'applied' });
    expect(fromCheckpoint.effects.entries).toEqual(fromStart.effects.entries);
    expect(fromCheckpoint.effects.emitted).toEqual(fromStart.effects.emitted);
    expect(fromCheckpoint.state).toEqual(fromStart.state);
  });

  it('an event that can change an earlier month is derived from the first event', () => {
    const c = longHistory();
    c.send(late('L1', '2027-11-20'));
    // A withdrawal of a claim filed before the checkpoint can credit that claim's fee.
    const withdrawal = event('ClaimWithdrawn', {
      customerId: 'C1',
      eventId: 'withdraw-Q0',
      occurredAt: jst('2027-11-21'),
      claimId: 'Q0',
    });
    expect(historyFor(c.state, withdrawal, [...c.journal.values()], c.ledger, c.snapshot).from).toBeUndefined();
    const before = late('L0', '2027-10-28');
    expect(historyFor(c.state, before, [...c.journal.values()], c.ledger, c.snapshot).from).toBeUndefined();
  });
});

describe('what a re-derivation records', () => {
  it('records the new event and the waiting events it applies, not the whole journal again', () => {
    const c = twoClaims(['K2']);
    // As the store does every 100 events: the processed ids handed to the registry and forgotten.
    c.state = { ...c.state, processed: {} };
    c.on('ClaimWithdrawn', { eventId: 'withdraw-K9', occurredAt: jst('2026-03-06'), claimId: 'K9' });
    expect(c.state.waiting?.map((w) => w.record.event.detail.eventId)).toEqual(['withdraw-K9']);
    c.on('ClaimFiled', {
      eventId: 'file-K9',
      occurredAt: jst('2026-03-02'),
      claimId: 'K9',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-02-28',
    });
    expect(Object.keys(c.state.processed).sort()).toEqual(['file-K9', 'withdraw-K9']);
    expect(c.state.waiting).toBeUndefined();
    expect(c.state.claims.K9?.withdrawnAt).toBeDefined();
  });
});

// Found by the business-order harness (two orders of one customer, a checkpoint past a waiting event).
describe('re-derivations that once lost or double-billed money', () => {
  const three = (p: string) => [1, 2, 3].map((n) => ({ deviceId: `${p}${n}`, months: 12, priceYen: 12_000 }));
  const billedFor = (c: Customer, deviceId: string) =>
    c.ledger.filter((e) => e.deviceId === deviceId).reduce((sum, e) => sum + e.amountYen, 0);

  it('a payoff of a device whose order a late earlier order rejects is refused, kept, and billed once a late void lets the order stand', () => {
    const c = new Customer();
    c.order(jst('2027-10-02'), three('B'), { orderId: 'O2', eventId: 'o2' });
    c.on('DeviceDelivered', { eventId: 'b1-delivered', occurredAt: jst('2027-10-05'), orderId: 'O2', deviceId: 'B1' });
    c.on('InstallmentPayoffRequested', { eventId: 'b1-payoff', occurredAt: jst('2027-10-10'), deviceId: 'B1' });
    // O1, placed the day before, arrives: six unpaid devices, so O2 breaks DEVICE_LIMIT.
    c.order(jst('2027-10-01', '09:00'), three('A'), { orderId: 'O1', eventId: 'o1' });
    expect(c.state.orders.O2?.status).toBe('rejected');
    expect(c.state.waiting).toBeUndefined();
    // Nothing waits, so the sweep has nothing to give up on, and the payoff stays in the journal.
    expect(c.sweep(jst('2027-10-20', '03:00')).expired).toBeUndefined();
    expect(billedFor(c, 'B1')).toBe(0);
    c.on('OrderVoided', {
      eventId: 'void1',
      occurredAt: jst('2027-10-01', '18:00'),
      orderId: 'O1',
      reason: 'customer cancelled',
    });
    c.close('2027-10');
    c.close('2027-11');
    expect(c.state.orders.O2?.status).toBe('active');
    expect(billedFor(c, 'B1')).toBe(12_000);
    expect(
      c
        .entriesOf('installment_payoff')
        .filter((e) => e.deviceId === 'B1')
        .reduce((s, e) => s + e.amountYen, 0),
    ).toBe(12_000);
  });

  it('an event in order never falls before the checkpoint, so the checkpoint never misses it', () => {
    const c = new Customer();
    c.order(jst('2027-12-14'), [{ deviceId: 'D1', months: 2, priceYen: 2_000 }], { orderId: 'O1', eventId: 'order' });
    c.on('DeviceDelivered', { eventId: 'delivered', occurredAt: jst('2027-12-15'), orderId: 'O1', deviceId: 'D1' });
    // 100 refused cancellations (no plan), enough for a re-derivation to leave a checkpoint.
    for (let i = 0; i < 100; i++)
      c.on('ProtectionCancelled', {
        eventId: `refused-${i}`,
        occurredAt: new Date(Date.parse(jst('2027-12-15', '13:00')) + i * 60_000).toISOString(),
        deviceId: 'D1',
      });
    // A cancellation of an unknown device, far ahead: it waits, and must not place the checkpoint.
    c.on('ProtectionCancelled', { eventId: 'cancel-unknown', occurredAt: jst('2028-02-01'), deviceId: 'DX' });
    const refusedOrder = (id: string, at: string) =>
      c.order(at, [{ deviceId: `${id}-D` }], { orderId: id, eventId: id, paymentMethod: 'debit_card' });
    refusedOrder('O3', jst('2027-12-13'));
    expect(c.state.checkpoint?.month).toBe('2027-11');
    c.on('InstallmentPayoffRequested', { eventId: 'payoff', occurredAt: jst('2027-12-19'), deviceId: 'D1' });
    refusedOrder('O4', jst('2028-01-02'));
    refusedOrder('O5', jst('2028-01-01'));
    c.close('2027-12');
    c.close('2028-01');
    expect(billedFor(c, 'D1')).toBe(2_000);
    expect(c.entriesOf('device_installment').reduce((s, e) => s + e.amountYen, 0)).toBe(0);
  });
});
