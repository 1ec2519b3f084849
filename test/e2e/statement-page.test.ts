// The statement page (GET /) in a real headless browser against a real local stack: a finance
// user fills the forms, submits, and reads the statement, the report, and clear errors; a
// hostile customer id is shown as text, never run. The figures are the example year's, read from
// examples/fiscal-year-2026.expected.json.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFileName } from '#shared/runtime/entries-export.ts';
import {
  customerIds,
  EXAMPLE_EVENTS_FILE,
  expectedMonths,
  expectedReport,
  expectedStatement,
  lineOf,
} from '#test/support/example-year.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '#test/support/statement-page-browser.ts';
import { parseEventFile } from '../../local/cli/event-file.ts';
import { formatYen } from '../../local/cli/format.ts';
import { localEventBridgeClient, sendEvents } from '../../local/cli/send-events.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

const EXAMPLES = EXAMPLE_EVENTS_FILE;
/** Screenshots and the hostile page's HTML, for a person to look at after a run. */
const ARTIFACTS_DIR = join(tmpdir(), 'billing-statement-page');

describe('statement page in a browser', () => {
  let stack: LocalStack;
  let browser: BrowserContext;
  let page: Page;
  let profileDir: string;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, dataDir: null, now: '2026-04-01T09:00:00+09:00' });
    const bus = localEventBridgeClient(stack.url);
    const sent = await sendEvents(bus, parseEventFile(await readFile(EXAMPLES, 'utf8')));
    bus.destroy();
    expect(sent.failures).toEqual([]);
    const admin = (path: string, body: unknown) =>
      fetch(`${stack.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    await admin('/admin/drain', {});
    await admin('/admin/clock', { now: '2027-04-01T01:00:00+09:00' });
    expect(await admin('/admin/close', { month: '2027-03' })).toMatchObject({
      month: '2027-03',
      customers: customerIds.length,
    });

    // A fresh profile each run: nothing cached or remembered from another run changes the page.
    profileDir = await mkdtemp(join(tmpdir(), 'billing-chromium-'));
    await rm(ARTIFACTS_DIR, { recursive: true, force: true });
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  const submit = async (form: '#statement-form' | '#report-form') => {
    await Promise.all([page.waitForURL(/\?/), page.locator(`${form} button[type=submit]`).click()]);
  };

  it('shows a statement after filling the form: its lines, totals and months', async () => {
    await page.goto(stack.url);
    await expect(page.title()).resolves.toBe('Billing statements · device-supply-billing (local)');
    await page.fill('#statement-form input[name=customerId]', 'CUST-1001');
    await page.fill('#statement-form input[name=month]', '2026-10');
    await submit('#statement-form');

    expect(new URL(page.url()).searchParams.get('customerId')).toBe('CUST-1001');
    await expect(page.locator('#statement-title').textContent()).resolves.toBe('Statement CUST-1001 · 2026-10');
    const expected = expectedStatement('CUST-1001', '2026-10');
    const amount = (kind: Parameters<typeof lineOf>[1]) => formatYen(lineOf(expected, kind).amountYen);
    const rows = await page
      .locator('table.lines tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      [
        'exchange_fee',
        '交換・修理代金',
        'Exchange/repair fee, use 1 of this coverage year (claim CLM-1001-1)',
        'DEV-1001-A · CLM-1001-1',
        '課税10%',
        amount('exchange_fee'),
      ],
      [
        'device_installment',
        '端末代金（分割）',
        'Installment 7 of 24, Galaxy S25',
        'DEV-1001-A',
        '課税10%',
        amount('device_installment'),
      ],
      [
        'protection_fee',
        '端末補償オプション',
        'Device protection 2026-10',
        'DEV-1001-A',
        '課税10%',
        amount('protection_fee'),
      ],
      [
        'late_return_penalty',
        '端末保守調定金',
        'Late return of the old device (claim CLM-1001-1)',
        'DEV-1001-A · CLM-1001-1',
        '不課税',
        amount('late_return_penalty'),
      ],
    ]);
    const total = (key: keyof typeof expected.totals) => page.locator(`table.lines [data-total=${key}]`).textContent();
    for (const key of ['taxableYen', 'consumptionTaxYen', 'nonTaxableYen', 'totalYen'] as const)
      await expect(total(key)).resolves.toBe(formatYen(expected.totals[key]));
    await expect(page.locator('nav.months a').count()).resolves.toBe(expectedMonths('CUST-1001').length);
    await expect(page.locator('nav.months a[aria-current=page]').textContent()).resolves.toBe('2026-10');

    const screenshot = await page.screenshot({ path: join(ARTIFACTS_DIR, 'statement-page.png'), fullPage: true });
    expect(screenshot.subarray(1, 4).toString('latin1')).toBe('PNG');
  }, 60_000);

  it('follows a month link to another statement', async () => {
    const april = expectedStatement('CUST-1001', '2026-04');
    const proration = lineOf(april, 'protection_fee').proration!;
    await Promise.all([page.waitForURL(/month=2026-04/), page.locator('nav.months a', { hasText: '2026-04' }).click()]);
    await expect(page.locator('table.lines [data-total=totalYen]').textContent()).resolves.toBe(
      formatYen(april.totals.totalYen),
    );
    await expect(page.locator('table.lines tbody tr').nth(1).locator('td').nth(2).textContent()).resolves.toBe(
      `Device protection 2026-04, ${proration.activeDays} of ${proration.daysInMonth} days`,
    );
  }, 30_000);

  it("shows the month's report, by kind and tax class, with the statement count and a working link to entries.csv", async () => {
    const expected = expectedReport('2026-10');
    const penalties = expected.byKind.late_return_penalty!;
    const taxable = expected.byTaxClass['taxable-10']!;
    await page.fill('#report-form input[name=report]', '2026-10');
    await submit('#report-form');
    await expect(page.locator('#report-title').textContent()).resolves.toBe('Report 2026-10');
    await expect(page.locator('[data-statements]').getAttribute('data-statements')).resolves.toBe(
      String(expected.statements),
    );
    await expect(page.locator('table.by-kind tr[data-key=late_return_penalty] td').allTextContents()).resolves.toEqual([
      'late_return_penalty',
      '端末保守調定金',
      String(penalties.entries),
      formatYen(penalties.amountYen),
    ]);
    await expect(page.locator('table.by-tax-class tr[data-key=taxable-10] td').allTextContents()).resolves.toEqual([
      'taxable-10',
      '課税10%',
      String(taxable.entries),
      formatYen(taxable.amountYen),
    ]);
    await expect(page.locator('table.totals [data-total=totalYen]').textContent()).resolves.toBe(
      formatYen(expected.totals.totalYen),
    );
    // The statement asked for before stays on the page beside the report.
    await expect(page.locator('#statement-title').textContent()).resolves.toBe('Statement CUST-1001 · 2026-04');

    const href = await page.locator('a.csv').getAttribute('href');
    // The close's export of the month, served by the stack (the entries export, docs/finance-guide.md).
    expect(href).toBe(`/downloads/${entriesFileName('2026-10')}`);
    // Closing through 2027-03 at once closed and exported every month of the lookback, 2026-10 among them.
    const csv = await page.request.get(new URL(href!, page.url()).toString());
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(1 + expected.entries);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'report.png'), fullPage: true });
  }, 60_000);

  it("shows the API's error clearly when there is no statement", async () => {
    await page.goto(stack.url);
    await page.fill('#statement-form input[name=customerId]', 'CUST-1002');
    await page.fill('#statement-form input[name=month]', '2027-02');
    await submit('#statement-form');
    const alert = page.getByRole('alert');
    await expect(alert.locator('.error-code').textContent()).resolves.toBe('NOT_FOUND');
    await expect(alert.locator('.error-message').textContent()).resolves.toBe(
      'no statement for customer CUST-1002 in 2027-02',
    );
    await expect(page.locator('table.lines').count()).resolves.toBe(0);
  }, 30_000);

  it('shows a hostile customer id as text: no element, no script, the same value back in the form', async () => {
    // A valid id by the contract's grammar (printable ASCII, no spaces), so the API echoes it.
    const hostile = `"><img/src=x/onerror=document.title='pwned'>&<b>`;
    await page.goto(stack.url);
    await page.fill('#statement-form input[name=customerId]', hostile);
    await page.fill('#statement-form input[name=month]', '2026-10');
    await submit('#statement-form');

    await expect(page.locator('#statement-form input[name=customerId]').inputValue()).resolves.toBe(hostile);
    await expect(page.getByRole('alert').locator('.error-message').textContent()).resolves.toBe(
      `no statement for customer ${hostile} in 2026-10`,
    );
    await expect(page.locator('main img, main b, body img').count()).resolves.toBe(0);
    // The id is in the title as text; a script that ran would have made it 'pwned'.
    await expect(page.title()).resolves.toBe(
      `NOT_FOUND · Statement ${hostile} 2026-10 · device-supply-billing (local)`,
    );
    await writeFile(join(ARTIFACTS_DIR, 'hostile.html'), await page.content());
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'hostile-id.png'), fullPage: true });
  }, 30_000);
});
