// EventBridge's PutEvents on the wire (JSON 1.1, X-Amz-Target: AWSEvents.PutEvents), so an
// unmodified @aws-sdk/client-eventbridge pointed at this endpoint sends events as it would to
// AWS, with AWS's limits and its per-entry answer.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

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

interface RequestEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
  Time?: unknown;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** Validates one entry as EventBridge does and turns it into the event a target receives. */
export function acceptEntry(entry: RequestEntry, defaultBus: string, now: Date): { event: BusEvent } | { error: { ErrorCode: string; ErrorMessage: string } } {
  const invalid = (ErrorMessage: string) => ({ error: { ErrorCode: 'MalformedDetail', ErrorMessage } });
  if (typeof entry.Source !== 'string' || entry.Source === '') return { error: { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid.' } };
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return { error: { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid.' } };
  if (typeof entry.Detail !== 'string') return invalid('Detail is malformed.');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return invalid('Detail is malformed.');
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return invalid('Detail is malformed.');
  const bus = typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName.replace(/^arn:.*:event-bus\//, '') : defaultBus;
  const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : now;
  return {
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '000000000000',
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'local',
      resources: Array.isArray(entry.Resources) ? entry.Resources.filter((r): r is string => typeof r === 'string') : [],
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
 * Handles one PutEvents request. `accept` receives the entries that passed validation, in
 * order, and must not return before they are safely queued.
 */
export async function handlePutEvents(req: IncomingMessage, res: ServerResponse, defaultBus: string, accept: (events: BusEvent[]) => Promise<void>): Promise<void> {
  const validation = (message: string) => reply(res, 400, { __type: 'ValidationException', message });
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === undefined) return validation(`Total size of the entries in the request is over the limit of ${MAX_REQUEST_BYTES} bytes.`);
  let request: { Entries?: unknown };
  try {
    request = JSON.parse(body) as { Entries?: unknown };
  } catch {
    return reply(res, 400, { __type: 'SerializationException', message: 'Request body is not valid JSON.' });
  }
  const entries = request.Entries;
  if (!Array.isArray(entries) || entries.length === 0) return validation('Entries must contain at least 1 entry.');
  if (entries.length > MAX_ENTRIES) return validation(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`);
  const now = new Date();
  const results: EntryResult[] = [];
  const accepted: BusEvent[] = [];
  for (const entry of entries as RequestEntry[]) {
    const outcome = acceptEntry(entry ?? {}, defaultBus, now);
    if ('error' in outcome) results.push(outcome.error);
    else {
      accepted.push(outcome.event);
      results.push({ EventId: outcome.event.id });
    }
  }
  await accept(accepted);
  reply(res, 200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
}
