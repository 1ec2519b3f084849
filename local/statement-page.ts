// The page the local stack serves on GET /: what a finance clerk works with, through the finance
// API, rendered on the server as plain HTML — customer search by id prefix, a customer's page
// (its months and what is still open), a statement (with its CSV), the year side by side, every
// statement to print one a page, and a month's report. Every value that reaches the page is
// escaped (customer ids are whatever a caller typed), and the page carries a CSP that allows no
// script at all, so an escaping slip could still not run code. The views live in
// local/statement-page/; this file picks them from the query and answers the API's status.
import { entriesFileName } from '#shared/runtime/entries-export.ts';
import type { MonthReport } from '#shared/runtime/finance-api.ts';
import { kindLabelJa, taxClassLabel } from './cli/format.ts';
import { pathSegment } from './cli/stack-client.ts';
import {
  amountCell,
  errorSection,
  escapeHtml,
  type FinanceGet,
  htmlDocument,
  type PageQuery,
  type Section,
} from './statement-page/layout.ts';
import { openPanel } from './statement-page/open-panel.ts';
import { searchSection } from './statement-page/search.ts';
import {
  lookbackStatements,
  monthsNav,
  statementMonths,
  statementTable,
  viewsNav,
} from './statement-page/statement-view.ts';
import { yearTable } from './statement-page/year-view.ts';

export { escapeHtml, type FinanceGet } from './statement-page/layout.ts';
export { statementCsvDownload } from './statement-page/statement-csv.ts';

/** The title of every page but one that names what it shows. */
export const PAGE_TITLE = 'Billing statements · device-supply-billing (local)';

function reportTables(report: MonthReport): string {
  const sumRows = (sums: MonthReport['byKind'], label: (key: string) => string) =>
    Object.entries(sums)
      .filter(([, sum]) => sum.entries > 0)
      .map(
        ([key, sum]) =>
          `<tr data-key="${escapeHtml(key)}"><td><code>${escapeHtml(key)}</code></td><td lang="ja">${escapeHtml(label(key))}</td><td class="num">${escapeHtml(sum.entries)}</td>${amountCell(sum.amountYen)}</tr>`,
      )
      .join('');
  const head = (first: string, second: string) =>
    `<thead><tr><th>${first}</th><th lang="ja">${second}</th><th class="num">Entries</th><th class="num">Amount</th></tr></thead>`;
  const total = (key: keyof MonthReport['totals'], label: string) =>
    `<tr><th scope="row">${label}</th>${amountCell(report.totals[key], ` data-total="${key}"`)}</tr>`;
  // The month's export file, which the stack serves once the close has written it.
  const csvHref = `/downloads/${entriesFileName(report.month)}`;
  return [
    `<section class="report" aria-labelledby="report-title">`,
    `<h2 id="report-title">Report ${escapeHtml(report.month)}</h2>`,
    `<p class="meta"><span data-statements="${escapeHtml(report.statements)}">${escapeHtml(report.statements)} statement${report.statements === 1 ? '' : 's'}</span> · <a class="csv" href="${escapeHtml(csvHref)}" download>${escapeHtml(entriesFileName(report.month))}</a> (every entry of the month, for accounting)</p>`,
    `<div class="tables"><table class="by-kind">${head('Kind', '種別')}<tbody>${sumRows(report.byKind, kindLabelJa)}</tbody></table>`,
    `<table class="by-tax-class">${head('Tax class', '税区分')}<tbody>${sumRows(report.byTaxClass, taxClassLabel)}</tbody></table>`,
    `<table class="totals"><tbody>`,
    total('taxableYen', 'Taxable, tax included <span lang="ja">課税対象額（税込）</span>'),
    total('consumptionTaxYen', 'of which consumption tax <span lang="ja">うち消費税</span>'),
    total('nonTaxableYen', 'Non-taxable <span lang="ja">不課税</span>'),
    total('totalYen', 'Total <span lang="ja">合計</span>'),
    `</tbody></table></div></section>`,
  ].join('\n');
}

