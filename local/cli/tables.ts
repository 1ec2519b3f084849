// Terminal tables (cli-table3) for what the finance API and the admin operations answer. Pure:
// data in, text out, so the CLI, the demo and the tests render exactly the same thing.
import Table from 'cli-table3';
import type { Statement, StatementTotals } from '#shared/domain/index.ts';
import type { MonthReport } from '#shared/runtime/finance-api.ts';
import type { WaitingRow } from '#shared/store/waiting-reads.ts';
import type { DeadLetterCause } from '../dead-letter-causes.ts';
import { formatYen, jstTimestamp, kindLabelJa, lineNotes, taxClassLabel } from './format.ts';

/** No colours: the output is read in logs and CI as often as in a terminal, and compared in tests. */
const PLAIN = { head: [] as string[], border: [] as string[] };
const DESCRIPTION_WIDTH = 36;
/** Many rows of one kind (months): no rule between them. */
const PLAIN_COMPACT = { ...PLAIN, compact: true };

const SUMMARY_ALIGNS: ('left' | 'right')[] = ['left', 'right', 'right', 'right', 'right', 'right'];

const yenCells = (t: StatementTotals): string[] => [
  formatYen(t.taxableYen),
  formatYen(t.consumptionTaxYen),
  formatYen(t.nonTaxableYen),
  formatYen(t.totalYen),
];

export interface DeadLetterView {
  id: string;
  consumer: string;
  reason: string;
  deadLetteredAt: string;
  attempts: number;
  eventId?: string;
  customerId?: string;
  detailType?: string;
  /** The message as received (an EventBridge event as JSON text). */
  body?: string;
  /** For one that waited for an order, device or claim: the dead letter of the event that would have brought it. */
  cause?: DeadLetterCause;
}

/**
 * "its OrderPlaced evt-1 was dead-lettered: MALFORMED: devices.0.priceYen: …", for what waits
 * (or waited) on a dead letter; `brief` keeps only the reason's code, "(MALFORMED)", for a table.
 */
export function causeText(cause: DeadLetterCause, brief = false): string {
  const event = [cause.detailType, cause.eventId].filter(Boolean).join(' ');
  const code = /^[A-Z0-9_]+(?=:)/.exec(cause.reason)?.[0];
  return brief
    ? `its ${event} was dead-lettered${code ? ` (${code})` : ''}`
    : `its ${event} was dead-lettered: ${cause.reason}`;
}

/**
 * What the dead letter was: its own fields, or else what its message says. A malformed event
 * is dead-lettered before its fields are trusted, yet its envelope usually still names it.
 */
