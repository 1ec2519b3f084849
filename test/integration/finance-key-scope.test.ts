// The finance function's IAM grant carries a `dynamodb:LeadingKeys` condition built from
// FINANCE_READABLE_KEY_PREFIXES (infra/): in the cloud, a read of any other partition is refused.
// Here the deployed handler (functions/finance-api.ts, every store it builds) answers every
// route against the test store, and each request its document client sends is recorded: each
// must be a GetItem or a Query (the granted actions) of a partition, of the table or of the
// index queried, under one of those prefixes. A finance read that leaves them fails here, not
// in production. And the dead letters and the event registry stay outside them.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addMonths, closeTimeOf, jstMonth } from '#shared/domain/index.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import { DEAD_LETTER_PK, eventPk, FINANCE_READABLE_KEY_PREFIXES } from '#shared/store/keys.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { LOCAL_CREDENTIALS } from '#test/support/dynamo.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';

interface Sent {
  command: string;
  input: Record<string, unknown>;
}

// Every document client made through the store's factory records what it is sent.
const recorded = vi.hoisted(() => ({ sent: [] as Sent[] }));
vi.mock('#shared/store/client.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('#shared/store/client.ts')>();
  return {
    ...real,
    documentClient: (...args: Parameters<typeof real.documentClient>) => {
      const doc = real.documentClient(...args);
      return new Proxy(doc, {
        get(target, property, receiver) {
          if (property !== 'send') return Reflect.get(target, property, receiver);
          return (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
            recorded.sent.push({ command: command.constructor.name, input: command.input });
            return target.send(command as never);
          };
        },
      });
    },
  };
});

/** The partition key a request names: of the table, or of the index it queries. */
function partitionKeyOf({ command, input }: Sent): string {
  const definition = tableDefinition('any');
  const index = definition.GlobalSecondaryIndexes?.find((i) => i.IndexName === input.IndexName);
  const schema = input.IndexName ? index?.KeySchema : definition.KeySchema;
  const attribute = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  if (!attribute) throw new Error(`no partition key for ${String(input.IndexName ?? 'the table')}`);
  if (command === 'GetCommand') return String((input.Key as Record<string, unknown>)[attribute]);
  const expression = String(input.KeyConditionExpression);
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const match = /^\s*(#?\w+)\s*=\s*(:\w+)/.exec(expression);
  if (!match || (names[match[1] as string] ?? match[1]) !== attribute)
    throw new Error(`cannot read the partition key of "${expression}"`);
  return String((input.ExpressionAttributeValues as Record<string, unknown>)[match[2] as string]);
}

/** As IAM's StringLike on `${prefix}*` matches. */
const readable = (key: string) => FINANCE_READABLE_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));

let t: Awaited<ReturnType<typeof startTestPipeline>>;
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
let handler: Handler;
// The handler reads the clock: the months are the two before the current one, whatever it is.
const current = jstMonth(new Date().toISOString());
const [older, last] = [addMonths(current, -2), addMonths(current, -1)];

beforeAll(async () => {
  t = await startTestPipeline();
  await t.deliver([
    orderPlaced(jst(`${older}-01`), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], {
      customerId: 'S1',
      orderId: 'S1-O',
    }),
    event('DeviceDelivered', { customerId: 'S1', occurredAt: jst(`${older}-13`), orderId: 'S1-O', deviceId: 'D1' }),
  ]);
  for (const month of [older, last]) {
    const now = closeTimeOf(month);
    const messages: CloseShardMessage[] = [];
    await startMonthClose(t.pipeline, month, now, async (m) => void messages.push(m));
    for (const m of messages) await closeShard(t.pipeline, m, now);
  }
  // A held customer, so that the reads of holds find one.
  await t.pipeline.holds.hold(last, 'S2', 'a step that kept failing', closeTimeOf(last));
  const env: Record<string, string> = {
    TABLE_NAME: t.db.tableName,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: t.db.endpoint,
    // Nothing here should reach S3; if a route did, it fails fast rather than leaving the machine.
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
    EXPORT_BUCKET_NAME: 'unused',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  handler = ((await import('../../functions/finance-api.ts')) as { handler: Handler }).handler;
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.stop();
});

function apiEvent(path: string, query: Record<string, string> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path,
    multiValueQueryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    requestContext: { requestId: `r-${path}` },
  } as unknown as APIGatewayProxyEvent;
}

describe('the finance API reads only partitions its IAM condition allows', () => {
  // Every route, with hits, misses, holds and refusals: the contract's, and the customer search
  // and open items the stack also routes to this handler (infra/constructs/finance-api.ts).
  const REQUESTS: [string, Record<string, string>?][] = [
    ['/customers/S1/statements'],
    [`/customers/S1/statements/${last}`],
    [`/customers/S2/statements/${last}`],
    [`/customers/NOBODY/statements/${older}`],
    [`/customers/S1/statements/${current}`],
    [`/reports/${last}`],
    [`/reports/${last}/entries.csv`],
    [`/reports/${current}`],
    ['/reports/2000-01'],
    ['/customers', { prefix: 's' }],
    ['/customers/S1/open'],
  ];

  it('sends only GetItem and Query, each on a partition under FINANCE_READABLE_KEY_PREFIXES', async () => {
    recorded.sent.length = 0;
    const context = { functionName: 'finance-api', awsRequestId: 'r-1' } as Context;
    const statuses: number[] = [];
    for (const [path, query] of REQUESTS) statuses.push((await handler(apiEvent(path, query), context)).statusCode);
    // The routes ran (no crash); the contract's answered as they should.
    expect(
      statuses.every((status) => status < 500),
      statuses.join(','),
    ).toBe(true);
    expect(statuses.slice(0, 6)).toEqual([200, 200, 409, 404, 409, 200]);
    const sent = recorded.sent;
    expect(sent.length).toBeGreaterThan(REQUESTS.length);
    expect(new Set(sent.map((s) => s.command))).toEqual(new Set(['GetCommand', 'QueryCommand']));
    const outside = sent.map(partitionKeyOf).filter((key) => !readable(key));
    expect(outside).toEqual([]);
    // Both the table and the month index were read, so both statements' conditions matter.
    expect(sent.some((s) => s.input.IndexName !== undefined)).toBe(true);
    expect(sent.some((s) => s.input.IndexName === undefined)).toBe(true);
  });

  it('leaves the dead letters and the event registry, which keep whole inbound events, outside the prefixes', () => {
    expect(readable(DEAD_LETTER_PK)).toBe(false);
    expect(readable(eventPk('E-1'))).toBe(false);
  });
});
