// `billing send <file>`: puts a file of events on the bus through the real EventBridge client.
import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { type CliContext, CommandFailed } from '../context.ts';
import { BUS_NAME, parseEventFile } from '../event-file.ts';
import { type EntryFailure, localEventBridgeClient, PutEventsUnreachableError, sendEvents } from '../send-events.ts';
import { StackUnreachableError } from '../stack-client.ts';
import { countsLine } from '../tables.ts';

/** Below this a file goes in a blink and a bar would only flicker. */
const PROGRESS_BAR_FROM_EVENTS = 100;

function describeFailure(failure: EntryFailure): string {
  const { event } = failure;
  const name = [event.entry.DetailType, event.eventId].filter(Boolean).join(' ');
  return `${event.origin} (${name}): ${failure.errorCode}${failure.errorMessage ? ` — ${failure.errorMessage}` : ''}`;
}

async function send(ctx: CliContext, file: string, options: { drain?: boolean }): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandFailed(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const events = parseEventFile(text);
  const client = localEventBridgeClient(ctx.url());
  // The bar draws on the real stderr: it is only shown when that stream is a terminal.
  const bar =
    ctx.io.stderrIsTTY && events.length >= PROGRESS_BAR_FROM_EVENTS
      ? new cliProgress.SingleBar(
          { format: 'sending {bar} {value}/{total} events', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(events.length, 0);
  let result: Awaited<ReturnType<typeof sendEvents>>;
  try {
    result = await sendEvents(client, events, (sent) => bar?.update(sent));
  } catch (error) {
    if (error instanceof PutEventsUnreachableError) throw new StackUnreachableError(ctx.url(), error.reason);
    throw error;
  } finally {
    bar?.stop();
    client.destroy();
  }
  const accepted = result.sent - result.failures.length;
  ctx.print(
    `sent ${result.sent} event${result.sent === 1 ? '' : 's'} to bus ${BUS_NAME} at ${ctx.url()} in ${result.calls} PutEvents call${result.calls === 1 ? '' : 's'}: ${accepted} accepted, ${result.failures.length} refused`,
  );
  for (const failure of result.failures) ctx.note(`refused: ${describeFailure(failure)}`);
  if (options.drain) {
    const counts = await ctx.client().json<Record<string, unknown>>('POST', '/admin/drain');
    ctx.print(`drained: ${countsLine(counts)}`);
  }
  if (result.failures.length > 0)
    throw new CommandFailed(`${result.failures.length} of ${result.sent} events were refused by the bus`);
}

export function registerSend(program: Command, ctx: CliContext): void {
  program
    .command('send')
    .description(
      'put the events of a file on the bus (PutEvents, 10 a call); NDJSON or a JSON array of {"source", "detail-type", "detail"}',
    )
    .argument('<file>', 'events file (.ndjson or .json), e.g. examples/fiscal-year-2026.ndjson')
    .option('--drain', 'then wait until every event is applied or dead-lettered, and print the counts')
    .action((file: string, options: { drain?: boolean }) => send(ctx, file, options));
}
