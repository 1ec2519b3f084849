// The coalescers against the test store (dynalite or DynamoDB Local): callers that ask in the
// same turn of the event loop must each get exactly what they would have got alone, across the
// BatchGetItem (100 keys) and BatchWriteItem (25 items, no duplicate keys) limits, and one
// caller's bad item must fail that caller only. Every assertion reads back through the SDK,
// not through the coalescers.

import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetCoalescer, WriteCoalescer } from '#shared/store/coalesce.ts';
import { startTestStore } from '#test/support/dynamo.ts';

type Item = Record<string, unknown>;

let t: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  t = await startTestStore();
});
afterAll(async () => t.stop());

// Seeds with plain BatchWriteItem so the read tests do not depend on the write coalescer.
async function seed(items: Item[]) {
  for (let i = 0; i < items.length; i += 25) {
    await t.doc.send(
      new BatchWriteCommand({
        RequestItems: { [t.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

async function itemsUnder(pk: string): Promise<Item[]> {
  const { Items } = await t.doc.send(
    new QueryCommand({
      TableName: t.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

// The names of the commands sent while `run` was in flight: proves the calls were merged.
async function commandsDuring<T>(run: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const send = vi.spyOn(t.doc, 'send');
  try {
    const result = await run();
    return { result, commands: send.mock.calls.map((call) => (call[0] as object).constructor.name) };
  } finally {
    send.mockRestore();
  }
}

describe('GetCoalescer', () => {
  it('gives each of 150 callers in one turn its own item, and undefined for a missing key', async () => {
    // 15 KB each, so the first 100 keys exceed what dynalite returns in one response (about
    // 1.4 MB): the UnprocessedKeys retry is exercised as well as the split at 100 keys.
    const blob = 'b'.repeat(15 * 1024);
    const seeded = Array.from({ length: 150 }, (_, i) => ({
      pk: 'GET#many',
      sk: `K#${String(i).padStart(3, '0')}`,
      n: i,
      blob,
    }));
    await seed(seeded);
    const gets = new GetCoalescer(t.doc, t.tableName);
    const keys = [...seeded.map(({ pk, sk }) => ({ pk, sk })), { pk: 'GET#many', sk: 'K#missing' }];

    const { result, commands } = await commandsDuring(() => Promise.all(keys.map((key) => gets.get(key))));

    expect(result.slice(0, 150)).toEqual(seeded);
    expect(result[150]).toBeUndefined();
    // Merged: no per-key GetItem, and at least the two calls the 100-key limit requires.
    expect(commands.every((name) => name === 'BatchGetCommand')).toBe(true);
    expect(commands.length).toBeGreaterThanOrEqual(2);
  });

  it('gives every caller of the same key the item, alone (GetItem) or among others (BatchGetItem)', async () => {
    const a = { pk: 'GET#same', sk: 'A', v: 'a' };
    const b = { pk: 'GET#same', sk: 'B', v: 'b' };
    await seed([a, b]);
    const gets = new GetCoalescer(t.doc, t.tableName);

    const alone = await Promise.all([gets.get({ pk: a.pk, sk: a.sk }), gets.get({ pk: a.pk, sk: a.sk })]);
    expect(alone).toEqual([a, a]);

    const mixed = await Promise.all([
      gets.get({ pk: a.pk, sk: a.sk }),
      gets.get({ pk: b.pk, sk: b.sk }),
      gets.get({ pk: a.pk, sk: a.sk }),
    ]);
    expect(mixed).toEqual([a, b, a]);
  });
});

describe('WriteCoalescer', () => {
  it("writes every caller's items in one turn, past 25 items and with a key repeated across callers", async () => {
    const writes = new WriteCoalescer(t.doc, t.tableName);
    // Four callers of 12 items; each also puts the same deterministic item (same key, same
    // content, as the module requires), which must not make BatchWriteItem refuse a call.
    const shared = { pk: 'PUT#many', sk: 'shared', v: 'same' };
    const perCaller = Array.from({ length: 4 }, (_, c) => [
      ...Array.from({ length: 12 }, (_, i) => ({ pk: 'PUT#many', sk: `C${c}#${String(i).padStart(2, '0')}`, c, i })),
      shared,
    ]);

    const { commands } = await commandsDuring(() => Promise.all(perCaller.map((items) => writes.put(items))));

    const expected = [...perCaller.flat().filter((item) => item !== shared), shared];
    const stored = await itemsUnder('PUT#many');
    expect(stored).toHaveLength(4 * 12 + 1);
    expect(stored).toEqual(expect.arrayContaining(expected));
    // Merged: 52 items need at least 3 calls and at most 4 (the shared key once per call).
    expect(commands.every((name) => name === 'BatchWriteCommand')).toBe(true);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    expect(commands.length).toBeLessThanOrEqual(4);
  });

  it("rejects only the callers with a bad item; the other callers' items are written", async () => {
    const writes = new WriteCoalescer(t.doc, t.tableName);
    const good = Array.from({ length: 3 }, (_, c) =>
      Array.from({ length: 10 }, (_, i) => ({ pk: 'PUT#bad', sk: `G${c}#${i}`, c, i })),
    );
    // Over DynamoDB's 400 KB item limit, and an item without its sort key: both refused with
    // a ValidationException that fails whichever shared call carries them.
    const oversized = [{ pk: 'PUT#bad', sk: 'big', blob: 'x'.repeat(401 * 1024) }];
    const keyless = [{ pk: 'PUT#bad', v: 'no sk' }];

    const results = await Promise.allSettled([
      writes.put(good[0]!),
      writes.put(oversized),
      writes.put(good[1]!),
      writes.put(keyless),
      writes.put(good[2]!),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    // By the error's name: the message is each store's own wording (dynalite says "key element
    // does not match the schema" for the keyless item, DynamoDB Local "One of the required keys
    // was not given a value").
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'ValidationException' });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ name: 'ValidationException' });
    const stored = await itemsUnder('PUT#bad');
    expect(stored).toHaveLength(30);
    expect(stored).toEqual(expect.arrayContaining(good.flat()));
  });
});
