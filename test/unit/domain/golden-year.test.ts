// GOLDEN SCENARIO: one customer through a year, every statement worked out by hand from
// docs/billing-rules.md (not copied from the engine's output).
//
// Order 2026-11-10: one NEW device D1, 39,800 yen over 24 installments, protection 418 yen/month.
// Delivered 2026-11-12T23:30:00Z = 2026-11-13 08:30 JST → usage start 2026-11-13 (§2: JST date).
//
// §2 installments: floor(39800/24) = 1658; first = 39800 − 23×1658 = 39800 − 38134 = 1666.
//    Installment k is billed in month 2026-11 + (k−1): #1 Nov 2026 … #12 Oct 2027.
// §3 protection: Nov 2026 prorated: activeDays = 30 − 13 + 1 = 18 → floor(418×18/30) = floor(250.8) = 250
//    (a UTC reading of the delivery, the 12th, would give 19 days → 264). Dec 2026 … Jul 2027 full 418.
//    ProtectionCancelled requested 2027-07-10 with effectiveDate 2027-07-25 → final month 2027-07
//    (charged in full), nothing from 2027-08 on.
// §4 coverage year 1 = 2026-11-13 … 2027-11-12.
//    CL-1 water_damage filed 2027-01-15 → use 1, 5,500 yen in Jan 2027. Replacement 2027-01-18,
//         old device returned 2027-01-25 ≤ D+14 = 2027-02-01 → no penalty.
//    CL-T theft filed 2027-03-05 → rejected CAUSE_NOT_COVERED (earlier checks pass), bills nothing,
//         not counted.
//    CL-2 partial_damage filed 2027-04-20 → use 2, 8,800 yen in Apr 2027. Replacement D = 2027-04-25,
//         deadline end of D+14 = 2027-05-09, old device returned 2027-05-12 (really late) →
//         40,000 yen non-taxable penalty in the month of D+15 = 2027-05-10 → May 2027, kept.
// §6 tax = floor(taxable×10/110).
import { beforeAll, describe, expect, it } from 'vitest';
import type { StatementLine } from '#shared/domain/index.ts';
import { Customer, jst, sumYen } from '#test/support/scenario.ts';

type Line = Pick<StatementLine, 'kind' | 'amountYen' | 'taxClass' | 'installment' | 'proration' | 'useNumber'>;
interface Expected {
  lines: Line[];
  totals: { taxableYen: number; consumptionTaxYen: number; nonTaxableYen: number; totalYen: number };
}

const T = 'taxable-10' as const;
const inst = (number: number, amountYen = 1658): Line => ({
  kind: 'device_installment',
  amountYen,
  taxClass: T,
  installment: { number, of: 24 },
});
const prot = (amountYen = 418, proration?: { activeDays: number; daysInMonth: number }): Line =>
  proration
    ? { kind: 'protection_fee', amountYen, taxClass: T, proration }
    : { kind: 'protection_fee', amountYen, taxClass: T };
const fee = (useNumber: number, amountYen: number): Line => ({
  kind: 'exchange_fee',
  amountYen,
  taxClass: T,
  useNumber,
});
const penalty: Line = { kind: 'late_return_penalty', amountYen: 40_000, taxClass: 'non-taxable' };
const totals = (taxableYen: number, consumptionTaxYen: number, nonTaxableYen = 0) => ({
  taxableYen,
  consumptionTaxYen,
  nonTaxableYen,
  totalYen: taxableYen + nonTaxableYen,
});

const EXPECTED: Record<string, Expected> = {
  // 1666 + 250 = 1916; tax floor(19160/110) = floor(174.18) = 174
  '2026-11': { lines: [inst(1, 1666), prot(250, { activeDays: 18, daysInMonth: 30 })], totals: totals(1916, 174) },
  // 1658 + 418 = 2076; tax floor(20760/110) = floor(188.72) = 188
  '2026-12': { lines: [inst(2), prot()], totals: totals(2076, 188) },
  // 1658 + 418 + 5500 = 7576; tax floor(75760/110) = floor(688.72) = 688
  '2027-01': { lines: [inst(3), prot(), fee(1, 5500)], totals: totals(7576, 688) },
  // 1658 + 418 = 2076; tax 188
  '2027-02': { lines: [inst(4), prot()], totals: totals(2076, 188) },
  // theft claim bills nothing: 1658 + 418 = 2076; tax 188
  '2027-03': { lines: [inst(5), prot()], totals: totals(2076, 188) },
  // 1658 + 418 + 8800 = 10876; tax floor(108760/110) = floor(988.72) = 988
  '2027-04': { lines: [inst(6), prot(), fee(2, 8800)], totals: totals(10876, 988) },
  // taxable 1658 + 418 = 2076 (tax 188); non-taxable 40000; total 42076
  '2027-05': { lines: [inst(7), prot(), penalty], totals: totals(2076, 188, 40_000) },
  // 1658 + 418 = 2076; tax 188
  '2027-06': { lines: [inst(8), prot()], totals: totals(2076, 188) },
  // final protection month, charged in full: 1658 + 418 = 2076; tax 188
  '2027-07': { lines: [inst(9), prot()], totals: totals(2076, 188) },
  // installment only: 1658; tax floor(16580/110) = floor(150.72) = 150
  '2027-08': { lines: [inst(10)], totals: totals(1658, 150) },
  '2027-09': { lines: [inst(11)], totals: totals(1658, 150) },
  '2027-10': { lines: [inst(12)], totals: totals(1658, 150) },
};
// Year total: installments 1666 + 11×1658 = 19904; protection 250 + 8×418 = 3594;
// fees 5500 + 8800 = 14300; penalty 40000 → 19904 + 3594 + 14300 + 40000 = 77798.
const YEAR_TOTAL_YEN = 77_798;

