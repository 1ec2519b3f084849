// One handler, several batches at once: the local stack runs four batches of a queue through
// the same handler, as Lambda runs several containers. Each invocation must report its own
// failures; a batch starting must never clear another's, which would delete a record that
// was never applied.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerPk, STATE_SK } from '#shared/store/keys.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody, sqsRecord } from '#test/support/sqs.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

describe('overlapping invocations of one ingest handler', () => {
  it('each reports exactly its own failing records as failed', async () => {
    // A record fails (to be retried) when its step throws: here, its customer's aggregate
    // cannot be read (not JSON), as a real table item that another writer damaged.
    const failingIds = Array.from({ length: 8 }, (_, i) => [0, 1, 2].map((k) => `W-${i}-${k}`));
    for (const id of failingIds.flat()) {
      await t.db.doc.send(
        new PutCommand({
          TableName: t.db.tableName,
          Item: { pk: customerPk(id), sk: STATE_SK, customerId: id, version: 1, state: 'not JSON' },
        }),
      );
    }
    const waiting = failingIds.map((ids) =>
      ids.map((customerId) =>
        sqsRecord(
          busEventBody(
            event('DeviceDelivered', {
              customerId,
              occurredAt: jst('2026-11-05'),
              orderId: `NONE-${customerId}`,
              deviceId: 'D1',
            }),
          ),
        ),
      ),
    );
    const applied = Array.from({ length: 8 }, (_, i) =>
      [0, 1, 2].map((k) =>
        sqsRecord(
          busEventBody(
            orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1' }], { customerId: `A-${i}-${k}`, orderId: `O-${i}-${k}` }),
          ),
        ),
      ),
    );
    const batches = waiting.flatMap((w, i) => [w, applied[i]!]);
    const responses = await Promise.all(batches.map((records) => t.invoke(records)));
    responses.forEach((response, i) => {
      const expected = i % 2 === 0 ? batches[i]!.map((r) => r.messageId).sort() : [];
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort(), `batch ${i}`).toEqual(expected);
    });
  });
});
