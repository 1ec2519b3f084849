// Finance's reads of customers (docs/table-design.md, gsi4): a case-insensitive search by the
// start of the id, and one customer's aggregate for the "still open" view. The search index
// is sharded like the others, so a prefix is one Query per shard, all at once, merged here.
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerState } from '../domain/index.ts';
import { isConditionFailure } from './client.ts';
import { CustomerStore, customerShards } from './customer-store.ts';
import {
  customerOfSearchKey,
  customerPk,
  INDEX,
  SHARD_COUNT,
  STATE_SK,
  searchKey,
  searchSortKey,
  searchSortPrefix,
  shardOf,
} from './keys.ts';

/** Customers of a shard read, and their aggregates updated, at once by the backfill. */
const BACKFILL_PAGE = 100;

export interface CustomerMatches {
  /** In the order of (lower-case id, then id), at most the limit asked for. */
  customerIds: string[];
  /** More customers match than were returned. */
  truncated: boolean;
}

export class CustomerDirectory {
  private readonly customers: CustomerStore;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.customers = new CustomerStore(doc, tableName);
  }

  /**
   * The customers whose id starts with `prefix`, whatever the case. Each shard is asked for one
   * more than `limit`: the first `limit` of the merge are then the first overall (each shard's
   * keys come in the merge's order), and more than `limit` in all means more exist.
   */
  async search(prefix: string, limit: number): Promise<CustomerMatches> {
    const start = searchSortPrefix(prefix);
    const shards = await Promise.all(
      Array.from({ length: SHARD_COUNT }, (_, shard) => this.shardKeys(shard, start, limit + 1)),
    );
    // Sort keys are ASCII: code-unit order is DynamoDB's byte order, (lower(id), id).
    const keys = shards.flat().sort();
    return { customerIds: keys.slice(0, limit).map(customerOfSearchKey), truncated: keys.length > limit };
  }

  /** Up to `wanted` search keys of one shard that start with `start`, in key order. */
  private async shardKeys(shard: number, start: string, wanted: number): Promise<string[]> {
    const keys: string[] = [];
    let from: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX.bySearch,
          KeyConditionExpression: 'gsi4pk = :s AND begins_with(gsi4sk, :p)',
          ExpressionAttributeValues: { ':s': searchKey(shard), ':p': start },
          Limit: wanted - keys.length,
          ExclusiveStartKey: from,
        }),
      );
      for (const item of page.Items ?? []) keys.push(item.gsi4sk as string);
      from = page.LastEvaluatedKey;
      // A page stops at the limit or at 1 MB (never reached by keys this small); go on only for the second.
    } while (from && keys.length < wanted);
    return keys;
  }

  /**
   * Gives every aggregate written before the search index existed its two search attributes
   * (docs/table-design.md, "Existing customers"): the shard index lists every customer, and an
   * aggregate that has them already — written since, or by an earlier run — is left alone, so
   * the backfill may be stopped and run again. Returns how many customers it read and updated.
   */
  async backfillSearchKeys(): Promise<{ customers: number; updated: number }> {
    const counts = await Promise.all(customerShards().map((shard) => this.backfillShard(shard)));
    return counts.reduce((a, b) => ({ customers: a.customers + b.customers, updated: a.updated + b.updated }));
  }

  private async backfillShard(shard: number): Promise<{ customers: number; updated: number }> {
    let customers = 0;
    let updated = 0;
    let after: string | undefined;
    do {
      const page = await this.customers.customersInShard(shard, after, BACKFILL_PAGE);
      const written = await Promise.all(page.customerIds.map((id) => this.addSearchKeys(id)));
      customers += page.customerIds.length;
      updated += written.filter(Boolean).length;
      after = page.continueAfter;
    } while (after);
    return { customers, updated };
  }

  /** Sets the search attributes on the aggregate that has none; false when it has them already. */
  private async addSearchKeys(customerId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customerId), sk: STATE_SK },
          // Only the two attributes, never the version: a concurrent commit is not disturbed, and
          // its own item (written by code that knows the index) carries the same two values.
          UpdateExpression: 'SET gsi4pk = :p, gsi4sk = :s',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi4pk)',
          ExpressionAttributeValues: { ':p': searchKey(shardOf(customerId)), ':s': searchSortKey(customerId) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The customer's aggregate as last committed; undefined for a customer the pipeline never saw. */
  async state(customerId: string): Promise<CustomerState | undefined> {
    return (await this.customers.load(customerId))?.state;
  }
}