/** A line reduced to what the rules decide, without ids, descriptions or absent fields. */
function essence(line: StatementLine): Line {
  const out: Line = { kind: line.kind, amountYen: line.amountYen, taxClass: line.taxClass };
  if (line.installment) out.installment = line.installment;
  if (line.proration) out.proration = line.proration;
  if (line.useNumber !== undefined) out.useNumber = line.useNumber;
  return out;
}
const byKey = (a: Line, b: Line): number => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

function runGoldenYear(): Customer {
  const c = new Customer('C-GOLDEN');
  const applied = (o: ReturnType<Customer['on']>) => expect(o).toEqual(expect.objectContaining({ outcome: 'applied' }));

  applied(
    c.order(
      jst('2026-11-10', '10:00'),
      [{ deviceId: 'D1', condition: 'new', priceYen: 39_800, months: 24, protectionFeeYen: 418 }],
      { orderId: 'ORD-G1' },
    ),
  );
  // 23:30 UTC on the 12th is 08:30 JST on the 13th: the usage start date is 2026-11-13.
  applied(c.on('DeviceDelivered', { occurredAt: '2026-11-12T23:30:00Z', orderId: 'ORD-G1', deviceId: 'D1' }));
  c.close('2026-11');
  c.close('2026-12');

  // Claim 1 (use 1): water damage, replacement delivered, old device returned on time.
  applied(
    c.on('ClaimFiled', {
      occurredAt: jst('2027-01-15'),
      claimId: 'CL-1',
      deviceId: 'D1',
      cause: 'water_damage',
      incidentDate: '2027-01-14',
    }),
  );
  applied(c.on('ReplacementDelivered', { occurredAt: jst('2027-01-18', '14:00'), claimId: 'CL-1' }));
  applied(c.on('DeviceReturned', { occurredAt: jst('2027-01-25', '11:00'), claimId: 'CL-1' }));
  c.close('2027-01');
  expect(c.sweep(jst('2027-02-02', '03:00')).entries).toEqual([]); // D+15 = 2027-02-02: returned on time
  c.close('2027-02');

  // Rejected claim: theft is not a covered cause.
  applied(
    c.on('ClaimFiled', {
      occurredAt: jst('2027-03-05'),
      claimId: 'CL-T',
      deviceId: 'D1',
      cause: 'theft',
      incidentDate: '2027-03-04',
    }),
  );
  c.close('2027-03');

  // Claim 2 (use 2): partial damage, replacement on D = 2027-04-25, old device returned late.
  applied(
    c.on('ClaimFiled', {
      occurredAt: jst('2027-04-20'),
      claimId: 'CL-2',
      deviceId: 'D1',
      cause: 'partial_damage',
      incidentDate: '2027-04-19',
    }),
  );
  applied(c.on('ReplacementDelivered', { occurredAt: jst('2027-04-25', '16:00'), claimId: 'CL-2' }));
  c.close('2027-04');
  expect(c.sweep(jst('2027-05-09', '23:59')).entries).toEqual([]); // D+14: still within the deadline
  const swept = c.sweep(jst('2027-05-10', '03:00')); // D+15: the deadline has passed
  expect(swept.entries.map((e) => [e.kind, e.amountYen, e.taxClass, e.billingMonth])).toEqual([
    ['late_return_penalty', 40_000, 'non-taxable', '2027-05'],
  ]);
  expect(c.sweep(jst('2027-05-11', '03:00')).entries).toEqual([]); // idempotent
  applied(c.on('DeviceReturned', { occurredAt: jst('2027-05-12', '10:00'), claimId: 'CL-2' })); // really late: penalty kept
  c.close('2027-05');
  c.close('2027-06');

  // Protection cancelled mid-July, effective later in July: July is the final month, in full.
  applied(c.on('ProtectionCancelled', { occurredAt: jst('2027-07-10'), deviceId: 'D1', effectiveDate: '2027-07-25' }));
  c.close('2027-07');
  c.close('2027-08');
  c.close('2027-09');
  c.close('2027-10');
  return c;
}

