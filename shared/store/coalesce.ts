// Coalescing of the aggregate reads and the projection writes of steps running at once (the
// records of one SQS batch, the customers of a close page): one BatchGetItem or a few
// BatchWriteItem calls instead of one call per step. On dynalite each call costs about a
// millisecond of CPU whatever it carries; on DynamoDB it is a round trip. Nothing conditional
// goes through here: the commit point stays one conditional PutItem per customer.
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SameTurnBatch } from '../same-turn-batch.ts';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

const GET_LIMIT = 100;
const WRITE_LIMIT = 25;
const ATTEMPTS = 9;

interface GetRequest {
  key: Key;
  resolve: (item: Item | undefined) => void;
  reject: (error: unknown) => void;
}

const keyOf = (key: Key): string => `${key.pk}\u0000${key.sk}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => sleep(Math.min(1000, 25 * 2 ** attempt));

/**
 * Consistent GetItem calls made in the same turn of the event loop go out as one
 * BatchGetItem (a lone one stays a GetItem). Callers of the same key share the one item
 * returned, which is theirs to read, not to change.
 */
export class GetCoalescer {
  private readonly batch = new SameTurnBatch<GetRequest>((requests) => this.flush(requests));

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  get(key: Key): Promise<Item | undefined> {
    return new Promise((resolve, reject) => this.batch.add({ key, resolve, reject }));
  }

  private flush(requests: GetRequest[]): void {
    const byKey = new Map<string, { key: Key; callers: GetRequest[] }>();
    for (const request of requests) {
      const id = keyOf(request.key);
      const entry = byKey.get(id) ?? { key: request.key, callers: [] };
      entry.callers.push(request);
      byKey.set(id, entry);
    }
    const entries = [...byKey.values()];
    for (let i = 0; i < entries.length; i += GET_LIMIT) {
      const group = entries.slice(i, i + GET_LIMIT);
      this.fetch(group.map((e) => e.key)).then(
        (items) => {
          for (const e of group) for (const c of e.callers) c.resolve(items.get(keyOf(e.key)));
        },
        (error: unknown) => {
          for (const e of group) for (const c of e.callers) c.reject(error);
        },
      );
    }
  }

  private async fetch(keys: Key[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const [only] = keys;
    if (keys.length === 1 && only) {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: only, ConsistentRead: true }),
      );
      if (Item) found.set(keyOf(only), Item);
      return found;
    }
    let pending: Item[] = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= ATTEMPTS)
        throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
      if (attempt > 0) await backoff(attempt);
      const result = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) found.set(keyOf(item as Key), item);
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }
}

interface WriteRequest {
  items: Item[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Unconditional puts of deterministic items (ledger entries, statements) requested in the
 * same turn of the event loop share BatchWriteItem calls. A request resolves once every one
 * of its items is written. If a shared call fails, each request is retried on its own, so
 * that one bad item fails only the step that asked for it, as without coalescing.
 */
export class WriteCoalescer {
  private readonly batch = new SameTurnBatch<WriteRequest>((requests) => void this.flush(requests));

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  put(items: readonly Item[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.batch.add({ items: [...items], resolve, reject }));
  }

  private async flush(requests: WriteRequest[]): Promise<void> {
    const [only] = requests;
    if (requests.length === 1 && only) return this.settle(only, this.writeAll(only.items));
    try {
      await this.writeAll(requests.flatMap((r) => r.items));
      for (const r of requests) r.resolve();
    } catch {
      await Promise.all(requests.map((r) => this.settle(r, this.writeAll(r.items))));
    }
  }

  private async settle(request: WriteRequest, work: Promise<void>): Promise<void> {
    try {
      await work;
      request.resolve();
    } catch (error) {
      request.reject(error);
    }
  }

  /** In calls of 25, in parallel; a key twice goes in different calls (BatchWriteItem refuses duplicates). */
  private async writeAll(items: readonly Item[]): Promise<void> {
    const batches: { items: Item[]; keys: Set<string> }[] = [];
    for (const item of items) {
      const id = keyOf(item as Key);
      let batch = batches.find((b) => b.items.length < WRITE_LIMIT && !b.keys.has(id));
      if (!batch) {
        batch = { items: [], keys: new Set() };
        batches.push(batch);
      }
      batch.items.push(item);
      batch.keys.add(id);
    }
    await Promise.all(batches.map((batch) => this.batchPut(batch.items)));
  }

  private async batchPut(items: Item[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      if (attempt >= ATTEMPTS)
        throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
      const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }
}
