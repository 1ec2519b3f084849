// The Lambda handlers' log lines through their middy chain (injectLambdaContext): each line
// carries the invocation's request id, function name and cold-start flag; keys appended during
// one invocation end with it (resetKeys); and the event is never logged, even with
// POWERTOOLS_LOGGER_LOG_EVENT=true in the environment, since events carry birth dates and
// payment methods.
//
// The handlers are the deployed modules (functions/*.ts), reading their settings from the
// environment as in Lambda, against the real local components of the other handler tests: the
// test store through the real DynamoDB client, and the capturing PutEvents endpoint through
// the real EventBridge client. The one thing that cannot run here is Lambda itself: the
// runtime's invocation context is a fake object below, with the fields Lambda sets, and each
// function's execution environment is a fresh module graph (vi.resetModules), so that each
// handler has a logger of its own, whose first invocation is its cold start.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBusCapture } from '#test/support/bus-capture.ts';
import { LOCAL_CREDENTIALS, startTestStore } from '#test/support/dynamo.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody, sqsEvent, sqsRecord } from '#test/support/sqs.ts';

type LogLine = Record<string, unknown>;
type Handler<E, R> = (event: E, context: Context) => Promise<R>;

let db: Awaited<ReturnType<typeof startTestStore>>;
let bus: Awaited<ReturnType<typeof startBusCapture>>;

beforeAll(async () => {
  db = await startTestStore();
  bus = await startBusCapture();
  // What the stack sets (infra/) and what the Lambda runtime sets, pointed at the local components.
  const env: Record<string, string> = {
    TABLE_NAME: db.tableName,
    EVENT_BUS_NAME: 'device-supply',
    // The finance API presigns export downloads for this bucket (no S3 call is made here).
    EXPORT_BUCKET_NAME: 'billing-exports-test',
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    // Set by Lambda for on-demand environments; Powertools reports cold starts only there.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    // Test runs keep the logger silent (vitest.config.ts); here its lines are the subject.
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // Would log every event whole if the handlers left `logEvent` unset.
    POWERTOOLS_LOGGER_LOG_EVENT: 'true',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.resetModules();
  await bus?.stop();
  await db?.stop();
});

/** A function's handler in an execution environment of its own: its modules, its logger. */
async function loadFunction<E, R>(file: string): Promise<Handler<E, R>> {
  vi.resetModules();
  const module = (await import(file)) as { handler: Handler<E, R> };
  return module.handler;
}

/** The invocation context Lambda passes to a handler (it cannot be had outside Lambda). */
function fakeContext(functionName: string, awsRequestId: string): Context {
  const fail = () => {
    throw new Error('callback-style completion is not used by these handlers');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/05/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 600_000,
    done: fail,
    fail,
    succeed: fail,
  };
}

/** Runs one invocation and returns what the logger wrote meanwhile, as JSON lines. */
async function invoke<E, R>(
  handler: Handler<E, R>,
  event: E,
  context: Context,
): Promise<{ result: R; lines: LogLine[]; text: string }> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  let result: R;
  try {
    result = await handler(event, context);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const text = chunks.join('');
  const lines = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LogLine);
  return { result, lines, text };
}

/** Every line carries the invocation's context, cold start as given. */
function expectContext(lines: LogLine[], context: Context, coldStart: boolean) {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).toMatchObject({
      service: 'device-supply-billing',
      function_request_id: context.awsRequestId,
      function_name: context.functionName,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      cold_start: coldStart,
    });
  }
}

const PERSONAL = /1977-07-07|1966-06-06|debit_card|birthDate|paymentMethod/;

describe('an SQS ingest handler (functions/ingest-orders.ts)', () => {
  it('logs each line with the request id and function name, cold start on the first invocation only, and never the event', async () => {
    const handler = await loadFunction<SQSEvent, SQSBatchResponse>('../../functions/ingest-orders.ts');
    const first = fakeContext('billing-ingest-orders', 'req-ingest-1');
    const second = fakeContext('billing-ingest-orders', 'req-ingest-2');
    const order = orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1' }], {
      customerId: 'HL-1',
      orderId: 'HL-O1',
      eventId: 'E-HL-1',
      birthDate: '1977-07-07',
      paymentMethod: 'debit_card',
    });
    const one = await invoke(handler, sqsEvent([sqsRecord(busEventBody(order))]), first);
    const malformed =
      '{"detail-type":"OrderPlaced","detail":{"eventId":"E-HL-BAD","customerId":"HL-1","customer":{"birthDate":"1966-06-06"}}}';
    const two = await invoke(handler, sqsEvent([sqsRecord(malformed)]), second);

    expect(one.result.batchItemFailures).toEqual([]);
    expect(one.lines.find((l) => l.eventId === 'E-HL-1')).toMatchObject({
      level: 'INFO',
      message: 'event processed',
      customerId: 'HL-1',
      result: 'applied',
    });
    expectContext(one.lines, first, true);
    expect(two.lines.find((l) => l.message === 'event dead-lettered')).toMatchObject({
      level: 'WARN',
      customerId: 'HL-1',
    });
    expectContext(two.lines, second, false);
    // logEvent stays off whatever POWERTOOLS_LOGGER_LOG_EVENT says.
    for (const { lines, text } of [one, two]) {
      expect(lines.map((l) => l.message)).not.toContain('Lambda invocation event');
      expect(text).not.toMatch(PERSONAL);
    }
    // The real pipeline ran: the order reached the (capturing) bus.
    expect(bus.received.length).toBeGreaterThan(0);
  });
});

