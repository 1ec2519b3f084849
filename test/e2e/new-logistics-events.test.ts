// The two logistics rules added to §5, end to end on the local stack and through its public
// surfaces only: events go in through the real @aws-sdk/client-eventbridge (PutEvents on
// POST /), the clock, sweep, close and reads are plain HTTP (contract §3, §4).
// - LoanerDamaged bills its repairCostYen (kind loaner_repair_charge, taxable-10) in the JST
//   month of its occurredAt, once per claim; one for a claim not known yet waits.
// - A used device's re-exchange (follow-up claim F of claim E, answered by a new
//   ReplacementDelivered on N) bills E's replacement's deviceValueYen (reexchange_charge,
//   non-taxable) in the month of N+8 unless DeviceReturned of F occurred by the end of N+7,
//   instead of F's 14-day / 40,000 yen rule; without that value, F's delivery is dead-lettered.
// Every figure is worked out by hand in the comments from billing-rules.md §2, §3, §4, §5, §6.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '#test/support/local-stack.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';

type Line = {
  entryId: string;
  kind: string;
  deviceId: string;
  claimId?: string;
  amountYen: number;
  taxClass: string;
  reverses?: string;
  forMonth?: string;
};
type Totals = { taxableYen: number; consumptionTaxYen: number; nonTaxableYen: number; totalYen: number };
type Emitted = { source: string; 'detail-type': string; detail: Record<string, unknown> };

/** The parts of a line these tests decide; the description and ordering fields are the statement's own. */
const brief = (line: Line) => ({
  kind: line.kind,
  amountYen: line.amountYen,
  taxClass: line.taxClass,
  ...(line.claimId !== undefined ? { claimId: line.claimId } : {}),
  ...(line.reverses !== undefined ? { reverses: line.reverses } : {}),
});

/** The driver of one stack: send events and drain, sweep on the clock, read statements and emitted events. */
function driver(stack: () => TestStack) {
  let before: Record<string, number> | undefined;
  return {
    /**
     * Sends the events one PutEvents call and one drain each, in the order given, as upstream
     * sends them over the days (so which consumer queue runs first never decides anything),
     * and answers what they did together (the drain's counts are the stack's running totals).
     */
    async step(events: ReturnType<typeof event>[]): Promise<Record<string, number>> {
      before ??= await stack().drain();
      const start = before;
      for (const e of events) {
        await stack().put([e]);
        before = (await stack().drain()) as unknown as Record<string, number>;
        expect(before.pending).toBe(0);
      }
      return Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v - (start[k] ?? 0)]));
    },
    async statement(customerId: string, month: string): Promise<{ lines: Line[]; totals: Totals }> {
      const response = await stack().get(`/customers/${customerId}/statements/${month}`);
      expect(response.status, `${customerId} ${month}: ${response.text}`).toBe(200);
      return response.json;
    },
    async sweep(at: string) {
      await stack().setClock(at);
      const response = await stack().post('/admin/sweep');
      expect(response.status, response.text).toBe(200);
      return response.json as { assessed: number };
    },
    /** The customer's emitted events of a detail-type, in order, with the contract's fields (§2; the bus's own eventId left out). */
    async emitted(detailType: string, customerId: string): Promise<Record<string, unknown>[]> {
      const events = (await stack().get(`/admin/events?detailType=${detailType}`)).json.events as Emitted[];
      for (const e of events) expect([e.source, e['detail-type']]).toEqual(['device-supply.billing', detailType]);
      return events.map(({ detail: { eventId: _, ...detail } }) => detail).filter((d) => d.customerId === customerId);
    },
    /** The latest revision of a claim's ClaimAdjudicated (consumers keep the highest, §2). */
    async decision(customerId: string, claimId: string): Promise<Record<string, unknown> | undefined> {
      const all = (await this.emitted('ClaimAdjudicated', customerId)).filter((x) => x.claimId === claimId);
      return all.sort((a, b) => Number(b.revision) - Number(a.revision))[0];
    },
  };
}

/** consumptionTaxYen of §6: the 10 % inside a tax-inclusive taxable total, rounded down. */
const taxOf = (taxableYen: number) => Math.floor((taxableYen * 10) / 110);

