// Puts events on the bus through the real @aws-sdk/client-eventbridge, as an upstream system
// would: PutEvents calls within AWS's limits, several in flight, and every entry the bus
// failed reported with the ErrorCode it gave. A call that fails as a whole stops the send
// unless EventBridge itself refused it: anything else (nothing listening, another server)
// would only fail every later call the same way.
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import pLimit from 'p-limit';
import { LOCAL_CREDENTIALS } from '../credentials.ts';
import type { FileEvent } from './event-file.ts';

/** AWS's limits for one PutEvents call. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_CALL_BYTES = 256 * 1024;
/** Room for the request's own JSON around the entries. */
const CALL_OVERHEAD_BYTES = 1024;

export interface EntryFailure {
  event: FileEvent;
  errorCode: string;
  errorMessage: string;
}

/** An entry the bus accepted, with the EventId it gave (the `id` of the event as its consumer receives it). */
export interface AcceptedEntry {
  event: FileEvent;
  busEventId: string;
}

export interface SendResult {
  sent: number;
  calls: number;
  /** In the order of the file. */
  accepted: AcceptedEntry[];
  /** Entries the bus failed (an ErrorCode in their place of the answer), in the order of the file. */
  failures: EntryFailure[];
}

export interface SendOptions {
  /** Told how many events have been sent so far, after each call. */
  onProgress?: (sent: number) => void;
  /** PutEvents calls in flight at once. */
  concurrency?: number;
}

/** Calls in flight by default: enough to keep the local stack's event loop busy between its queues' work. */
export const DEFAULT_CONCURRENCY = 16;

const entryBytes = (event: FileEvent): number => Buffer.byteLength(JSON.stringify(event.entry), 'utf8');

/**
 * Splits events into calls of at most 10 entries and 256 KB, keeping their order. An entry too
 * big for any call goes alone, so the bus refuses it and no other.
 */
export function batchEvents(events: readonly FileEvent[]): FileEvent[][] {
  const batches: FileEvent[][] = [];
  let current: FileEvent[] = [];
  let bytes = CALL_OVERHEAD_BYTES;
  for (const event of events) {
    const size = entryBytes(event) + 1;
    if (current.length > 0 && (current.length === MAX_ENTRIES_PER_CALL || bytes + size > MAX_CALL_BYTES)) {
      batches.push(current);
      current = [];
      bytes = CALL_OVERHEAD_BYTES;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** An EventBridge client for the local stack: its URL as the endpoint, credentials it does not check. */
export function localEventBridgeClient(url: string): EventBridgeClient {
  return new EventBridgeClient({
    endpoint: url,
    region: 'ap-northeast-1',
    credentials: LOCAL_CREDENTIALS,
    // A local stack that is down will not come up between retries; fail at once with the cause.
    maxAttempts: 1,
  });
}

/** Thrown when a call could not be made at all (no stack there); entries refused by the bus are results, not errors. */
export class PutEventsUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PutEventsUnreachableError';
  }
}

/**
 * Thrown when a call failed as a whole for another reason than EventBridge's refusal of its
 * entries: something that is not the bus answered, or the bus failed. `sent` events were in
 * calls answered before; the rest were not sent.
 */
export class PutEventsFailedError extends Error {
  constructor(
    readonly reason: string,
    readonly sent: number,
  ) {
    super(reason);
    this.name = 'PutEventsFailedError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN']);

/** The errors of a call EventBridge refuses for its entries (over 256 KB): each of its entries failed, the send goes on. */
const ENTRY_REFUSALS = new Set(['ValidationException']);

function callFailure(error: unknown): { fatal: Error } | { name: string; message: string } {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).code ??
    (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { fatal: new PutEventsUnreachableError(code) };
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (ENTRY_REFUSALS.has(name)) return { name, message };
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const answered = typeof status === 'number' ? `PutEvents answered HTTP ${status}` : 'PutEvents failed';
  return { fatal: new PutEventsFailedError(`${answered}: ${name}: ${message.split('\n')[0]}`, 0) };
}

type CallOutcome = { accepted: AcceptedEntry[]; failures: EntryFailure[] };

async function putBatch(client: EventBridgeClient, batch: readonly FileEvent[]): Promise<CallOutcome> {
  const outcome: CallOutcome = { accepted: [], failures: [] };
  let answer: PutEventsCommandOutput;
  try {
    answer = await client.send(new PutEventsCommand({ Entries: batch.map((event) => event.entry) }));
  } catch (error) {
    const failure = callFailure(error);
    if ('fatal' in failure) throw failure.fatal;
    // The whole call was refused (e.g. over 256 KB): each of its entries failed for that reason.
    for (const event of batch) outcome.failures.push({ event, errorCode: failure.name, errorMessage: failure.message });
    return outcome;
  }
  // PutEvents answers one result per entry, in order; an answer without them is not the bus's.
  if (!Array.isArray(answer.Entries) || answer.Entries.length !== batch.length)
    throw new PutEventsFailedError(
      `PutEvents answered without a result for each of its ${batch.length} entries (Entries: ${JSON.stringify(answer.Entries ?? null).slice(0, 60)})`,
      0,
    );
  batch.forEach((event, i) => {
    const entry = answer.Entries?.[i];
    if (entry?.ErrorCode)
      outcome.failures.push({ event, errorCode: entry.ErrorCode, errorMessage: entry.ErrorMessage ?? '' });
    else if (entry?.EventId) outcome.accepted.push({ event, busEventId: entry.EventId });
    else
      outcome.failures.push({
        event,
        errorCode: 'NoAnswer',
        errorMessage: 'the bus returned no result for this entry',
      });
  });
  return outcome;
}

/**
 * Sends every event, `concurrency` calls in flight, and answers what the bus did with each, in
 * the order of the file. The first call that fails as a whole (see above) stops the calls not
 * yet started, and is thrown once those in flight have ended.
 */
export async function sendEvents(
  client: EventBridgeClient,
  events: readonly FileEvent[],
  options: SendOptions = {},
): Promise<SendResult> {
  const batches = batchEvents(events);
  const limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const outcomes: (CallOutcome | undefined)[] = new Array(batches.length);
  let sent = 0;
  let calls = 0;
  let fatal: Error | undefined;
  await Promise.all(
    batches.map((batch, index) =>
      limit(async () => {
        if (fatal) return;
        calls++;
        try {
          outcomes[index] = await putBatch(client, batch);
        } catch (error) {
          // The calls not started yet see it and return at once.
          fatal ??= error as Error;
          return;
        }
        sent += batch.length;
        options.onProgress?.(sent);
      }),
    ),
  );
  if (fatal instanceof PutEventsFailedError) throw new PutEventsFailedError(fatal.reason, sent);
  if (fatal) throw fatal;
  const done = outcomes.filter((o): o is CallOutcome => o !== undefined);
  return {
    sent,
    calls,
    accepted: done.flatMap((o) => o.accepted),
    failures: done.flatMap((o) => o.failures),
  };
}
