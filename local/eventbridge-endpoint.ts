// EventBridge's PutEvents on the wire (JSON 1.1, X-Amz-Target: AWSEvents.PutEvents), so an
// unmodified @aws-sdk/client-eventbridge pointed at this endpoint sends events as it would to
// AWS, with AWS's limits and its per-entry answer.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;
/** Where EventBridge puts an entry that names no bus: the account's default bus. */
export const AWS_DEFAULT_BUS = 'default';

/** An entry as the bus routes it: the EventBridge event a rule target receives. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  'event-bus-name': string;
}

type EntryError = { ErrorCode: string; ErrorMessage: string };
type EntryResult = { EventId: string } | EntryError;

/** PutEvents "will only process nested JSON up to 1100 levels deep" (the API reference). */
export const MAX_DETAIL_DEPTH = 1100;

/**
 * Whether a JSON text nests objects and arrays deeper than `limit` (the outermost object is
 * level 1). A scan of the text, not a recursive walk, so that no depth a client sends can
 * overflow the stack here or later (JSON.stringify of the journal line did, at 5,000).
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const invalidArgument = (parameter: string): { error: EntryError } => ({
  error: { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${parameter} is not valid.` },
});
const malformed = (ErrorMessage: string): { error: EntryError } => ({
  error: { ErrorCode: 'MalformedDetail', ErrorMessage },
});
/** Field present in the JSON: null counts as absent, as the AWS JSON protocol reads it. */
const given = (entry: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(entry, name) ? (entry[name] ?? undefined) : undefined;
/** The event time as EventBridge prints it, or undefined for a time no date of years 0–9999 has. */
function eventTime(seconds: unknown, now: Date): string | undefined {
  if (seconds === undefined) return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const time = new Date(Math.round(seconds * 1000));
  const year = time.getUTCFullYear();
  return Number.isNaN(year) || year < 0 || year > 9999 ? undefined : time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Validates one entry as EventBridge does and turns it into the event a target receives. Any
 * value a client can send (an entry that is not an object, a field of the wrong type, a time
 * out of range, a detail too deep) is this entry's own error, never the call's.
 */
export function acceptEntry(
  entry: unknown,
  defaultBus: string,
  now: Date,
): { event: BusEvent } | { error: EntryError } {
  if (!isRecord(entry)) return invalidArgument('Entries');
  const source = given(entry, 'Source');
  const detailType = given(entry, 'DetailType');
  const text = given(entry, 'Detail');
  const busName = given(entry, 'EventBusName');
  const resources = given(entry, 'Resources') ?? [];
  const traceHeader = given(entry, 'TraceHeader');
  if (typeof source !== 'string' || source === '') return invalidArgument('Source');
  if (typeof detailType !== 'string' || detailType === '') return invalidArgument('DetailType');
  if (busName !== undefined && typeof busName !== 'string') return invalidArgument('EventBusName');
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) return invalidArgument('Resources');
  if (traceHeader !== undefined && typeof traceHeader !== 'string') return invalidArgument('TraceHeader');
  const time = eventTime(given(entry, 'Time'), now);
  if (time === undefined) return invalidArgument('Time');
  if (typeof text !== 'string') return malformed('Detail is malformed.');
  if (nestedDeeperThan(text, MAX_DETAIL_DEPTH))
    return malformed(`Detail is nested deeper than ${MAX_DETAIL_DEPTH} levels.`);
  let detail: unknown;
  try {
    detail = JSON.parse(text);
  } catch {
    return malformed('Detail is malformed.');
  }
  if (!isRecord(detail)) return malformed('Detail is malformed.');
  const bus = busName ? busName.replace(/^arn:.*:event-bus\//, '') : defaultBus;
  return {
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: '000000000000',
      time,
      region: 'local',
      resources: resources as string[],
      detail,
      'event-bus-name': bus,
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

/** The request body as text, or undefined once it is over `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What AWS answers an entry whose source the bus policy refuses the caller (the cloud's bus
 * denies `device-supply.billing` to all but the pipeline's roles, docs/deploy.md).
 */
export const notAuthorizedForSource = (source: string): EntryError => ({
  ErrorCode: 'NotAuthorizedForSourceException',
  ErrorMessage: `Not authorized for the source ${source}.`,
});

/**
 * Handles one PutEvents request. `accept` receives the entries that passed validation, in
 * order, and must not return before they are safely queued. An entry of a source in
 * `refusedSources` fails alone, as the cloud bus's policy makes it fail for an outside caller.
 */
export async function handlePutEvents(
  req: IncomingMessage,
  res: ServerResponse,
  defaultBus: string,
  accept: (events: BusEvent[]) => Promise<void>,
  refusedSources: ReadonlySet<string> = new Set(),
): Promise<void> {
  const validation = (message: string) => reply(res, 400, { __type: 'ValidationException', message });
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === undefined)
    return validation(`Total size of the entries in the request is over the limit of ${MAX_REQUEST_BYTES} bytes.`);
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return reply(res, 400, { __type: 'SerializationException', message: 'Request body is not valid JSON.' });
  }
  // The call's own shape is the call's error (400, which the SDK throws); an entry's is the entry's.
  if (!isRecord(request)) return validation('The request body must be a JSON object with an Entries array.');
  const entries = given(request, 'Entries');
  if (entries === undefined)
    return validation(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  if (!Array.isArray(entries))
    return validation(
      "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must be a list",
    );
  if (entries.length === 0) return validation('Entries must contain at least 1 entry.');
  if (entries.length > MAX_ENTRIES)
    return validation(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  const now = new Date();
  const results: EntryResult[] = [];
  const accepted: BusEvent[] = [];
  for (const entry of entries as unknown[]) {
    const outcome = acceptEntry(entry, defaultBus, now);
    if ('error' in outcome) results.push(outcome.error);
    else if (refusedSources.has(outcome.event.source)) results.push(notAuthorizedForSource(outcome.event.source));
    else {
      accepted.push(outcome.event);
      results.push({ EventId: outcome.event.id });
    }
  }
  try {
    await accept(accepted);
  } catch (error) {
    // Not queued (say, the journal could not be written): the whole call fails, retryably, as
    // AWS answers an internal failure; no entry was accepted, so none is lost.
    return reply(res, 500, {
      __type: 'InternalFailure',
      message: `the events could not be queued: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  reply(res, 200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
}
