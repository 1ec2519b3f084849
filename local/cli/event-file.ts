// The file `billing send` and `billing validate` read: events to put on the bus, as
// newline-delimited JSON (one event a line) or as one JSON array (or a single event object).
// Each event is written either as an EventBridge event — {"source", "detail-type", "detail"},
// the shape a rule target and GET /admin/events show — or as a PutEvents entry — {"Source",
// "DetailType", "Detail"}. `detail` may be an object or a JSON string; other fields (id, time,
// account …) are ignored. Nothing is sent unless the whole file reads: a half-sent file is
// harder to reason about.
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

export const BUS_NAME = 'device-supply';

export interface FileEvent {
  /** Where it was in the file, for messages: "line 3" or "item 3". */
  origin: string;
  /** The line of an NDJSON file, or the item of a JSON array, from 1. */
  line?: number;
  item?: number;
  entry: PutEventsRequestEntry & { Source: string; DetailType: string; Detail: string };
  /** The detail's eventId when it has one, to name the event in failure reports. */
  eventId?: string;
}

/** The origin of a problem of the file as a whole (no event in it). */
export const FILE_ORIGIN = 'file';

/** One thing wrong with a file of events: where, which field, and what. */
export interface FileProblem {
  /** "line 3" (NDJSON), "item 3" (a JSON array, or the one event of the file), or "file". */
  origin: string;
  /** The line of an NDJSON file, from 1. */
  line?: number;
  /** The item of a JSON array, from 1. */
  item?: number;
  /**
   * The field at fault: `source`, `detail-type`, `detail` or a path in it (`detail.devices.0.priceYen`);
   * `(line)` or `(file)` when what is wrong is not a field (not JSON, not an object, no events).
   */
  field: string;
  message: string;
  /** The event's ids when they can be read, to find it in the file and in dead letters. */
  eventId?: string;
  detailType?: string;
}

/** A problem as one line: "line 3: detail.devices.0.priceYen: expected … (OrderPlaced evt-1)". */
export function describeProblem(problem: FileProblem): string {
  const where = [
    problem.origin === FILE_ORIGIN ? undefined : problem.origin,
    problem.field.startsWith('(') ? undefined : problem.field,
  ]
    .filter(Boolean)
    .join(': ');
  const subject = [problem.detailType, problem.eventId].filter(Boolean).join(' ');
  return `${where ? `${where}: ` : ''}${problem.message}${subject ? ` (${subject})` : ''}`;
}

export const problemCount = (count: number): string => `${count} problem${count === 1 ? '' : 's'}`;

/** Problems `send` lists before giving up, so that a wholly wrong file does not flood the terminal. */
export const MAX_PROBLEMS_SHOWN = 20;

export class EventFileError extends Error {
  /** Every problem of the file; the message shows the first `MAX_PROBLEMS_SHOWN`. */
  constructor(readonly problems: readonly FileProblem[]) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  ${describeProblem(p)}`);
    const more = problems.length - shown.length;
    // The count is of the problems, never of the lines printed: "… and 29 more" is not a 21st problem.
    const head =
      more > 0
        ? `the event file has ${problemCount(problems.length)}; the first ${shown.length}:`
        : `the event file has ${problemCount(problems.length)}:`;
    const tail = more > 0 ? [`  … and ${more} more (billing validate <file> lists every one)`] : [];
    super([head, ...shown, ...tail].join('\n'));
    this.name = 'EventFileError';
  }
}

type Item = { origin: string; line?: number; item?: number; value: unknown };

function items(text: string): { items: Item[]; problems: FileProblem[] } {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const array = JSON.parse(trimmed) as unknown[];
      return { items: array.map((value, i) => ({ origin: `item ${i + 1}`, item: i + 1, value })), problems: [] };
    } catch (error) {
      return {
        items: [],
        problems: [{ origin: FILE_ORIGIN, field: '(file)', message: `not a JSON array: ${(error as Error).message}` }],
      };
    }
  }
  if (trimmed.startsWith('{') && /\n/.test(trimmed)) {
    // One event pretty-printed over several lines; otherwise it is NDJSON (a line of one event is "line 1").
    try {
      return { items: [{ origin: 'item 1', item: 1, value: JSON.parse(trimmed) }], problems: [] };
    } catch {
      // fall through to NDJSON, which names the line that does not read
    }
  }
  const found: Item[] = [];
  const problems: FileProblem[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    if (content.trim() === '') return;
    const line = index + 1;
    try {
      found.push({ origin: `line ${line}`, line, value: JSON.parse(content) });
    } catch (error) {
      problems.push({
        origin: `line ${line}`,
        line,
        field: '(line)',
        message: `not JSON (${(error as Error).message})`,
      });
    }
  });
  return { items: found, problems };
}

const pick = (record: Record<string, unknown>, ...names: string[]): unknown =>
  names.map((name) => record[name]).find((value) => value !== undefined);

const SHAPES = 'write {"source", "detail-type", "detail"} or {"Source", "DetailType", "Detail"}';

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function toFileEvent(item: Item): FileEvent | FileProblem[] {
  const { origin, value } = item;
  const at = { origin, ...(item.line ? { line: item.line } : {}), ...(item.item ? { item: item.item } : {}) };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [{ ...at, field: '(line)', message: `expected an event object (${SHAPES})` }];
  const record = value as Record<string, unknown>;
  const source = pick(record, 'source', 'Source');
  const detailType = pick(record, 'detail-type', 'DetailType');
  const detail = pick(record, 'detail', 'Detail');
  const eventId =
    detail !== null && typeof detail === 'object' ? nonEmpty((detail as Record<string, unknown>).eventId) : undefined;
  const ids = {
    ...(nonEmpty(detailType) ? { detailType: detailType as string } : {}),
    ...(eventId ? { eventId } : {}),
  };
  const problems: FileProblem[] = [];
  const missing = (field: string, given: unknown) =>
    problems.push({
      ...at,
      field,
      message: given === undefined ? `missing (${SHAPES})` : 'must be a non-empty string',
      ...ids,
    });
  if (!nonEmpty(source)) missing('source', source);
  if (!nonEmpty(detailType)) missing('detail-type', detailType);
  if (detail === undefined) missing('detail', detail);
  if (problems.length > 0) return problems;
  // A string detail goes as written, so that the bus (not this tool) judges a malformed one.
  const detailText = typeof detail === 'string' ? detail : JSON.stringify(detail);
  const event: FileEvent = {
    ...at,
    entry: { EventBusName: BUS_NAME, Source: source as string, DetailType: detailType as string, Detail: detailText },
  };
  if (eventId) event.eventId = eventId;
  return event;
}

/** Every event of the file that reads as one, and every problem of the rest; never throws. */
export function readEventFile(text: string): { events: FileEvent[]; problems: FileProblem[] } {
  const read = items(text);
  const problems = [...read.problems];
  const events: FileEvent[] = [];
  for (const item of read.items) {
    const result = toFileEvent(item);
    if (Array.isArray(result)) problems.push(...result);
    else events.push(result);
  }
  if (events.length === 0 && problems.length === 0)
    problems.push({ origin: FILE_ORIGIN, field: '(file)', message: 'no events in the file' });
  // In the file's order: a line's problems where the line is, whatever found them.
  const position = (p: FileProblem) => p.line ?? p.item ?? 0;
  problems.sort((a, b) => position(a) - position(b));
  return { events, problems };
}

/** Reads every event of the file, or throws an EventFileError listing what is wrong. */
export function parseEventFile(text: string): FileEvent[] {
  const { events, problems } = readEventFile(text);
  if (problems.length > 0) throw new EventFileError(problems);
  return events;
}
