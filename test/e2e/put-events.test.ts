// PutEvents on the local stack answers what a client can send as AWS does: a call whose body
// is not a PutEvents request is a 400 the SDK throws, a bad entry is that entry's own error
// while its good siblings are accepted, and nothing a client sends is answered 500.
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jst, orderPlaced } from '#test/support/scenario.ts';
import { entryOf, startStack, type TestStack } from '#test/support/local-stack.ts';

/** A Detail whose outermost object is level 1 and whose innermost is level `levels`. */
const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
const unrouted = (detail: string): PutEventsRequestEntry => ({ EventBusName: 'device-supply', Source: 'device-supply.tests', DetailType: 'DeepThing', Detail: detail });

describe('PutEvents: bad bodies and bad entries', () => {
  let stack: TestStack;
  const raw = async (body: string) => {
    const response = await fetch(`${stack.url}/`, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' }, body });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) };
  };
  beforeAll(async () => {
    stack = await startStack({ now: jst('2026-12-01', '01:00') });
  });
  afterAll(() => stack?.stop());

  it('through the SDK: a detail nested 1,100 deep is accepted, 1,101 and a time out of range fail alone', async () => {
    const before = await stack.drain();
    const good = entryOf(orderPlaced(jst('2026-11-20'), [{ deviceId: 'D1' }], { customerId: 'C-SIBLING' }));
    const result = await stack.putRaw([
      good,
      unrouted(nested(1_100)),
      unrouted(nested(1_101)),
      unrouted(nested(5_000)),
      { ...good, Time: new Date(8.64e15) }, // the last date JavaScript has: year 275760
      { ...good, Source: 5 as never },
      { ...good, Resources: [1] as never },
    ]);
    expect(result.FailedEntryCount).toBe(5);
    expect(result.Entries![0]!.EventId).toBeTruthy();
    expect(result.Entries![1]!.EventId).toBeTruthy();
    expect(result.Entries!.slice(2)).toEqual([
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is nested deeper than 1100 levels.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is nested deeper than 1100 levels.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Resources is not valid.' },
    ]);
    // The good order was applied, the deep one went through the bus to no rule.
    const after = await stack.drain();
    expect([after.accepted - before.accepted, after.applied - before.applied, after.unrouted - before.unrouted]).toEqual([2, 1, 1]);
  });

  it('through the SDK: a body that is not a PutEvents request is an error the client throws, not a crash', async () => {
    const { client } = stack;
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string; headers: Record<string, string> };
        request.body = 'null';
        request.headers['content-length'] = '4';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'high', name: 'replaceBodyForTest' },
    );
    try {
      await expect(client.send(new PutEventsCommand({ Entries: [unrouted('{}')] }))).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    } finally {
      client.middlewareStack.remove('replaceBodyForTest');
    }
    expect((await stack.putRaw([unrouted('{}')])).FailedEntryCount).toBe(0);
  });

  it('raw: a body that is not a JSON object with an Entries array is a 400 with an AWS error', async () => {
    for (const body of ['null', '[]', '"Entries"', '42', '{}', '{"Entries":null}', '{"Entries":{}}', '{"Entries":"x"}', '{"Entries":[]}', '{"__proto__":{"Entries":[{}]}}']) {
      const answer = await raw(body);
      expect([body, answer.status, answer.json.__type]).toEqual([body, 400, 'ValidationException']);
      expect(answer.json.message).toEqual(expect.any(String));
    }
    expect([(await raw('{"Entries":[')).status, (await raw('')).json.__type]).toEqual([400, 'SerializationException']);
  });

  it('raw: each bad entry fails alone, whatever its shape, and the good one of the call is accepted', async () => {
    const good = entryOf(orderPlaced(jst('2026-11-20'), [{ deviceId: 'D2' }], { customerId: 'C-RAW' }));
    const answer = await raw(
      JSON.stringify({
        Entries: [null, 5, [good], { ...good, Time: 1e13 }, { ...good, Time: '2026-11-20' }, unrouted(nested(5_000)), { ...good, Detail: 5 }, { ...good, EventBusName: 5 }, { ...good, TraceHeader: {} }, { ...good, Time: 1_795_000_000 }],
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.json.FailedEntryCount).toBe(9);
    expect(answer.json.Entries.map((e: any) => e.ErrorCode ?? 'accepted')).toEqual([
      'InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'MalformedDetail', 'InvalidArgument', 'InvalidArgument', 'accepted',
    ]);
    expect(answer.json.Entries.every((e: any) => typeof (e.EventId ?? e.ErrorMessage) === 'string')).toBe(true);
  });
});
