// GOLDEN SCENARIO 2: two used devices through the rules the terms' second reading added —
// the supply guarantee, a free follow-up and its re-exchange, a withdrawal that renumbers a
// use, a damaged loaner — every statement worked out by hand from the billing rules, not
// copied from the engine's output.
//
// Order ORD-U1 2027-01-08 10:00 JST (sent without seconds): purchase date 2027-01-08.
//   D1 used, 59,900 yen over 12 installments, protection 550/month.
//   D2 used, 19,800 yen lump sum, no protection.
// Both delivered 2027-01-11 → usage start 2027-01-11 (day 1); coverage year 1 = 2027-01-11 … 2028-01-10.
// §2 D1: floor(59900/12) = 4991 (12 × 4991 = 59892); first = 59900 − 11×4991 = 59900 − 54901 = 4999.
//    D2: the lump sum 19,800 in the delivery month, January.
// §3 D1, January: activeDays = 31 − 11 + 1 = 21 → floor(550×21/31) = floor(11550/31) = floor(372.58) = 372.
// §4 G1 (D1) initial_defect, incident 2027-02-09 = day 30 → the used-device guarantee: free, basis guarantee.
//       Replacement 2027-02-12 (D) worth 30,000; old device back 2027-02-20 ≤ D+14 → no penalty.
//    G2 (D1) water_damage, followUpOf G1, filed 2027-02-19 23:59:59.999999 = the last instant of D+7 → free,
//       basis follow_up. Replacement 2027-02-24 (N) worth 28,000.
// §5 G2 is a re-exchange of a used device: G1's replacement must be back by the end of N+7 = 2027-03-03.
//       It never comes back → G1's replacement value 30,000, non-taxable, in the month of N+8 = 2027-03-04:
//       March. No 40,000 penalty for G2 (the re-exchange rule replaces it; D+15 would be 2027-03-11).
// §4 NR1 (D2, no protection) network_restriction → the guarantee: free, basis guarantee.
//    PD2 (D2) partial_damage → NO_PROTECTION (not a claim the guarantee covers).
//    K1 (D1) water_damage filed 2027-04-05 → use 1, 5,500 in April.
//    K2 (D1) partial_damage filed 2027-04-20 → use 2, 8,800 in April. Loaner 2027-04-22 worth 20,000;
//       faulty device received 2027-04-24 ≤ L+14 → no loaner charge.
//    K1 withdrawn 2027-05-02 (nothing delivered for K1), after April closed: K1's fee credited −5,500;
//       K2 moves up to use 1: −8,800 and +5,500 — all three in May with forMonth 2027-04.
//       ClaimAdjudicated K2 published again: revision 2, use 1, 5,500.
// §5 LoanerDamaged K2 2027-05-06, repair 12,100 → taxable, May. Repaired device 2027-05-10 (R), loaner
//       back 2027-05-15 ≤ R+14 → no loaner charge.
// §6 tax = floor(taxable×10/110).
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry, StatementLine } from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { Customer, event, jst, orderPlaced, sumYen } from '#test/support/scenario.ts';

type Line = Pick<StatementLine, 'kind' | 'amountYen' | 'taxClass' | 'useNumber' | 'forMonth'>;
const T = 'taxable-10' as const;
const N = 'non-taxable' as const;
const inst = (amountYen = 4_991): Line => ({ kind: 'device_installment', amountYen, taxClass: T });
const prot = (amountYen = 550): Line => ({ kind: 'protection_fee', amountYen, taxClass: T });
const fee = (amountYen: number, useNumber?: number, forMonth?: string): Line => ({
  kind: 'exchange_fee',
  amountYen,
  taxClass: T,
  ...(useNumber !== undefined ? { useNumber } : {}),
  ...(forMonth ? { forMonth } : {}),
});
const totals = (taxableYen: number, consumptionTaxYen: number, nonTaxableYen = 0) => ({
  taxableYen,
  consumptionTaxYen,
  nonTaxableYen,
  totalYen: taxableYen + nonTaxableYen,
});

