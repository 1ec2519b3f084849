// How amounts, kinds and tax classes read for people: shared by the CLI's tables, the demo
// and the statement page, so that a statement looks the same wherever finance reads it.
import {
  type EntryKind,
  JST_OFFSET_MS,
  type Statement,
  type StatementLine,
  type TaxClass,
} from '#shared/domain/index.ts';
import { csvTable } from '#shared/runtime/csv.ts';

/**
 * Integer yen with thousands separators, e.g. ¥51,458 and -¥5,500 for a credit. Written out by
 * hand rather than with Intl, whose output depends on the ICU data the Node build carries.
 */
export function formatYen(amountYen: number): string {
  if (!Number.isSafeInteger(amountYen)) throw new RangeError(`not an integer yen amount: ${amountYen}`);
  const digits = String(Math.abs(amountYen)).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${amountYen < 0 ? '-' : ''}¥${digits}`;
}

/** An instant as a reader in Japan says it, e.g. "2027-04-01 01:00 JST"; the stack answers in UTC. */
export function jstTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const shifted = new Date(ms + JST_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)} JST`;
}

/** The names finance and the customer's invoice use (端末保守調定金 is the terms' own word). */
export const KIND_LABELS_JA: Readonly<Record<EntryKind, string>> = {
  device_lump_sum: '端末代金（一括）',
  device_installment: '端末代金（分割）',
  installment_payoff: '分割残額一括精算',
  protection_fee: '端末補償オプション',
  exchange_fee: '交換・修理代金',
  late_return_penalty: '端末保守調定金',
  loaner_charge: '代替機損害金',
  reexchange_charge: '交換端末損害金',
  loaner_repair_charge: '代替機修理代金',
};

export const TAX_CLASS_LABELS: Readonly<Record<TaxClass, string>> = {
  'taxable-10': '課税10%',
  'non-taxable': '不課税',
};

/** A kind the API sent that this build does not know is shown as it came, not dropped. */
export const kindLabelJa = (kind: string): string => KIND_LABELS_JA[kind as EntryKind] ?? '';
export const taxClassLabel = (taxClass: string): string => TAX_CLASS_LABELS[taxClass as TaxClass] ?? taxClass;

/** The facts a line's own description does not say: which month a redirected entry belongs to, what a credit reverses. */
export function lineNotes(line: Pick<StatementLine, 'forMonth' | 'reverses'>): string[] {
  const notes: string[] = [];
  if (line.forMonth) notes.push(`for ${line.forMonth}`);
  if (line.reverses) notes.push(`reverses ${line.reverses}`);
  return notes;
}

/** Device and claim of a line, e.g. "DEV-1001-A · CLM-1001-1". */
export const lineSubject = (line: Pick<StatementLine, 'deviceId' | 'claimId'>): string =>
  line.claimId ? `${line.deviceId} · ${line.claimId}` : line.deviceId;

/** One CSV field, quoted and defused as the finance API's entries.csv writes it (shared/runtime/csv.ts). */
export { csvField } from '#shared/runtime/csv.ts';

export const UTF8_BOM = '\uFEFF';

export const STATEMENT_FILE_COLUMNS = [
  'customerId',
  'month',
  'record',
  'entryId',
  'kind',
  'kindJa',
  'taxClass',
  'description',
  'deviceId',
  'claimId',
  'forMonth',
  'reverses',
  'amountYen',
] as const;

const TOTAL_RECORDS = ['taxableYen', 'consumptionTaxYen', 'nonTaxableYen', 'totalYen'] as const;

/**
 * One statement as a CSV file a clerk opens in a spreadsheet (the page's download, the CLI's
 * `statement --csv`): the customer and the month on every row, a row a line (`record` is
 * `line`), then the four totals as rows of their own (`record` is the total's name). Written by
 * csvTable as entries.csv is, so it quotes and defuses formulas alike; a UTF-8 byte order mark
 * leads, without which Excel reads the file as Shift_JIS and garbles 端末代金 and the model names.
 */
export function statementFileCsv(statement: Statement): string {
  const { customerId, month } = statement;
  const rows = [
    ...statement.lines.map((line) => ({ customerId, month, record: 'line', kindJa: kindLabelJa(line.kind), ...line })),
    ...TOTAL_RECORDS.map((record) => ({ customerId, month, record, amountYen: statement.totals[record] })),
  ];
  return UTF8_BOM + csvTable(STATEMENT_FILE_COLUMNS, rows);
}