describe('LoanerDamaged: the loaner repair charge (§5)', () => {
  let stack: TestStack;
  const d = driver(() => stack);
  const customerId = 'C-LOANER-DMG';
  const on = (detailType: string, detail: Record<string, unknown> & { occurredAt: string }) =>
    event(detailType, { customerId, ...detail });
  // The damage happened at 00:30 JST on 1 January 2027, sent in UTC as the last day of 2026:
  // its month is January (JST), not December, and not the month of the claim or the loaner.
  const damaged = on('LoanerDamaged', { occurredAt: '2026-12-31T15:30:00Z', claimId: 'CL-LD1', repairCostYen: 7_780 });
  let counts: Record<string, number>;

  beforeAll(async () => {
    stack = await startStack({ now: jst('2026-11-02', '09:00') });
    // A used handset, 22,000 yen lump sum, protection 550 yen/month, delivered 5 November.
    await d.step([
      orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', condition: 'used', priceYen: 22_000, protectionFeeYen: 550 }], {
        orderId: 'O-LD',
        customerId,
      }),
      on('DeviceDelivered', { occurredAt: jst('2026-11-05', '15:00'), orderId: 'O-LD', deviceId: 'D1' }),
    ]);
    await stack.setClock(jst('2026-12-20', '18:00'));
    // Claim (use 1: 5,500 yen in December); loaner lent 22 December (L), the faulty device
    // received 23 December, so the L+14 loaner deadline is met.
    await d.step([
      on('ClaimFiled', {
        occurredAt: jst('2026-12-20', '10:00'),
        claimId: 'CL-LD1',
        deviceId: 'D1',
        cause: 'partial_damage',
        incidentDate: '2026-12-19',
      }),
      on('LoanerDelivered', { occurredAt: jst('2026-12-22', '11:00'), claimId: 'CL-LD1', loanerValueYen: 20_000 }),
      on('FaultyDeviceReceived', { occurredAt: jst('2026-12-23', '11:00'), claimId: 'CL-LD1' }),
    ]);
    await stack.setClock(jst('2027-01-10', '18:00'));
    // The damage, and a second report of damage for the same claim (another eventId, another
    // cost): a claim's loaner repair is billed once. The repaired device comes back 8 January
    // (R) and the loaner 9 January, so the R+14 loaner deadline is met too.
    counts = await d.step([
      damaged,
      on('LoanerDamaged', { occurredAt: jst('2027-01-04', '09:00'), claimId: 'CL-LD1', repairCostYen: 9_900 }),
      on('RepairedDeviceDelivered', { occurredAt: jst('2027-01-08', '11:00'), claimId: 'CL-LD1' }),
      on('LoanerReturned', { occurredAt: jst('2027-01-09', '11:00'), claimId: 'CL-LD1' }),
    ]);
    // Past both loaner deadlines (L+15 = 6 January, R+15 = 23 January): nothing is owed for the loaner itself.
    expect((await d.sweep(jst('2027-01-24', '00:30'))).assessed).toBe(0);
    await stack.close('2027-01'); // closes November and December first
  });
  afterAll(() => stack?.stop());

  it('bills repairCostYen as a taxable-10 loaner_repair_charge line on the statement of the JST month of its occurredAt', async () => {
    const january = await d.statement(customerId, '2027-01');
    // January: protection 550 (full month) + loaner repair 7,780 = 8,330 taxable;
    // tax floor(8,330 × 10 / 110) = floor(757.27…) = 757; nothing non-taxable; total 8,330.
    expect(january.lines.map(brief)).toEqual([
      { kind: 'loaner_repair_charge', amountYen: 7_780, taxClass: 'taxable-10', claimId: 'CL-LD1' },
      { kind: 'protection_fee', amountYen: 550, taxClass: 'taxable-10' },
    ]);
    const repair = january.lines.find((l) => l.kind === 'loaner_repair_charge')!;
    expect(repair).toMatchObject({ entryId: 'loaner-repair/CL-LD1', deviceId: 'D1' });
    expect(repair.forMonth).toBeUndefined();
    expect(january.totals).toEqual({ taxableYen: 8_330, consumptionTaxYen: 757, nonTaxableYen: 0, totalYen: 8_330 });
    expect(taxOf(8_330)).toBe(757);
  });

  it('bills it once per claim, and not in the month of the claim or the loaner', async () => {
    // The second LoanerDamaged of CL-LD1 was received and changed nothing.
    expect(counts).toMatchObject({ accepted: 4, applied: 3, refused: 1, deadLettered: 0, waited: 0 });
    const december = await d.statement(customerId, '2026-12');
    // December: protection 550 + exchange fee (use 1) 5,500 = 6,050 taxable; tax floor(60,500 / 110) = 550.
    expect(december.lines.map(brief)).toEqual([
      { kind: 'protection_fee', amountYen: 550, taxClass: 'taxable-10' },
      { kind: 'exchange_fee', amountYen: 5_500, taxClass: 'taxable-10', claimId: 'CL-LD1' },
    ]);
    expect(december.totals).toEqual({ taxableYen: 6_050, consumptionTaxYen: 550, nonTaxableYen: 0, totalYen: 6_050 });
    // November: 22,000 lump sum + protection floor(550 × 26 / 30) = 476 (delivered the 5th of a 30-day month).
    const november = await d.statement(customerId, '2026-11');
    expect(november.totals).toEqual({
      taxableYen: 22_476,
      consumptionTaxYen: taxOf(22_476),
      nonTaxableYen: 0,
      totalYen: 22_476,
    });
    expect(taxOf(22_476)).toBe(2_043);
    for (const statement of [november, december])
      expect(statement.lines.some((l) => l.kind === 'loaner_repair_charge')).toBe(false);
    // The loaner was returned on time: no loaner charge and no penalty emitted.
    expect(await d.emitted('PenaltyAssessed', customerId)).toEqual([]);
  });

  it('counts the new kind in the month’s report and lists it once in the accounting CSV', async () => {
    const report = await stack.get('/reports/2027-01');
    expect(report.status, report.text).toBe(200);
    expect(report.json).toMatchObject({
      month: '2027-01',
      statements: 1,
      byKind: { loaner_repair_charge: { entries: 1, amountYen: 7_780 } },
    });
    const csv = await stack.entriesCsv('2027-01');
    expect(csv.status).toBe(200);
    expect(csv.text.split('\n').filter((row) => row.includes('loaner_repair_charge'))).toHaveLength(1);
  });
});

