// `billing send <file>`: puts a file of events on the bus through the real EventBridge client,
// several calls in flight; with --drain, waits until they are applied and says which of them
// were dead-lettered or still wait, and fails if any was.
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, CommandFailed } from '../context.ts';
import { BUS_NAME, type FileEvent, parseEventFile } from '../event-file.ts';
import { type Counts, drainWatched, formatSeconds, perSecond, progress, secondsSince } from '../progress.ts';
import {
  type AcceptedEntry,
  DEFAULT_CONCURRENCY,
  type EntryFailure,
  localEventBridgeClient,
  PutEventsFailedError,
  PutEventsUnreachableError,
  type SendResult,
  sendEvents,
} from '../send-events.ts';
import { NotBillingStackError, type StackClient, StackUnreachableError } from '../stack-client.ts';
import { causeText, countsLine, type DeadLetterView, type WaitingView, waitsFor } from '../tables.ts';

/** Below this a file goes in a blink and a bar would only flicker. */
const PROGRESS_BAR_FROM_EVENTS = 100;
/** Events listed by name for each way of failing; the rest are counted (`billing dead-letters` lists all). */
const MAX_LISTED = 20;

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

const nameOf = (event: FileEvent): string =>
  [event.origin, event.entry.DetailType, event.eventId].filter(Boolean).join(' ');

function describeFailure(failure: EntryFailure): string {
  return `${nameOf(failure.event)}: ${failure.errorCode}${failure.errorMessage ? ` — ${failure.errorMessage}` : ''}`;
}

/** Prints at most MAX_LISTED lines, then how many more there are. */
function listSome(ctx: CliContext, label: string, lines: readonly string[], more: string): void {
  for (const line of lines.slice(0, MAX_LISTED)) ctx.note(`${label}: ${line}`);
  if (lines.length > MAX_LISTED) ctx.note(`${label}: … and ${lines.length - MAX_LISTED} more (${more})`);
}

/** The drain's counters since `before` (the stack's totals are since it started); `pending` as it is now. */
function since(after: Counts, before: Counts): Counts {
  return Object.fromEntries(
    Object.entries(after).map(([name, value]) => [name, name === 'pending' ? value : value - (before[name] ?? 0)]),
  );
}

interface DeadLetterSnapshot {
  /** A dead letter's id → when it was written, to tell the letters of this send from older ones. */
  at: Map<string, string>;
}

const snapshotOf = (letters: readonly DeadLetterView[]): DeadLetterSnapshot => ({
  at: new Map(letters.map((l) => [l.id, l.deadLetteredAt])),
});

