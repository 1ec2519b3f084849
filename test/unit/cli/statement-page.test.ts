// The statement page as a pure function of its query and the finance API's answers (the page
// in a real browser against a real stack is test/e2e/statement-page.test.ts).
import { describe, expect, it } from 'vitest';
import type { Statement } from '#shared/domain/index.ts';
import { buildMonthReport } from '#shared/runtime/finance-api.ts';
import { escapeHtml, statementPage } from '../../../local/statement-page.ts';

const statement: Statement = {
  customerId: 'CUST-1002',
  month: '2026-09',
  closedAt: '2026-09-30T16:00:00.000Z',
  lines: [
    {
      entryId: 'prot/DEV-1002-A/2026-09',
      kind: 'protection_fee',
      deviceId: 'DEV-1002-A',
      description: 'Device protection 2026-09',
      amountYen: 550,
      taxClass: 'taxable-10',
    },
    {
      entryId: 'loaner/CLM-1002-1/repair',
      kind: 'loaner_charge',
      deviceId: 'DEV-1002-A',
      claimId: 'CLM-1002-1',
      description: 'Loaner device not returned (claim CLM-1002-1)',
      amountYen: 20000,
      taxClass: 'non-taxable',
    },
  ],
  totals: { taxableYen: 550, consumptionTaxYen: 50, nonTaxableYen: 20000, totalYen: 20550 },
};

/** Answers like the finance API for one customer and one month, and records the paths asked for. */
function fakeFinance() {
  const asked: string[] = [];
  const json = (status: number, value: unknown) => ({
    status,
    contentType: 'application/json',
    body: JSON.stringify(value),
  });
  const get = async (path: string) => {
    asked.push(path);
    const segments = path.split('/').map(decodeURIComponent);
    if (path === '/customers/CUST-1002/statements')
      return json(200, { customerId: 'CUST-1002', months: ['2026-09', '2026-08'] });
    if (path === '/customers/CUST-1002/statements/2026-09') return json(200, statement);
    if (path === '/reports/2026-09') return json(200, buildMonthReport('2026-09', [statement]));
    if (path === '/reports/2026-13') return { status: 500, contentType: 'text/plain', body: 'boom' };
    if (segments[1] === 'customers' && segments[4])
      return json(404, { error: 'NOT_FOUND', message: `no statement for customer ${segments[2]} in ${segments[4]}` });
    if (segments[1] === 'customers') return json(200, { customerId: segments[2], months: [] });
    return json(400, { error: 'BAD_REQUEST', message: `month must be YYYY-MM, got "${segments[2]}"` });
  };
  return { get, asked };
}

const page = async (query: Record<string, string>, finance = fakeFinance()) =>
  (await statementPage(new URLSearchParams(query), finance.get)).html;