describe('LoanerDamaged for a claim not known yet: it waits with its customer', () => {
  let stack: TestStack;
  const d = driver(() => stack);
  const customerId = 'C-LOANER-WAIT';
  const on = (detailType: string, detail: Record<string, unknown> & { occurredAt: string }) =>
    event(detailType, { customerId, ...detail });
  const damaged = on('LoanerDamaged', {
    occurredAt: jst('2027-02-10', '09:00'),
    claimId: 'CL-W1',
    repairCostYen: 3_300,
  });

  beforeAll(async () => {
    stack = await startStack({ now: jst('2027-02-01', '09:00') });
    // Used handset on 24 installments: 24,000 / 24 = 1,000 a month; protection 550.
    await d.step([
      orderPlaced(
        jst('2027-02-01'),
        [{ deviceId: 'D1', condition: 'used', priceYen: 24_000, months: 24, protectionFeeYen: 550 }],
        { orderId: 'O-W', customerId },
      ),
      on('DeviceDelivered', { occurredAt: jst('2027-02-01', '15:00'), orderId: 'O-W', deviceId: 'D1' }),
    ]);
    await stack.setClock(jst('2027-02-11', '10:00'));
  });
  afterAll(() => stack?.stop());

  it('is listed by GET /admin/waiting with its reason, and neither applied nor dead-lettered', async () => {
    expect(await d.step([damaged])).toMatchObject({ accepted: 1, waited: 1, applied: 0, deadLettered: 0 });
    expect((await stack.get('/admin/waiting')).json).toEqual({
      waiting: [
        {
          customerId,
          eventId: damaged.detail.eventId,
          detailType: 'LoanerDamaged',
          occurredAt: damaged.detail.occurredAt,
          reason: 'claim CL-W1 is not known yet',
          // Received on the stack's clock, 2027-02-11 10:00 JST; given up on 7 days later.
          receivedAt: '2027-02-11T01:00:00.000Z',
          expiresAt: '2027-02-18T01:00:00.000Z',
        },
      ],
    });
    expect((await stack.get('/admin/dead-letters')).json.deadLetters).toEqual([]);
  });

  it('applies, in business order, once its claim and the claim’s loaner arrive', async () => {
    await stack.setClock(jst('2027-02-12', '10:00'));
    // Claim (use 1, 5,500 yen) on 8 February, loaner lent on 9 February: both before the damage (10 February).
    await d.step([
      on('ClaimFiled', {
        occurredAt: jst('2027-02-08', '10:00'),
        claimId: 'CL-W1',
        deviceId: 'D1',
        cause: 'water_damage',
        incidentDate: '2027-02-07',
      }),
      on('LoanerDelivered', { occurredAt: jst('2027-02-09', '10:00'), claimId: 'CL-W1', loanerValueYen: 15_000 }),
      on('LoanerReturned', { occurredAt: jst('2027-02-15', '10:00'), claimId: 'CL-W1' }),
    ]);
    expect((await stack.get('/admin/waiting')).json).toEqual({ waiting: [] });
    await stack.close('2027-02');
    const february = await d.statement(customerId, '2027-02');
    // February: installment 1,000 + protection 550 (delivered the 1st: full fee) + exchange fee 5,500
    // + loaner repair 3,300 = 10,350 taxable; tax floor(103,500 / 110) = floor(940.9…) = 940.
    expect(february.lines.map(brief).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'device_installment', amountYen: 1_000, taxClass: 'taxable-10' },
      { kind: 'exchange_fee', amountYen: 5_500, taxClass: 'taxable-10', claimId: 'CL-W1' },
      { kind: 'loaner_repair_charge', amountYen: 3_300, taxClass: 'taxable-10', claimId: 'CL-W1' },
      { kind: 'protection_fee', amountYen: 550, taxClass: 'taxable-10' },
    ]);
    expect(february.totals).toEqual({ taxableYen: 10_350, consumptionTaxYen: 940, nonTaxableYen: 0, totalYen: 10_350 });
    expect(taxOf(10_350)).toBe(940);
    expect((await stack.get('/admin/dead-letters')).json.deadLetters).toEqual([]);
  });
});