const EXPECTED: Record<string, { lines: Line[]; totals: ReturnType<typeof totals> }> = {
  // 4999 + 372 + 19800 = 25171; tax floor(251710/110) = floor(2288.27) = 2288
  '2027-01': {
    lines: [inst(4_999), prot(372), { kind: 'device_lump_sum', amountYen: 19_800, taxClass: T }],
    totals: totals(25_171, 2_288),
  },
  // two free claims bill nothing: 4991 + 550 = 5541; tax floor(55410/110) = floor(503.73) = 503
  '2027-02': { lines: [inst(), prot()], totals: totals(5_541, 503) },
  // 5541 taxable (tax 503) + the re-exchange charge 30,000 non-taxable = 35541
  '2027-03': {
    lines: [inst(), prot(), { kind: 'reexchange_charge', amountYen: 30_000, taxClass: N }],
    totals: totals(5_541, 503, 30_000),
  },
  // 4991 + 550 + 5500 + 8800 = 19841; tax floor(198410/110) = floor(1803.73) = 1803
  '2027-04': { lines: [inst(), prot(), fee(5_500, 1), fee(8_800, 2)], totals: totals(19_841, 1_803) },
  // 4991 + 550 − 5500 − 8800 + 5500 + 12100 = 8841; tax floor(88410/110) = floor(803.73) = 803
  '2027-05': {
    lines: [
      inst(),
      prot(),
      fee(-5_500, undefined, '2027-04'),
      fee(-8_800, undefined, '2027-04'),
      fee(5_500, 1, '2027-04'),
      { kind: 'loaner_repair_charge', amountYen: 12_100, taxClass: T },
    ],
    totals: totals(8_841, 803),
  },
};
// 25171 + 5541 + 35541 + 19841 + 8841 = 94935 = installments 4999 + 4×4991 = 24963, protection
// 372 + 4×550 = 2572, lump sum 19800, fees 5500, re-exchange 30000, loaner repair 12100.
const TOTAL_YEN = 94_935;
// Net by business month (forMonth, else the billing month): April 4991 + 550 + 5500 (K1 0, K2 5500)
// = 11041; May 4991 + 550 + 12100 = 17641. Whatever order the events arrive in.
const NET_BY_BUSINESS_MONTH = {
  '2027-01': 25_171,
  '2027-02': 5_541,
  '2027-03': 35_541,
  '2027-04': 11_041,
  '2027-05': 17_641,
};

const CUSTOMER = 'C-USED';
const at = (date: string, time = '12:00') => jst(date, time);
const ev = (detailType: string, detail: Record<string, unknown> & { occurredAt: string }) =>
  event(detailType, { customerId: CUSTOMER, ...detail });
const claim = (
  claimId: string,
  deviceId: string,
  occurredAt: string,
  cause: string,
  incidentDate: string,
  extra: Record<string, unknown> = {},
) => ev('ClaimFiled', { occurredAt, claimId, deviceId, cause, incidentDate, ...extra });