/** The bus's id of the message a dead letter holds (what PutEvents answered as the entry's EventId). */
function busIdOf(letter: DeadLetterView): string | undefined {
  try {
    const id = (JSON.parse(letter.body ?? '') as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What became of the events this send put on the bus, once drained: the dead letters of their
 * messages (matched by the EventId the bus gave each), or of their eventIds when written since
 * the send began (a waiting event given up on is dead-lettered with a message of its own), and
 * the events still waiting (by eventId).
 */
async function fatesOf(
  client: StackClient,
  accepted: readonly AcceptedEntry[],
  before: DeadLetterSnapshot,
): Promise<{
  deadLettered: { event: FileEvent; letter: DeadLetterView }[];
  waiting: { event: FileEvent; row: WaitingView }[];
}> {
  const [{ deadLetters }, { waiting }] = await Promise.all([
    client.json<{ deadLetters: DeadLetterView[] }>('GET', '/admin/dead-letters'),
    client.json<{ waiting: WaitingView[] }>('GET', '/admin/waiting'),
  ]);
  const byBusId = new Map(accepted.map((a) => [a.busEventId, a.event]));
  const byEventId = new Map(accepted.filter((a) => a.event.eventId).map((a) => [a.event.eventId as string, a.event]));
  const deadLettered: { event: FileEvent; letter: DeadLetterView }[] = [];
  for (const letter of deadLetters) {
    const busId = busIdOf(letter);
    const isNew = before.at.get(letter.id) !== letter.deadLetteredAt;
    const event =
      (busId ? byBusId.get(busId) : undefined) ??
      (isNew && letter.eventId && !busId ? byEventId.get(letter.eventId) : undefined);
    if (event) deadLettered.push({ event, letter });
  }
  const stillWaiting = waiting.flatMap((row) => {
    const event = byEventId.get(row.eventId);
    return event ? [{ event, row }] : [];
  });
  const position = new Map(accepted.map((a, i) => [a.event, i]));
  const order = (e: FileEvent) => position.get(e) ?? 0;
  deadLettered.sort((a, b) => order(a.event) - order(b.event));
  stillWaiting.sort((a, b) => order(a.event) - order(b.event));
  return { deadLettered, waiting: stillWaiting };
}

async function send(ctx: CliContext, file: string, options: { drain?: boolean; concurrency: number }): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandFailed(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const events = parseEventFile(text);
  const stack = ctx.client();
  // Not one event goes out before the billing stack has answered as itself.
  const before = await stack.probe();
  const lettersBefore = options.drain
    ? snapshotOf((await stack.json<{ deadLetters: DeadLetterView[] }>('GET', '/admin/dead-letters')).deadLetters)
    : undefined;
  const client = localEventBridgeClient(stack.url);
  const shown = events.length >= PROGRESS_BAR_FROM_EVENTS ? progress(ctx, 'sending', 'events') : undefined;
  const started = performance.now();
  let result: SendResult;
  try {
    result = await sendEvents(client, events, {
      concurrency: options.concurrency,
      onProgress: (sent) => shown?.update(sent, events.length),
    });
  } catch (error) {
    if (error instanceof PutEventsUnreachableError) throw new StackUnreachableError(stack.url, error.reason);
    if (error instanceof PutEventsFailedError)
      throw new NotBillingStackError(
        stack.url,
        `${error.reason} (${error.sent} of ${plural(events.length, 'event')} sent before)`,
      );
    throw error;
  } finally {
    shown?.stop();
    client.destroy();
  }
  const seconds = secondsSince(started);
  const { failures } = result;
  ctx.print(
    `sent ${plural(result.sent, 'event')} to bus ${BUS_NAME} at ${stack.url} in ${plural(result.calls, 'PutEvents call')}, ${formatSeconds(seconds)} (${perSecond(result.sent, seconds)}): ${result.accepted.length} accepted, ${failures.length} failed`,
  );
  listSome(ctx, 'failed', failures.map(describeFailure), `billing validate ${file} lists every problem`);
  const problems: string[] = [];
  if (failures.length > 0) problems.push(`${failures.length} failed at the bus`);
  if (options.drain && lettersBefore) {
    const drained = await drainWatched(ctx, stack);
    ctx.print(`drained in ${formatSeconds(drained.seconds)}, this send: ${countsLine(since(drained.counts, before))}`);
    const fates = await fatesOf(stack, result.accepted, lettersBefore);
    listSome(
      ctx,
      'dead-lettered',
      fates.deadLettered.map(
        ({ event, letter }) =>
          `${nameOf(event)}: ${letter.reason}${letter.cause ? `; ${causeText(letter.cause)}` : ''}`,
      ),
      'billing dead-letters lists them all',
    );
    listSome(
      ctx,
      'still waiting',
      fates.waiting.map(({ event, row }) => `${nameOf(event)}: ${waitsFor(row)}`),
      'billing waiting lists them all',
    );
    if (fates.deadLettered.length > 0) problems.push(`${fates.deadLettered.length} dead-lettered`);
    if (fates.waiting.length > 0) problems.push(`${fates.waiting.length} still waiting`);
  }
  if (problems.length > 0)
    throw new CommandFailed(`of the ${plural(result.sent, 'event')} sent, ${problems.join(', ')}`);
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a whole number from 1 to 64.');
  return n;
}

export function registerSend(program: Command, ctx: CliContext): void {
  program
    .command('send')
    .description(
      'put the events of a file on the bus (PutEvents, 10 a call, several calls at once); NDJSON or a JSON array of {"source", "detail-type", "detail"}',
    )
    .argument('<file>', 'events file (.ndjson or .json), e.g. examples/fiscal-year-2026.ndjson')
    .option(
      '--drain',
      'then wait until every event is applied or dead-lettered, print the counts, and fail if any event sent was dead-lettered or still waits',
    )
    .option('--concurrency <calls>', 'PutEvents calls in flight at once', parseConcurrency, DEFAULT_CONCURRENCY)
    .action((file: string, options: { drain?: boolean; concurrency: number }) => send(ctx, file, options));
}
