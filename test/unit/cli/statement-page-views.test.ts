// The statement page's clerk views as pure functions of the finance API's answers: the year
// view's sums and credits, the search's results and refusals, the open panel against an answer
// it does not know, and the per-statement CSV with its file name (the same views in a real
// browser are test/e2e/statement-page-clerk.test.ts).
import { describe, expect, it } from 'vitest';
import type { Statement } from '#shared/domain/index.ts';
import { STATEMENT_FILE_COLUMNS, statementFileCsv, UTF8_BOM } from '../../../local/cli/format.ts';
import { attachmentHeader, statementCsvDownload } from '../../../local/statement-page/statement-csv.ts';
import { yearTable } from '../../../local/statement-page/year-view.ts';
import { statementPage } from '../../../local/statement-page.ts';

const line = (kind: Statement['lines'][number]['kind'], amountYen: number, extra: object = {}) => ({
  entryId: `${kind}/${amountYen}`,
  kind,
  deviceId: 'DEV-1',
  description: `${kind} ${amountYen}`,
  amountYen,
  taxClass: kind === 'late_return_penalty' ? ('non-taxable' as const) : ('taxable-10' as const),
  ...extra,
});

const september: Statement = {
  customerId: 'C-1',
  month: '2026-09',
  closedAt: '2026-09-30T16:00:00.000Z',
  lines: [line('exchange_fee', 8_800), line('protection_fee', 550)],
  totals: { taxableYen: 9_350, consumptionTaxYen: 850, nonTaxableYen: 0, totalYen: 9_350 },
};
// October corrects September's use 2 (8,800) to a use 1 (5,500): a credit and a new fee.
const october: Statement = {
  customerId: 'C-1',
  month: '2026-10',
  closedAt: '2026-10-31T16:00:00.000Z',
  lines: [
    line('exchange_fee', -8_800, { reverses: 'exchange_fee/8800', forMonth: '2026-09' }),
    line('exchange_fee', 5_500),
    line('protection_fee', 550),
  ],
  totals: { taxableYen: -2_750, consumptionTaxYen: -250, nonTaxableYen: 0, totalYen: -2_750 },
};

const json = (status: number, value: unknown) => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});

describe('yearTable', () => {
  const html = yearTable('C-1', [september, october]);
  const row = (attribute: string) =>
    html.slice(html.indexOf(attribute), html.indexOf('</tr>', html.indexOf(attribute)));

  it('nets a credit into its kind, shows a month without the kind as a dash, and sums the year', () => {
    expect(row('data-kind="exchange_fee"')).toContain(
      '<td class="num" data-month="2026-09">¥8,800</td><td class="num credit" data-month="2026-10">-¥3,300</td><td class="num sum" data-month="year">¥5,500</td>',
    );
    expect(yearTable('C-1', [september, { ...october, lines: [line('protection_fee', 550)] }])).toContain(
      '<td class="none">—</td>',
    );
  });

  it("shows the statements' own totals in red when below zero, and links each month", () => {
    expect(row('data-total="totalYen"')).toContain(
      '<td class="num" data-month="2026-09">¥9,350</td><td class="num credit" data-month="2026-10">-¥2,750</td><td class="num sum" data-month="year">¥6,600</td>',
    );
    expect(html).toContain('<a href="?customerId=C-1&amp;month=2026-10">2026-10</a>');
    expect(html).toContain('Year <span class="customer-id">C-1</span> · 2026-09 to 2026-10');
  });

  it('is empty without statements, and escapes a hostile id', () => {
    expect(yearTable('C-1', [])).toBe('');
    expect(yearTable('<b>', [{ ...september, customerId: '<b>' }])).not.toContain('<b>');
  });
});

