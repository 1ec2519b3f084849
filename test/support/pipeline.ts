// A whole pipeline for integration tests: the test store (dynalite or DynamoDB Local, in a table
// of its own) through the real SDK, emitted events published through the real EventBridge
// client to a capturing PutEvents endpoint.

import type { SQSRecord } from 'aws-lambda';
import { createPipeline, type Pipeline } from '#shared/runtime/pipeline.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { makeIngestHandler } from '../../functions/lib/sqs-ingest.ts';
import { startBusCapture } from './bus-capture.ts';
import { startTestStore } from './dynamo.ts';
import { busEventBody, sqsEvent, sqsRecord } from './sqs.ts';

export async function startTestPipeline() {
  const db = await startTestStore();
  const bus = await startBusCapture();
  const pipeline: Pipeline = createPipeline(db.doc, db.tableName, bus.publisher);
  const reads = new LedgerReads(db.doc, db.tableName);
  const handler = makeIngestHandler(pipeline, 'orders');
  const invoke = (records: SQSRecord[]) => handler(sqsEvent(records), {} as never);
  return {
    db,
    bus,
    pipeline,
    reads,
    invoke,
    /** Delivers events, one record each, in one batch; returns the ids of the failed records. */
    async deliver(
      events: (InboundEvent | string)[],
      receiveCount = 1,
    ): Promise<{ failed: number[]; records: SQSRecord[] }> {
      const records = events.map((e) => sqsRecord(typeof e === 'string' ? e : busEventBody(e), receiveCount));
      const response = await invoke(records);
      const failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      return { failed: records.flatMap((r, i) => (failedIds.has(r.messageId) ? [i] : [])), records };
    },
    async stop() {
      await bus.stop();
      await db.stop();
    },
  };
}
