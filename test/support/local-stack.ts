// Drives a local stack only through its public surfaces: the real EventBridge client for
// events (PutEvents on POST /) and plain HTTP for the finance API and the admin operations.
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { expectedSourceFor, type InboundEvent } from '#shared/schemas/inbound.ts';
import { type LocalStackOptions, startLocalStack } from '../../local/stack.ts';
import { resetsOnlyRetryStrategy, retryingResets } from './connection-resets.ts';
import { LOCAL_CREDENTIALS } from './dynamo.ts';

export function entryOf(event: InboundEvent, overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return {
    EventBusName: 'device-supply',
    Source: expectedSourceFor(event.detailType),
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    ...overrides,
  };
}

export async function startStack(options: LocalStackOptions = {}) {
  const stack = await startLocalStack({ port: 0, dataDir: null, ...options });
  const client = new EventBridgeClient({
    endpoint: stack.url,
    region: 'ap-northeast-1',
    credentials: LOCAL_CREDENTIALS,
    retryStrategy: resetsOnlyRetryStrategy,
  });
  const request = async (method: string, path: string, body?: unknown) => {
    // Reads are idempotent and the admin operations safe to repeat: a reset connection is retried.
    const { response, text } = await retryingResets(async () => {
      const response = await fetch(`${stack.url}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      return { response, text: await response.text() };
    });
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, contentType: response.headers.get('content-type') };
  };
  return {
    ...stack,
    client,
    /** PutEvents in calls of at most 10 entries; every entry must be accepted. */
    async put(events: readonly (InboundEvent | PutEventsRequestEntry)[]): Promise<void> {
      for (let i = 0; i < events.length; i += 10) {
        const entries = events.slice(i, i + 10).map((e) => ('detailType' in e ? entryOf(e) : e));
        const result = await client.send(new PutEventsCommand({ Entries: entries }));
        if (result.FailedEntryCount) throw new Error(`PutEvents refused entries: ${JSON.stringify(result.Entries)}`);
      }
    },
    putRaw: (entries: PutEventsRequestEntry[]): Promise<PutEventsCommandOutput> =>
      client.send(new PutEventsCommand({ Entries: entries })),
    get: (path: string) => request('GET', path),
    /** A month's entries file as finance gets it: the export's state from the API, then its download. */
    async entriesCsv(month: string) {
      const state = await request('GET', `/reports/${month}/entries.csv`);
      if (state.status !== 200) throw new Error(`entries.csv of ${month}: ${state.status} ${state.text}`);
      return request('GET', state.json.url);
    },
    post: (path: string, body: unknown = {}) => request('POST', path, body),
    async setClock(now: string) {
      const r = await request('POST', '/admin/clock', { now });
      if (r.status !== 200) throw new Error(`clock: ${r.text}`);
    },
    async drain() {
      const r = await request('POST', '/admin/drain');
      if (r.status !== 200) throw new Error(`drain: ${r.text}`);
      // The counters of docs/local-stack.md, since the stack started.
      return r.json as {
        accepted: number;
        applied: number;
        refused: number;
        duplicates: number;
        waited: number;
        deadLettered: number;
        ignored: number;
        defaultBus: number;
        otherBus: number;
        emitted: number;
        pending: number;
      };
    },
    /** Sets the clock to the moment of the scheduled close and closes the month. */
    async close(month: string) {
      const [y, m] = month.split('-').map(Number) as [number, number];
      const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
      await this.setClock(`${next}-01T01:00:00+09:00`);
      const r = await request('POST', '/admin/close', { month });
      if (r.status !== 200) throw new Error(`close ${month}: ${r.text}`);
      return r.json as { month: string; status: string; shards: number; customers: number };
    },
    stop: () => {
      client.destroy();
      return stack.close();
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof startStack>>;
