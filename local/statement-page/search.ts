// Customer search: the ids that start with what the clerk typed, whatever its case, each a link
// to that customer's page. The finance API does the matching (GET /customers?prefix=); the page
// asks for SEARCH_LIMIT at most, and says so when the API answers that there are more.
import type { CustomerSearchAnswer } from '#shared/runtime/finance-customers.ts';
import { CUSTOMER_SEARCH_LIMIT } from '#shared/schemas/finance.ts';
import { errorSection, escapeHtml, type FinanceGet, pageLink, type Section } from './layout.ts';

/** Results listed at once: a page a clerk scans by eye; a longer prefix narrows the rest. */
export const SEARCH_LIMIT = Math.min(50, CUSTOMER_SEARCH_LIMIT.max);

export async function searchSection(prefix: string, financeGet: FinanceGet): Promise<Section> {
  const title = `Customers starting with “${prefix}”`;
  const answer = await financeGet(
    `/customers?${new URLSearchParams({ prefix, limit: String(SEARCH_LIMIT) }).toString()}`,
  );
  if (answer.status !== 200) return errorSection(answer.status, answer.body, title);
  const { customers, truncated } = JSON.parse(answer.body) as CustomerSearchAnswer;
  const items = customers.map(
    ({ customerId }) =>
      `<li><a class="customer" href="${escapeHtml(pageLink({ customerId }))}">${escapeHtml(customerId)}</a></li>`,
  );
  const count = `${customers.length} customer${customers.length === 1 ? '' : 's'}`;
  const more = truncated
    ? ` <span class="truncated">— only the first ${customers.length} are listed; type more of the id to narrow the search.</span>`
    : '';
  const html = [
    `<section class="search no-print" aria-labelledby="search-title">`,
    `<h2 id="search-title">Customers whose ID starts with <q>${escapeHtml(prefix)}</q> (any case)</h2>`,
    customers.length === 0
      ? `<p class="note" data-results="0">No customer ID starts with <q>${escapeHtml(prefix)}</q>.</p>`
      : `<p class="meta" data-results="${customers.length}">${count}${more}</p><nav class="results" aria-label="Search results"><ul>${items.join('')}</ul></nav>`,
    `</section>`,
  ].join('\n');
  return { status: 200, html, title };
}
