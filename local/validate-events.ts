// `billing validate` and `POST /admin/validate`: a file of events judged by the pipeline's own
// code before anything is sent, every problem with where it is and which field. The checks
// are the ones each event meets on its way, in that order: the file (local/cli/event-file.ts),
// the bus's PutEvents (acceptEntry, which fails an entry with MalformedDetail), the routing
// table (an event no rule matches is ignored), the contract's schemas (parseInboundEvent, the
// parse the ingest runs: a failure is dead-lettered MALFORMED), and an eventId used twice with
// two details (dead-lettered EVENT_ID_REUSED).
import { ruledEvent } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { routesFor } from '#shared/routing.ts';
import {
  INBOUND_SOURCES,
  type InboundDetailType,
  inboundProblems,
  isInboundDetailType,
  parseInboundEvent,
  ROOT_FIELD,
} from '#shared/schemas/inbound.ts';
import { BUS_NAME, type FileEvent, type FileProblem, readEventFile } from './cli/event-file.ts';
import { acceptEntry } from './eventbridge-endpoint.ts';

export interface ValidationReport {
  /** Events read from the file (with problems or not). */
  events: number;
  /** Every problem, in the file's order: what is listed is what is counted. */
  problems: FileProblem[];
}

/** A path in the detail as the contract names it: `detail.devices.0.priceYen`, or `detail` for the detail itself. */
const detailField = (field: string): string => (field === ROOT_FIELD ? 'detail' : `detail.${field}`);

/** Every field of a detail that breaks the contract; the first is the one its dead letter would name. */
const detailProblems = (detailType: InboundDetailType, detail: unknown, parsed: ParsedInbound) =>
  parsed.ok
    ? []
    : inboundProblems(detailType, detail).map((p) => ({ field: detailField(p.field), message: p.message }));

interface Seen {
  origin: string;
  fingerprint: string;
}

function eventProblems(event: FileEvent, now: Date, seen: Map<string, Seen>): FileProblem[] {
  const { entry } = event;
  const at: FileProblem = { origin: event.origin, field: '', message: '' };
  if (event.line) at.line = event.line;
  if (event.item) at.item = event.item;
  at.detailType = entry.DetailType;
  if (event.eventId) at.eventId = event.eventId;
  const problem = (field: string, message: string): FileProblem => ({ ...at, field, message });

  const accepted = acceptEntry(entry, BUS_NAME, now);
  if ('error' in accepted) {
    const { ErrorCode, ErrorMessage } = accepted.error;
    const parameter = /^Parameter (\w+) is not valid\.$/.exec(ErrorMessage)?.[1];
    const field = ErrorCode === 'MalformedDetail' ? 'detail' : parameter ? parameter.toLowerCase() : '(line)';
    return [problem(field, `PutEvents fails it: ${ErrorCode} (${ErrorMessage})`)];
  }
  const detailType = entry.DetailType;
  if (!isInboundDetailType(detailType))
    return [
      problem(
        'detail-type',
        `"${detailType}" is not an inbound detail-type of the contract (docs/events.md): no rule routes it, the pipeline ignores it`,
      ),
    ];
  const problems: FileProblem[] = [];
  if (routesFor({ source: entry.Source, 'detail-type': detailType }).length === 0)
    problems.push(
      problem(
        'source',
        `${detailType} comes from "${INBOUND_SOURCES[detailType]}", not "${entry.Source}": no rule routes it, the pipeline ignores it`,
      ),
    );
  const { detail } = accepted.event;
  const parsed = parseInboundEvent(detailType, detail);
  for (const m of detailProblems(detailType, detail, parsed)) problems.push(problem(m.field, m.message));
  if (!parsed.ok || !event.eventId) return problems;
  // The same eventId twice: with the same detail it is a duplicate (no effect), with another one of them is dead-lettered.
  // Fingerprinted as the ingest does, of the event as kept (birth date and method reduced).
  const fingerprint = fingerprintOf(ruledEvent(parsed.event));
  const first = seen.get(event.eventId);
  if (!first) seen.set(event.eventId, { origin: event.origin, fingerprint });
  else if (first.fingerprint !== fingerprint)
    problems.push(
      problem(
        'detail.eventId',
        `${event.eventId} is also the eventId of ${first.origin}, with another detail: one of the two is dead-lettered EVENT_ID_REUSED`,
      ),
    );
  return problems;
}

type ParsedInbound = ReturnType<typeof parseInboundEvent>;

/** Judges a whole file of events (its text, NDJSON or JSON) and lists every problem found. */
export function validateEventText(text: string, now = new Date()): ValidationReport {
  const read = readEventFile(text);
  const seen = new Map<string, Seen>();
  const problems = [...read.problems];
  for (const event of read.events) problems.push(...eventProblems(event, now, seen));
  const position = (p: FileProblem) => p.line ?? p.item ?? 0;
  problems.sort((a, b) => position(a) - position(b));
  return { events: read.events.length, problems };
}
