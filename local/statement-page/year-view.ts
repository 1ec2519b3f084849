// The year view: the customer's statements of the lookback side by side, a column a month
// (oldest on the left, as a year is read) and a row a kind, under them the statements' own
// totals, and the sum over the year on the right. A credit nets into its kind's cell; a cell
// below zero is red as on a statement.
import { addYen, ENTRY_KINDS, type Statement } from '#shared/domain/index.ts';
import { formatYen, kindLabelJa } from '../cli/format.ts';
import { amountCell, escapeHtml, pageLink } from './layout.ts';

const TOTALS = [
  ['taxableYen', 'Taxable, tax included', '課税対象額（税込）'],
  ['consumptionTaxYen', 'of which consumption tax', 'うち消費税'],
  ['nonTaxableYen', 'Non-taxable', '不課税'],
  ['totalYen', 'Total', '合計'],
] as const;

/** The year of `statements` (oldest first): per-kind sums per month and the months' totals. */
export function yearTable(customerId: string, statements: readonly Statement[]): string {
  if (statements.length === 0) return '';
  const first = statements[0]?.month ?? '';
  const last = statements.at(-1)?.month ?? '';
  const byKind = new Map<string, number[]>();
  statements.forEach((statement, column) => {
    for (const line of statement.lines) {
      const sums = byKind.get(line.kind) ?? statements.map(() => 0);
      sums[column] = addYen(sums[column] ?? 0, line.amountYen, 'a year view sum by kind');
      byKind.set(line.kind, sums);
    }
  });
  // Kinds in the order the statement's tables use; a kind this build does not know goes last.
  const order = (kind: string) => (ENTRY_KINDS as readonly string[]).indexOf(kind) >>> 0;
  const kinds = [...byKind.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const billed = new Map<string, Set<number>>();
  statements.forEach((statement, column) => {
    for (const line of statement.lines) billed.set(line.kind, (billed.get(line.kind) ?? new Set()).add(column));
  });
  const yearSum = (values: readonly number[]) => values.reduce((sum, v) => addYen(sum, v, 'a year view sum'), 0);
  const head = statements
    .map(
      (s) =>
        `<th class="month" scope="col"><a href="${escapeHtml(pageLink({ customerId, month: s.month }))}">${escapeHtml(s.month)}</a></th>`,
    )
    .join('');
  const kindRows = kinds.map((kind) => {
    const sums = byKind.get(kind) ?? [];
    const cells = sums
      .map((sum, column) =>
        billed.get(kind)?.has(column)
          ? amountCell(sum, ` data-month="${escapeHtml(statements[column]?.month ?? '')}"`)
          : '<td class="none">—</td>',
      )
      .join('');
    return `<tr data-kind="${escapeHtml(kind)}"><th scope="row"><span lang="ja">${escapeHtml(kindLabelJa(kind))}</span><br><code>${escapeHtml(kind)}</code></th>${cells}${amountCell(yearSum(sums), ' data-month="year"', 'sum')}</tr>`;
  });
  const totalRows = TOTALS.map(([key, label, labelJa]) => {
    const values = statements.map((s) => s.totals[key]);
    const cells = values.map((v, column) =>
      amountCell(v, ` data-month="${escapeHtml(statements[column]?.month ?? '')}"`),
    );
    return `<tr data-total="${key}"><th scope="row"><span lang="ja">${labelJa}</span><br>${label}</th>${cells.join('')}${amountCell(yearSum(values), ' data-month="year"', 'sum')}</tr>`;
  });
  const range = first === last ? first : `${first} to ${last}`;
  return [
    `<section class="year" aria-labelledby="year-title">`,
    `<h2 id="year-title">Year <span class="customer-id">${escapeHtml(customerId)}</span> · ${escapeHtml(range)}</h2>`,
    `<p class="meta">${statements.length} statement${statements.length === 1 ? '' : 's'} · year total ${escapeHtml(formatYen(yearSum(statements.map((s) => s.totals.totalYen))))} · amounts tax included, credits netted into their kind</p>`,
    `<div class="scroll"><table class="year-table"><thead><tr><th scope="col"><span lang="ja">種別</span> · Kind</th>${head}<th class="month sum" scope="col">Year</th></tr></thead>`,
    `<tbody>${kindRows.join('')}</tbody>`,
    `<tbody class="totals">${totalRows.join('')}</tbody></table></div></section>`,
  ].join('\n');
}
