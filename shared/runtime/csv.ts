// The CSV finance opens in a spreadsheet, written here and nowhere else: the finance API's
// entries.csv and the CLI's `statement --csv` both go through `csvTable`, so that they quote
// and defuse alike. csv-stringify does the writing: a header row, CRLF after every row
// (RFC 4180, and what Excel writes), a field quoted only when it holds a comma, a quote, CR or
// LF, or when it is defused. Its `escape_formulas` defuses formula injection (OWASP's CSV
// injection): a text field starting with = + - @, a tab or CR (or the full-width ＝ ＋ － ＠)
// gets a leading ' so that a spreadsheet shows it as text, since descriptions and ids carry
// what upstream systems chose. A number is never defused: -5500 stays a number a sum can add.
import { type Stringifier, stringify as stringifyStream } from 'csv-stringify';
import { type Options, stringify } from 'csv-stringify/sync';
import type { LedgerEntry } from '../domain/index.ts';

/**
 * The first characters `escape_formulas` defuses in a text field (csv-stringify 6.9.0,
 * lib/api/index.js). A defused field is also quoted, as the CSV was written before
 * csv-stringify, so that the quote mark added visibly belongs to the field; test/unit/csv.test.ts
 * fails if csv-stringify ever defuses a character this list misses.
 */
const DEFUSED_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

const OPTIONS: Options = {
  record_delimiter: '\r\n',
  // Without it, csv-stringify stops quoting a lone CR or LF as soon as record_delimiter is given.
  quote_record_delimiter: true,
  escape_formulas: true,
  cast: {
    string: (value) => (DEFUSED_START.test(value) ? { value, quoted: true } : value),
    // As String() writes them, not csv-stringify's 1 and empty.
    boolean: (value) => String(value),
  },
};

/** Rows under a header of `columns`, one field per column, every row ended by CRLF. A missing field is empty. */
export function csvTable<C extends string>(
  columns: readonly C[],
  rows: readonly Partial<Record<C, unknown>>[],
): string {
  return stringify(
    rows.map((row) => columns.map((column) => row[column])),
    { ...OPTIONS, header: true, columns: [...columns] },
  );
}

/** One field as `csvTable` writes it: '' for undefined or null. */
export function csvField(value: unknown): string {
  return stringify([[value]], { ...OPTIONS, eof: false });
}

/** The columns of a month's entries, in the finance API's entries.csv and the export's file. */
export const CSV_COLUMNS = [
  'customerId',
  'entryId',
  'billingMonth',
  'forMonth',
  'businessDate',
  'kind',
  'taxClass',
  'amountYen',
  'deviceId',
  'claimId',
  'reverses',
  'description',
] as const;

/** Entries as CSV, in memory: what the streamed export writes after its BOM, for a month that fits. */
export function entriesCsv(entries: readonly LedgerEntry[]): string {
  return csvTable(CSV_COLUMNS, entries);
}

/**
 * The streaming form of `csvTable`: write one row (an array of fields, in the order of
 * `columns`) at a time, read the CSV as it is written. `bom` starts it with a UTF-8 BOM, which
 * is how Excel knows the file is UTF-8 (without it, the Japanese model names come out garbled).
 */
export function csvStream<C extends string>(columns: readonly C[], options: { bom?: boolean } = {}): Stringifier {
  return stringifyStream({ ...OPTIONS, header: true, columns: [...columns], bom: options.bom ?? false });
}

/** A row for `csvStream`: the fields of `columns`, in their order. */
export const csvRow = <C extends string>(columns: readonly C[], row: Partial<Record<C, unknown>>): unknown[] =>
  columns.map((column) => row[column]);