/** The year's events by month, in business order; `sweeps` are the deadline sweeps a live run has. */
function events(): InboundEvent[][] {
  return [
    [
      orderPlaced(
        '2027-01-08T10:00+09:00',
        [
          { deviceId: 'D1', condition: 'used', priceYen: 59_900, months: 12, protectionFeeYen: 550 },
          { deviceId: 'D2', condition: 'used', priceYen: 19_800 },
        ],
        { orderId: 'ORD-U1', customerId: CUSTOMER },
      ),
      ev('DeviceDelivered', { occurredAt: at('2027-01-11', '09:00'), orderId: 'ORD-U1', deviceId: 'D1' }),
      ev('DeviceDelivered', { occurredAt: at('2027-01-11', '09:05'), orderId: 'ORD-U1', deviceId: 'D2' }),
    ],
    [
      claim('G1', 'D1', at('2027-02-09', '20:00'), 'initial_defect', '2027-02-09'),
      ev('ReplacementDelivered', { occurredAt: at('2027-02-12', '11:00'), claimId: 'G1', deviceValueYen: 30_000 }),
      claim('G2', 'D1', '2027-02-19T23:59:59.999999+09:00', 'water_damage', '2027-02-18', { followUpOf: 'G1' }),
      ev('DeviceReturned', { occurredAt: at('2027-02-20'), claimId: 'G1' }),
      ev('ReplacementDelivered', {
        occurredAt: '2027-02-24T10:00:00.123456789+09:00',
        claimId: 'G2',
        deviceValueYen: 28_000,
      }),
    ],
    [
      claim('NR1', 'D2', at('2027-03-15'), 'network_restriction', '2027-03-14'),
      claim('PD2', 'D2', at('2027-03-20'), 'partial_damage', '2027-03-19'),
    ],
    [
      claim('K1', 'D1', at('2027-04-05'), 'water_damage', '2027-04-04'),
      claim('K2', 'D1', at('2027-04-20'), 'partial_damage', '2027-04-19'),
      ev('LoanerDelivered', { occurredAt: at('2027-04-22', '10:00'), claimId: 'K2', loanerValueYen: 20_000 }),
      ev('FaultyDeviceReceived', { occurredAt: at('2027-04-24'), claimId: 'K2' }),
    ],
    [
      ev('ClaimWithdrawn', { occurredAt: at('2027-05-02'), claimId: 'K1' }),
      ev('LoanerDamaged', { occurredAt: at('2027-05-06'), claimId: 'K2', repairCostYen: 12_100 }),
      ev('RepairedDeviceDelivered', { occurredAt: at('2027-05-10'), claimId: 'K2' }),
      ev('LoanerReturned', { occurredAt: at('2027-05-15'), claimId: 'K2' }),
    ],
  ];
}
const MONTHS = Object.keys(EXPECTED);

/** Lived month by month: each month's events, its sweeps, then its close on the 1st at 01:00. */
function liveYear(): Customer {
  const c = new Customer(CUSTOMER);
  events().forEach((month, i) => {
    for (const e of month)
      expect(c.send(e), `${e.detailType} ${JSON.stringify(e.detail)}`).toEqual({ outcome: 'applied' });
    if (MONTHS[i] === '2027-03') {
      expect(c.sweep(at('2027-03-03', '23:00')).entries).toEqual([]); // N+7: still within the deadline
      expect(c.sweep(at('2027-03-04', '03:00')).entries.map((e) => [e.kind, e.amountYen, e.billingMonth])).toEqual([
        ['reexchange_charge', 30_000, '2027-03'],
      ]);
      expect(c.sweep(at('2027-03-12', '03:00')).entries).toEqual([]); // D+15 of G2: no late-return penalty
    }
    c.close(MONTHS[i]!);
  });
  return c;
}

function essence(line: StatementLine): Line {
  const out: Line = { kind: line.kind, amountYen: line.amountYen, taxClass: line.taxClass };
  if (line.useNumber !== undefined) out.useNumber = line.useNumber;
  if (line.forMonth !== undefined) out.forMonth = line.forMonth;
  return out;
}
const byJson = (a: unknown, b: unknown): number => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
const netByBusinessMonth = (ledger: readonly LedgerEntry[]) => {
  const out: Record<string, number> = {};
  for (const e of ledger) out[e.forMonth ?? e.billingMonth] = (out[e.forMonth ?? e.billingMonth] ?? 0) + e.amountYen;
  return out;
};
/** The last revision of each decision: what a consumer keeping the highest revision holds. */
const finalDecisions = (c: Customer) => {
  const out = new Map<string, Record<string, unknown>>();
  for (const e of c.emitted)
    if (e.detailType !== 'StatementClosed') out.set(e.id, { ...e.detail, revision: undefined });
  return Object.fromEntries([...out].sort(byJson));
};

