import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInboundEvent } from '#shared/schemas/inbound.ts';
import { describeProblem, EventFileError, parseEventFile } from '../../../local/cli/event-file.ts';

const delivered = {
  eventId: 'e-2',
  customerId: 'C1',
  occurredAt: '2026-04-30T19:45:00+09:00',
  orderId: 'O1',
  deviceId: 'D1',
};

function errorOf(text: string): EventFileError {
  try {
    parseEventFile(text);
  } catch (error) {
    if (error instanceof EventFileError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

const problemsOf = (text: string): string[] => errorOf(text).problems.map(describeProblem);

describe('parseEventFile', () => {
  it('reads NDJSON in both shapes, skipping blank lines and naming each event by its line', () => {
    const text = [
      JSON.stringify({ source: 'device-supply.logistics', 'detail-type': 'DeviceDelivered', detail: delivered }),
      '',
      JSON.stringify({
        Source: 'device-supply.orders',
        DetailType: 'OrderVoided',
        Detail: { eventId: 'e-3', customerId: 'C1' },
      }),
    ].join('\n');
    const events = parseEventFile(text);
    expect(events.map((e) => [e.origin, e.entry.Source, e.entry.DetailType, e.eventId])).toEqual([
      ['line 1', 'device-supply.logistics', 'DeviceDelivered', 'e-2'],
      ['line 3', 'device-supply.orders', 'OrderVoided', 'e-3'],
    ]);
    expect(events.every((e) => e.entry.EventBusName === 'device-supply')).toBe(true);
    expect(JSON.parse(events[0]!.entry.Detail)).toEqual(delivered);
  });

  it('reads a JSON array, and a single event written over several lines', () => {
    const array = JSON.stringify(
      [
        { source: 's', 'detail-type': 'T', detail: {} },
        { source: 's', 'detail-type': 'U', detail: {} },
      ],
      null,
      2,
    );
    expect(parseEventFile(array).map((e) => [e.origin, e.entry.DetailType])).toEqual([
      ['item 1', 'T'],
      ['item 2', 'U'],
    ]);
    const single = JSON.stringify({ source: 's', 'detail-type': 'T', detail: { a: 1 } }, null, 2);
    expect(parseEventFile(single).map((e) => [e.origin, e.entry.Detail])).toEqual([['item 1', '{"a":1}']]);
    // One event on one line is a one-line NDJSON file.
    const line = JSON.stringify({ source: 's', 'detail-type': 'T', detail: { a: 1 } });
    expect(parseEventFile(`${line}\n`).map((e) => [e.origin, e.line])).toEqual([['line 1', 1]]);
  });

  it('sends a string detail exactly as written, so the bus judges a malformed one', () => {
    const [event] = parseEventFile(JSON.stringify({ Source: 's', DetailType: 'T', Detail: 'not json' }));
    expect(event!.entry.Detail).toBe('not json');
    expect(event!.eventId).toBeUndefined();
  });

  it('ignores the other fields of an emitted event, so GET /admin/events output can be sent again', () => {
    const busEvent = {
      version: '0',
      id: 'x',
      'detail-type': 'T',
      source: 's',
      account: '0',
      time: '2026-01-01T00:00:00Z',
      region: 'local',
      resources: [],
      detail: { eventId: 'e' },
    };
    expect(parseEventFile(JSON.stringify(busEvent))[0]!.entry).toEqual({
      EventBusName: 'device-supply',
      Source: 's',
      DetailType: 'T',
      Detail: '{"eventId":"e"}',
    });
  });

  it('lists every problem with its line and field, and sends nothing', () => {
    const text = [
      '{"source":"s","detail-type":"T","detail":{}}',
      'not json',
      '{"source":"s"}',
      '[1]',
      '{"source":"","detail-type":"T","detail":null}',
    ].join('\n');
    const shapes = '(write {"source", "detail-type", "detail"} or {"Source", "DetailType", "Detail"})';
    const { problems } = errorOf(text);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, '(line)'],
      [3, 'detail-type'],
      [3, 'detail'],
      [4, '(line)'],
      [5, 'source'],
    ]);
    const lines = problems.map(describeProblem);
    expect(lines[0]).toMatch(/^line 2: not JSON/);
    expect(lines.slice(1, 3)).toEqual([`line 3: detail-type: missing ${shapes}`, `line 3: detail: missing ${shapes}`]);
    expect(lines[3]).toBe(`line 4: expected an event object ${shapes}`);
    expect(lines[4]).toBe('line 5: source: must be a non-empty string (T)');
  });

  it('refuses an empty file and a broken array', () => {
    expect(problemsOf('\n\n')).toEqual(['no events in the file']);
    expect(problemsOf('[{"source": ')[0]).toMatch(/^not a JSON array/);
  });

  it('counts every problem of a long list, showing the first 20 (49 bad lines are 49 problems, not 21)', () => {
    // The count once took the lines shown, "… and 29 more" included: 49 bad lines said "21 problems".
    const error = errorOf(Array.from({ length: 49 }, () => 'nope').join('\n'));
    expect(error.problems).toHaveLength(49);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('the event file has 49 problems; the first 20:');
    expect(lines.filter((line) => /^ {2}line \d+: not JSON/.test(line))).toHaveLength(20);
    expect(lines.at(-1)).toBe('  … and 29 more (billing validate <file> lists every one)');
    expect(errorOf('nope').message).toBe(
      'the event file has 1 problem:\n  line 1: not JSON (Unexpected token \'o\', "nope" is not valid JSON)',
    );
  });

  it('reads the example year, every detail valid under the contract', () => {
    const events = parseEventFile(
      readFileSync(new URL('../../../examples/fiscal-year-2026.ndjson', import.meta.url), 'utf8'),
    );
    expect(events).toHaveLength(24);
    for (const event of events) {
      const parsed = parseInboundEvent(event.entry.DetailType, JSON.parse(event.entry.Detail));
      expect(parsed.ok, `${event.origin}: ${JSON.stringify(parsed)}`).toBe(true);
      expect(JSON.parse(event.entry.Detail).occurredAt).toMatch(/\+09:00$/);
    }
    expect(new Set(events.map((e) => e.eventId)).size).toBe(24);
  });
});
