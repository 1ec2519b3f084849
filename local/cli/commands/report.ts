// `billing report <month>`: the month's totals over all customers, or every entry as CSV (the
// month's export, downloaded once ready).
import { type Command, Option } from 'commander';
import type { MonthReport } from '#shared/runtime/finance-api.ts';
import { parseMonth } from '../arguments.ts';
import { type CliContext, CommandFailed } from '../context.ts';
import { jstTimestamp } from '../format.ts';
import { pathSegment, StackUnreachableError } from '../stack-client.ts';
import { monthReportTable } from '../tables.ts';

/** The finance API's answer for a ready export (GET /reports/{month}/entries.csv). */
interface ReadyExportAnswer {
  month: string;
  state: 'ready' | 'running';
  url: string;
  rows: number;
  bytes: number;
  startedAt: string;
}

/** The month's entries file as it is, its BOM kept (`Response.text()` would drop it). */
async function download(stackUrl: string, url: string): Promise<string> {
  // Locally the API answers a path on the stack; in the cloud a presigned URL.
  const absolute = new URL(url, `${stackUrl}/`).toString();
  let response: Response;
  try {
    response = await fetch(absolute);
  } catch (error) {
    throw new StackUnreachableError(stackUrl, error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) throw new CommandFailed(`the download of ${url} answered HTTP ${response.status}`);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
}

async function entriesCsv(ctx: CliContext, month: string): Promise<void> {
  const client = ctx.client();
  const answer = await client.json<ReadyExportAnswer>('GET', `/reports/${pathSegment(month)}/entries.csv`);
  if (answer.state === 'running')
    throw new CommandFailed(
      `the export of ${month} is running (since ${jstTimestamp(answer.startedAt)}): try again in a moment`,
    );
  ctx.io.stdout(await download(client.url, answer.url));
}

async function report(ctx: CliContext, month: string, options: { csv?: boolean; json?: boolean }): Promise<void> {
  if (options.csv) return entriesCsv(ctx, month);
  const found = await ctx.client().json<MonthReport>('GET', `/reports/${pathSegment(month)}`);
  ctx.print(options.json ? JSON.stringify(found, null, 2) : monthReportTable(found));
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description("a closed month's totals over all customers, by kind and tax class")
    .argument('<month>', 'the month, YYYY-MM', parseMonth)
    .option(
      '--csv',
      "every entry of the month, one row each, with a BOM: the month's export file, which the close writes",
    )
    .addOption(new Option('--json', 'the report as the finance API returns it').conflicts('csv'))
    .action((month: string, options: { csv?: boolean; json?: boolean }) => report(ctx, month, options));
}
