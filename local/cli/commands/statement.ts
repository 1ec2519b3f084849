// `billing statement` and `billing months`: one customer's statements from the finance API.
import { type Command, Option } from 'commander';
import type { Statement } from '#shared/domain/index.ts';
import { LOOKBACK_PHRASE } from '#shared/domain/policy.ts';
import { parseMonth } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { statementFileCsv } from '../format.ts';
import { pathSegment } from '../stack-client.ts';
import { statementTable } from '../tables.ts';

async function statement(
  ctx: CliContext,
  customerId: string,
  month: string,
  options: { json?: boolean; csv?: boolean },
): Promise<void> {
  const found = await ctx
    .client()
    .json<Statement>('GET', `/customers/${pathSegment(customerId)}/statements/${pathSegment(month)}`);
  if (options.json) ctx.print(JSON.stringify(found, null, 2));
  else if (options.csv) ctx.io.stdout(statementFileCsv(found));
  else ctx.print(statementTable(found));
}

async function months(ctx: CliContext, customerId: string, options: { json?: boolean }): Promise<void> {
  const answer = await ctx
    .client()
    .json<{ customerId: string; months: string[] }>('GET', `/customers/${pathSegment(customerId)}/statements`);
  if (options.json) return ctx.print(JSON.stringify(answer, null, 2));
  if (answer.months.length === 0) return ctx.note(`no closed statements for ${customerId} in the ${LOOKBACK_PHRASE}`);
  for (const month of answer.months) ctx.print(month);
}

export function registerStatementCommands(program: Command, ctx: CliContext): void {
  program
    .command('statement')
    .description("a customer's statement of a closed month: its lines and totals (a table unless --json or --csv)")
    .argument('<customerId>', 'the customer')
    .argument('<month>', 'the month, YYYY-MM', parseMonth)
    .option('--json', 'the statement as the finance API returns it')
    .addOption(
      new Option(
        '--csv',
        'the file the statement page downloads: BOM, customer and month on every row, lines and totals',
      ).conflicts('json'),
    )
    .action((customerId: string, month: string, options: { json?: boolean; csv?: boolean }) =>
      statement(ctx, customerId, month, options),
    );
  program
    .command('months')
    .description(`the closed months with a statement for a customer, newest first (${LOOKBACK_PHRASE})`)
    .argument('<customerId>', 'the customer')
    .option('--json', 'the answer as the finance API returns it')
    .action((customerId: string, options: { json?: boolean }) => months(ctx, customerId, options));
}
