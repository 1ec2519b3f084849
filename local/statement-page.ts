// The page the local stack serves on GET /: look up a customer's statement or a month's report
// through the finance API, rendered on the server as plain HTML. Every value that reaches the
// page is escaped (customer ids are whatever a caller typed), and the page carries a CSP that
// allows no script at all, so an escaping slip could still not run code.
import type { Statement } from '#shared/domain/index.ts';
import { LOOKBACK_PHRASE } from '#shared/domain/policy.ts';
import type { MonthReport } from '#shared/runtime/finance-api.ts';
import { CUSTOMER_ID_MAX, YEAR_MONTH_PATTERN } from '#shared/schemas/primitives.ts';
import { formatYen, jstTimestamp, kindLabelJa, lineNotes, lineSubject, taxClassLabel } from './cli/format.ts';
import { pathSegment } from './cli/stack-client.ts';

export type FinanceGet = (path: string) => Promise<{ status: number; contentType: string; body: string }>;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

interface PageQuery {
  customerId: string;
  month: string;
  report: string;
}

const amountCell = (amountYen: number, attributes = ''): string =>
  `<td class="num${amountYen < 0 ? ' credit' : ''}"${attributes}>${escapeHtml(formatYen(amountYen))}</td>`;

/** The API's `{error, message}` shown as it came, or the status when the body is something else. */
function errorBox(status: number, body: string): string {
  let code = `HTTP_${status}`;
  let message = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') code = parsed.error;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  return `<div class="error" role="alert"><strong class="error-code">${escapeHtml(code)}</strong> <span class="status">(HTTP ${escapeHtml(status)})</span><p class="error-message">${escapeHtml(message)}</p></div>`;
}

const pageLink = (query: Partial<PageQuery>): string =>
  `?${new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString()}`;

function monthsNav(customerId: string, months: readonly string[], current: string): string {
  if (months.length === 0)
    return `<p class="note">No closed statements for this customer in the ${LOOKBACK_PHRASE}.</p>`;
  const items = months.map((m) => {
    const currentAttr = m === current ? ' aria-current="page"' : '';
    return `<li><a href="${escapeHtml(pageLink({ customerId, month: m }))}"${currentAttr}>${escapeHtml(m)}</a></li>`;
  });
  return `<nav class="months" aria-label="Statement months"><span>Closed months:</span><ul>${items.join('')}</ul></nav>`;
}