/**
 * One customer's used handset (lump sum 33,000 yen, protection 550 yen/month, delivered
 * 8 January 2027), its claim E (water damage, use 1: 5,500 yen), E's replacement delivered on
 * D with `deviceValueYen` (or none), E's old device returned on time, and the follow-up
 * claim F of E filed on `fFiledOn` (free: basis follow_up).
 */
function reexchangeScenario(
  customerId: string,
  dates: { D: string; fFiledOn: string },
  deviceValueYen: number | undefined,
) {
  const on = (detailType: string, detail: Record<string, unknown> & { occurredAt: string }) =>
    event(detailType, { customerId, ...detail });
  const E = `${customerId}-E`;
  const F = `${customerId}-F`;
  return {
    E,
    F,
    on,
    setup: [
      orderPlaced(jst('2027-01-05'), [{ deviceId: 'D1', condition: 'used', priceYen: 33_000, protectionFeeYen: 550 }], {
        orderId: `${customerId}-O`,
        customerId,
      }),
      on('DeviceDelivered', { occurredAt: jst('2027-01-08', '15:00'), orderId: `${customerId}-O`, deviceId: 'D1' }),
      on('ClaimFiled', {
        occurredAt: jst('2027-01-10', '10:00'),
        claimId: E,
        deviceId: 'D1',
        cause: 'water_damage',
        incidentDate: '2027-01-09',
      }),
      on('ReplacementDelivered', {
        occurredAt: jst(dates.D, '14:00'),
        claimId: E,
        ...(deviceValueYen === undefined ? {} : { deviceValueYen }),
      }),
      on('DeviceReturned', { occurredAt: jst(dates.D, '18:00'), claimId: E }),
      on('ClaimFiled', {
        occurredAt: jst(dates.fFiledOn, '10:00'),
        claimId: F,
        deviceId: 'D1',
        cause: 'partial_damage',
        incidentDate: dates.fFiledOn,
        followUpOf: E,
      }),
    ],
  };
}

// January of every re-exchange customer: lump sum 33,000 + protection floor(550 × 24 / 31) = 425
// (delivered the 8th of a 31-day month: 24 active days) + E's exchange fee 5,500 = 38,925 taxable.
const JANUARY_TAXABLE = 33_000 + Math.floor((550 * 24) / 31) + 5_500;

