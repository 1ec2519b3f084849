// A customer's statements on the page: the months to switch to, the views of the customer, one
// statement with its lines and totals (and its CSV), and every statement of the lookback one
// after another, for printing one a page.
import type { Statement } from '#shared/domain/index.ts';
import { LOOKBACK_PHRASE } from '#shared/domain/policy.ts';
import { jstTimestamp, kindLabelJa, lineNotes, lineSubject, taxClassLabel } from '../cli/format.ts';
import { pathSegment } from '../cli/stack-client.ts';
import { amountCell, escapeHtml, type FinanceGet, type PageQuery, pageLink } from './layout.ts';

/** The months with a statement, newest first as the API lists them; or the API's error answer. */
export async function statementMonths(
  customerId: string,
  financeGet: FinanceGet,
): Promise<{ months: string[] } | { status: number; body: string }> {
  const list = await financeGet(`/customers/${pathSegment(customerId)}/statements`);
  if (list.status !== 200) return list;
  return { months: (JSON.parse(list.body) as { months: string[] }).months };
}

export function monthsNav(customerId: string, months: readonly string[], current: string): string {
  if (months.length === 0)
    return `<p class="note">No closed statements for this customer in the ${LOOKBACK_PHRASE}.</p>`;
  const items = months.map((m) => {
    const currentAttr = m === current ? ' aria-current="page"' : '';
    return `<li><a href="${escapeHtml(pageLink({ customerId, month: m }))}"${currentAttr}>${escapeHtml(m)}</a></li>`;
  });
  return `<nav class="months" aria-label="Statement months"><span>Closed months:</span><ul>${items.join('')}</ul></nav>`;
}

/** The customer's other views: overview (with what is still open), the year side by side, every statement to print. */
export function viewsNav(query: PageQuery): string {
  const { customerId } = query;
  const current = query.month ? 'month' : query.view;
  const link = (view: string, label: string, target: Partial<PageQuery>) =>
    `<li><a data-view="${view || 'overview'}" href="${escapeHtml(pageLink({ customerId, ...target }))}"${current === view ? ' aria-current="page"' : ''}>${label}</a></li>`;
  return `<nav class="views" aria-label="Customer views"><span>Customer <strong class="customer-id">${escapeHtml(customerId)}</strong>:</span><ul>${[
    link('', 'Overview and still open', {}),
    link('year', 'Year side by side', { view: 'year' }),
    link('all', 'All statements (to print)', { view: 'all' }),
  ].join('')}</ul></nav>`;
}

/** Where the statement's CSV is downloaded from (local/stack.ts serves it). */
export const statementCsvHref = (customerId: string, month: string): string =>
  `/statement.csv?${new URLSearchParams({ customerId, month }).toString()}`;

export function statementTable(statement: Statement, headingId = 'statement-title'): string {
  const rows = statement.lines.map((line) => {
    const notes = lineNotes(line)
      .map((note) => ` <span class="line-note">(${escapeHtml(note)})</span>`)
      .join('');
    return [
      `<tr data-entry-id="${escapeHtml(line.entryId)}">`,
      `<td><code>${escapeHtml(line.kind)}</code></td>`,
      `<td lang="ja">${escapeHtml(kindLabelJa(line.kind))}</td>`,
      `<td>${escapeHtml(line.description)}${notes}</td>`,
      // Device and claim each kept whole: a narrow (printed) column breaks between them, not inside an id.
      `<td>${lineSubject(line)
        .split(' · ')
        .map((id) => `<span class="nowrap">${escapeHtml(id)}</span>`)
        .join(' · ')}</td>`,
      `<td lang="ja">${escapeHtml(taxClassLabel(line.taxClass))}</td>`,
      amountCell(line.amountYen),
      '</tr>',
    ].join('');
  });
  const total = (key: keyof Statement['totals'], label: string) =>
    `<tr class="total"><th colspan="5" scope="row">${label}</th>${amountCell(statement.totals[key], ` data-total="${key}"`)}</tr>`;
  const csvHref = statementCsvHref(statement.customerId, statement.month);
  return [
    `<section class="statement" aria-labelledby="${headingId}" data-month="${escapeHtml(statement.month)}">`,
    `<h2 id="${headingId}">Statement <span class="customer-id">${escapeHtml(statement.customerId)}</span> · ${escapeHtml(statement.month)}</h2>`,
    `<p class="meta">Closed ${escapeHtml(jstTimestamp(statement.closedAt))} · ${statement.lines.length} line${statement.lines.length === 1 ? '' : 's'}<span class="no-print"> · <a class="statement-csv" href="${escapeHtml(csvHref)}" download>Download CSV</a></span></p>`,
    `<table class="lines"><thead><tr><th>Kind</th><th lang="ja">種別</th><th>Description</th><th>Device / claim</th><th lang="ja">税区分</th><th class="num">Amount</th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody><tfoot>`,
    total('taxableYen', 'Taxable, tax included <span lang="ja">課税対象額（税込）</span>'),
    total('consumptionTaxYen', 'of which consumption tax 10% <span lang="ja">うち消費税</span>'),
    total('nonTaxableYen', 'Non-taxable <span lang="ja">不課税</span>'),
    total('totalYen', 'Total <span lang="ja">合計</span>'),
    `</tfoot></table></section>`,
  ].join('\n');
}

/** Every statement the customer has in the lookback, oldest first (the API lists newest first). */
export async function lookbackStatements(
  customerId: string,
  months: readonly string[],
  financeGet: FinanceGet,
): Promise<Statement[] | { status: number; body: string }> {
  const id = pathSegment(customerId);
  // At most LOOKBACK_MONTHS reads, all at once: one round trip of latency.
  const answers = await Promise.all(
    [...months].reverse().map((m) => financeGet(`/customers/${id}/statements/${pathSegment(m)}`)),
  );
  const failed = answers.find((a) => a.status !== 200);
  if (failed) return failed;
  return answers.map((a) => JSON.parse(a.body) as Statement);
}