describe('golden year: one new device on 24 installments with protection, Nov 2026 – Oct 2027', () => {
  let c: Customer;
  beforeAll(() => {
    c = runGoldenYear();
  });

  it('has a statement for exactly the twelve months 2026-11 … 2027-10', () => {
    expect(c.statements.map((s) => s.month)).toEqual(Object.keys(EXPECTED));
  });

  it.each(Object.entries(EXPECTED))('statement %s: lines and totals to the yen', (month, expected) => {
    const statement = c.statement(month);
    expect(statement, `statement ${month}`).toBeDefined();
    expect(statement!.lines.map(essence).sort(byKey)).toEqual([...expected.lines].sort(byKey));
    expect(statement!.totals).toEqual(expected.totals);
    // Totals obey §6 on the statement's own lines.
    const taxable = sumYen(statement!.lines.filter((l) => l.taxClass === 'taxable-10'));
    expect(statement!.totals.consumptionTaxYen).toBe(Math.floor((taxable * 10) / 110));
    expect(statement!.lines.every((l) => l.forMonth === undefined && l.reverses === undefined)).toBe(true);
  });

  it('emits ClaimAdjudicated for the two counted uses and the rejected theft claim', () => {
    const details = c.emittedOf('ClaimAdjudicated').map((e) => e.detail);
    expect(details).toEqual([
      {
        claimId: 'CL-1',
        customerId: 'C-GOLDEN',
        deviceId: 'D1',
        decision: 'accepted',
        basis: 'protection',
        useNumber: 1,
        feeYen: 5_500,
        revision: 1,
      },
      {
        claimId: 'CL-T',
        customerId: 'C-GOLDEN',
        deviceId: 'D1',
        decision: 'rejected',
        reason: 'CAUSE_NOT_COVERED',
        feeYen: 0,
        revision: 1,
      },
      {
        claimId: 'CL-2',
        customerId: 'C-GOLDEN',
        deviceId: 'D1',
        decision: 'accepted',
        basis: 'protection',
        useNumber: 2,
        feeYen: 8_800,
        revision: 1,
      },
    ]);
    expect(c.ledger.filter((e) => e.claimId === 'CL-T')).toEqual([]);
  });

  it('emits one PenaltyAssessed: the late return of CL-2, billed in the month of D+15', () => {
    expect(c.emittedOf('PenaltyAssessed').map((e) => e.detail)).toEqual([
      {
        customerId: 'C-GOLDEN',
        deviceId: 'D1',
        claimId: 'CL-2',
        kind: 'late_return_penalty',
        amountYen: 40_000,
        billingMonth: '2027-05',
        revision: 1,
      },
    ]);
  });

  it('emits StatementClosed with each month total', () => {
    expect(c.emittedOf('StatementClosed').map((e) => [e.detail.month, e.detail.totalYen])).toEqual(
      Object.entries(EXPECTED).map(([month, e]) => [month, e.totals.totalYen]),
    );
  });

  it('bills no protection after the final month and writes no credits', () => {
    expect(c.entriesOf('protection_fee').map((e) => e.billingMonth)).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
    ]);
    expect(c.ledger.filter((e) => e.amountYen < 0 || e.reverses !== undefined)).toEqual([]);
  });

  it('sums: statement totals = ledger entries = the hand-computed year total', () => {
    const statementSum = c.statements.reduce((s, st) => s + st.totals.totalYen, 0);
    expect(statementSum).toBe(YEAR_TOTAL_YEN);
    expect(sumYen(c.ledger)).toBe(YEAR_TOTAL_YEN);
    const byKind = (kind: string) => sumYen(c.entriesOf(kind));
    expect([
      byKind('device_installment'),
      byKind('protection_fee'),
      byKind('exchange_fee'),
      byKind('late_return_penalty'),
    ]).toEqual([19_904, 3_594, 14_300, 40_000]);
  });

  it('closing 2027-10 again changes nothing', () => {
    const again = runGoldenYear();
    const snapshot = {
      state: structuredClone(again.state),
      ledger: again.ledger.length,
      statements: again.statements.length,
      emitted: again.emitted.length,
    };
    expect(again.close('2027-10')).toBeUndefined();
    expect(again.close('2027-10', '2028-03-01T00:00:00+09:00')).toBeUndefined();
    expect(again.state).toEqual(snapshot.state);
    expect([again.ledger.length, again.statements.length, again.emitted.length]).toEqual([
      snapshot.ledger,
      snapshot.statements,
      snapshot.emitted,
    ]);
  });
});
