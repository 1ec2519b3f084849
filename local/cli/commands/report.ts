// `billing report <month>`: the month's totals over all customers, or every entry as CSV.
import { type Command, Option } from 'commander';
import type { MonthReport } from '#shared/runtime/finance-api.ts';
import { parseMonth } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { pathSegment } from '../stack-client.ts';
import { monthReportTable } from '../tables.ts';

async function report(ctx: CliContext, month: string, options: { csv?: boolean; json?: boolean }): Promise<void> {
  if (options.csv) return ctx.io.stdout(await ctx.client().text(`/reports/${pathSegment(month)}/entries.csv`));
  const found = await ctx.client().json<MonthReport>('GET', `/reports/${pathSegment(month)}`);
  ctx.print(options.json ? JSON.stringify(found, null, 2) : monthReportTable(found));
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description("a closed month's totals over all customers, by kind and tax class")
    .argument('<month>', 'the month, YYYY-MM', parseMonth)
    .option('--csv', "every entry of the month, one row each (the finance API's entries.csv)")
    .addOption(new Option('--json', 'the report as the finance API returns it').conflicts('csv'))
    .action((month: string, options: { csv?: boolean; json?: boolean }) => report(ctx, month, options));
}
