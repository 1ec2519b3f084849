// The file `billing send` reads: events to put on the bus, as newline-delimited JSON (one
// event a line) or as one JSON array (or a single event object). Each event is written either
// as an EventBridge event — {"source", "detail-type", "detail"}, the shape a rule target and
// GET /admin/events show — or as a PutEvents entry — {"Source", "DetailType", "Detail"}.
// `detail` may be an object or a JSON string; other fields (id, time, account …) are ignored.
// Nothing is sent unless the whole file reads: a half-sent file is harder to reason about.
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

export const BUS_NAME = 'device-supply';

export interface FileEvent {
  /** Where it was in the file, for messages: "line 3" or "item 3". */
  origin: string;
  entry: PutEventsRequestEntry & { Source: string; DetailType: string; Detail: string };
  /** The detail's eventId when it has one, to name the event in failure reports. */
  eventId?: string;
}

export class EventFileError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the event file has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'EventFileError';
  }
}

/** Problems listed before giving up, so that a wholly wrong file does not flood the terminal. */
const MAX_PROBLEMS = 20;

type Item = { origin: string; value: unknown };

function items(text: string): { items: Item[]; problems: string[] } {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const array = JSON.parse(trimmed) as unknown[];
      return { items: array.map((value, i) => ({ origin: `item ${i + 1}`, value })), problems: [] };
    } catch (error) {
      return { items: [], problems: [`not a JSON array: ${(error as Error).message}`] };
    }
  }
  if (trimmed.startsWith('{')) {
    // One event, possibly pretty-printed over several lines; otherwise it is NDJSON.
    try {
      return { items: [{ origin: 'item 1', value: JSON.parse(trimmed) }], problems: [] };
    } catch {
      // fall through to NDJSON, which names the line that does not read
    }
  }
  const found: Item[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      found.push({ origin: `line ${index + 1}`, value: JSON.parse(line) });
    } catch (error) {
      problems.push(`line ${index + 1}: not JSON (${(error as Error).message})`);
    }
  });
  return { items: found, problems };
}

const pick = (record: Record<string, unknown>, ...names: string[]): unknown =>
  names.map((name) => record[name]).find((value) => value !== undefined);

function toFileEvent(item: Item): FileEvent | string {
  const { origin, value } = item;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${origin}: expected an event object`;
  const record = value as Record<string, unknown>;
  const source = pick(record, 'source', 'Source');
  const detailType = pick(record, 'detail-type', 'DetailType');
  const detail = pick(record, 'detail', 'Detail');
  const missing = [
    typeof source === 'string' && source !== '' ? undefined : '"source"',
    typeof detailType === 'string' && detailType !== '' ? undefined : '"detail-type"',
    detail === undefined ? '"detail"' : undefined,
  ].filter(Boolean);
  if (missing.length > 0)
    return `${origin}: missing ${missing.join(', ')} (write {"source", "detail-type", "detail"} or {"Source", "DetailType", "Detail"})`;
  // A string detail goes as written, so that the bus (not this tool) judges a malformed one.
  const detailText = typeof detail === 'string' ? detail : JSON.stringify(detail);
  const eventId =
    detail !== null && typeof detail === 'object' ? (detail as Record<string, unknown>).eventId : undefined;
  const event: FileEvent = {
    origin,
    entry: { EventBusName: BUS_NAME, Source: source as string, DetailType: detailType as string, Detail: detailText },
  };
  if (typeof eventId === 'string') event.eventId = eventId;
  return event;
}

/** Reads every event of the file, or throws an EventFileError listing what is wrong. */
export function parseEventFile(text: string): FileEvent[] {
  const read = items(text);
  const problems = [...read.problems];
  const events: FileEvent[] = [];
  for (const item of read.items) {
    const result = toFileEvent(item);
    if (typeof result === 'string') problems.push(result);
    else events.push(result);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more`);
    throw new EventFileError(shown);
  }
  if (events.length === 0) throw new EventFileError(['no events in the file']);
  return events;
}
