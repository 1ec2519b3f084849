// Dead letters with their reasons: an event that cannot be applied is kept here until an
// operator redrives it, or until it expires (DEAD_LETTER_RETENTION_DAYS: the table's TTL in
// the cloud, `purge` where there is none). A dead letter changes no ledger. Its body is the
// message as its writer reduced it (shared/schemas/reduced-order.ts: no birth date, no
// payment method), never the upstream event whole.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { DEAD_LETTER_RETENTION_DAYS } from '../domain/policy.ts';
import { DEAD_LETTER_PK, DEAD_LETTER_TTL_ATTRIBUTE, deadLetterSk } from './keys.ts';

/** The id of the dead letter of `body` for `consumer`: the same message always gets the same one (its sort key). */
export const deadLetterId: (consumer: string, body: string) => string = deadLetterSk;

const DAY_SECONDS = 86_400;
/** Deletes in flight at once while purging: each is one small write. */
const PURGE_CONCURRENCY = 8;

export interface DeadLetter {
  id: string;
  /** The consumer it was meant for (its queue), so a redrive sends it back there. */
  consumer: string;
  reason: string;
  /** The message body as its writer kept it (an EventBridge event as JSON text, an OrderPlaced reduced). */
  body: string;
  deadLetteredAt: string;
  attempts: number;
  eventId?: string;
  customerId?: string;
  detailType?: string;
  /** Epoch seconds after which the table's TTL deletes it; set by `put`. */
  expiresAt?: number;
}

/** When a dead letter written at `deadLetteredAt` expires, in epoch seconds (the TTL attribute's unit). */
export const deadLetterExpiry = (deadLetteredAt: string): number =>
  Math.floor(Date.parse(deadLetteredAt) / 1000) + DEAD_LETTER_RETENTION_DAYS * DAY_SECONDS;

/** Which dead letters a purge deletes: all, or those written before an instant. */
export type PurgeSelection = { all: true } | { writtenBefore: string };

export class DeadLetterStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Idempotent: the same message dead-lettered twice (a retried batch) is one dead letter. */
  async put(letter: DeadLetter): Promise<void> {
    const expiresAt = letter.expiresAt ?? deadLetterExpiry(letter.deadLetteredAt);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: DEAD_LETTER_PK, sk: letter.id, ...letter, [DEAD_LETTER_TTL_ATTRIBUTE]: expiresAt },
      }),
    );
  }

  async list(limit = 1000): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': DEAD_LETTER_PK },
          ExclusiveStartKey: start,
          Limit: Math.min(limit - out.length, 500),
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...letter } = item;
        out.push(letter as DeadLetter);
      }
      start = page.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  async remove(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: DEAD_LETTER_PK, sk: id } }));
  }

  /**
   * The ids of the dead letters a purge of `selection` deletes, across the whole partition.
   * A letter whose deadLetteredAt cannot be read is old enough for any cutoff: it is one no
   * redrive can use either, and must not stay for ever.
   */
  async purgeable(selection: PurgeSelection): Promise<string[]> {
    const cutoff = 'writtenBefore' in selection ? Date.parse(selection.writtenBefore) : Number.NaN;
    if ('writtenBefore' in selection && Number.isNaN(cutoff))
      throw new Error(`not an instant: ${selection.writtenBefore}`);
    const ids: string[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': DEAD_LETTER_PK },
        ProjectionExpression: 'sk, deadLetteredAt',
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? []) {
        const at = Date.parse(String(item.deadLetteredAt));
        if ('all' in selection || !(at >= cutoff)) ids.push(String(item.sk));
      }
    return ids;
  }

  /** Deletes the dead letters of `selection`; returns their ids. Deleting one already gone is harmless. */
  async purge(selection: PurgeSelection): Promise<string[]> {
    const ids = await this.purgeable(selection);
    await pLimit(PURGE_CONCURRENCY).map(ids, (id) => this.remove(id));
    return ids;
  }
}
