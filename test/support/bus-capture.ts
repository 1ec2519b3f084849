// A PutEvents endpoint that keeps what it receives, for tests that publish through the real
// @aws-sdk/client-eventbridge. `failNext` makes the next calls fail, as a crash would: the
// client retries only reset connections (as the SDK would), never such an answer.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher } from '#shared/runtime/publisher.ts';
import { type BusEvent, handlePutEvents } from '../../local/eventbridge-endpoint.ts';
import { resetsOnlyRetryStrategy } from './connection-resets.ts';
import { LOCAL_CREDENTIALS } from './dynamo.ts';

export async function startBusCapture(busName = 'device-supply') {
  const received: BusEvent[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    if (failures > 0) {
      failures--;
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'InternalException', message: 'injected failure' }));
      return;
    }
    // A request whose client went away mid-body (ECONNRESET) is a failed attempt of that
    // client, not of this process: without the catch it was an unhandled rejection.
    handlePutEvents(req, res, busName, async (events) => {
      received.push(...events);
    }).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new EventBridgeClient({
    endpoint,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
    retryStrategy: resetsOnlyRetryStrategy,
  });
  return {
    endpoint,
    client,
    publisher: new EventBridgePublisher(client, busName),
    received,
    failNext: (n: number) => {
      failures = n;
    },
    details: (detailType?: string) =>
      received
        .filter((e) => !detailType || e['detail-type'] === detailType)
        .map((e) => e.detail as Record<string, unknown>),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
