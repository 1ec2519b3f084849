// The event registry: one item per eventId, the durable record of exactly-once. Ingest claims
// the eventId with the fingerprint of its detail (another detail, or another customer, is
// EVENT_ID_REUSED). The aggregate remembers the events it applied only until it has many:
// then they are marked applied here and forgotten by its next commit, so it stays bounded
// however many events a customer sends (docs/table-design.md).
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './client.ts';
import { GetCoalescer } from './coalesce.ts';
import { EVENT_SK, eventPk } from './keys.ts';

export type ClaimResult = 'new' | 'applied' | 'reused';

/** An event a commit applied (or recorded as ignored), marked in the registry by its projection. */
export interface AppliedEvent {
  eventId: string;
  fingerprint: string;
}

export class EventRegistry {
  private readonly reads: GetCoalescer;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.reads = new GetCoalescer(doc, tableName);
  }

  /**
   * Records the eventId with its fingerprint. `reused`: already known with another detail or
   * customer; `applied`: a commit applied it and its projection is done (a duplicate). An item
   * holding `earlierFingerprint` (decide.ts) is the same event, and takes the new fingerprint.
   */
  async claim(
    eventId: string,
    fingerprint: string,
    customerId: string,
    at: string,
    earlierFingerprint?: string,
  ): Promise<ClaimResult> {
    const sameEvent = 'fingerprint = :fp AND customerId = :c';
    const earlier = earlierFingerprint ? ' OR fingerprint = :fp0 AND customerId = :c' : '';
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: EVENT_SK },
          UpdateExpression: 'SET fingerprint = :fp, customerId = :c, firstSeenAt = if_not_exists(firstSeenAt, :at)',
          // AND binds tighter than OR in DynamoDB, so no parentheses are needed around the
          // pair; dynalite's parser takes 3–4 times as long with them, on every delivery.
          ConditionExpression: `attribute_not_exists(pk) OR ${sameEvent}${earlier}`,
          ExpressionAttributeValues: {
            ':fp': fingerprint,
            ':c': customerId,
            ':at': at,
            ...(earlierFingerprint ? { ':fp0': earlierFingerprint } : {}),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes?.appliedVersion !== undefined ? 'applied' : 'new';
    } catch (error) {
      if (isConditionFailure(error)) return 'reused';
      throw error;
    }
  }

  /** Whether the event is marked applied (a consistent read). */
  async isApplied(eventId: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: eventPk(eventId), sk: EVENT_SK }, ConsistentRead: true }),
    );
    return Item?.appliedVersion !== undefined;
  }

  /**
   * The events marked applied, in the order their aggregate recorded them (a harness and
   * operator read): by the version that forgot them, then their place in its record.
   */
  async appliedInOrder(eventIds: readonly string[]): Promise<string[]> {
    const items = await Promise.all(eventIds.map((id) => this.reads.get({ pk: eventPk(id), sk: EVENT_SK })));
    const applied = eventIds.flatMap((id, i) => {
      const item = items[i];
      return item?.appliedVersion !== undefined
        ? [{ id, version: item.appliedVersion as number, position: (item.position as number | undefined) ?? 0 }]
        : [];
    });
    return applied.sort((a, b) => a.version - b.version || a.position - b.position).map((a) => a.id);
  }
}

/**
 * The registry item marking an event applied (written unconditionally: it carries the
 * fingerprint and customer the claim already holds, so it can only confirm what is there).
 */
export function appliedEventItem(
  event: AppliedEvent,
  customerId: string,
  version: number,
  position: number,
): Record<string, unknown> {
  return {
    pk: eventPk(event.eventId),
    sk: EVENT_SK,
    fingerprint: event.fingerprint,
    customerId,
    appliedVersion: version,
    position,
  };
}
