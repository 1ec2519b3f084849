// Seeding a table in bulk with items built by the store's own code (the commit's aggregate
// item, the projection's entry and statement items), written with BatchWriteItem: the figures
// measure the close and the reads, not how fast a history can be replayed.
import { request } from 'node:http';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/stack.ts';
import { countDynamoCalls, pool } from './measure.ts';

const BATCH = 25;

export async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  concurrency = 8,
): Promise<void> {
  await pool(Math.ceil(items.length / BATCH), concurrency, async (call) => {
    let pending = items.slice(call * BATCH, call * BATCH + BATCH).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  });
}

/**
 * The local stack in memory, with the DynamoDB client it uses: the stack does not expose its
 * store, so the client is caught on its first call (a finance read) by the call counter.
 */
export async function stackWithStore(now: string, options: { closeExports?: boolean } = {}) {
  const calls = countDynamoCalls();
  const stack = await startLocalStack({ port: 0, dataDir: null, now, ...options });
  const response = await fetch(`${stack.url}/customers/nobody/statements`);
  await response.text();
  const doc = [...calls.clients][0];
  if (!doc || calls.clients.size !== 1)
    throw new Error(`expected the stack's one DynamoDB client, saw ${calls.clients.size}`);
  const post = (path: string, body: unknown = {}) => postJson(`${stack.url}${path}`, body);
  return { stack, doc, calls, post };
}

/**
 * POST without a response deadline: fetch gives up on headers after 5 minutes, and the close
 * of a hundred thousand customers answers only when it is done.
 */
export function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(JSON.parse(text) as Record<string, unknown>)
          : reject(new Error(`POST ${url}: ${res.statusCode} ${text}`)),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