describe('golden used devices: guarantee, follow-up, re-exchange, renumbering, loaner repair (Jan – May 2027)', () => {
  let c: Customer;
  beforeAll(() => {
    c = liveYear();
  });

  it.each(Object.entries(EXPECTED))('statement %s: lines and totals to the yen', (month, expected) => {
    const statement = c.statement(month)!;
    expect(statement.lines.map(essence).sort(byJson)).toEqual([...expected.lines].sort(byJson));
    expect(statement.totals).toEqual(expected.totals);
  });

  it('decides every claim with its basis, and publishes K2 again when it moves up to use 1', () => {
    const base = { customerId: CUSTOMER, revision: 1 };
    expect(c.emittedOf('ClaimAdjudicated').map((e) => e.detail)).toEqual([
      { ...base, claimId: 'G1', deviceId: 'D1', decision: 'accepted', basis: 'guarantee', feeYen: 0 },
      { ...base, claimId: 'G2', deviceId: 'D1', decision: 'accepted', basis: 'follow_up', feeYen: 0 },
      { ...base, claimId: 'NR1', deviceId: 'D2', decision: 'accepted', basis: 'guarantee', feeYen: 0 },
      { ...base, claimId: 'PD2', deviceId: 'D2', decision: 'rejected', reason: 'NO_PROTECTION', feeYen: 0 },
      {
        ...base,
        claimId: 'K1',
        deviceId: 'D1',
        decision: 'accepted',
        basis: 'protection',
        useNumber: 1,
        feeYen: 5_500,
      },
      {
        ...base,
        claimId: 'K2',
        deviceId: 'D1',
        decision: 'accepted',
        basis: 'protection',
        useNumber: 2,
        feeYen: 8_800,
      },
      {
        ...base,
        claimId: 'K2',
        deviceId: 'D1',
        decision: 'accepted',
        basis: 'protection',
        useNumber: 1,
        feeYen: 5_500,
        revision: 2,
      },
    ]);
  });

  it('assesses the re-exchange once, in the month of N+8, and no late-return penalty', () => {
    expect(c.emittedOf('PenaltyAssessed').map((e) => e.detail)).toEqual([
      {
        customerId: CUSTOMER,
        deviceId: 'D1',
        claimId: 'G2',
        kind: 'reexchange_charge',
        amountYen: 30_000,
        billingMonth: '2027-03',
        revision: 1,
      },
    ]);
    expect(c.entriesOf('late_return_penalty')).toEqual([]);
    expect(c.entriesOf('loaner_charge')).toEqual([]);
  });

  it('the renumbering credits what it replaces, by name, and bills the new price under a new id', () => {
    expect(c.entriesOf('exchange_fee').map((e) => [e.entryId, e.amountYen, e.reverses ?? null])).toEqual([
      ['fee/K1', 5_500, null],
      ['fee/K2', 8_800, null],
      ['fee/K1/rev', -5_500, 'fee/K1'],
      ['fee/K2/rev', -8_800, 'fee/K2'],
      ['fee/K2/r1', 5_500, null],
    ]);
  });

  it('sums: statements = ledger = the hand-computed total, by kind too', () => {
    expect(c.statements.reduce((s, st) => s + st.totals.totalYen, 0)).toBe(TOTAL_YEN);
    expect(sumYen(c.ledger)).toBe(TOTAL_YEN);
    const byKind = (kind: string) => sumYen(c.entriesOf(kind));
    expect(
      [
        'device_installment',
        'protection_fee',
        'device_lump_sum',
        'exchange_fee',
        'reexchange_charge',
        'loaner_repair_charge',
      ].map(byKind),
    ).toEqual([24_963, 2_572, 19_800, 5_500, 30_000, 12_100]);
    expect(netByBusinessMonth(c.ledger)).toEqual(NET_BY_BUSINESS_MONTH);
  });

  it('any arrival order of all the events, then the closes: the same net per business month and the same final decisions', () => {
    const live = finalDecisions(c);
    const all = events().flat();
    let seed = 20261127;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let round = 0; round < 6; round++) {
      const shuffled = round === 0 ? [...all].reverse() : [...all].sort(() => random() - 0.5);
      const other = new Customer(CUSTOMER);
      for (const e of shuffled) other.send(e, '2027-06-01T09:00:00+09:00');
      for (const month of MONTHS) other.close(month, '2027-06-01T10:00:00+09:00');
      expect(other.state.waiting ?? [], `round ${round}`).toEqual([]);
      expect(netByBusinessMonth(other.ledger), `round ${round}`).toEqual(NET_BY_BUSINESS_MONTH);
      expect(finalDecisions(other), `round ${round}`).toEqual(live);
    }
  });
});
