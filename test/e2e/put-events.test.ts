// PutEvents on the local stack answers what a client can send as AWS does: a call whose body
// is not a PutEvents request is a 400 the SDK throws, a bad entry is that entry's own error
// while its good siblings are accepted, and nothing a client sends is answered 500.
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryOf, startStack, type TestStack } from '#test/support/local-stack.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';

/** A Detail whose outermost object is level 1 and whose innermost is level `levels`. */
const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
const unrouted = (detail: string): PutEventsRequestEntry => ({
  EventBusName: 'device-supply',
  Source: 'device-supply.tests',
  DetailType: 'DeepThing',
  Detail: detail,
});

describe('PutEvents: bad bodies and bad entries', () => {
  let stack: TestStack;
  const raw = async (body: string) => {
    const response = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body,
    });
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
      unrouted(JSON.stringify({ text: `${'[{'.repeat(2_000)}"\\` })), // brackets in a string nest nothing
    ]);
    expect(result.FailedEntryCount).toBe(5);
    expect(result.Entries![7]!.EventId).toBeTruthy();
    expect(result.Entries![0]!.EventId).toBeTruthy();
    expect(result.Entries![1]!.EventId).toBeTruthy();
    expect(result.Entries!.slice(2, 7)).toEqual([
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is nested deeper than 1100 levels.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is nested deeper than 1100 levels.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Resources is not valid.' },
    ]);
    // The good order was applied, the deep one and the one of brackets went through the bus to no rule.
    const after = await stack.drain();
    expect([after.accepted - before.accepted, after.applied - before.applied, after.ignored - before.ignored]).toEqual([
      3, 1, 2,
    ]);
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
      await expect(client.send(new PutEventsCommand({ Entries: [unrouted('{}')] }))).rejects.toMatchObject({
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      client.middlewareStack.remove('replaceBodyForTest');
    }
    expect((await stack.putRaw([unrouted('{}')])).FailedEntryCount).toBe(0);
  });

  it('raw: a body that is not a JSON object with an Entries array is a 400 with an AWS error', async () => {
    for (const body of [
      'null',
      '[]',
      '"Entries"',
      '42',
      '{}',
      '{"Entries":null}',
      '{"Entries":{}}',
      '{"Entries":"x"}',
      '{"Entries":[]}',
      '{"__proto__":{"Entries":[{}]}}',
    ]) {
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
        Entries: [
          null,
          5,
          [good],
          { ...good, Time: 1e13 },
          { ...good, Time: '2026-11-20' },
          unrouted(nested(5_000)),
          { ...good, Detail: 5 },
          { ...good, EventBusName: 5 },
          { ...good, TraceHeader: {} },
          { ...good, Time: 1_795_000_000 },
        ],
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.json.FailedEntryCount).toBe(9);
    expect(answer.json.Entries.map((e: any) => e.ErrorCode ?? 'accepted')).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
      'accepted',
    ]);
    expect(answer.json.Entries.every((e: any) => typeof (e.EventId ?? e.ErrorMessage) === 'string')).toBe(true);
  });
});

describe('PutEvents: bus semantics (contract §4)', () => {
  let stack: TestStack;
  const log: string[] = [];
  beforeAll(async () => {
    stack = await startStack({ now: jst('2026-12-01', '01:00'), log: (line) => log.push(line) });
  });
  afterAll(() => stack?.stop());
  const drain = async () => (await stack.post('/admin/drain')).json as Record<string, number>;
  const order = (customerId: string) => entryOf(orderPlaced(jst('2026-11-20'), [{ deviceId: 'D1' }], { customerId }));

  it('accepts an entry for another bus or for none, routes neither, and counts and warns about both', async () => {
    const before = await drain();
    const { EventBusName: _, ...noBus } = order('C-NO-BUS');
    const result = await stack.putRaw([
      { ...order('C-OTHER-BUS'), EventBusName: 'billing-elsewhere' },
      noBus,
      { ...order('C-DEFAULT'), EventBusName: 'default' },
      { ...order('C-ARN'), EventBusName: 'arn:aws:events:ap-northeast-1:000000000000:event-bus/device-supply' },
    ]);
    // As in AWS: every entry gets an EventId, wherever it went.
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries!.every((e) => e.EventId)).toBe(true);
    const after = await drain();
    const delta = (name: string) => after[name]! - before[name]!;
    expect({
      accepted: delta('accepted'),
      applied: delta('applied'),
      defaultBus: delta('defaultBus'),
      otherBus: delta('otherBus'),
      ignored: delta('ignored'),
    }).toEqual({
      accepted: 4,
      applied: 1, // only the one named device-supply (by its ARN)
      defaultBus: 2,
      otherBus: 1,
      ignored: 0,
    });
    expect(log.filter((line) => line.startsWith('warning:') && line.includes('"billing-elsewhere"'))).toHaveLength(1);
    expect(
      log.filter(
        (line) => line.startsWith('warning:') && line.includes('named no EventBusName, so it went to the default bus'),
      ),
    ).toHaveLength(1);
    for (const customer of ['C-OTHER-BUS', 'C-NO-BUS', 'C-DEFAULT'])
      expect((await stack.get(`/customers/${customer}/statements`)).json.months).toEqual([]);
  });

  it('warns once for the first event to a bus and again every 1,000th, while counting every one', async () => {
    const before = await drain();
    const warnings = () => log.filter((line) => line.includes('"flood-bus"')).length;
    const entry: PutEventsRequestEntry = {
      EventBusName: 'flood-bus',
      Source: 'device-supply.orders',
      DetailType: 'OrderPlaced',
      Detail: '{}',
    };
    for (let i = 0; i < 100; i++) await stack.putRaw(Array.from({ length: 10 }, () => entry));
    expect(warnings()).toBe(2); // the 1st and the 1,000th
    expect((await drain()).otherBus! - before.otherBus!).toBe(1_000);
  });
});