describe('re-exchange of a used device not returned by N+7: the re-exchange charge in the month of N+8 (§5)', () => {
  let stack: TestStack;
  const d = driver(() => stack);
  const customerId = 'C-REX-LATE';
  // D = 12 January; F filed 19 January = D+7, the last free day; N = 24 January, so N+7 = 31 January
  // and N+8 = 1 February: the charge belongs to February, the month after the re-exchange.
  const s = reexchangeScenario(customerId, { D: '2027-01-12', fFiledOn: '2027-01-19' }, 27_500);
  const sweeps: Record<string, number> = {};

  beforeAll(async () => {
    stack = await startStack({ now: jst('2027-01-05', '09:00') });
    await stack.setClock(jst('2027-01-24', '20:00'));
    await d.step([
      ...s.setup,
      s.on('ReplacementDelivered', { occurredAt: jst('2027-01-24', '14:00'), claimId: s.F, deviceValueYen: 26_000 }),
    ]);
    // The last minute of N+7: the deadline has not passed.
    sweeps.lastMinuteOfNPlus7 = (await d.sweep(jst('2027-01-31', '23:59'))).assessed;
    // 00:30 on N+8, before January's close at 01:00.
    sweeps.nPlus8 = (await d.sweep(jst('2027-02-01', '00:30'))).assessed;
    // The sweep may run late or twice: nothing more.
    sweeps.again = (await d.sweep(jst('2027-02-01', '00:45'))).assessed;
    await stack.close('2027-01');
    // The handset does come back, on N+8: really late, so the charge stands (no credit).
    await stack.setClock(jst('2027-02-02', '09:00'));
    await d.step([s.on('DeviceReturned', { occurredAt: jst('2027-02-01', '10:00'), claimId: s.F })]);
    // Past F's own 14-day deadline (N+15 = 8 February): F has no 40,000 yen penalty.
    sweeps.pastFourteenDays = (await d.sweep(jst('2027-02-09', '00:30'))).assessed;
    await stack.close('2027-02');
  });
  afterAll(() => stack?.stop());

  it('F is a free follow-up of E (basis follow_up, no use, no fee)', async () => {
    expect(await d.emitted('ClaimAdjudicated', customerId)).toEqual([
      {
        claimId: s.E,
        customerId,
        deviceId: 'D1',
        decision: 'accepted',
        basis: 'protection',
        useNumber: 1,
        feeYen: 5_500,
        revision: 1,
      },
      { claimId: s.F, customerId, deviceId: 'D1', decision: 'accepted', basis: 'follow_up', feeYen: 0, revision: 1 },
    ]);
  });

  it('the sweep assesses nothing up to the end of N+7 and one charge from N+8 on, once', () => {
    expect(sweeps).toEqual({ lastMinuteOfNPlus7: 0, nPlus8: 1, again: 0, pastFourteenDays: 0 });
  });

  it('bills E’s replacement value as a non-taxable reexchange_charge line in February, not January', async () => {
    const january = await d.statement(customerId, '2027-01');
    expect(january.lines.map((l) => l.kind).sort()).toEqual(['device_lump_sum', 'exchange_fee', 'protection_fee']);
    // 38,925 taxable; tax floor(389,250 / 110) = floor(3,538.6…) = 3,538.
    expect(january.totals).toEqual({
      taxableYen: 38_925,
      consumptionTaxYen: 3_538,
      nonTaxableYen: 0,
      totalYen: 38_925,
    });
    expect(JANUARY_TAXABLE).toBe(38_925);

    const february = await d.statement(customerId, '2027-02');
    // February: protection 550 taxable (tax floor(5,500 / 110) = 50) + the value of E's replacement,
    // 27,500, non-taxable (not F's own 26,000, and not 40,000) = 28,050.
    expect(february.lines.map(brief)).toEqual([
      { kind: 'protection_fee', amountYen: 550, taxClass: 'taxable-10' },
      { kind: 'reexchange_charge', amountYen: 27_500, taxClass: 'non-taxable', claimId: s.F },
    ]);
    expect(february.lines.find((l) => l.kind === 'reexchange_charge')).toMatchObject({
      entryId: `reexchange/${s.F}`,
      deviceId: 'D1',
    });
    expect(february.totals).toEqual({
      taxableYen: 550,
      consumptionTaxYen: 50,
      nonTaxableYen: 27_500,
      totalYen: 28_050,
    });
  });

  it('emits PenaltyAssessed { kind: reexchange_charge, amountYen: V, billingMonth: N+8’s month, revision 1 }, and no late_return_penalty', async () => {
    expect(await d.emitted('PenaltyAssessed', customerId)).toEqual([
      {
        customerId,
        deviceId: 'D1',
        claimId: s.F,
        kind: 'reexchange_charge',
        amountYen: 27_500,
        billingMonth: '2027-02',
        revision: 1,
      },
    ]);
    for (const month of ['2027-01', '2027-02']) {
      expect(
        (await d.statement(customerId, month)).lines.some((l) => l.kind === 'late_return_penalty'),
        month,
      ).toBe(false);
    }
  });
});

