// Sends the hostile messages through the real handler of their queue, in batches of 10, and
// checks each one's fate: dead-lettered with a reason naming the broken field, no record of a
// batch failed (a thrown record would be retried forever), and nothing in the table changed
// but the dead letters: no aggregate, entry, statement, registry or close item.
import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import pLimit from 'p-limit';
import type { LedgerEntry } from '#shared/domain/index.ts';
import { CONSUMERS } from '#shared/routing.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { DEAD_LETTER_PK } from '#shared/store/keys.ts';
import { busEventBody, sqsEvent, sqsRecord } from '#test/support/sqs.ts';
import { makeIngestHandler } from '../../../functions/lib/sqs-ingest.ts';
import { canonical } from './compare.ts';
import type { Environment, Table } from './environment.ts';
import { consumerOf, FUZZ_KINDS, type FuzzCase, type FuzzKind, namesField } from './fuzz-cases.ts';
import './handler-logs.ts';
import { reducedBody } from '#shared/schemas/reduced-order.ts';

export interface FuzzReport {
  inputs: number;
  byKind: Record<FuzzKind, { inputs: number; deadLettered: number; fieldNamed: number }>;
  deadLettered: number;
  fieldNamed: number;
  /** Records the handler failed (it threw for them), and invocations that threw. */
  handlerCrashes: number;
  /** Whether anything but dead letters changed in the table. */
  tableChanged: boolean;
  prototypePolluted: boolean;
  /** A few cases whose reason did not name their field, for the report. */
  misnamed: { kind: FuzzKind; field: string; reason: string | undefined }[];
}

/** A digest of every item outside the dead-letter partition. */
async function tableDigest({ doc, tableName }: Table): Promise<string> {
  const lines: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) if (item.pk !== DEAD_LETTER_PK) lines.push(canonical(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');

export async function fuzzCheck({ pipeline: p, table }: Environment, cases: readonly FuzzCase[]): Promise<FuzzReport> {
  const before = await tableDigest(table);
  const protoBefore = prototypeKeys();
  const batches: FuzzCase[][] = [];
  for (const consumer of CONSUMERS) {
    const own = cases.filter((c) => c.consumer === consumer);
    for (let i = 0; i < own.length; i += 10) batches.push(own.slice(i, i + 10));
  }
  let handlerCrashes = 0;
  await pLimit(8).map(batches, async (batch) => {
    const handler = makeIngestHandler(p, batch[0]!.consumer);
    try {
      const response = await handler(sqsEvent(batch.map((c) => sqsRecord(c.body))), {} as Context);
      handlerCrashes += response.batchItemFailures.length;
    } catch {
      handlerCrashes += batch.length;
    }
  });
  const letters = new Map((await p.deadLetters.list(Number.MAX_SAFE_INTEGER)).map((l) => [l.body, l]));
  const byKind = Object.fromEntries(
    FUZZ_KINDS.map((k) => [k, { inputs: 0, deadLettered: 0, fieldNamed: 0 }]),
  ) as FuzzReport['byKind'];
  const misnamed: FuzzReport['misnamed'] = [];
  for (const c of cases) {
    // A letter keeps its body reduced (an OrderPlaced without birth date and payment method).
    const letter = letters.get(reducedBody(c.body));
    const counts = byKind[c.kind];
    counts.inputs++;
    if (letter) counts.deadLettered++;
    if (letter && namesField(letter.reason, c.field)) counts.fieldNamed++;
    else if (misnamed.length < 5) misnamed.push({ kind: c.kind, field: c.field, reason: letter?.reason.slice(0, 200) });
  }
  const sum = (key: 'deadLettered' | 'fieldNamed') => Object.values(byKind).reduce((s, k) => s + k[key], 0);
  return {
    inputs: cases.length,
    byKind,
    deadLettered: sum('deadLettered'),
    fieldNamed: sum('fieldNamed'),
    handlerCrashes,
    tableChanged: (await tableDigest(table)) !== before,
    prototypePolluted: prototypeKeys() !== protoBefore || ({} as Record<string, unknown>).polluted !== undefined,
    misnamed,
  };
}

export interface BoundaryReport {
  inputs: number;
  /** Events neither failed nor dead-lettered: applied (or refused by a rule), never retried. */
  processed: number;
  /** Records the handler failed (it threw for them), and invocations that threw. */
  handlerCrashes: number;
  /** Reasons of the dead letters of these events: none is the goal. */
  deadLettered: string[];
  /** The ledger entries of the events' customers, read back from the table. */
  entries: LedgerEntry[];
  /** The largest amount of an entry written: 10,000,000 when a maximum amount got through whole. */
  largestEntryYen: number;
}

/**
 * Sends valid events at the edges of the contract (boundary-cases.ts) through the real handler
 * of their queue, one per invocation and in order (each customer's events depend on the earlier
 * ones): none may fail or be dead-lettered, and what they wrote is read back.
 */
export async function boundaryCheck(
  { pipeline: p, reads }: Environment,
  events: readonly InboundEvent[],
): Promise<BoundaryReport> {
  const bodies = new Set<string>();
  let handlerCrashes = 0;
  for (const event of events) {
    const body = busEventBody(event);
    bodies.add(body);
    try {
      const response = await makeIngestHandler(p, consumerOf(event.detailType))(
        sqsEvent([sqsRecord(body)]),
        {} as Context,
      );
      handlerCrashes += response.batchItemFailures.length;
    } catch {
      handlerCrashes++;
    }
  }
  const deadLettered = (await p.deadLetters.list(Number.MAX_SAFE_INTEGER))
    .filter((l) => bodies.has(l.body))
    .map((l) => l.reason);
  const entries: LedgerEntry[] = [];
  for (const customerId of new Set(events.map((e) => e.detail.customerId)))
    entries.push(...(await reads.customerEntries(customerId)));
  return {
    inputs: events.length,
    // A record that failed was not dead-lettered in that delivery, and one dead-lettered did not fail.
    processed: events.length - handlerCrashes - deadLettered.length,
    handlerCrashes,
    deadLettered,
    entries,
    largestEntryYen: Math.max(0, ...entries.map((e) => e.amountYen)),
  };
}