function deadLetterSubject(letter: DeadLetterView): { detailType?: string; eventId?: string; customerId?: string } {
  let message: { 'detail-type'?: unknown; detail?: { eventId?: unknown; customerId?: unknown } } = {};
  try {
    message = letter.body ? (JSON.parse(letter.body) as typeof message) : {};
  } catch {
    // not JSON: only the letter's own fields are known
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const subject: { detailType?: string; eventId?: string; customerId?: string } = {};
  const detailType = letter.detailType ?? text(message['detail-type']);
  const eventId = letter.eventId ?? text(message.detail?.eventId);
  const customerId = letter.customerId ?? text(message.detail?.customerId);
  if (detailType) subject.detailType = detailType;
  if (eventId) subject.eventId = eventId;
  if (customerId) subject.customerId = customerId;
  return subject;
}

export function statementTable(statement: Statement): string {
  const table = new Table({
    head: ['Kind', '種別', 'Description', 'Device / claim', '税区分', 'Amount'],
    colWidths: [null, null, DESCRIPTION_WIDTH, null, null, null],
    colAligns: ['left', 'left', 'left', 'left', 'left', 'right'],
    wordWrap: true,
    style: PLAIN,
  });
  for (const line of statement.lines) {
    const description = [line.description, ...lineNotes(line).map((note) => `(${note})`)].join(' ');
    table.push([
      line.kind,
      kindLabelJa(line.kind),
      description,
      [line.deviceId, line.claimId].filter(Boolean).join('\n'),
      taxClassLabel(line.taxClass),
      formatYen(line.amountYen),
    ]);
  }
  const totalRow = (label: string, amountYen: number) => [
    { content: label, colSpan: 5, hAlign: 'right' as const },
    formatYen(amountYen),
  ];
  const { totals } = statement;
  table.push(
    totalRow('Taxable, tax included 課税対象額（税込）', totals.taxableYen),
    totalRow('of which consumption tax 10% うち消費税', totals.consumptionTaxYen),
    totalRow('Non-taxable 不課税', totals.nonTaxableYen),
    totalRow('Total 合計', totals.totalYen),
  );
  return `Statement ${statement.customerId} ${statement.month} (closed ${jstTimestamp(statement.closedAt)})\n${table.toString()}`;
}

export function monthReportTable(report: MonthReport): string {
  const byKind = new Table({
    head: ['Kind', '種別', 'Entries', 'Amount'],
    colAligns: ['left', 'left', 'right', 'right'],
    style: PLAIN,
  });
  for (const [kind, sum] of Object.entries(report.byKind)) {
    if (sum.entries > 0) byKind.push([kind, kindLabelJa(kind), sum.entries, formatYen(sum.amountYen)]);
  }
  const byTax = new Table({
    head: ['Tax class', '税区分', 'Entries', 'Amount'],
    colAligns: ['left', 'left', 'right', 'right'],
    style: PLAIN,
  });
  for (const [taxClass, sum] of Object.entries(report.byTaxClass)) {
    byTax.push([taxClass, taxClassLabel(taxClass), sum.entries, formatYen(sum.amountYen)]);
  }
  const { totals } = report;
  const totalsTable = new Table({ colAligns: ['left', 'right'], style: PLAIN });
  totalsTable.push(
    ['Statements 明細数', report.statements],
    ['Taxable, tax included 課税対象額（税込）', formatYen(totals.taxableYen)],
    ['of which consumption tax うち消費税', formatYen(totals.consumptionTaxYen)],
    ['Non-taxable 不課税', formatYen(totals.nonTaxableYen)],
    ['Total 合計', formatYen(totals.totalYen)],
  );
  const kinds = byKind.length > 0 ? byKind.toString() : '(no entries)';
  const held = (report.held ?? []).map(
    (h) => `held from the close: ${h.customerId} (since ${jstTimestamp(h.heldAt)}): ${h.reason}`,
  );
  const heldNote =
    held.length > 0 ? `, ${held.length} customer${held.length === 1 ? '' : 's'} held (not in the totals)` : '';
  return [
    `Report ${report.month}: ${report.statements} statement${report.statements === 1 ? '' : 's'}${heldNote}`,
    kinds,
    byTax.toString(),
    totalsTable.toString(),
    ...held,
  ].join('\n');
}

/**
 * Dead letters as blocks rather than a table: the id must stay whole on one line to be copied
 * into `billing redrive`, and reasons are long.
 */
export function deadLettersText(deadLetters: readonly DeadLetterView[]): string {
  if (deadLetters.length === 0) return 'no dead letters';
  return deadLetters
    .map((letter) => {
      const subject = deadLetterSubject(letter);
      const event = [subject.detailType ?? 'unknown detail-type', subject.eventId].filter(Boolean).join(' ');
      const facts = [
        event,
        `customer ${subject.customerId ?? '?'}`,
        `consumer ${letter.consumer}`,
        `${letter.attempts} attempt${letter.attempts === 1 ? '' : 's'}`,
        jstTimestamp(letter.deadLetteredAt),
      ];
      const cause = letter.cause ? `\n  ${causeText(letter.cause)} (dead letter ${letter.cause.deadLetterId})` : '';
      return `${letter.id}\n  ${facts.join(' · ')}\n  ${letter.reason}${cause}`;
    })
    .join('\n\n');
}

/** A row of `GET /admin/waiting`: as the store reads it, and the dead letter that explains it, if one does. */
export type WaitingView = WaitingRow & { cause?: DeadLetterCause };

/** What an event waits for, and the dead letter of what it waits for if there is one. */
export const waitsFor = (row: WaitingView, brief = false): string =>
  row.cause ? `${row.reason}; ${causeText(row.cause, brief)}` : row.reason;

const REASON_WIDTH = 36;

/** What waits (`GET /admin/waiting`), the first to be dead-lettered first, as the API sorts it. */
export function waitingTable(waiting: readonly WaitingView[]): string {
  if (waiting.length === 0) return 'nothing waits';
  const table = new Table({
    head: ['Customer', 'Event', 'Type', 'Waits for', 'Received', 'Dead-lettered from'],
    colWidths: [null, null, null, REASON_WIDTH, null, null],
    wordWrap: true,
    style: PLAIN,
  });
  for (const w of waiting) {
    table.push([
      w.customerId,
      w.eventId,
      w.detailType,
      waitsFor(w, true),
      jstTimestamp(w.receivedAt),
      jstTimestamp(w.expiresAt),
    ]);
  }
  return `${waiting.length} event${waiting.length === 1 ? '' : 's'} waiting\n${table.toString()}`;
}

/** A customer's year at a glance: one row per statement, oldest first, and the sum. */
export function yearSummaryTable(customerId: string, statements: readonly Statement[]): string {
  const table = new Table({
    head: ['Month', 'Lines', 'Taxable', 'うち消費税', 'Non-taxable', 'Total'],
    colAligns: SUMMARY_ALIGNS,
    style: PLAIN_COMPACT,
  });
  const sum = { taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 };
  for (const statement of [...statements].sort((a, b) => (a.month < b.month ? -1 : 1))) {
    const t = statement.totals;
    table.push([statement.month, statement.lines.length, ...yenCells(t)]);
    sum.taxableYen += t.taxableYen;
    sum.consumptionTaxYen += t.consumptionTaxYen;
    sum.nonTaxableYen += t.nonTaxableYen;
    sum.totalYen += t.totalYen;
  }
  table.push(['Year 年間', '', ...yenCells(sum)]);
  return `Year summary ${customerId}\n${table.toString()}`;
}

/** Several months' reports side by side: one row per month, and the sum. */
export function reportsSummaryTable(reports: readonly MonthReport[]): string {
  const table = new Table({
    head: ['Month', 'Statements', 'Taxable', 'うち消費税', 'Non-taxable', 'Total'],
    colAligns: SUMMARY_ALIGNS,
    style: PLAIN_COMPACT,
  });
  const sum = { statements: 0, taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 };
  for (const report of reports) {
    const t = report.totals;
    table.push([report.month, report.statements, ...yenCells(t)]);
    sum.statements += report.statements;
    sum.taxableYen += t.taxableYen;
    sum.consumptionTaxYen += t.consumptionTaxYen;
    sum.nonTaxableYen += t.nonTaxableYen;
    sum.totalYen += t.totalYen;
  }
  table.push(['All 合計', sum.statements, ...yenCells(sum)]);
  return table.toString();
}

/** Counts as one line, e.g. "applied 24 · duplicates 0 · dead-lettered 1". */
export function countsLine(counts: Record<string, unknown>): string {
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, value]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${value}`)
    .join(' · ');
}