function statementTable(statement: Statement): string {
  const rows = statement.lines.map((line) => {
    const notes = lineNotes(line)
      .map((note) => ` <span class="line-note">(${escapeHtml(note)})</span>`)
      .join('');
    return [
      `<tr data-entry-id="${escapeHtml(line.entryId)}">`,
      `<td><code>${escapeHtml(line.kind)}</code></td>`,
      `<td lang="ja">${escapeHtml(kindLabelJa(line.kind))}</td>`,
      `<td>${escapeHtml(line.description)}${notes}</td>`,
      `<td>${escapeHtml(lineSubject(line))}</td>`,
      `<td lang="ja">${escapeHtml(taxClassLabel(line.taxClass))}</td>`,
      amountCell(line.amountYen),
      '</tr>',
    ].join('');
  });
  const total = (key: keyof Statement['totals'], label: string) =>
    `<tr class="total"><th colspan="5" scope="row">${label}</th>${amountCell(statement.totals[key], ` data-total="${key}"`)}</tr>`;
  return [
    `<section class="statement" aria-labelledby="statement-title">`,
    `<h2 id="statement-title">Statement <span class="customer-id">${escapeHtml(statement.customerId)}</span> · ${escapeHtml(statement.month)}</h2>`,
    `<p class="meta">Closed ${escapeHtml(jstTimestamp(statement.closedAt))} · ${statement.lines.length} line${statement.lines.length === 1 ? '' : 's'}</p>`,
    `<table class="lines"><thead><tr><th>Kind</th><th lang="ja">種別</th><th>Description</th><th>Device / claim</th><th lang="ja">税区分</th><th class="num">Amount</th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody><tfoot>`,
    total('taxableYen', 'Taxable, tax included <span lang="ja">課税対象額（税込）</span>'),
    total('consumptionTaxYen', 'of which consumption tax 10% <span lang="ja">うち消費税</span>'),
    total('nonTaxableYen', 'Non-taxable <span lang="ja">不課税</span>'),
    total('totalYen', 'Total <span lang="ja">合計</span>'),
    `</tfoot></table></section>`,
  ].join('\n');
}

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
  const csvHref = `/reports/${pathSegment(report.month)}/entries.csv`;
  return [
    `<section class="report" aria-labelledby="report-title">`,
    `<h2 id="report-title">Report ${escapeHtml(report.month)}</h2>`,
    `<p class="meta"><span data-statements="${escapeHtml(report.statements)}">${escapeHtml(report.statements)} statement${report.statements === 1 ? '' : 's'}</span> · <a class="csv" href="${escapeHtml(csvHref)}" download>entries.csv</a> (every entry of the month, for accounting)</p>`,
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

async function customerSection(query: PageQuery, financeGet: FinanceGet): Promise<string> {
  const id = pathSegment(query.customerId);
  const [list, statement] = await Promise.all([
    financeGet(`/customers/${id}/statements`),
    query.month ? financeGet(`/customers/${id}/statements/${pathSegment(query.month)}`) : undefined,
  ]);
  const parts: string[] = [];
  if (list.status === 200)
    parts.push(monthsNav(query.customerId, (JSON.parse(list.body) as { months: string[] }).months, query.month));
  else if (!statement) parts.push(errorBox(list.status, list.body));
  if (statement)
    parts.push(
      statement.status === 200
        ? statementTable(JSON.parse(statement.body) as Statement)
        : errorBox(statement.status, statement.body),
    );
  return parts.join('\n');
}

async function reportSection(month: string, financeGet: FinanceGet): Promise<string> {
  const answer = await financeGet(`/reports/${pathSegment(month)}`);
  return answer.status === 200
    ? reportTables(JSON.parse(answer.body) as MonthReport)
    : errorBox(answer.status, answer.body);
}

function forms(query: PageQuery): string {
  const hidden = (name: string, value: string) =>
    value ? `<input type="hidden" name="${name}" value="${escapeHtml(value)}">` : '';
  return `<div class="forms">
<form method="get" action="/" id="statement-form" aria-label="Statement">
<label>Customer ID <input name="customerId" value="${escapeHtml(query.customerId)}" required maxlength="${CUSTOMER_ID_MAX}" autocomplete="off" spellcheck="false"></label>
<label>Month <input name="month" value="${escapeHtml(query.month)}" placeholder="YYYY-MM" pattern="${YEAR_MONTH_PATTERN}" inputmode="numeric" size="8"></label>
${hidden('report', query.report)}<button type="submit">Show statement</button>
</form>
<form method="get" action="/" id="report-form" aria-label="Month report">
<label>Report month <input name="report" value="${escapeHtml(query.report)}" placeholder="YYYY-MM" pattern="${YEAR_MONTH_PATTERN}" inputmode="numeric" size="8" required></label>
${hidden('customerId', query.customerId)}${hidden('month', query.month)}<button type="submit">Show report</button>
</form>
</div>`;
}

const STYLE = `
body{font:15px/1.45 system-ui,"Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.35rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:1.8rem 0 .3rem}
.forms{display:flex;flex-wrap:wrap;gap:1rem 2.5rem;padding:1rem;background:#f3f5f9;border-radius:8px}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}label{display:flex;flex-direction:column;font-size:.85rem;color:#4a5468}
input{font:inherit;padding:.3rem .45rem;border:1px solid #b8c0cf;border-radius:4px}button{font:inherit;padding:.35rem .9rem;border-radius:4px;border:1px solid #2f5fb3;background:#2f66c4;color:#fff;cursor:pointer}
table{border-collapse:collapse;margin:.4rem 0}th,td{padding:.3rem .65rem;border-bottom:1px solid #dde2ea;text-align:left;vertical-align:top}
thead th{background:#eef1f6;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot th{text-align:right;font-weight:500}tfoot tr:last-child th,tfoot tr:last-child td,.totals tr:last-child th,.totals tr:last-child td{font-weight:700;border-top:2px solid #1d2330}
.credit{color:#a11d2f}.line-note,.meta,.note{color:#5b6478;font-size:.9rem}code{font-size:.85rem}
.error{border:1px solid #d64545;background:#fff1f1;color:#7d1111;padding:.6rem .9rem;border-radius:6px;margin:1rem 0}.error p{margin:.2rem 0 0}
.months ul{display:inline;list-style:none;padding:0;margin:0 0 0 .4rem}.months li{display:inline;margin-right:.55rem}.months a[aria-current]{font-weight:700}
.tables{display:flex;flex-wrap:wrap;gap:0 2rem;align-items:flex-start}`;

/** GET / of the local stack: the forms, and the statement and/or report the query asks for. */
export async function statementPage(query: URLSearchParams, financeGet: FinanceGet): Promise<string> {
  const wanted: PageQuery = {
    customerId: (query.get('customerId') ?? '').trim(),
    month: (query.get('month') ?? '').trim(),
    report: (query.get('report') ?? '').trim(),
  };
  const sections: string[] = [];
  if (wanted.customerId) sections.push(await customerSection(wanted, financeGet));
  else if (wanted.month) sections.push('<p class="note">Enter a customer ID to see a statement.</p>');
  if (wanted.report) sections.push(await reportSection(wanted.report, financeGet));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'">
<title>Billing statements · device-supply-billing (local)</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Device supply billing — statements <span lang="ja">請求明細</span></h1>
${forms(wanted)}
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
