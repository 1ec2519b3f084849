import { describe, expect, it } from 'vitest';
import { ENTRY_KINDS, type StatementLine } from '#shared/domain/index.ts';
import {
  csvField,
  formatYen,
  jstTimestamp,
  KIND_LABELS_JA,
  kindLabelJa,
  lineNotes,
  statementFileCsv,
  taxClassLabel,
  UTF8_BOM,
} from '../../../local/cli/format.ts';

describe('formatYen', () => {
  it.each([
    [0, '¥0'],
    [18, '¥18'],
    [999, '¥999'],
    [1_000, '¥1,000'],
    [5_434, '¥5,434'],
    [40_000, '¥40,000'],
    [276_527, '¥276,527'],
    [1_234_567_890, '¥1,234,567,890'],
    [-5_500, '-¥5,500'],
    [-999, '-¥999'],
  ])('%d → %s', (amount, text) => {
    expect(formatYen(amount)).toBe(text);
  });

  it('refuses a fraction of a yen, which the ledger never holds', () => {
    expect(() => formatYen(10.5)).toThrow(RangeError);
    expect(() => formatYen(Number.NaN)).toThrow(RangeError);
  });
});

describe('jstTimestamp', () => {
  it('reads an instant in JST, across the UTC date line', () => {
    expect(jstTimestamp('2026-11-30T23:10:00Z')).toBe('2026-12-01 08:10 JST');
    expect(jstTimestamp('2027-03-31T16:00:00.000Z')).toBe('2027-04-01 01:00 JST');
    expect(jstTimestamp('2026-10-01T07:10:00+09:00')).toBe('2026-10-01 07:10 JST');
  });

  it('leaves what is not a timestamp as it came', () => {
    expect(jstTimestamp('soon')).toBe('soon');
  });
});

describe('labels', () => {
  it('names every entry kind in Japanese, each differently', () => {
    expect(Object.keys(KIND_LABELS_JA).sort()).toEqual([...ENTRY_KINDS].sort());
    expect(new Set(Object.values(KIND_LABELS_JA)).size).toBe(ENTRY_KINDS.length);
    expect(kindLabelJa('late_return_penalty')).toBe('端末保守調定金');
  });

  it('shows an unknown kind or tax class without inventing a label', () => {
    expect(kindLabelJa('gift_card')).toBe('');
    expect(taxClassLabel('taxable-8')).toBe('taxable-8');
    expect(taxClassLabel('non-taxable')).toBe('不課税');
  });

  it('notes the month a redirected entry belongs to and what a credit reverses', () => {
    expect(lineNotes({ forMonth: '2026-09', reverses: 'penalty/K1' })).toEqual(['for 2026-09', 'reverses penalty/K1']);
    expect(lineNotes({})).toEqual([]);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and newlines, and defuses spreadsheet formulas but not negative numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Installment 1 of 24, Galaxy')).toBe('"Installment 1 of 24, Galaxy"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvField(-5500)).toBe('-5500');
    expect(csvField(undefined)).toBe('');
  });

  it('writes a statement as a file: BOM, header, customer and month on each row, a row a line, then the totals', () => {
    const lines: StatementLine[] = [
      {
        entryId: 'fee/K1',
        kind: 'exchange_fee',
        deviceId: 'D1',
        claimId: 'K1',
        description: 'Exchange/repair fee, use 1',
        amountYen: 5500,
        taxClass: 'taxable-10',
        useNumber: 1,
      },
      {
        entryId: 'fee/K1/rev',
        kind: 'exchange_fee',
        deviceId: 'D1',
        claimId: 'K1',
        description: 'Reversal: withdrawn',
        amountYen: -5500,
        taxClass: 'taxable-10',
        reverses: 'fee/K1',
        forMonth: '2026-09',
      },
    ];
    const totals = { taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 };
    const statement = { customerId: 'C1', month: '2026-10', closedAt: '2026-11-01T00:00:00Z', lines, totals };
    expect(statementFileCsv(statement).split('\r\n')).toEqual([
      `${UTF8_BOM}customerId,month,record,entryId,kind,kindJa,taxClass,description,deviceId,claimId,forMonth,reverses,amountYen`,
      'C1,2026-10,line,fee/K1,exchange_fee,交換・修理代金,taxable-10,"Exchange/repair fee, use 1",D1,K1,,,5500',
      'C1,2026-10,line,fee/K1/rev,exchange_fee,交換・修理代金,taxable-10,Reversal: withdrawn,D1,K1,2026-09,fee/K1,-5500',
      'C1,2026-10,taxableYen,,,,,,,,,,0',
      'C1,2026-10,consumptionTaxYen,,,,,,,,,,0',
      'C1,2026-10,nonTaxableYen,,,,,,,,,,0',
      'C1,2026-10,totalYen,,,,,,,,,,0',
      '',
    ]);
  });
});
