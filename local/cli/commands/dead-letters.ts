// `billing waiting`, `billing dead-letters`, `billing redrive` and `billing events`: what has
// not applied yet, what could not apply, sending it again, and what the pipeline emitted.
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { type DeadLetterView, deadLettersText, type WaitingView, waitingTable } from '../tables.ts';

async function waiting(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const answer = await ctx.client().json<{ waiting: WaitingView[] }>('GET', '/admin/waiting');
  ctx.print(options.json ? JSON.stringify(answer.waiting, null, 2) : waitingTable(answer.waiting));
}

async function deadLetters(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const answer = await ctx.client().json<{ deadLetters: DeadLetterView[] }>('GET', '/admin/dead-letters');
  ctx.print(options.json ? JSON.stringify(answer.deadLetters, null, 2) : deadLettersText(answer.deadLetters));
}

async function redrive(ctx: CliContext, ids: string[]): Promise<void> {
  const answer = await ctx.client().json<{ redriven: number }>('POST', '/admin/redrive', ids.length > 0 ? { ids } : {});
  ctx.print(
    `redriven ${answer.redriven} dead letter${answer.redriven === 1 ? '' : 's'}; run \`billing drain\` to see them applied`,
  );
}

interface EmittedEvent {
  'detail-type': string;
  detail: Record<string, unknown>;
}

async function events(ctx: CliContext, options: { detailType?: string }): Promise<void> {
  const query = options.detailType ? `?detailType=${encodeURIComponent(options.detailType)}` : '';
  const answer = await ctx.client().json<{ events: EmittedEvent[] }>('GET', `/admin/events${query}`);
  for (const event of answer.events) ctx.print(`${event['detail-type']} ${JSON.stringify(event.detail)}`);
  if (answer.events.length === 0) ctx.note('no emitted events');
}

export function registerDeadLetterCommands(program: Command, ctx: CliContext): void {
  program
    .command('waiting')
    .description('list the events waiting for an order, device or claim not known yet, and when each is dead-lettered')
    .option('--json', 'the rows as the API returns them')
    .action((options: { json?: boolean }) => waiting(ctx, options));
  program
    .command('dead-letters')
    .description('list the events that could not be applied, with their reasons')
    .option('--json', 'the whole dead letters, message bodies included')
    .action((options: { json?: boolean }) => deadLetters(ctx, options));
  program
    .command('redrive')
    .description("send dead letters back to their consumer's queue (all of them, or the ids given)")
    .argument('[ids...]', 'dead-letter ids, as `billing dead-letters` lists them')
    .action((ids: string[]) => redrive(ctx, ids));
  program
    .command('events')
    .description(
      'the events the pipeline emitted (OrderRejected, ClaimAdjudicated, PenaltyAssessed, StatementClosed), one a line',
    )
    .option('--detail-type <type>', 'only this detail-type')
    .action((options: { detailType?: string }) => events(ctx, options));
}
