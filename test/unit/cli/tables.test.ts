import { describe, expect, it } from 'vitest';
import type { Statement } from '#shared/domain/index.ts';
import { buildMonthReport } from '#shared/runtime/finance-api.ts';
import { exampleStatement } from '#test/support/example-year.ts';
import { formatYen } from '../../../local/cli/format.ts';
import {
  countsLine,
  deadLettersText,
  monthReportTable,
  reportsSummaryTable,
  statementTable,
  waitingTable,
  waitsFor,
  yearSummaryTable,
} from '../../../local/cli/tables.ts';

// CUST-1001's October of examples/README.md: fee, installment, protection and the late-return
// penalty, its figures from examples/fiscal-year-2026.expected.json.
const october: Statement = exampleStatement('CUST-1001', '2026-10', [
  {
    entryId: 'fee/CLM-1001-1',
    deviceId: 'DEV-1001-A',
    claimId: 'CLM-1001-1',
    description: 'Exchange/repair fee, use 1 of this coverage year (claim CLM-1001-1)',
  },
  { entryId: 'inst/DEV-1001-A/7', deviceId: 'DEV-1001-A', description: 'Installment 7 of 24, Galaxy S25' },
  { entryId: 'prot/DEV-1001-A/2026-10', deviceId: 'DEV-1001-A', description: 'Device protection 2026-10' },
  {
    entryId: 'penalty/CLM-1001-1',
    deviceId: 'DEV-1001-A',
    claimId: 'CLM-1001-1',
    description: 'Late return of the old device (claim CLM-1001-1)',
  },
]);
/** The amount of October's line of `kind`, as the tables print it. */
const amountOf = (kind: string): string => formatYen(october.lines.find((line) => line.kind === kind)!.amountYen);
const taxableLines = october.lines.filter((line) => line.taxClass === 'taxable-10');
const nonTaxableLines = october.lines.filter((line) => line.taxClass === 'non-taxable');

const cellsOf = (line: string): string[] =>
  line
    .split('│')
    .slice(1, -1)
    .map((cell) => cell.trim());

/**
 * The cells of the table row whose first cell is `first`, a wrapped cell's lines joined with a
 * space (cli-table3 draws cells between │ and continues a wrapped row on the next lines).
 */
function row(table: string, first: string): string[] | undefined {
  const lines = table.split('\n');
  const start = lines.findIndex((line) => line.startsWith('│') && cellsOf(line)[0] === first);
  if (start < 0) return undefined;
  const cells = cellsOf(lines[start]!);
  for (let i = start + 1; i < lines.length && lines[i]!.startsWith('│') && cellsOf(lines[i]!)[0] === ''; i++) {
    cellsOf(lines[i]!).forEach((cell, c) => {
      if (cell) cells[c] = `${cells[c]} ${cell}`;
    });
  }
  return cells;
}

