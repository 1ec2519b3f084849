import { describe, expect, it } from 'vitest';
import {
  closeMonth,
  lookbackMonths,
  MonthNotEndedError,
  statementAccess,
  statementTotals,
} from '#shared/domain/index.ts';
import { Customer, jst } from '#test/support/scenario.ts';

function customerWithDevice(deliveredAt = jst('2026-11-13')): Customer {
  const c = new Customer();
  c.order(jst('2026-11-10'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], { orderId: 'O1' });
  c.on('DeviceDelivered', { occurredAt: deliveredAt, orderId: 'O1', deviceId: 'D1' });
  return c;
}

describe('monthly close (§6)', () => {
  it('refuses a month that has not ended yet in JST', () => {
    const c = customerWithDevice();
    expect(() => closeMonth(c.state, '2026-11', '2026-11-30T14:59:59Z')).toThrow(MonthNotEndedError);
    expect(() => closeMonth(c.state, '2026-11', '2026-11-30T15:00:00Z')).not.toThrow();
  });

  it('closing twice changes nothing, and closing an earlier month afterwards changes nothing', () => {
    const c = customerWithDevice();
    c.close('2026-12');
    const state = c.state;
    const again = closeMonth(state, '2026-12', jst('2027-01-05'));
    expect(again.changed).toBe(false);
    expect(again.state).toBe(state);
    expect(again.effects).toEqual({ entries: [], emitted: [], statements: [] });
    expect(closeMonth(state, '2026-11', jst('2027-01-05')).changed).toBe(false);
  });

  it('closing month M first closes every earlier month not yet closed, each with its own statement', () => {
    const c = customerWithDevice();
    c.close('2027-01');
    expect(c.statements.map((s) => s.month)).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(c.emittedOf('StatementClosed').map((e) => e.detail)).toEqual([
      { customerId: 'C1', month: '2026-11', totalYen: 1_666 + 250 },
      { customerId: 'C1', month: '2026-12', totalYen: 1_658 + 418 },
      { customerId: 'C1', month: '2027-01', totalYen: 1_658 + 418 },
    ]);
  });

  it('an event whose month is closed lands in the first open month and says which month it belongs to', () => {
    const c = customerWithDevice();
    c.close('2026-11');
    c.on('ClaimFiled', {
      occurredAt: '2026-11-30T14:00:00Z' /* 23:00 JST 30 Nov */,
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'water_damage',
      incidentDate: '2026-11-29',
    });
    expect(c.entriesOf('exchange_fee')).toMatchObject([
      { billingMonth: '2026-12', forMonth: '2026-11', businessDate: '2026-11-30' },
    ]);
    c.close('2026-12');
    expect(c.statement('2026-12')?.lines.find((l) => l.kind === 'exchange_fee')).toMatchObject({
      forMonth: '2026-11',
      amountYen: 5_500,
    });
    expect(c.statement('2026-11')?.lines).toHaveLength(2);
  });

  it('a delivery learned after its months were closed bills the missed months in the next close, with forMonth', () => {
    const c = new Customer('C1');
    c.order(jst('2026-10-10'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], { orderId: 'O1' });
    c.close('2026-11');
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-13'), orderId: 'O1', deviceId: 'D1' });
    c.close('2026-12');
    expect(c.statement('2026-12')?.lines.map((l) => [l.entryId, l.amountYen, l.forMonth])).toEqual([
      ['inst/D1/1', 1_666, '2026-11'],
      ['prot/D1/2026-11', 250, '2026-11'],
      ['inst/D1/2', 1_658, undefined],
      ['prot/D1/2026-12', 418, undefined],
    ]);
  });

  it('a new customer created after a global close starts with that month closed', () => {
    const c = new Customer('C2', '2026-11');
    c.order(jst('2026-11-20'), [{ deviceId: 'D1' }], { orderId: 'O1' });
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-25'), orderId: 'O1', deviceId: 'D1' });
    c.close('2026-12');
    expect(c.statement('2026-12')?.lines).toMatchObject([{ kind: 'device_lump_sum', forMonth: '2026-11' }]);
  });

  it('a customer with nothing billed in a month gets no statement for it', () => {
    const c = new Customer();
    c.order(jst('2026-11-10'), [{ deviceId: 'D1' }], { orderId: 'O1' });
    expect(c.close('2026-11')).toBeUndefined();
    expect(c.state.closedThrough).toBe('2026-11');
  });

  it('entry ids are unique and every entry is on exactly one statement', () => {
    const c = customerWithDevice();
    c.on('ClaimFiled', {
      occurredAt: jst('2026-12-01'),
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'water_damage',
      incidentDate: '2026-12-01',
    });
    c.on('ClaimWithdrawn', { occurredAt: jst('2026-12-02'), claimId: 'K1' });
    c.close('2027-03');
    const ids = c.ledger.map((e) => e.entryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(c.statements.flatMap((s) => s.lines.map((l) => l.entryId)).sort()).toEqual([...ids].sort());
    expect(c.state.openEntries).toEqual([]);
  });
});

describe('statement totals (§6)', () => {
  it('computes consumption tax once on the taxable total: floor(taxable × 10 / 110)', () => {
    expect(
      statementTotals([
        { amountYen: 1_666, taxClass: 'taxable-10' },
        { amountYen: 250, taxClass: 'taxable-10' },
        { amountYen: 40_000, taxClass: 'non-taxable' },
      ]),
    ).toEqual({
      taxableYen: 1_916,
      consumptionTaxYen: 174, // floor(19160 / 110) = 174.18…
      nonTaxableYen: 40_000,
      totalYen: 41_916,
    });
    // Per-line rounding would give floor(1666/11) + floor(250/11) = 151 + 22 = 173: once per statement is 174.
  });
});

describe('12-month lookback (§6)', () => {
  it('in December 2026 finance reads December 2025 … November 2026, newest first', () => {
    expect(lookbackMonths(jst('2026-12-15'))).toEqual([
      '2026-11',
      '2026-10',
      '2026-09',
      '2026-08',
      '2026-07',
      '2026-06',
      '2026-05',
      '2026-04',
      '2026-03',
      '2026-02',
      '2026-01',
      '2025-12',
    ]);
  });

  it('the 12th month back is readable, the 13th is OUTSIDE_LOOKBACK; open months are MONTH_NOT_CLOSED', () => {
    const now = jst('2026-12-15');
    expect(statementAccess('2025-12', now, '2026-11')).toBe('OK');
    expect(statementAccess('2025-11', now, '2026-11')).toBe('OUTSIDE_LOOKBACK');
    expect(statementAccess('2026-11', now, '2026-10')).toBe('MONTH_NOT_CLOSED');
    expect(statementAccess('2026-12', now, '2026-12')).toBe('MONTH_NOT_CLOSED');
    expect(statementAccess('2026-11', now, undefined)).toBe('MONTH_NOT_CLOSED');
  });

  it('the window moves on the 1st of the month in JST, not in UTC', () => {
    expect(statementAccess('2025-12', '2026-12-31T15:00:00Z' /* 1 Jan 2027 00:00 JST */, '2026-12')).toBe(
      'OUTSIDE_LOOKBACK',
    );
    expect(statementAccess('2025-12', '2026-12-31T14:59:59Z', '2026-12')).toBe('OK');
  });
});
