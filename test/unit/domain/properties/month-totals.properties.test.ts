// The month report's totals as properties: summing each shard's statements and then the
// shards' totals gives the same report as summing every statement at once, however the
// statements are spread over shards and in whatever order the shards are added.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AmountOutOfRangeError,
  addMonthTotals,
  addStatement,
  buildStatement,
  emptyMonthTotals,
  type MonthTotals,
  type Statement,
} from '#shared/domain/index.ts';
import { buildMonthReport, monthReportOf } from '#shared/runtime/finance-api.ts';
import { ledgerEntries } from './arbitraries.ts';

const SHARDS = 32;
/** Statements, each with the shard its customer is in. */
const statements: fc.Arbitrary<[Statement, number][]> = fc
  .array(fc.tuple(ledgerEntries, fc.integer({ min: 0, max: SHARDS - 1 })), { maxLength: 60 })
  .map((rows) =>
    rows.map(([entries, shard], i): [Statement, number] => [
      buildStatement(
        `C${i}`,
        '2028-03',
        entries.map((e) => ({ ...e, customerId: `C${i}` })),
        '2028-04-01T01:00:00+09:00',
      ),
      shard,
    ]),
  );

describe('month totals', () => {
  it('per shard, then the shards summed in any order, equal the report of every statement', () => {
    fc.assert(
      fc.property(statements, fc.infiniteStream(fc.nat()), (spread, order) => {
        const shards: MonthTotals[] = Array.from({ length: SHARDS }, emptyMonthTotals);
        for (const [statement, shard] of spread) addStatement(shards[shard]!, statement);
        // Added in a shuffled order: the report does not depend on which shard answers first.
        const shuffled = shards.map((s) => [order.next().value as number, s] as const).sort((a, b) => a[0] - b[0]);
        const sums = emptyMonthTotals();
        for (const [, shard] of shuffled) addMonthTotals(sums, JSON.parse(JSON.stringify(shard)));
        const all = spread.map(([s]) => s);
        expect(monthReportOf('2028-03', sums)).toEqual(buildMonthReport('2028-03', all));
        expect(sums.statements).toBe(all.length);
        expect(sums.byKind.device_lump_sum.entries + sums.byKind.protection_fee.entries).toBe(
          all.flatMap((s) => s.lines).filter((l) => l.kind === 'device_lump_sum' || l.kind === 'protection_fee').length,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a stored shard lacking a kind (written before the kind existed) counts it as zero', () => {
    const stored = emptyMonthTotals();
    stored.statements = 2;
    stored.byKind.device_installment = { entries: 3, amountYen: 4_974 };
    const { loaner_repair_charge: _gone, ...olderKinds } = stored.byKind;
    const sums = addMonthTotals(emptyMonthTotals(), { ...stored, byKind: olderKinds as MonthTotals['byKind'] });
    expect(sums.byKind.loaner_repair_charge).toEqual({ entries: 0, amountYen: 0 });
    expect(sums.byKind.device_installment).toEqual({ entries: 3, amountYen: 4_974 });
  });

  it('a sum past the safe integers is refused, never rounded', () => {
    const big = emptyMonthTotals();
    big.totals.totalYen = Number.MAX_SAFE_INTEGER;
    big.byTaxClass['taxable-10'].amountYen = Number.MAX_SAFE_INTEGER;
    expect(() => addMonthTotals(emptyMonthTotals(), big)).not.toThrow();
    expect(() => addMonthTotals(addMonthTotals(emptyMonthTotals(), big), big)).toThrow(AmountOutOfRangeError);
    const statement = buildStatement(
      'C1',
      '2028-03',
      [
        {
          entryId: 'e/1',
          customerId: 'C1',
          deviceId: 'D1',
          kind: 'device_lump_sum',
          taxClass: 'non-taxable',
          amountYen: 1,
          billingMonth: '2028-03',
          businessDate: '2028-03-01',
          description: 'x',
          causedBy: 'evt-1',
        },
      ],
      '2028-04-01T01:00:00+09:00',
    );
    const nearlyFull = emptyMonthTotals();
    nearlyFull.totals.nonTaxableYen = Number.MAX_SAFE_INTEGER;
    expect(() => addStatement(nearlyFull, statement)).toThrow(AmountOutOfRangeError);
  });
});