describe('statementPage', () => {
  it('is a whole document with both forms and a policy that allows no script', async () => {
    const finance = fakeFinance();
    const html = await page({}, finance);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'">`,
    );
    expect(html).toContain('<form method="get" action="/" id="statement-form"');
    expect(html).toContain('<form method="get" action="/" id="report-form"');
    expect(html).not.toContain('<section');
    expect(finance.asked).toEqual([]);
  });

  it('shows the statement with its lines, totals and the months to switch to', async () => {
    const html = await page({ customerId: 'CUST-1002', month: '2026-09' });
    expect(html).toContain(
      '<tr data-entry-id="loaner/CLM-1002-1/repair"><td><code>loaner_charge</code></td><td lang="ja">代替機損害金</td><td>Loaner device not returned (claim CLM-1002-1)</td><td><span class="nowrap">DEV-1002-A</span> · <span class="nowrap">CLM-1002-1</span></td><td lang="ja">不課税</td><td class="num">¥20,000</td></tr>',
    );
    expect(html).toContain('<td class="num" data-total="consumptionTaxYen">¥50</td>');
    expect(html).toContain('<td class="num" data-total="totalYen">¥20,550</td>');
    expect(html).toContain('<a href="?customerId=CUST-1002&amp;month=2026-09" aria-current="page">2026-09</a>');
    expect(html).toContain('<a href="?customerId=CUST-1002&amp;month=2026-08">2026-08</a>');
    expect(html).toContain('Closed 2026-10-01 01:00 JST · 2 lines');
  });

  it("shows the API's error code and message when there is no statement, and answers its status", async () => {
    const answer = await statementPage(
      new URLSearchParams({ customerId: 'CUST-1002', month: '2026-07' }),
      fakeFinance().get,
    );
    expect(answer.status).toBe(404);
    expect(answer.html).toContain(
      '<title>NOT_FOUND · Statement CUST-1002 2026-07 · device-supply-billing (local)</title>',
    );
    const html = answer.html;
    expect(html).toContain(
      '<div class="error" role="alert"><strong class="error-code">NOT_FOUND</strong> <span class="status">(HTTP 404)</span><p class="error-message">no statement for customer CUST-1002 in 2026-07</p></div>',
    );
  });

  it('escapes a hostile customer id everywhere and keeps it inside its path segment', async () => {
    const hostile = `"><script>alert('x')</script><img src=x onerror=alert(1)>&/../reports/2026-09?`;
    const finance = fakeFinance();
    const html = await page({ customerId: hostile, month: '2026-09', report: '2026-09' }, finance);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    expect(html).toContain(`value="${escapeHtml(hostile)}"`);
    expect(html).toContain(`no statement for customer ${escapeHtml(hostile)} in 2026-09`);
    expect(finance.asked).toContain(`/customers/${encodeURIComponent(hostile)}/statements/2026-09`);
    expect(finance.asked.every((path) => path.split('/').length <= 5)).toBe(true);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it("lists a customer's months when no month is given, and says so when there are none", async () => {
    expect(await page({ customerId: 'CUST-1002' })).toContain('<nav class="months" aria-label="Statement months">');
    expect(await page({ customerId: 'CUST-9' })).toContain(
      'No closed statements for this customer in the 12-month lookback.',
    );
    expect(await page({ month: '2026-09' })).toContain('Enter a customer ID to see a statement.');
  });

  it('shows the month report by kind and tax class, with the statement count and a link to entries.csv', async () => {
    const html = await page({ report: '2026-09' });
    expect(html).toContain(
      '<tr data-key="loaner_charge"><td><code>loaner_charge</code></td><td lang="ja">代替機損害金</td><td class="num">1</td><td class="num">¥20,000</td></tr>',
    );
    expect(html).toContain(
      '<tr data-key="taxable-10"><td><code>taxable-10</code></td><td lang="ja">課税10%</td><td class="num">1</td><td class="num">¥550</td></tr>',
    );
    expect(html).toContain('<span data-statements="1">1 statement</span>');
    expect(html).toContain('<a class="csv" href="/downloads/entries-2026-09.csv" download>entries-2026-09.csv</a>');
    expect(html).toContain('<td class="num" data-total="totalYen">¥20,550</td>');
  });

  it('shows a report error as it came, or the status when the answer is not JSON', async () => {
    expect(await page({ report: '<b>x' })).toContain(
      '<strong class="error-code">BAD_REQUEST</strong> <span class="status">(HTTP 400)</span><p class="error-message">month must be YYYY-MM, got &quot;&lt;b&gt;x&quot;</p>',
    );
    await expect(statementPage(new URLSearchParams({ report: '<b>x' }), fakeFinance().get)).resolves.toMatchObject({
      status: 400,
    });
    await expect(statementPage(new URLSearchParams({ report: '2026-09' }), fakeFinance().get)).resolves.toMatchObject({
      status: 200,
    });
    expect(await page({ report: '2026-13' })).toContain(
      '<strong class="error-code">HTTP_500</strong> <span class="status">(HTTP 500)</span><p class="error-message">boom</p>',
    );
  });
});