/** Columns a terminal gives a line: CJK and full-width forms take two. */
const displayWidth = (line: string): number =>
  [...line].reduce((w, ch) => w + (/[\u3000-\u30ff\u4e00-\u9fff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);

describe('statementTable', () => {
  const text = statementTable(october);

  it('titles the statement with the customer, the month and the close in JST', () => {
    expect(text.split('\n')[0]).toBe('Statement CUST-1001 2026-10 (closed 2026-11-01 01:00 JST)');
  });

  it('shows each line with its kind in English and Japanese, its tax class and its amount in yen', () => {
    expect(row(text, 'late_return_penalty')).toEqual([
      'late_return_penalty',
      '端末保守調定金',
      'Late return of the old device (claim CLM-1001-1)',
      'DEV-1001-A CLM-1001-1',
      '不課税',
      amountOf('late_return_penalty'),
    ]);
    expect(row(text, 'device_installment')).toEqual([
      'device_installment',
      '端末代金（分割）',
      'Installment 7 of 24, Galaxy S25',
      'DEV-1001-A',
      '課税10%',
      amountOf('device_installment'),
    ]);
  });

  it('ends with the four totals, right-aligned under the amounts', () => {
    const totals = text.split('\n').filter((line) => /課税対象額|うち消費税|不課税 │|合計/.test(line));
    expect(
      totals.map((line) =>
        line
          .split('│')
          .slice(1, -1)
          .map((c) => c.trim()),
      ),
    ).toEqual([
      ['Taxable, tax included 課税対象額（税込）', formatYen(october.totals.taxableYen)],
      ['of which consumption tax 10% うち消費税', formatYen(october.totals.consumptionTaxYen)],
      ['Non-taxable 不課税', formatYen(october.totals.nonTaxableYen)],
      ['Total 合計', formatYen(october.totals.totalYen)],
    ]);
    const widths = new Set(text.split('\n').slice(1).map(displayWidth));
    expect(widths.size).toBe(1); // every row is as wide as the frame: the table is well-formed
  });

  it('marks a credit with what it reverses and the month it belongs to', () => {
    const credit: Statement = {
      ...october,
      lines: [
        {
          entryId: 'penalty/K9/rev',
          kind: 'late_return_penalty',
          deviceId: 'D9',
          claimId: 'K9',
          description: 'Reversal: returned on time',
          amountYen: -40000,
          taxClass: 'non-taxable',
          reverses: 'penalty/K9',
          forMonth: '2026-09',
        },
      ],
      totals: { taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: -40000, totalYen: -40000 },
    };
    expect(row(statementTable(credit), 'late_return_penalty')).toEqual([
      'late_return_penalty',
      '端末保守調定金',
      'Reversal: returned on time (for 2026-09) (reverses penalty/K9)',
      'D9 K9',
      '不課税',
      '-¥40,000',
    ]);
  });
});

describe('monthReportTable', () => {
  const text = monthReportTable(buildMonthReport('2026-10', [october]));

  it('lists only the kinds that have entries, with counts and amounts', () => {
    expect(row(text, 'exchange_fee')).toEqual(['exchange_fee', '交換・修理代金', '1', amountOf('exchange_fee')]);
    expect(row(text, 'device_lump_sum')).toBeUndefined();
    expect(row(text, 'taxable-10')).toEqual([
      'taxable-10',
      '課税10%',
      String(taxableLines.length),
      formatYen(october.totals.taxableYen),
    ]);
    expect(row(text, 'non-taxable')).toEqual([
      'non-taxable',
      '不課税',
      String(nonTaxableLines.length),
      formatYen(october.totals.nonTaxableYen),
    ]);
  });

  it('gives the statement count and the totals', () => {
    expect(text.split('\n')[0]).toBe('Report 2026-10: 1 statement');
    expect(row(text, 'Statements 明細数')).toEqual(['Statements 明細数', '1']);
    expect(row(text, 'Total 合計')).toEqual(['Total 合計', formatYen(october.totals.totalYen)]);
  });

  it('says how many customers are held from the close, who and why, and that they are not in the totals', () => {
    const held = [
      {
        customerId: 'CUST-9',
        month: '2026-10',
        shard: 3,
        reason: 'ItemLimitError: CUSTOMER_STATE_LIMIT: …',
        heldAt: '2026-11-01T01:00:00+09:00',
      },
    ];
    const lines = monthReportTable(buildMonthReport('2026-10', [october], held)).split('\n');
    expect(lines[0]).toBe('Report 2026-10: 1 statement, 1 customer held (not in the totals)');
    expect(lines.at(-1)).toBe(
      'held from the close: CUST-9 (since 2026-11-01 01:00 JST): ItemLimitError: CUSTOMER_STATE_LIMIT: …',
    );
  });
});

describe('summaries', () => {
  it("adds up a customer's months", () => {
    const september = exampleStatement('CUST-1001', '2026-09', [
      { entryId: 'inst/DEV-1001-A/6', deviceId: 'DEV-1001-A', description: 'Installment 6 of 24, Galaxy S25' },
      { entryId: 'prot/DEV-1001-A/2026-09', deviceId: 'DEV-1001-A', description: 'Device protection 2026-09' },
    ]);
    const amounts = (totals: Statement['totals']) =>
      [totals.taxableYen, totals.consumptionTaxYen, totals.nonTaxableYen, totals.totalYen].map(formatYen);
    const text = yearSummaryTable('CUST-1001', [october, september]);
    expect(row(text, '2026-09')).toEqual(['2026-09', String(september.lines.length), ...amounts(september.totals)]);
    const both = { taxableYen: 0, consumptionTaxYen: 0, nonTaxableYen: 0, totalYen: 0 };
    for (const { totals } of [october, september])
      for (const key of Object.keys(both) as (keyof typeof both)[]) both[key] += totals[key];
    expect(row(text, 'Year 年間')).toEqual(['Year 年間', '', ...amounts(both)]);
    expect(text.indexOf('2026-09')).toBeLessThan(text.indexOf('2026-10')); // oldest first
  });

  it('adds up months of reports', () => {
    const text = reportsSummaryTable([buildMonthReport('2026-10', [october]), buildMonthReport('2026-11', [])]);
    expect(row(text, 'All 合計')).toEqual([
      'All 合計',
      '1',
      ...[
        october.totals.taxableYen,
        october.totals.consumptionTaxYen,
        october.totals.nonTaxableYen,
        october.totals.totalYen,
      ].map(formatYen),
    ]);
    expect(row(text, '2026-11')).toEqual(['2026-11', '0', '¥0', '¥0', '¥0', '¥0']);
  });

  it('writes counts as one line and skips what is not a number', () => {
    expect(countsLine({ applied: 24, deadLettered: 1, retriesPending: 0, note: 'x' })).toBe(
      'applied 24 · dead-lettered 1 · retries-pending 0',
    );
  });

  it('keeps a dead letter id whole on its own line, for copying into redrive', () => {
    const id = 'orders#My3L3O-uE7U3gRc5j60VwIkk3PFGvFChBbZVXSJjb8M';
    const text = deadLettersText([
      {
        id,
        consumer: 'orders',
        reason: 'MALFORMED: devices.0.priceYen: expected a positive integer yen amount',
        deadLetteredAt: '2026-11-27T17:56:24.976Z',
        attempts: 1,
        eventId: 'evt-9',
        customerId: 'C9',
        detailType: 'OrderPlaced',
      },
    ]);
    expect(text.split('\n')).toEqual([
      id,
      '  OrderPlaced evt-9 · customer C9 · consumer orders · 1 attempt · 2026-11-28 02:56 JST',
      '  MALFORMED: devices.0.priceYen: expected a positive integer yen amount',
    ]);
    expect(deadLettersText([])).toBe('no dead letters');
  });

  it('names the dead letter of the order an event waited for, under its own reason', () => {
    const cause = {
      deadLetterId: 'orders#abc',
      detailType: 'OrderPlaced',
      eventId: 'evt-1',
      customerId: 'C9',
      reason: 'MALFORMED: devices.0.priceYen: expected an integer yen amount from 1 to 10,000,000',
    };
    const text = deadLettersText([
      {
        id: 'logistics#def',
        consumer: 'logistics',
        reason: 'WAITED_7_DAYS: order O9 is not known yet',
        deadLetteredAt: '2026-11-27T17:56:24.976Z',
        attempts: 1,
        eventId: 'evt-2',
        customerId: 'C9',
        detailType: 'DeviceDelivered',
        cause,
      },
    ]);
    expect(text.split('\n').slice(2)).toEqual([
      '  WAITED_7_DAYS: order O9 is not known yet',
      '  its OrderPlaced evt-1 was dead-lettered: MALFORMED: devices.0.priceYen: expected an integer yen amount from 1 to 10,000,000 (dead letter orders#abc)',
    ]);
    const row = {
      customerId: 'C9',
      eventId: 'evt-2',
      detailType: 'DeviceDelivered',
      occurredAt: '2026-11-02T10:00:00+09:00',
      reason: 'order O9 is not known yet',
      receivedAt: '2026-11-27T17:56:24.976Z',
      expiresAt: '2026-12-04T17:56:24.976Z',
    };
    expect(waitsFor({ ...row, cause })).toBe(
      'order O9 is not known yet; its OrderPlaced evt-1 was dead-lettered: MALFORMED: devices.0.priceYen: expected an integer yen amount from 1 to 10,000,000',
    );
    // In the table only the code of its reason, so that the row stays short.
    expect(waitsFor({ ...row, cause }, true)).toBe(
      'order O9 is not known yet; its OrderPlaced evt-1 was dead-lettered (MALFORMED)',
    );
    expect(waitingTable([{ ...row, cause }])).toContain('(MALFORMED)');
    expect(waitsFor(row)).toBe('order O9 is not known yet');
  });

  it("names a malformed dead letter from its message when the letter's own fields are absent", () => {
    const body = JSON.stringify({
      'detail-type': 'OrderVoided',
      source: 'device-supply.orders',
      detail: { eventId: 'evt-bad', customerId: 'C-BAD', occurredAt: 'yesterday' },
    });
    const base = {
      id: 'orders#x',
      consumer: 'orders',
      reason: 'MALFORMED: occurredAt: expected an ISO 8601 timestamp',
      deadLetteredAt: '2026-11-27T17:56:24.976Z',
      attempts: 1,
    };
    expect(deadLettersText([{ ...base, body }]).split('\n')[1]).toBe(
      '  OrderVoided evt-bad · customer C-BAD · consumer orders · 1 attempt · 2026-11-28 02:56 JST',
    );
    expect(deadLettersText([{ ...base, body: 'garbage' }]).split('\n')[1]).toBe(
      '  unknown detail-type · customer ? · consumer orders · 1 attempt · 2026-11-28 02:56 JST',
    );
  });
});
