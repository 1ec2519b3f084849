// The one CSV writer (shared/runtime/csv.ts) behind the entries export and the statement file
// (the page's download, the CLI's `statement --csv`): RFC 4180 quoting, CRLF rows under a
// header, and no formula a spreadsheet would run, while a number stays a number.
import { describe, expect, it } from 'vitest';
import type { LedgerEntry, StatementLine } from '#shared/domain/index.ts';
import { csvField, csvTable } from '#shared/runtime/csv.ts';
import { CSV_COLUMNS, entriesCsv } from '#shared/runtime/finance-api.ts';
import { STATEMENT_FILE_COLUMNS, statementFileCsv, UTF8_BOM } from '../../local/cli/format.ts';

describe('csvField', () => {
  it('writes a plain field as it is', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Reversal: withdrawn')).toBe('Reversal: withdrawn');
    expect(csvField("O'Brien")).toBe("O'Brien");
  });

  it('quotes a field with a comma, a quote (doubled), LF or CR', () => {
    expect(csvField('Installment 1 of 24, Galaxy')).toBe('"Installment 1 of 24, Galaxy"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
  });

  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['=1+1', `"'=1+1"`],
    ['+81-3-1234', `"'+81-3-1234"`],
    ['-2+3', `"'-2+3"`],
    // Text, not a number: only a number cell (an amount) is written bare.
    ['-550', `"'-550"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
    ['＝1+1', `"'＝1+1"`],
  ])('defuses text starting as a formula would, and quotes it: %j → %s', (text, written) => {
    expect(csvField(text)).toBe(written);
  });

  it('quotes every field csv-stringify defuses, whatever character it starts with', () => {
    const defused: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const field = `${String.fromCharCode(code)}x`;
      const written = csvField(field);
      expect(written.startsWith(`'${field}`), `U+${code.toString(16)} is defused but not quoted`).toBe(false);
      if (written.startsWith(`"'${field}`)) defused.push(String.fromCharCode(code));
    }
    expect(defused).toEqual(['\t', '\r', '+', '-', '=', '@', '＋', '－', '＝', '＠']);
  });

  it('leaves a number a number: negative amounts are neither defused nor quoted', () => {
    expect(csvField(-5500)).toBe('-5500');
    expect(csvField(-550)).toBe('-550');
    expect(csvField(0)).toBe('0');
    expect(csvField(5500)).toBe('5500');
  });

  it('keeps Japanese text as it is', () => {
    expect(csvField('端末保守調定金')).toBe('端末保守調定金');
    expect(csvField('端末代金（分割）、24回')).toBe('端末代金（分割）、24回');
    expect(csvField('交換・修理代金, 1回目')).toBe('"交換・修理代金, 1回目"');
  });

  it('writes an empty string, undefined or null as an empty field', () => {
    expect(csvField('')).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
  });
});

describe('csvTable', () => {
  it('writes the header, then one CRLF-ended row per record, an absent field empty', () => {
    expect(csvTable(['a', 'b', 'c'], [{ a: 'x', b: -550, c: 'y,z' }, { b: 1 }])).toBe(
      'a,b,c\r\nx,-550,"y,z"\r\n,1,\r\n',
    );
  });

  it('writes the header alone when there are no rows', () => {
    expect(csvTable(['a', 'b'], [])).toBe('a,b\r\n');
  });

  it("writes the finance API's entries.csv and the CLI's statement CSV alike", () => {
    const entry: LedgerEntry = {
      customerId: 'C1',
      entryId: 'fee/K1/rev',
      billingMonth: '2026-10',
      forMonth: '2026-09',
      businessDate: '2026-10-02',
      kind: 'exchange_fee',
      taxClass: 'taxable-10',
      amountYen: -5500,
      deviceId: 'D1',
      claimId: 'K1',
      reverses: 'fee/K1',
      description: '=cmd|" /C calc"!A0',
    } as LedgerEntry;
    const line = entry as unknown as StatementLine;
    const fields = (csv: string, columns: readonly string[]) => {
      const [header, row, end, ...rest] = csv.split('\r\n');
      expect([header, end, rest]).toEqual([columns.join(','), '', []]);
      return row;
    };
    expect(fields(entriesCsv([entry]), CSV_COLUMNS)).toBe(
      `C1,fee/K1/rev,2026-10,2026-09,2026-10-02,exchange_fee,taxable-10,-5500,D1,K1,fee/K1,"'=cmd|"" /C calc""!A0"`,
    );
    const totals = { taxableYen: -5000, consumptionTaxYen: -500, nonTaxableYen: 0, totalYen: -5500 };
    const statement = { customerId: 'C1', month: '2026-10', closedAt: '2026-11-01T00:00:00Z', lines: [line], totals };
    const [header, row] = statementFileCsv(statement).split('\r\n');
    expect(header).toBe(UTF8_BOM + STATEMENT_FILE_COLUMNS.join(','));
    expect(row).toBe(
      `C1,2026-10,line,fee/K1/rev,exchange_fee,交換・修理代金,taxable-10,"'=cmd|"" /C calc""!A0",D1,K1,2026-09,fee/K1,-5500`,
    );
  });
});
