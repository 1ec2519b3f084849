// Puts events on the bus through the real @aws-sdk/client-eventbridge, as an upstream system
// would: PutEvents calls within AWS's limits, and every refused entry reported with the
// ErrorCode the bus gave it.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LOCAL_CREDENTIALS } from '../credentials.ts';
import type { FileEvent } from './event-file.ts';

/** AWS's limits for one PutEvents call. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_CALL_BYTES = 256 * 1024;
/** Room for the request's own JSON around the entries. */
const CALL_OVERHEAD_BYTES = 1024;

export interface EntryFailure {
  event: FileEvent;
  errorCode: string;
  errorMessage: string;
}

export interface SendResult {
  sent: number;
  calls: number;
  failures: EntryFailure[];
}

const entryBytes = (event: FileEvent): number => Buffer.byteLength(JSON.stringify(event.entry), 'utf8');

/**
 * Splits events into calls of at most 10 entries and 256 KB, keeping their order. An entry too
 * big for any call goes alone, so the bus refuses it and no other.
 */
export function batchEvents(events: readonly FileEvent[]): FileEvent[][] {
  const batches: FileEvent[][] = [];
  let current: FileEvent[] = [];
  let bytes = CALL_OVERHEAD_BYTES;
  for (const event of events) {
    const size = entryBytes(event) + 1;
    if (current.length > 0 && (current.length === MAX_ENTRIES_PER_CALL || bytes + size > MAX_CALL_BYTES)) {
      batches.push(current);
      current = [];
      bytes = CALL_OVERHEAD_BYTES;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** An EventBridge client for the local stack: its URL as the endpoint, credentials it does not check. */
export function localEventBridgeClient(url: string): EventBridgeClient {
  return new EventBridgeClient({
    endpoint: url,
    region: 'ap-northeast-1',
    credentials: LOCAL_CREDENTIALS,
    // A local stack that is down will not come up between retries; fail at once with the cause.
    maxAttempts: 1,
  });
}

/** Thrown when a call could not be made at all (no stack there); entries refused by the bus are results, not errors. */
export class PutEventsUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PutEventsUnreachableError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN']);

export async function sendEvents(
  client: EventBridgeClient,
  events: readonly FileEvent[],
  onProgress: (sent: number) => void = () => {},
): Promise<SendResult> {
  const result: SendResult = { sent: 0, calls: 0, failures: [] };
  for (const batch of batchEvents(events)) {
    result.calls++;
    try {
      const answer = await client.send(new PutEventsCommand({ Entries: batch.map((event) => event.entry) }));
      batch.forEach((event, i) => {
        const entry = answer.Entries?.[i];
        if (entry?.ErrorCode)
          result.failures.push({ event, errorCode: entry.ErrorCode, errorMessage: entry.ErrorMessage ?? '' });
        else if (!entry?.EventId)
          result.failures.push({
            event,
            errorCode: 'NoAnswer',
            errorMessage: 'the bus returned no result for this entry',
          });
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && NETWORK_CODES.has(code)) throw new PutEventsUnreachableError(code);
      // The whole call was refused (e.g. over 256 KB): each of its entries failed for that reason.
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      for (const event of batch) result.failures.push({ event, errorCode: name, errorMessage: message });
    }
    result.sent += batch.length;
    onProgress(result.sent);
  }
  return result;
}
