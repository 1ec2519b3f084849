import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { FileEvent } from '../../../local/cli/event-file.ts';
import { batchEvents, MAX_CALL_BYTES, PutEventsUnreachableError, sendEvents } from '../../../local/cli/send-events.ts';

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
    const result = await sendEvents(client, events(12), (sent) => progress.push(sent));
    expect(calls.map((c) => c.length)).toEqual([10, 2]);
    expect(progress).toEqual([10, 12]);
    expect(result.sent).toBe(12);
    expect(result.calls).toBe(2);
    expect(result.failures.map((f) => [f.event.origin, f.errorCode, f.errorMessage])).toEqual([
      ['line 2', 'MalformedDetail', 'Detail is malformed.'],
      ['line 12', 'MalformedDetail', 'Detail is malformed.'],
    ]);
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
    await expect(sendEvents(client, events(25))).rejects.toBeInstanceOf(PutEventsUnreachableError);
    expect(calls).toHaveLength(1);
  });
});