describe('the search view', () => {
  const search = async (answer: ReturnType<typeof json>, q = 'c-') => {
    const asked: string[] = [];
    const page = await statementPage(new URLSearchParams({ q }), async (path) => {
      asked.push(path);
      return answer;
    });
    return { ...page, asked };
  };

  it('asks the API for the prefix, form-encoded, and links every customer found', async () => {
    const found = await search(
      json(200, { prefix: 'c+1', customers: [{ customerId: 'C+1' }], truncated: false }),
      'c+1',
    );
    expect(found.asked).toEqual(['/customers?prefix=c%2B1&limit=50']);
    expect(found.html).toContain('<a class="customer" href="?customerId=C%2B1">C+1</a>');
    expect(found.html).toContain('<title>Customers starting with “c+1” · device-supply-billing (local)</title>');
    expect(found.status).toBe(200);
  });

  it('says when the list is cut at the limit, and when nothing matches', async () => {
    const many = await search(json(200, { prefix: 'c-', customers: [{ customerId: 'C-1' }], truncated: true }));
    expect(many.html).toContain('only the first 1 are listed');
    const none = await search(json(200, { prefix: 'c-', customers: [], truncated: false }));
    expect(none.html).toContain('<p class="note" data-results="0">No customer ID starts with <q>c-</q>.</p>');
  });

  it("answers the API's refusal with its status", async () => {
    const refused = await search(json(400, { error: 'BAD_REQUEST', message: 'prefix must be given once' }), 'a b');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<strong class="error-code">BAD_REQUEST</strong>');
  });
});

describe('the open panel', () => {
  it('says the answer is not understood, with 502, rather than breaking the page', async () => {
    const page = await statementPage(new URLSearchParams({ customerId: 'C-1' }), async (path) =>
      path.endsWith('/open') ? json(200, { customerId: 'C-1', installments: 'many' }) : json(200, { months: [] }),
    );
    expect(page.status).toBe(502);
    expect(page.html).toContain('<strong class="error-code">UNEXPECTED_ANSWER</strong>');
  });
});

describe('the per-statement CSV', () => {
  it('leads with a BOM, names customer and month on every row, and ends with the totals', () => {
    const rows = statementFileCsv(october).split('\r\n');
    expect(rows[0]).toBe(UTF8_BOM + STATEMENT_FILE_COLUMNS.join(','));
    expect(rows.slice(1, 2)).toEqual([
      'C-1,2026-10,line,exchange_fee/-8800,exchange_fee,交換・修理代金,taxable-10,exchange_fee -8800,DEV-1,,2026-09,exchange_fee/8800,-8800',
    ]);
    expect(rows.slice(4)).toEqual([
      'C-1,2026-10,taxableYen,,,,,,,,,,-2750',
      'C-1,2026-10,consumptionTaxYen,,,,,,,,,,-250',
      'C-1,2026-10,nonTaxableYen,,,,,,,,,,0',
      'C-1,2026-10,totalYen,,,,,,,,,,-2750',
      '',
    ]);
  });

  it('defuses a description that a spreadsheet would run', () => {
    const hostile = { ...september, lines: [{ ...september.lines[0]!, description: '=HYPERLINK("http://x")' }] };
    expect(statementFileCsv(hostile)).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('names the file after customer and month, with an ASCII fallback a hostile id cannot break', () => {
    expect(attachmentHeader('statement-C-1-2026-10.csv')).toBe(
      `attachment; filename="statement-C-1-2026-10.csv"; filename*=UTF-8''statement-C-1-2026-10.csv`,
    );
    expect(attachmentHeader(`statement-a"b\\c/d;e'(f)*-2026-10.csv`)).toBe(
      `attachment; filename="statement-a_b_c_d_e__f__-2026-10.csv"; filename*=UTF-8''statement-a%22b%5Cc%2Fd%3Be%27%28f%29%2A-2026-10.csv`,
    );
  });

  it('downloads with its headers, and answers a bad query or the API refusal with their status', async () => {
    const asked: string[] = [];
    const get = async (path: string) => {
      asked.push(path);
      return path.endsWith('/2026-10') ? json(200, october) : json(404, { error: 'NOT_FOUND', message: 'none' });
    };
    const file = await statementCsvDownload(new URLSearchParams({ customerId: 'C-1', month: '2026-10' }), get);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toContain('filename="statement-C-1-2026-10.csv"');
    expect(file.body.startsWith(UTF8_BOM)).toBe(true);
    const missing = await statementCsvDownload(new URLSearchParams({ customerId: 'C-1', month: '2026-11' }), get);
    expect(missing.status).toBe(404);
    const bad = await statementCsvDownload(new URLSearchParams({ customerId: 'C-1', month: '2026' }), get);
    expect(bad.status).toBe(400);
    expect(asked).toEqual(['/customers/C-1/statements/2026-10', '/customers/C-1/statements/2026-11']);
  });
});
