// What waits, and why (§0 waiting events), for the operator: every customer with a waiting
// event is in the due index (its due date is at the latest the day its oldest waiting event
// expires), so the index is read whole, shard by shard, and each of its aggregates loaded.
// The index also holds customers that only have a deadline: their aggregates add no row.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { policy, type WaitingEvent } from '../domain/index.ts';
import { CustomerStore } from './customer-store.ts';
import { SHARD_COUNT } from './keys.ts';

export interface WaitingRow {
  customerId: string;
  eventId: string;
  detailType: string;
  occurredAt: string;
  /** What it waits for, as the engine recorded it, e.g. "order O1 is not known yet". */
  reason: string;
  receivedAt: string;
  /** When the sweep gives up on it and dead-letters it: `receivedAt` + `WAITING_DEAD_LETTER_DAYS`. */
  expiresAt: string;
}

const DAY_MS = 86_400_000;
/** Aggregates loaded at once: one BatchGetItem's worth (the store's reads of one turn share one). */
const LOAD_CHUNK = 100;

/** The same instant the engine's sweep compares with (`expiredWaiting`, shared/domain/waiting.ts). */
const expiresAt = (receivedAt: string): string =>
  new Date(Date.parse(receivedAt) + policy.WAITING_DEAD_LETTER_DAYS * DAY_MS).toISOString();

function rowOf(customerId: string, waiting: WaitingEvent): WaitingRow {
  const { event, receivedAt } = waiting.record;
  return {
    customerId,
    eventId: event.detail.eventId,
    detailType: event.detailType,
    occurredAt: event.detail.occurredAt,
    reason: waiting.reason,
    receivedAt,
    expiresAt: expiresAt(receivedAt),
  };
}

export class WaitingReads {
  private readonly customers: CustomerStore;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.customers = new CustomerStore(doc, tableName);
  }

  /** Every waiting event of every customer, the first to be dead-lettered first. */
  async list(): Promise<WaitingRow[]> {
    const shards = await Promise.all(
      Array.from({ length: SHARD_COUNT }, (_, shard) => this.customers.dueCustomers(shard)),
    );
    const customerIds = shards.flat();
    const rows: WaitingRow[] = [];
    for (let i = 0; i < customerIds.length; i += LOAD_CHUNK) {
      const stored = await Promise.all(customerIds.slice(i, i + LOAD_CHUNK).map((id) => this.customers.load(id)));
      for (const customer of stored) {
        if (!customer) continue;
        for (const waiting of customer.state.waiting ?? []) rows.push(rowOf(customer.state.customerId, waiting));
      }
    }
    return rows.sort(
      (a, b) =>
        a.expiresAt.localeCompare(b.expiresAt) ||
        a.customerId.localeCompare(b.customerId) ||
        a.eventId.localeCompare(b.eventId),
    );
  }
}
