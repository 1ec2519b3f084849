// A month's totals over statements, summed in constant memory: one statement at a time (the
// close sums a shard's statements page by page) and one shard's totals at a time (the month
// report adds the shards' totals). Both are the same sums, so the report of the shards equals
// the report of every statement; every sum is checked (addYen), the one that grows with the
// population.
import { ENTRY_KINDS, type EntryKind, TAX_CLASSES, type TaxClass } from './kinds.ts';
import { addYen } from './money.ts';
import type { Statement, StatementTotals } from './types.ts';

export interface EntrySum {
  entries: number;
  amountYen: number;
}

export interface MonthTotals {
  statements: number;
  totals: StatementTotals;
  byKind: Record<EntryKind, EntrySum>;
  byTaxClass: Record<TaxClass, EntrySum>;
}

const TOTAL_KEYS = ['taxableYen', 'consumptionTaxYen', 'nonTaxableYen', 'totalYen'] as const;

const zeroSums = <K extends string>(keys: readonly K[]): Record<K, EntrySum> =>
  Object.fromEntries(keys.map((key) => [key, { entries: 0, amountYen: 0 }])) as Record<K, EntrySum>;

export function emptyMonthTotals(): MonthTotals {
  return {
    statements: 0,
    totals: { taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 },
    byKind: zeroSums(ENTRY_KINDS),
    byTaxClass: zeroSums(TAX_CLASSES),
  };
}

/**
 * Adds one statement to `into` (changed in place: the close folds a shard of any size into
 * one accumulator) and returns it. Tax is computed per statement (the invoice rule), so the
 * month's tax is the sum of the statements' taxes, never a tax of the month's sum.
 */
export function addStatement(into: MonthTotals, statement: Statement): MonthTotals {
  into.statements = addYen(into.statements, 1, 'a month report statement count');
  for (const key of TOTAL_KEYS)
    into.totals[key] = addYen(into.totals[key], statement.totals[key], 'a month report total');
  for (const line of statement.lines)
    for (const sum of [into.byKind[line.kind], into.byTaxClass[line.taxClass]]) {
      sum.entries = addYen(sum.entries, 1, 'a month report entry count');
      sum.amountYen = addYen(sum.amountYen, line.amountYen, 'a month report sum by kind or tax class');
    }
  return into;
}

/**
 * Adds one shard's totals to `into` (changed in place) and returns it. A kind or tax class
 * the stored totals lack (written before the kind existed) counts as zero.
 */
export function addMonthTotals(into: MonthTotals, shard: MonthTotals): MonthTotals {
  into.statements = addYen(into.statements, shard.statements, 'a month report statement count');
  for (const key of TOTAL_KEYS) into.totals[key] = addYen(into.totals[key], shard.totals[key], 'a month report total');
  const addSums = <K extends string>(
    to: Record<K, EntrySum>,
    from: Partial<Record<K, EntrySum>>,
    keys: readonly K[],
  ) => {
    for (const key of keys) {
      const add = from[key];
      if (!add) continue;
      to[key].entries = addYen(to[key].entries, add.entries, 'a month report entry count');
      to[key].amountYen = addYen(to[key].amountYen, add.amountYen, 'a month report sum by kind or tax class');
    }
  };
  addSums(into.byKind, shard.byKind, ENTRY_KINDS);
  addSums(into.byTaxClass, shard.byTaxClass, TAX_CLASSES);
  return into;
}
