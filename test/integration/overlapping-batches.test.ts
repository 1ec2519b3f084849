// One handler, several batches at once: the local stack runs four batches of a queue through
// the same handler, as Lambda runs several containers. Each invocation must report its own
// failures; a batch starting must never clear another's, which would delete a record that
// was never applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { busEventBody, sqsRecord } from '#test/support/sqs.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

describe('overlapping invocations of one ingest handler', () => {
  it('each reports exactly its own waiting records as failed', async () => {
    const waiting = Array.from({ length: 8 }, (_, i) =>
      [0, 1, 2].map((k) => sqsRecord(busEventBody(event('DeviceDelivered', { customerId: `W-${i}-${k}`, occurredAt: jst('2026-11-05'), orderId: `NONE-${i}-${k}`, deviceId: 'D1' })))),
    );
    const applied = Array.from({ length: 8 }, (_, i) =>
      [0, 1, 2].map((k) => sqsRecord(busEventBody(orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1' }], { customerId: `A-${i}-${k}`, orderId: `O-${i}-${k}` })))),
    );
    const batches = waiting.flatMap((w, i) => [w, applied[i]!]);
    const responses = await Promise.all(batches.map((records) => t.invoke(records)));
    responses.forEach((response, i) => {
      const expected = i % 2 === 0 ? batches[i]!.map((r) => r.messageId).sort() : [];
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort(), `batch ${i}`).toEqual(expected);
    });
  });
});
