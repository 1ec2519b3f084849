// GET /statement.csv of the local stack: one statement as the file statementFileCsv writes
// (local/cli/format.ts, also the CLI's `statement --csv`), named after customer and month.
import type { Statement } from '#shared/domain/index.ts';
import { isYearMonth } from '#shared/schemas/primitives.ts';
import { statementFileCsv } from '../cli/format.ts';
import { pathSegment } from '../cli/stack-client.ts';
import type { FinanceGet } from './layout.ts';

/**
 * `attachment` naming the file after customer and month. `filename` is an ASCII fallback with
 * every character other than letters, digits, `.`, `_` and `-` made `_` (an id may hold `"`,
 * `\`, `/` or `;`, which would end the quoted string or name a folder); `filename*` (RFC 6266,
 * RFC 8187 encoding) carries the id as it is, for the browsers that read it.
 */
export function attachmentHeader(fileName: string): string {
  const fallback = fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export const statementFileName = (customerId: string, month: string): string => `statement-${customerId}-${month}.csv`;

export interface Download {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** GET /statement.csv?customerId=&month= of the local stack: the file, or the API's error with its status. */
export async function statementCsvDownload(query: URLSearchParams, financeGet: FinanceGet): Promise<Download> {
  const customerId = (query.get('customerId') ?? '').trim();
  const month = (query.get('month') ?? '').trim();
  if (!customerId || !isYearMonth(month))
    return {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'BAD_REQUEST', message: 'customerId and month (YYYY-MM) are both needed' }),
    };
  const answer = await financeGet(`/customers/${pathSegment(customerId)}/statements/${pathSegment(month)}`);
  if (answer.status !== 200)
    return { status: answer.status, headers: { 'content-type': answer.contentType }, body: answer.body };
  return {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachmentHeader(statementFileName(customerId, month)),
    },
    body: statementFileCsv(JSON.parse(answer.body) as Statement),
  };
}
