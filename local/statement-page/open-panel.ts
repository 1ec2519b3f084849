// The "still open" panel of a customer's page: what the customer still owes or still has to do
// as the finance API sees it now (GET /customers/{id}/open) — the installments left and their
// sum, the return and loaner deadlines not assessed yet (with what a miss bills), the claims
// whose logistics are not finished, and the events waiting for an earlier one. Nothing here is
// billed yet; it is what the next statements and the daily sweep will bill.
import type * as z from 'zod';
import { openItemsBody } from '#shared/schemas/finance.ts';
import { formatYen, jstTimestamp, kindLabelJa } from '../cli/format.ts';
import { pathSegment } from '../cli/stack-client.ts';
import { amountCell, errorBox, escapeHtml, type FinanceGet } from './layout.ts';

type OpenItems = z.infer<typeof openItemsBody>;

const DEADLINE_LABELS: Record<string, string> = {
  return: 'Device to come back <span lang="ja">端末の返却</span>',
  loaner: 'Loaner to come back <span lang="ja">代替機の返却</span>',
};

const CLAIM_STATUS_LABELS: Record<string, string> = {
  filed: 'filed, nothing sent or received yet',
  in_repair: 'in repair',
  awaiting_return: 'replacement delivered, old device not back',
  awaiting_loaner_return: 'repaired device delivered, loaner not back',
};

const table = (className: string, head: readonly string[], rows: readonly string[], foot = '') =>
  `<table class="${className}"><thead><tr>${head.map((h) => `<th${/^(Monthly|Left|Remaining|If missed)/.test(h) ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody>${foot}</table>`;

function openPanelHtml(open: OpenItems): string {
  const installments =
    open.installments.length === 0
      ? '<p class="note" data-none="installments">No installments left.</p>'
      : table(
          'installments',
          ['Order', 'Device', 'Model', 'Monthly', 'Left', 'Remaining', 'Last month'],
          open.installments.map(
            (i) =>
              `<tr data-order-id="${escapeHtml(i.orderId)}"><td>${escapeHtml(i.orderId)}</td><td>${escapeHtml(i.deviceId)}</td><td>${escapeHtml(i.model)}</td>${amountCell(i.monthlyYen)}<td class="num">${escapeHtml(i.remainingCount)}</td>${amountCell(i.remainingYen)}<td class="nowrap">${escapeHtml(i.lastMonth)}</td></tr>`,
          ),
          `<tfoot><tr><th colspan="5" scope="row">Remaining installments <span lang="ja">分割残額</span></th>${amountCell(open.remainingInstallmentsYen, ' data-total="remainingInstallmentsYen"')}<td></td></tr></tfoot>`,
        );
  const deadlines =
    open.deadlines.length === 0
      ? '<p class="note" data-none="deadlines">No return or loaner deadline pending.</p>'
      : table(
          'deadlines',
          ['What', 'Claim', 'Device', 'Last day (JST)', 'If missed', 'billed as'],
          open.deadlines.map(
            (d) =>
              `<tr data-kind="${escapeHtml(d.kind)}" data-claim-id="${escapeHtml(d.claimId)}"><td>${DEADLINE_LABELS[d.kind] ?? escapeHtml(d.kind)}</td><td>${escapeHtml(d.claimId)}</td><td>${escapeHtml(d.deviceId)}</td><td class="nowrap">${escapeHtml(d.dueDate)}${d.overdue ? ' <strong class="overdue">overdue</strong>' : ''}</td>${amountCell(d.chargeYen)}<td lang="ja">${escapeHtml(kindLabelJa(d.charge))}</td></tr>`,
          ),
        );
  const claims =
    open.openClaims.length === 0
      ? '<p class="note" data-none="claims">No open claim.</p>'
      : table(
          'open-claims',
          ['Claim', 'Device', 'Status', 'Since', 'Filed'],
          open.openClaims.map(
            (c) =>
              `<tr data-claim-id="${escapeHtml(c.claimId)}" data-status="${escapeHtml(c.status)}"><td>${escapeHtml(c.claimId)}</td><td>${escapeHtml(c.deviceId)}</td><td>${escapeHtml(CLAIM_STATUS_LABELS[c.status] ?? c.status)}</td><td class="nowrap">${escapeHtml(c.since)}</td><td class="nowrap">${escapeHtml(c.filedOn)}</td></tr>`,
          ),
        );
  return [
    `<section class="open-panel" aria-labelledby="open-title">`,
    `<h2 id="open-title">Still open <span lang="ja">未完了</span></h2>`,
    `<p class="meta">As of ${escapeHtml(jstTimestamp(open.asOf))} · remaining installments <strong data-remaining>${escapeHtml(formatYen(open.remainingInstallmentsYen))}</strong> · events waiting <span class="count" data-events-waiting>${escapeHtml(open.eventsWaiting)}</span></p>`,
    `<h3>Installments left</h3>${installments}`,
    `<h3>Deadlines pending</h3>${deadlines}`,
    `<h3>Open claims</h3>${claims}`,
    `</section>`,
  ].join('\n');
}

const failedPanel = (status: number, box: string) => ({
  status,
  html: `<section class="open-panel" aria-labelledby="open-title"><h2 id="open-title">Still open</h2>${box}</section>`,
});

/** The panel and its status: the API's error inside the panel when it refused (404: no event of that customer). */
export async function openPanel(customerId: string, financeGet: FinanceGet): Promise<{ status: number; html: string }> {
  const answer = await financeGet(`/customers/${pathSegment(customerId)}/open`);
  if (answer.status !== 200) return failedPanel(answer.status, errorBox(answer.status, answer.body));
  let parsed: ReturnType<typeof openItemsBody.safeParse> | undefined;
  try {
    parsed = openItemsBody.safeParse(JSON.parse(answer.body));
  } catch {
    // not JSON: said below
  }
  // Checked, not trusted: an answer in another shape is said so instead of breaking the page.
  if (!parsed?.success)
    return failedPanel(
      502,
      errorBox(
        502,
        JSON.stringify({
          error: 'UNEXPECTED_ANSWER',
          message: 'the open items came in a shape this page does not know',
        }),
      ),
    );
  return { status: 200, html: openPanelHtml(parsed.data) };
}
