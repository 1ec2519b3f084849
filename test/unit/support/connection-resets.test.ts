// The harness's HTTP retries a reset connection, as the SDK does, and nothing else: a server
// that resets the first connections and then answers is reached; a server's error answer is
// not retried (the bus capture's failNext counts on one attempt per failure).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { resetsOnlyRetryStrategy, retryingResets } from '#test/support/connection-resets.ts';
import { LOCAL_CREDENTIALS } from '#test/support/dynamo.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that resets the connection of its first `resets` requests, then answers `answer`. */
async function serve(resets: number, answer: { status: number; body: unknown }) {
  const seen = { requests: 0 };
  server = createServer((req, res) => {
    seen.requests++;
    if (seen.requests <= resets) return void req.socket.resetAndDestroy();
    res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const client = (url: string) =>
  new EventBridgeClient({
    endpoint: url,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
    retryStrategy: resetsOnlyRetryStrategy,
  });
const put = new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] });

describe('an SDK client with resetsOnlyRetryStrategy', () => {
  it('retries reset connections, up to 3 attempts', async () => {
    const { url, seen } = await serve(2, { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] } });
    await expect(client(url).send(put)).resolves.toMatchObject({ Entries: [{ EventId: 'e1' }] });
    expect(seen.requests).toBe(3);
  });

  it('gives up after the third reset, with the reset as the error', async () => {
    const { url, seen } = await serve(3, { status: 200, body: {} });
    await expect(client(url).send(put)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(seen.requests).toBe(3);
  });

  it('never retries an answer, even a 500', async () => {
    const { url, seen } = await serve(0, { status: 500, body: { __type: 'InternalException', message: 'injected' } });
    await expect(client(url).send(put)).rejects.toMatchObject({ name: 'InternalException' });
    expect(seen.requests).toBe(1);
  });
});

describe('retryingResets (fetch)', () => {
  it('retries a reset connection and returns the answer', async () => {
    const { url, seen } = await serve(1, { status: 200, body: { ok: true } });
    await expect(retryingResets(async () => (await fetch(url)).json())).resolves.toEqual({ ok: true });
    expect(seen.requests).toBe(2);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    await expect(
      retryingResets(async () => {
        calls++;
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });
});