async function reportSection(month: string, financeGet: FinanceGet): Promise<Section> {
  const title = `Report ${month}`;
  const answer = await financeGet(`/reports/${pathSegment(month)}`);
  return answer.status === 200
    ? { status: 200, html: reportTables(JSON.parse(answer.body) as MonthReport), title }
    : errorSection(answer.status, answer.body, title);
}

/** A customer's page: the views, the months, then the statement, the year, every statement or what is still open. */
async function customerSection(query: PageQuery, financeGet: FinanceGet): Promise<Section> {
  const { customerId, month, view } = query;
  const title =
    month !== ''
      ? `Statement ${customerId} ${month}`
      : view === 'year'
        ? `Year ${customerId}`
        : view === 'all'
          ? `Statements ${customerId}`
          : `Customer ${customerId}`;
  if (month !== '') {
    const [list, statement] = await Promise.all([
      statementMonths(customerId, financeGet),
      financeGet(`/customers/${pathSegment(customerId)}/statements/${pathSegment(month)}`),
    ]);
    const nav = 'months' in list ? `${viewsNav(query)}\n${monthsNav(customerId, list.months, month)}\n` : '';
    if (statement.status !== 200) {
      const failed = errorSection(statement.status, statement.body, title);
      return { ...failed, html: `${nav}${failed.html}` };
    }
    return { status: 200, html: `${nav}${statementTable(JSON.parse(statement.body))}`, title };
  }
  const list = await statementMonths(customerId, financeGet);
  if (!('months' in list)) return errorSection(list.status, list.body, title);
  const nav = `${viewsNav(query)}\n${monthsNav(customerId, list.months, '')}`;
  if (view === 'year' || view === 'all') {
    const statements = await lookbackStatements(customerId, list.months, financeGet);
    if (!Array.isArray(statements)) {
      const failed = errorSection(statements.status, statements.body, title);
      return { ...failed, html: `${nav}\n${failed.html}` };
    }
    const range = statements.length ? ` ${statements[0]?.month} to ${statements.at(-1)?.month}` : '';
    const body =
      view === 'year'
        ? yearTable(customerId, statements)
        : statements.map((s) => statementTable(s, `statement-title-${s.month}`)).join('\n');
    return { status: 200, html: `${nav}\n${body}`, title: `${title}${range}` };
  }
  const open = await openPanel(customerId, financeGet);
  return { status: open.status, html: `${nav}\n${open.html}`, title };
}

const queryOf = (query: URLSearchParams): PageQuery => ({
  customerId: (query.get('customerId') ?? '').trim(),
  month: (query.get('month') ?? '').trim(),
  report: (query.get('report') ?? '').trim(),
  q: (query.get('q') ?? '').trim(),
  view: (query.get('view') ?? '').trim(),
});

/**
 * GET / of the local stack: the forms, and the views the query asks for. The page answers the
 * status of the first view the API refused (400, 404, 409, 410 …), so that a missing statement
 * is a 404 to a browser and a script as well as in words; 200 when every view could be shown.
 */
export async function statementPage(
  search: URLSearchParams,
  financeGet: FinanceGet,
): Promise<{ status: number; html: string }> {
  const query = queryOf(search);
  const sections: Section[] = [];
  if (query.q) sections.push(await searchSection(query.q, financeGet));
  if (query.customerId) sections.push(await customerSection(query, financeGet));
  else if (query.month)
    sections.push({ status: 200, html: '<p class="note">Enter a customer ID to see a statement.</p>', title: '' });
  if (query.report) sections.push(await reportSection(query.report, financeGet));
  const named = sections.map((s) => s.title).filter(Boolean);
  const title = named.length ? `${named.join(' · ')} · device-supply-billing (local)` : PAGE_TITLE;
  const status = sections.find((s) => s.status !== 200)?.status ?? 200;
  return { status, html: htmlDocument(title, query, sections.map((s) => s.html).join('\n')) };
}
