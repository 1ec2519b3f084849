import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { FileEvent } from '../../../local/cli/event-file.ts';
import {
  batchEvents,
  MAX_CALL_BYTES,
  PutEventsFailedError,
  PutEventsUnreachableError,
  sendEvents,
} from '../../../local/cli/send-events.ts';

const eventOf = (n: number, detailBytes = 10): FileEvent => ({
  origin: `line ${n}`,
  eventId: `e-${n}`,
  entry: {
    EventBusName: 'device-supply',
    Source: 'device-supply.orders',
    DetailType: 'OrderPlaced',
    Detail: JSON.stringify({ n, pad: 'x'.repeat(detailBytes) }),
  },
});
const events = (count: number, detailBytes?: number) =>
  Array.from({ length: count }, (_, i) => eventOf(i + 1, detailBytes));

/** A client that answers each call with `answer(entries)`, recording the calls. */
function stubClient(answer: (entries: unknown[]) => Promise<unknown>) {
  const calls: unknown[][] = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      return answer(entries);
    },
  } as unknown as EventBridgeClient;
  return { client, calls };
}

describe('batchEvents', () => {
  it('puts at most 10 entries in a call, in order', () => {
    const batches = batchEvents(events(25));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((e) => e.origin)).toEqual(events(25).map((e) => e.origin));
  });

  it('keeps each call under 256 KB, and sends an entry too big for any call alone', () => {
    const batches = batchEvents(events(10, 60_000));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    for (const batch of batches)
      expect(batch.reduce((sum, e) => sum + JSON.stringify(e.entry).length, 0)).toBeLessThan(MAX_CALL_BYTES);
    expect(batchEvents([eventOf(1), eventOf(2, 300_000), eventOf(3)]).map((b) => b.map((e) => e.origin))).toEqual([
      ['line 1'],
      ['line 2'],
      ['line 3'],
    ]);
  });
});

describe('sendEvents', () => {
  it("reports each refused entry with the bus's ErrorCode, and counts calls and progress", async () => {
    const { client, calls } = stubClient(async (entries) => ({
      FailedEntryCount: 1,
      Entries: entries.map((_, i) =>
        i === 1 ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } : { EventId: `id-${i}` },
      ),
    }));
    const progress: number[] = [];
    const result = await sendEvents(client, events(12), { onProgress: (sent) => progress.push(sent), concurrency: 1 });
    expect(calls.map((c) => c.length)).toEqual([10, 2]);
    expect(progress).toEqual([10, 12]);
    expect(result.sent).toBe(12);
    expect(result.calls).toBe(2);
    expect(result.failures.map((f) => [f.event.origin, f.errorCode, f.errorMessage])).toEqual([
      ['line 2', 'MalformedDetail', 'Detail is malformed.'],
      ['line 12', 'MalformedDetail', 'Detail is malformed.'],
    ]);
    // Each accepted entry keeps the EventId the bus gave it: the `id` its dead letter would hold.
    expect(result.accepted.map((a) => [a.event.origin, a.busEventId]).slice(0, 3)).toEqual([
      ['line 1', 'id-0'],
      ['line 3', 'id-2'],
      ['line 4', 'id-3'],
    ]);
  });

  it('keeps several calls in flight, and reports in the order of the file whatever order they answer in', async () => {
    let inFlight = 0;
    let most = 0;
    let call = 0;
    const { client, calls } = stubClient(async (entries) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Later calls answer first.
      await new Promise((resolve) => setTimeout(resolve, 40 - 2 * call++));
      inFlight--;
      return { FailedEntryCount: 1, Entries: entries.map(() => ({ ErrorCode: 'X', ErrorMessage: '' })) };
    });
    const result = await sendEvents(client, events(200), { concurrency: 8 });
    expect(calls).toHaveLength(20);
    expect(most).toBe(8);
    expect(result.failures.map((f) => f.event.origin)).toEqual(events(200).map((e) => e.origin));
  });

  it('fails every entry of a call the bus refused whole, and goes on with the next call', async () => {
    let call = 0;
    const { client } = stubClient(async (entries) => {
      if (call++ === 0)
        throw Object.assign(new Error('Total size of the entries in the request is over the limit'), {
          name: 'ValidationException',
        });
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `id-${i}` })) };
    });
    const result = await sendEvents(client, events(11));
    expect(result.failures.map((f) => f.errorCode)).toEqual(Array(10).fill('ValidationException'));
    expect(result.sent).toBe(11);
  });

  it('stops at once when nothing listens at the address', async () => {
    const { client, calls } = stubClient(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' });
    });
    await expect(sendEvents(client, events(25), { concurrency: 1 })).rejects.toBeInstanceOf(PutEventsUnreachableError);
    expect(calls).toHaveLength(1);
  });

  it('stops, rather than fail every entry, when something other than the bus answers', async () => {
    // What the SDK throws for an HTML page: once per call, so once per 10 events without the stop.
    const html = stubClient(async () => {
      throw Object.assign(new SyntaxError('Unexpected token \'<\', "<h1>nope</h1>" is not valid JSON'), {
        $metadata: { httpStatusCode: 404 },
      });
    });
    const error = await sendEvents(html.client, events(5_000), { concurrency: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PutEventsFailedError);
    expect((error as PutEventsFailedError).reason).toMatch(
      /^PutEvents answered HTTP 404: SyntaxError: Unexpected token/,
    );
    expect(html.calls.length).toBeLessThanOrEqual(4);
    // A JSON answer without a result for each entry is no PutEvents answer either.
    const empty = stubClient(async () => ({ ok: true }));
    await expect(sendEvents(empty.client, events(5_000), { concurrency: 4 })).rejects.toBeInstanceOf(
      PutEventsFailedError,
    );
    expect(empty.calls.length).toBeLessThanOrEqual(4);
  });
});
