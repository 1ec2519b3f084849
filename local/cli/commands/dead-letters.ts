// `billing waiting`, `billing dead-letters` (and `dead-letters purge`), `billing redrive` and
// `billing events`: what has not applied yet, what could not apply, deleting it, sending it
// again, and what the pipeline emitted.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEAD_LETTER_RETENTION_DAYS } from '#shared/domain/policy.ts';
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

interface PurgeOptions {
  olderThan?: number;
  all?: boolean;
  yes?: boolean;
}

const plural = (n: number) => `${n} dead letter${n === 1 ? '' : 's'}`;

/** Without --yes it only names what it would delete: a purge cannot be undone. */
async function purge(ctx: CliContext, options: PurgeOptions): Promise<void> {
  const answer = await ctx
    .client()
    .json<{ purged: number; ids: string[]; writtenBefore?: string }>('POST', '/admin/dead-letters/purge', {
      ...(options.all ? { all: true } : {}),
      ...(options.olderThan !== undefined ? { olderThanDays: options.olderThan } : {}),
      dryRun: !options.yes,
    });
  const which = answer.writtenBefore ? ` dead-lettered before ${answer.writtenBefore}` : '';
  if (options.yes) {
    ctx.print(`purged ${plural(answer.purged)}${which}`);
    return;
  }
  for (const id of answer.ids) ctx.print(id);
  ctx.note(
    answer.purged === 0
      ? `no dead letters${which} to purge`
      : `would purge ${plural(answer.purged)}${which}; run again with --yes to delete them`,
  );
}

function wholeDays(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected a whole number of days, 0 or more.');
  return n;
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
  const letters = program
    .command('dead-letters')
    .description('list the events that could not be applied, with their reasons')
    .option(
      '--json',
      'the whole dead letters, message bodies included (an order without its birth date and payment method)',
    )
    .action((options: { json?: boolean }) => deadLetters(ctx, options));
  letters
    .command('purge')
    .description(
      `delete dead letters older than ${DEAD_LETTER_RETENTION_DAYS} days on the stack's clock (as the table's TTL does in AWS), older than --older-than, or --all; only lists them without --yes`,
    )
    .option('--older-than <days>', 'dead-lettered more than this many days ago', wholeDays)
    .addOption(new Option('--all', 'every dead letter').conflicts('olderThan'))
    .option('--yes', 'delete them (without it, only list what would be deleted)')
    .action((options: PurgeOptions) => purge(ctx, options));
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
