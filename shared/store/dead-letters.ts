// Dead letters with their reasons: an event that cannot be applied is kept here, whole,
// until an operator redrives it. Nothing is dropped; a dead letter changes no ledger.
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DEAD_LETTER_PK, deadLetterSk } from './keys.ts';

/** The id of the dead letter of `body` for `consumer`: the same message always gets the same one (its sort key). */
export const deadLetterId: (consumer: string, body: string) => string = deadLetterSk;

export interface DeadLetter {
  id: string;
  /** The consumer it was meant for (its queue), so a redrive sends it back there. */
  consumer: string;
  reason: string;
  /** The message body as received (an EventBridge event, as JSON text). */
  body: string;
  deadLetteredAt: string;
  attempts: number;
  eventId?: string;
  customerId?: string;
  detailType?: string;
}

export class DeadLetterStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Idempotent: the same message dead-lettered twice (a retried batch) is one dead letter. */
  async put(letter: DeadLetter): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: DEAD_LETTER_PK, sk: letter.id, ...letter } }),
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
}
