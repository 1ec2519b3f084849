// The statement page as a finance clerk works with it, in headless Chromium against a real
// local stack holding the example year: search by id prefix, a customer's page with what is
// still open, the year side by side, a statement and its CSV, printing on A4, and error pages
// that answer the API's status. The figures come from examples/fiscal-year-2026.expected.json
// and the events file; each view is saved as a screenshot, on screen and as printed.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customerIds,
  EXAMPLE_EVENTS_FILE,
  expectedCustomer,
  expectedStatement,
  fiscalMonths,
} from '#test/support/example-year.ts';
import {
  APRIL_EVENTS,
  type ExampleYearBrowser,
  exampleYearInBrowser,
  parseCsv,
} from '#test/support/statement-page-browser.ts';
import { formatYen } from '../../local/cli/format.ts';

/** Screenshots of every view, screen and print, for a person to look at after a run. */
const ARTIFACTS_DIR = join(tmpdir(), 'billing-statement-page-clerk');
const SITE = 'device-supply-billing (local)';
/** A4's printable width at 96 px an inch, less the print stylesheet's 12 mm margins: what a printed line holds. */
const A4_CONTENT_PX = Math.floor(((210 - 2 * 12) / 25.4) * 96);

describe('statement page for a finance clerk, in a browser', () => {
  let env: ExampleYearBrowser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
  const go = async (query: string) => {
    const response = await page.goto(`${env.stack.url}/${query}`);
    return response?.status();
  };

  beforeAll(async () => {
    env = await exampleYearInBrowser(ARTIFACTS_DIR);
    page = env.page;
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  it('renders Japanese with a CJK font, not boxes', async () => {
    await go('?customerId=CUST-1001&month=2026-10');
    // With Noto Sans CJK present, the text is set in it whatever the fallback after it; without
    // it, the two fallbacks (monospace, serif) set the Latin letters at different widths.
    const widths = await page.locator('main').evaluate((main) =>
      ['monospace', 'serif'].map((fallback) => {
        const span = main.ownerDocument.createElement('span');
        span.style.font = `16px "Noto Sans CJK JP", ${fallback}`;
        span.textContent = 'Kind 種別 税区分 端末代金（分割）';
        main.append(span);
        const width = span.getBoundingClientRect().width;
        span.remove();
        return width;
      }),
    );
    expect(widths[0]).toBeGreaterThan(0);
    expect(widths[0]).toBe(widths[1]);
  }, 30_000);

  it('finds customers by an id prefix in any case, and links each to its page', async () => {
    await go('');
    await page.fill('#search-form input[name=q]', 'cust-100');
    await Promise.all([page.waitForURL(/\?q=/), page.locator('#search-form button').click()]);
    await expect(page.title()).resolves.toBe(`Customers starting with “cust-100” · ${SITE}`);
    await expect(page.locator('.results a.customer').allTextContents()).resolves.toEqual([...customerIds]);
    await shot('search');

    await expect(go('?q=Cust-1003')).resolves.toBe(200);
    await expect(page.locator('.results a.customer').allTextContents()).resolves.toEqual(['CUST-1003']);
    await Promise.all([page.waitForURL(/customerId=CUST-1003/), page.locator('.results a.customer').click()]);
    await expect(page.locator('nav.views .customer-id').textContent()).resolves.toBe('CUST-1003');

    await expect(go('?q=ORD-')).resolves.toBe(200);
    await expect(page.locator('[data-results="0"]').textContent()).resolves.toBe('No customer ID starts with ORD-.');
  }, 60_000);

  it("shows on a customer's page what is still open: the installments left and their sum", async () => {
    await expect(go('?customerId=CUST-1001')).resolves.toBe(200);
    await expect(page.title()).resolves.toBe(`Customer CUST-1001 · ${SITE}`);
    // ORD-1001 as ordered, less the installments the year billed.
    const order = (await readFile(EXAMPLE_EVENTS_FILE, 'utf8')).split('\n').find((l) => l.includes('"ORD-1001"'));
    const device = JSON.parse(order!).detail.devices[0];
    const billed = expectedCustomer('CUST-1001').statements.flatMap((s) =>
      s.lines.filter((l) => l.kind === 'device_installment'),
    );
    const remainingYen = device.priceYen - billed.reduce((sum, l) => sum + l.amountYen, 0);
    const row = page.locator('table.installments tr[data-order-id=ORD-1001] td');
    await expect(row.allTextContents()).resolves.toEqual([
      'ORD-1001',
      'DEV-1001-A',
      device.model,
      formatYen(Math.floor(device.priceYen / device.payment.months)),
      String(device.payment.months - billed.length),
      formatYen(remainingYen),
      '2028-03',
    ]);
    await expect(page.locator('[data-total=remainingInstallmentsYen]').textContent()).resolves.toBe(
      formatYen(remainingYen),
    );
    await expect(page.locator('[data-none=deadlines]').count()).resolves.toBe(1);
    await expect(page.locator('[data-none=claims]').count()).resolves.toBe(1);
    await expect(page.locator('[data-events-waiting]').textContent()).resolves.toBe('0');
    await shot('customer-open');
  }, 30_000);

  it('shows the year side by side: a column a month, a row a kind, the totals and the year', async () => {
    await go('?customerId=CUST-1001');
    await Promise.all([page.waitForURL(/view=year/), page.locator('nav.views a[data-view=year]').click()]);
    await expect(page.title()).resolves.toBe(`Year CUST-1001 2026-04 to 2027-03 · ${SITE}`);
    const months = fiscalMonths();
    await expect(page.locator('.year-table thead th.month a').allTextContents()).resolves.toEqual(months);
    const customer = expectedCustomer('CUST-1001');
    const kinds = [...new Set(customer.statements.flatMap((s) => s.lines.map((l) => l.kind)))];
    await expect(
      page.locator('.year-table tr[data-kind]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind'))),
    ).resolves.toEqual(expect.arrayContaining(kinds));
    for (const kind of kinds) {
      const sums = months.map((m) => {
        const lines = expectedStatement('CUST-1001', m).lines.filter((l) => l.kind === kind);
        return lines.length ? lines.reduce((sum, l) => sum + l.amountYen, 0) : undefined;
      });
      const year = sums.reduce<number>((a, b) => a + (b ?? 0), 0);
      await expect(page.locator(`.year-table tr[data-kind=${kind}] td`).allTextContents(), kind).resolves.toEqual([
        ...sums.map((sum) => (sum === undefined ? '—' : formatYen(sum))),
        formatYen(year),
      ]);
    }
    for (const key of ['taxableYen', 'consumptionTaxYen', 'nonTaxableYen', 'totalYen'] as const) {
      const cells = await page.locator(`.year-table tr[data-total=${key}] td.num`).allTextContents();
      const values = months.map((m) => expectedStatement('CUST-1001', m).totals[key]);
      expect(cells).toEqual([...values, values.reduce((a, b) => a + b, 0)].map(formatYen));
    }
    await expect(page.locator('.year-table tr[data-total=totalYen] td[data-month=year]').textContent()).resolves.toBe(
      formatYen(customer.yearTotalYen),
    );
    // Side by side on a 1280-pixel screen: the 12 months and the year fit without scrolling.
    await expect(page.locator('.year .scroll').evaluate((box) => box.scrollWidth <= box.clientWidth)).resolves.toBe(
      true,
    );
    await shot('year');
    await page.emulateMedia({ media: 'print' });
    await shot('year-print');
    await page.emulateMedia({ media: 'screen' });
  }, 60_000);
  it('downloads a statement as CSV named after customer and month: BOM, customer and month on every row, lines and totals', async () => {
    await expect(go('?customerId=CUST-1001&month=2026-10')).resolves.toBe(200);
    await expect(page.title()).resolves.toBe(`Statement CUST-1001 2026-10 · ${SITE}`);
    await shot('statement');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.statement-csv').click()]);
    expect(download.suggestedFilename()).toBe('statement-CUST-1001-2026-10.csv');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text.slice(1));
    const expected = expectedStatement('CUST-1001', '2026-10');
    const header = rows[0]!;
    const column = (row: string[], name: string) => row[header.indexOf(name)];
    expect(header.slice(0, 3)).toEqual(['customerId', 'month', 'record']);
    expect(
      rows.slice(1).every((row) => column(row, 'customerId') === 'CUST-1001' && column(row, 'month') === '2026-10'),
    ).toBe(true);
    const lines = rows.filter((row) => column(row, 'record') === 'line');
    expect(lines.map((row) => [column(row, 'kind'), Number(column(row, 'amountYen'))])).toEqual(
      expected.lines.map((l) => [l.kind, l.amountYen]),
    );
    expect(lines.map((row) => column(row, 'kindJa'))).toContain('端末保守調定金');
    const totals = Object.fromEntries(
      rows
        .filter((row) => column(row, 'record') !== 'line')
        .slice(1)
        .map((row) => [column(row, 'record'), Number(column(row, 'amountYen'))]),
    );
    expect(totals).toEqual(expected.totals);

    const answer = await page.request.get(`${env.stack.url}/statement.csv?customerId=CUST-1001&month=2026-10`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers()['content-disposition']).toBe(
      `attachment; filename="statement-CUST-1001-2026-10.csv"; filename*=UTF-8''statement-CUST-1001-2026-10.csv`,
    );
    const missing = await page.request.get(`${env.stack.url}/statement.csv?customerId=CUST-1002&month=2027-02`);
    expect([missing.status(), (await missing.json()).error]).toEqual([404, 'NOT_FOUND']);
  }, 60_000);

  it('prints a statement on A4 without the forms or links, the labels and amounts unbroken, titled by customer and month', async () => {
    await go('?customerId=CUST-1001&month=2026-10');
    await page.setViewportSize({ width: A4_CONTENT_PX, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    try {
      const display = (selector: string) =>
        page
          .locator(selector)
          .first()
          .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).display);
      for (const selector of ['.forms', '#statement-form', 'nav.months', 'nav.views', '.statement .no-print'])
        await expect(display(selector), selector).resolves.toBe('none');
      await expect(page.locator('a.statement-csv').isVisible()).resolves.toBe(false);
      await expect(display('table.lines')).resolves.toBe('table');
      await expect(page.title()).resolves.toBe(`Statement CUST-1001 2026-10 · ${SITE}`);
      // One line box each: 端末代金（分割） or 課税10% broken a character a line would have several.
      const lineBoxes = await page.locator('table.lines td[lang=ja], table.lines td.num').evaluateAll((tds) =>
        tds.map((td) => {
          const range = td.ownerDocument.createRange();
          range.selectNodeContents(td);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return [td.textContent, tops.size];
        }),
      );
      expect(lineBoxes.length).toBeGreaterThan(8);
      expect(lineBoxes.filter(([, lines]) => lines !== 1)).toEqual([]);
      await expect(page.locator('table.lines').evaluate((t) => t.scrollWidth)).resolves.toBeLessThanOrEqual(
        A4_CONTENT_PX,
      );
      await shot('statement-print');
    } finally {
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }, 30_000);

  it('prints every statement of the lookback one a page', async () => {
    await expect(go('?customerId=CUST-1004&view=all')).resolves.toBe(200);
    const months = expectedCustomer('CUST-1004').statements.map((s) => s.month);
    await expect(page.title()).resolves.toBe(`Statements CUST-1004 ${months[0]} to ${months.at(-1)} · ${SITE}`);
    await expect(
      page.locator('section.statement').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-month'))),
    ).resolves.toEqual(months);
    // page.pdf prints with the media emulated last: print, as a browser's Print does.
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true });
    // Each page of Chromium's PDF is one "/Type /Page" object: one statement a page, no more.
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length).toBe(months.length);
    await shot('all-statements-print');
    await page.emulateMedia({ media: 'screen' });
  }, 60_000);

  it('answers an error page with the status the API answered', async () => {
    const cases: [string, number, string][] = [
      ['?customerId=CUST-1002&month=2027-02', 404, 'NOT_FOUND'],
      ['?customerId=CUST-1001&month=2027-04', 409, 'MONTH_NOT_CLOSED'],
      ['?customerId=CUST-1001&month=2026-03', 410, 'OUTSIDE_LOOKBACK'],
      ['?customerId=CUST-1001&month=2026-13', 400, 'BAD_REQUEST'],
      ['?report=2026-02', 410, 'OUTSIDE_LOOKBACK'],
      ['?customerId=CUST-1001&view=year&report=2027-04', 409, 'MONTH_NOT_CLOSED'],
    ];
    for (const [query, status, code] of cases) {
      await expect(go(query), query).resolves.toBe(status);
      await expect(page.getByRole('alert').locator('.error-code').textContent(), query).resolves.toBe(code);
      await expect(page.title(), query).resolves.toContain(`${code} · `);
    }
    await go('?customerId=CUST-1001&month=2026-03');
    await shot('error-410');
    await expect(go('?customerId=CUST-1001&month=2026-10')).resolves.toBe(200);
  }, 60_000);
  it('shows pending deadlines, open claims and waiting events in the open panel once April brings them', async () => {
    // April 2027, after the year: the lookback is still April 2026 to March 2027.
    await env.admin('/admin/clock', { now: '2027-04-10T09:00:00+09:00' });
    await env.send(APRIL_EVENTS);

    await expect(go('?customerId=CUST-1001')).resolves.toBe(200);
    // The replaced device is due back by D + 14, D = 2027-04-08; a miss bills the 40,000 penalty.
    await expect(page.locator('table.deadlines tr[data-claim-id=CLM-1001-2] td').allTextContents()).resolves.toEqual([
      'Device to come back 端末の返却',
      'CLM-1001-2',
      'DEV-1001-A',
      '2027-04-22',
      formatYen(40_000),
      '端末保守調定金',
    ]);
    await expect(
      page.locator('table.open-claims tr[data-claim-id=CLM-1001-2]').getAttribute('data-status'),
    ).resolves.toBe('awaiting_return');
    await expect(page.locator('table.open-claims tr[data-claim-id=CLM-1001-2] td').nth(3).textContent()).resolves.toBe(
      '2027-04-08',
    );
    await shot('customer-open-april');

    await go('?customerId=CUST-1003');
    await expect(
      page.locator('table.open-claims tr[data-claim-id=CLM-1003-2]').getAttribute('data-status'),
    ).resolves.toBe('filed');
    await expect(page.locator('[data-none=deadlines]').count()).resolves.toBe(1);

    await go('?customerId=CUST-1004');
    await expect(page.locator('[data-events-waiting]').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-none=claims]').count()).resolves.toBe(1);

    // A customer the pipeline has never heard of: the API's 404, as the page's status.
    await expect(go('?customerId=CUST-0000')).resolves.toBe(404);
    await expect(page.locator('.open-panel .error-code').textContent()).resolves.toBe('NOT_FOUND');
  }, 60_000);
});
