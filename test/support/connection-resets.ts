// A connection reset (the server closed a kept-alive socket just as a request went out on it,
// which a loaded machine makes likely) says nothing about the request: the AWS SDK retries it.
// The test harness's own HTTP (fetch to a local stack; the bus capture's EventBridge client,
// which otherwise makes one attempt so injected failures stay exact) retries it the same way.
import type { EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';

/** Attempts in all, as the SDK's default retry strategy. */
const ATTEMPTS = 3;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Whether `error`, or an error it was caused by, is a reset connection. */
export function isConnectionReset(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return (typeof code === 'string' && RESET_CODES.has(code)) || isConnectionReset(cause, depth + 1);
}

const backoff = (retry: number) => new Promise((resolve) => setTimeout(resolve, 50 * 2 ** retry));

/** Runs `attempt` again when its connection was reset, up to 3 attempts in all. */
export async function retryingResets<T>(attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry + 1 >= ATTEMPTS || !isConnectionReset(error)) throw error;
      await backoff(retry);
    }
  }
}

const token = (retries: number) => ({ getRetryCount: () => retries, getRetryDelay: () => 50 * 2 ** retries });

/** An SDK retry strategy that retries connection resets only, never an answer from the server. */
export const resetsOnlyRetryStrategy: NonNullable<EventBridgeClientConfig['retryStrategy']> = {
  acquireInitialRetryToken: async () => token(0),
  refreshRetryTokenForRetry: async (previous, { error }) => {
    if (previous.getRetryCount() + 1 >= ATTEMPTS || !isConnectionReset(error)) throw error;
    return token(previous.getRetryCount() + 1);
  },
  recordSuccess: () => {},
};