describe('re-exchange of a used device returned on N+7: no charge', () => {
  let stack: TestStack;
  const d = driver(() => stack);
  const customerId = 'C-REX-ON-TIME';
  // D = 12 January; F filed 15 January; N = 16 January, so N+7 = 23 January and N+8 = 24 January
  // (the same month); F's own 14-day deadline would fall due on N+15 = 31 January.
  const s = reexchangeScenario(customerId, { D: '2027-01-12', fFiledOn: '2027-01-15' }, 27_500);
  const sweeps: number[] = [];

  beforeAll(async () => {
    stack = await startStack({ now: jst('2027-01-05', '09:00') });
    await stack.setClock(jst('2027-01-24', '00:10'));
    await d.step([
      ...s.setup,
      s.on('ReplacementDelivered', { occurredAt: jst('2027-01-16', '14:00'), claimId: s.F, deviceValueYen: 26_000 }),
      // Occurred at 23:59 JST on N+7, the last minute of the window.
      s.on('DeviceReturned', { occurredAt: jst('2027-01-23', '23:59'), claimId: s.F }),
    ]);
    sweeps.push((await d.sweep(jst('2027-01-24', '00:30'))).assessed); // N+8
    sweeps.push((await d.sweep(jst('2027-01-31', '23:59'))).assessed); // N+15
    await stack.close('2027-01');
    sweeps.push((await d.sweep(jst('2027-02-10', '00:30'))).assessed);
    await stack.close('2027-02');
  });
  afterAll(() => stack?.stop());

  it('assesses nothing, bills no reexchange_charge nor late_return_penalty, and emits no PenaltyAssessed', async () => {
    expect(sweeps).toEqual([0, 0, 0]);
    const january = await d.statement(customerId, '2027-01');
    expect(january.lines.map((l) => l.kind).sort()).toEqual(['device_lump_sum', 'exchange_fee', 'protection_fee']);
    expect(january.totals).toEqual({
      taxableYen: 38_925,
      consumptionTaxYen: 3_538,
      nonTaxableYen: 0,
      totalYen: 38_925,
    });
    const february = await d.statement(customerId, '2027-02');
    expect(february.lines.map(brief)).toEqual([{ kind: 'protection_fee', amountYen: 550, taxClass: 'taxable-10' }]);
    expect(february.totals).toEqual({ taxableYen: 550, consumptionTaxYen: 50, nonTaxableYen: 0, totalYen: 550 });
    expect(await d.emitted('PenaltyAssessed', customerId)).toEqual([]);
    expect(await d.decision(customerId, s.F)).toMatchObject({
      decision: 'accepted',
      basis: 'follow_up',
      feeYen: 0,
      revision: 1,
    });
  });
});

