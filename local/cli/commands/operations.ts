// The operations that stand in for the cloud's schedules: the clock, the monthly close, the
// daily sweep, and draining the queues.
import type { Command } from 'commander';
import { parseMonth, parseTimestamp } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { jstTimestamp } from '../format.ts';
import { drainWatched, formatSeconds } from '../progress.ts';
import { countsLine } from '../tables.ts';

async function clock(ctx: CliContext, now: string | undefined, options: { real?: boolean }): Promise<void> {
  const client = ctx.client();
  const answer =
    now !== undefined || options.real
      ? await client.json<{ now: string; fixed?: boolean }>('POST', '/admin/clock', { now: options.real ? null : now })
      : await client.json<{ now: string; fixed?: boolean }>('GET', '/admin/clock');
  ctx.print(`${jstTimestamp(answer.now)} (${answer.now}${answer.fixed === false ? ', real time' : ''})`);
}

interface CloseAnswer {
  month: string;
  shards: number;
  customers: number;
  status?: string;
  held?: { customerId: string; reason: string }[];
  released?: string[];
}

async function close(ctx: CliContext, month: string): Promise<void> {
  const answer = await ctx.client().json<CloseAnswer>('POST', '/admin/close', { month });
  const status = answer.status && answer.status !== 'started' ? ` (${answer.status})` : '';
  const held = answer.held ?? [];
  const heldNote = held.length > 0 ? `, ${held.length} held` : '';
  ctx.print(
    `closed ${answer.month}${status}: ${answer.customers} customer${answer.customers === 1 ? '' : 's'} in ${answer.shards} shards${heldNote}`,
  );
  for (const customerId of answer.released ?? []) ctx.print(`  closed now: ${customerId} (held before)`);
  // A held customer has no statement for the month yet: say who and why, and what to do.
  for (const h of held) ctx.print(`  held: ${h.customerId}: ${h.reason}`);
  if (held.length > 0)
    ctx.print(`  fix the cause, then run "billing close ${answer.month}" again: it retries the held customers`);
}

async function sweep(ctx: CliContext): Promise<void> {
  const answer = await ctx.client().json<{ asOf: string; customers: number; assessed: number }>('POST', '/admin/sweep');
  ctx.print(
    `swept as of ${jstTimestamp(answer.asOf)}: ${answer.customers} customer${answer.customers === 1 ? '' : 's'} due, ${answer.assessed} charge${answer.assessed === 1 ? '' : 's'} assessed`,
  );
}

async function drain(ctx: CliContext): Promise<void> {
  const { counts, seconds } = await drainWatched(ctx, ctx.client());
  ctx.print(`drained in ${formatSeconds(seconds)}, since the stack started: ${countsLine(counts)}`);
}

export function registerOperations(program: Command, ctx: CliContext): void {
  program
    .command('clock')
    .description("show the stack's clock, or set it (business dates, closes and the lookback follow it)")
    .argument('[now]', 'an ISO timestamp with a zone, e.g. 2027-04-01T09:00:00+09:00', parseTimestamp)
    .option('--real', 'go back to the real time')
    .action((now: string | undefined, options: { real?: boolean }) => clock(ctx, now, options));
  program
    .command('close')
    .description('run the monthly close of a month that has ended by the clock (and of every earlier open month)')
    .argument('<month>', 'the month, YYYY-MM', parseMonth)
    .action((month: string) => close(ctx, month));
  program
    .command('sweep')
    .description('assess late-return penalties and loaner charges due by the clock')
    .action(() => sweep(ctx));
  program
    .command('drain')
    .description(
      'wait until every accepted event is applied, waiting or dead-lettered (retries are delivered early), showing the events left, and print the counts',
    )
    .action(() => drain(ctx));
}