describe('the finance API handler (functions/finance-api.ts)', () => {
  const request = (path: string, requestId?: string) =>
    ({
      httpMethod: 'GET',
      path,
      requestContext: {
        ...(requestId ? { requestId } : {}),
        identity: { userArn: 'arn:aws:iam::000000000000:role/finance' },
      },
    }) as unknown as APIGatewayProxyEvent;

  it("carries API Gateway's request id as correlation_id for its request only: keys appended in one invocation do not reach the next", async () => {
    const handler = await loadFunction<APIGatewayProxyEvent, APIGatewayProxyResult>('../../functions/finance-api.ts');
    const first = fakeContext('billing-finance-api', 'req-api-1');
    const second = fakeContext('billing-finance-api', 'req-api-2');
    const one = await invoke(handler, request('/customers/HL-1/statements', 'apigw-1'), first);
    // A request without an API Gateway request id: nothing may be left of the first one's.
    const two = await invoke(handler, request('/customers/HL-2/statements'), second);

    expect(one.result.statusCode).toBe(200);
    expect(one.lines.find((l) => l.message === 'finance request')).toMatchObject({
      path: '/customers/HL-1/statements',
      status: 200,
      correlation_id: 'apigw-1',
    });
    expectContext(one.lines, first, true);
    expect(two.result.statusCode).toBe(200);
    expectContext(two.lines, second, false);
    for (const line of two.lines) expect(line).not.toHaveProperty('correlation_id');
    for (const { lines } of [one, two]) expect(lines.map((l) => l.message)).not.toContain('Lambda invocation event');
  });

  it('hands the query string on as API Gateway decoded it: a + stays a +, every value of a name is kept', async () => {
    const handler = await loadFunction<APIGatewayProxyEvent, APIGatewayProxyResult>('../../functions/finance-api.ts');
    const search = (multiValueQueryStringParameters: Record<string, string[]> | null) =>
      invoke(
        handler,
        { ...request('/customers'), multiValueQueryStringParameters } as APIGatewayProxyEvent,
        fakeContext('billing-finance-api', 'req-api-q'),
      );
    const plus = await search({ prefix: ['a+b'], limit: ['5'] });
    expect(plus.result.statusCode).toBe(200);
    expect(JSON.parse(plus.result.body)).toMatchObject({ prefix: 'a+b', customers: [] });
    // Twice is ambiguous (400), and so is none (400): neither is dropped on the way.
    expect((await search({ prefix: ['a', 'b'] })).result.statusCode).toBe(400);
    expect((await search(null)).result.statusCode).toBe(400);
  });
});

describe('the sweep handler (functions/sweep.ts)', () => {
  it('logs each run with its own request id, cold start on the first run only', async () => {
    const handler = await loadFunction<{ asOf?: string }, unknown>('../../functions/sweep.ts');
    const first = fakeContext('billing-sweep', 'req-sweep-1');
    const second = fakeContext('billing-sweep', 'req-sweep-2');
    const one = await invoke(handler, { asOf: '2026-02-01T00:00:00.000Z' }, first);
    const two = await invoke(handler, { asOf: '2026-02-02T00:00:00.000Z' }, second);

    expect(one.lines.find((l) => l.message === 'deadline sweep done')).toMatchObject({
      asOf: '2026-02-01T00:00:00.000Z',
    });
    expectContext(one.lines, first, true);
    expectContext(two.lines, second, false);
  });
});

describe('a log level set at run time (the local stack sets BILLING_LOG_LEVEL so)', () => {
  it('holds across invocations, though injectLambdaContext resets the level before each but the first', async () => {
    const handler = await loadFunction<{ asOf?: string }, unknown>('../../functions/sweep.ts');
    // The same module graph as the handler's, so the same logger.
    const { logger } = await import('../../functions/lib/logger.ts');
    const run = async (n: number) =>
      (
        await invoke(handler, { asOf: '2026-03-01T00:00:00.000Z' }, fakeContext('billing-sweep', `req-level-${n}`))
      ).lines.map((l) => l.message);
    logger.setLogLevel('WARN');
    for (const n of [1, 2, 3]) expect(await run(n)).toEqual([]);
    logger.setLogLevel('INFO');
    for (const n of [4, 5]) expect(await run(n)).toEqual(['deadline sweep done']);
  });
});