describe('re-exchange charge reversed by a delayed DeviceReturned whose occurredAt was on time', () => {
  let stack: TestStack;
  const d = driver(() => stack);
  const customerId = 'C-REX-DELAYED';
  // D = 12 January, F filed 15 January, N = 16 January, N+7 = 23 January, N+8 = 24 January.
  const s = reexchangeScenario(customerId, { D: '2027-01-12', fFiledOn: '2027-01-15' }, 31_000);
  let assessed: number;

  beforeAll(async () => {
    stack = await startStack({ now: jst('2027-01-05', '09:00') });
    await stack.setClock(jst('2027-01-17', '09:00'));
    await d.step([
      ...s.setup,
      s.on('ReplacementDelivered', { occurredAt: jst('2027-01-16', '14:00'), claimId: s.F, deviceValueYen: 26_000 }),
    ]);
    assessed = (await d.sweep(jst('2027-01-24', '00:30'))).assessed;
    // The return on N+7 reaches billing two days late.
    await stack.setClock(jst('2027-01-26', '09:00'));
    await d.step([s.on('DeviceReturned', { occurredAt: jst('2027-01-23', '16:00'), claimId: s.F })]);
    await stack.close('2027-01');
  });
  afterAll(() => stack?.stop());

  it('credits the charge in the same month (nets to 0) and publishes revision 2 with amountYen 0', async () => {
    expect(assessed).toBe(1);
    const january = await d.statement(customerId, '2027-01');
    const charges = january.lines.filter((l) => l.kind === 'reexchange_charge');
    expect(charges.map(brief)).toEqual([
      { kind: 'reexchange_charge', amountYen: 31_000, taxClass: 'non-taxable', claimId: s.F },
      {
        kind: 'reexchange_charge',
        amountYen: -31_000,
        taxClass: 'non-taxable',
        claimId: s.F,
        reverses: `reexchange/${s.F}`,
      },
    ]);
    // 38,925 taxable (tax 3,538) + 31,000 − 31,000 non-taxable.
    expect(january.totals).toEqual({
      taxableYen: 38_925,
      consumptionTaxYen: 3_538,
      nonTaxableYen: 0,
      totalYen: 38_925,
    });
    expect(await d.emitted('PenaltyAssessed', customerId)).toEqual([
      {
        customerId,
        deviceId: 'D1',
        claimId: s.F,
        kind: 'reexchange_charge',
        amountYen: 31_000,
        billingMonth: '2027-01',
        revision: 1,
      },
      {
        customerId,
        deviceId: 'D1',
        claimId: s.F,
        kind: 'reexchange_charge',
        amountYen: 0,
        billingMonth: '2027-01',
        revision: 2,
      },
    ]);
  });
});

describe('re-exchange whose earlier ReplacementDelivered had no deviceValueYen: waiting with the contract error, then a dead letter', () => {
  let stack: TestStack;
  const d = driver(() => stack);
  const customerId = 'C-REX-NO-VALUE';
  const s = reexchangeScenario(customerId, { D: '2027-01-12', fFiledOn: '2027-01-15' }, undefined);
  const fDelivered = s.on('ReplacementDelivered', {
    occurredAt: jst('2027-01-16', '14:00'),
    claimId: s.F,
    deviceValueYen: 26_000,
  });
  let counts: Record<string, number>;

  beforeAll(async () => {
    stack = await startStack({ now: jst('2027-01-17', '09:00') });
    await d.step(s.setup);
    counts = await d.step([fDelivered]);
  });
  afterAll(() => stack?.stop());

  it('lists F’s ReplacementDelivered as waiting with DEVICE_VALUE_MISSING, dead-letters it 7 days after receipt, and bills nothing', async () => {
    expect(counts).toMatchObject({ accepted: 1, deadLettered: 0, applied: 0, waited: 1 });
    const waiting = (await stack.get('/admin/waiting')).json.waiting as Record<string, string>[];
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.reason).toMatch(/^DEVICE_VALUE_MISSING:/);
    expect(waiting[0]!.reason).toContain(s.E);
    // Still waiting just before its 7 days are up; given up on by the sweep after them.
    await d.sweep(jst('2027-01-24', '08:59'));
    expect((await stack.get('/admin/dead-letters')).json.deadLetters).toEqual([]);
    await d.sweep(jst('2027-01-24', '09:01'));
    const letters = (await stack.get('/admin/dead-letters')).json.deadLetters as Record<string, string>[];
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      consumer: 'logistics',
      customerId,
      detailType: 'ReplacementDelivered',
      eventId: fDelivered.detail.eventId,
    });
    expect(letters[0]!.reason).toMatch(/^WAITED_7_DAYS: DEVICE_VALUE_MISSING: /);
    expect((await stack.get('/admin/waiting')).json).toEqual({ waiting: [] });
    // F's replacement is not recorded: past N+8 and past N+15 the sweep finds nothing to assess.
    expect((await d.sweep(jst('2027-02-01', '00:30'))).assessed).toBe(0);
    await stack.close('2027-01');
    const january = await d.statement(customerId, '2027-01');
    expect(january.lines.map((l) => l.kind).sort()).toEqual(['device_lump_sum', 'exchange_fee', 'protection_fee']);
    expect(january.totals.totalYen).toBe(JANUARY_TAXABLE);
    expect(await d.emitted('PenaltyAssessed', customerId)).toEqual([]);
  });
});
