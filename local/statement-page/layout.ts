// What every view of the statement page shares: escaping, amounts, the API's errors, links, the
// forms and the document around a view with its styles for screen and for A4 paper. The page
// runs no script (its CSP forbids any), so every control is a form or a link.
import { CUSTOMER_ID_MAX, YEAR_MONTH_PATTERN } from '#shared/schemas/primitives.ts';
import { formatYen } from '../cli/format.ts';

export type FinanceGet = (path: string) => Promise<{ status: number; contentType: string; body: string }>;

/** What the page was asked for: every field is '' when absent. */
export interface PageQuery {
  customerId: string;
  month: string;
  report: string;
  /** A customer id prefix to search for. */
  q: string;
  /** 'year' for the year view, 'all' for every statement of the lookback (to print); '' otherwise. */
  view: string;
}

/** One part of a page, with the HTTP status it stands for (the API's, when it answered an error). */
export interface Section {
  status: number;
  html: string;
  /** What the page's title says of this part, e.g. "Statement CUST-1001 2026-10". */
  title: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

export const amountCell = (amountYen: number, attributes = '', extraClass = ''): string =>
  `<td class="num${extraClass ? ` ${extraClass}` : ''}${amountYen < 0 ? ' credit' : ''}"${attributes}>${escapeHtml(formatYen(amountYen))}</td>`;

/** The API's `{error, message}`, or `HTTP_<status>` and the text when the body is something else. */
export function apiError(status: number, body: string): { code: string; message: string } {
  let code = `HTTP_${status}`;
  let message = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') code = parsed.error;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  return { code, message };
}

/** The API's error shown as it came. */
export function errorBox(status: number, body: string): string {
  const { code, message } = apiError(status, body);
  return `<div class="error" role="alert"><strong class="error-code">${escapeHtml(code)}</strong> <span class="status">(HTTP ${escapeHtml(status)})</span><p class="error-message">${escapeHtml(message)}</p></div>`;
}

/** A section that is only the API's error, with its status and its code in the title. */
export const errorSection = (status: number, body: string, title: string): Section => ({
  status,
  html: errorBox(status, body),
  title: `${apiError(status, body).code} · ${title}`,
});

export const pageLink = (query: Partial<PageQuery>): string =>
  `?${new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString()}`;

export function forms(query: PageQuery): string {
  const hidden = (name: string, value: string) =>
    value ? `<input type="hidden" name="${name}" value="${escapeHtml(value)}">` : '';
  return `<div class="forms no-print">
<form method="get" action="/" id="search-form" role="search" aria-label="Find a customer">
<label>Customer ID starts with <input name="q" value="${escapeHtml(query.q)}" required maxlength="${CUSTOMER_ID_MAX}" autocomplete="off" spellcheck="false" size="12"></label>
<button type="submit">Find</button>
</form>
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

// Print: A4, nothing to click, each statement (and the year, the open panel, the report) on a
// page of its own. The Japanese labels and amounts never wrap: a narrow A4 column would
// otherwise break 端末代金（分割） or 課税10% one character a line. The year's 14 columns
// get a landscape page (a named page; Chromium honours it, others print it portrait).
const STYLE = `
body{font:15px/1.45 system-ui,"Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.35rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:1.8rem 0 .3rem}h3{font-size:1rem;margin:1rem 0 .2rem}
.forms{display:flex;flex-wrap:wrap;gap:1rem 2.5rem;padding:1rem;background:#f3f5f9;border-radius:8px}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}label{display:flex;flex-direction:column;font-size:.85rem;color:#4a5468}
input{font:inherit;padding:.3rem .45rem;border:1px solid #b8c0cf;border-radius:4px}button{font:inherit;padding:.35rem .9rem;border-radius:4px;border:1px solid #2f5fb3;background:#2f66c4;color:#fff;cursor:pointer}
table{border-collapse:collapse;margin:.4rem 0}th,td{padding:.3rem .65rem;border-bottom:1px solid #dde2ea;text-align:left;vertical-align:top}
thead th{background:#eef1f6;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nowrap,[lang=ja]{white-space:nowrap}td.wrap{white-space:normal}
tfoot th{text-align:right;font-weight:500}tfoot tr:last-child th,tfoot tr:last-child td,.totals tr:last-child th,.totals tr:last-child td{font-weight:700;border-top:2px solid #1d2330}
.credit{color:#a11d2f}.line-note,.meta,.note{color:#5b6478;font-size:.9rem}code{font-size:.85rem}
.error{border:1px solid #d64545;background:#fff1f1;color:#7d1111;padding:.6rem .9rem;border-radius:6px;margin:1rem 0}.error p{margin:.2rem 0 0}
.months ul,.views ul,.results ul{display:inline;list-style:none;padding:0;margin:0 0 0 .4rem}.months li,.views li{display:inline;margin-right:.55rem}.months a[aria-current],.views a[aria-current]{font-weight:700}
.results ul{display:block;margin:.3rem 0}.results li{display:block;margin:.2rem 0}
.tables{display:flex;flex-wrap:wrap;gap:0 2rem;align-items:flex-start}.scroll{overflow-x:auto}
body:has(.year){max-width:90rem}.year table{font-size:.82rem}.year th,.year td{padding:.3rem .4rem}.year th.month{text-align:right;white-space:nowrap}.year tbody th{font-weight:500;white-space:nowrap}.year tbody.totals th{text-align:left}.year td.none{color:#9aa2b1;text-align:center}.year .sum{background:#f7f8fb}
.open-panel{border:1px solid #dde2ea;border-radius:8px;padding:.2rem 1rem .8rem;margin-top:1.2rem}.open-panel .count{font-weight:700}
@page{size:A4;margin:14mm 12mm}
@page year{size:A4 landscape;margin:12mm 10mm}
@media print{
body{margin:0;max-width:none;padding:0;font-size:9.5pt;color:#000}
.no-print,form,button,input,nav{display:none!important}
h1{font-size:11pt;margin:0 0 2mm;color:#5b6478}h2{margin:0 0 1mm;font-size:13pt}
main>section+section{break-before:page}
table{width:100%}th,td{padding:1mm 1.6mm}thead{display:table-header-group}tr{break-inside:avoid}
code{font-size:8pt}a{color:inherit;text-decoration:none}
.credit{color:#a11d2f;print-color-adjust:exact;-webkit-print-color-adjust:exact}
.year{page:year}.year table{font-size:8pt}
}`;

/** A whole page: the view's sections under the forms, titled after what they show. */
export function htmlDocument(title: string, query: PageQuery, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Device supply billing — statements <span lang="ja">請求明細</span></h1>
${forms(query)}
<main>
${body}
</main>
</body>
</html>
`;
}
