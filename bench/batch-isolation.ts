// A stand-in, for the bench only, for a fix outside its files: `makeIngestHandler` makes one
// Powertools BatchProcessor and reuses it for every invocation. Its state (records, failures,
// response) is per processor, which is right in Lambda (one invocation at a time) but not in
// the local stack, whose queues run 4 batches at once through one handler: a batch starting
// wipes the failures of a batch in flight, whose failed records are then deleted as if they
// had succeeded. Events are lost (measured: 36 of 2,000 in one burst). The fix is one
// processor per invocation; until then the ingest figure keeps each invocation's state apart
// (AsyncLocalStorage, as Lambda's own multi-concurrency InvokeStore does) and counts how often
// a processor was entered while in use. With the fix in place the count is 0 and this is inert.
import { AsyncLocalStorage } from 'node:async_hooks';
import { BasePartialBatchProcessor } from '@aws-lambda-powertools/batch';

const STATE = ['errors', 'failureMessages', 'handler', 'options', 'records', 'successMessages', 'batchResponse'] as const;

interface Patchable {
  register(...args: unknown[]): unknown;
  response(): unknown;
}

export function isolateBatchInvocations(): { overlaps: () => number; restore: () => void } {
  const state = new AsyncLocalStorage<Record<string, unknown>>();
  const base = Object.getPrototypeOf(BasePartialBatchProcessor.prototype) as object;
  const proto = BasePartialBatchProcessor.prototype as unknown as Patchable;
  const originals = STATE.map((field) => [field, Object.getOwnPropertyDescriptor(base, field)!] as const);
  const { register, response } = proto;
  const inUse = new WeakMap<object, number>();
  let overlaps = 0;

  for (const [field, original] of originals) {
    Object.defineProperty(base, field, {
      configurable: true,
      get(this: object) {
        const own = state.getStore();
        return own && field in own ? own[field] : original.get!.call(this);
      },
      set(this: object, value: unknown) {
        const own = state.getStore();
        if (own) own[field] = value;
        else original.set!.call(this, value);
      },
    });
  }
  proto.register = function (this: object, ...args: unknown[]) {
    const users = inUse.get(this) ?? 0;
    if (users > 0) overlaps++;
    inUse.set(this, users + 1);
    // processPartialResponse calls register, process and response in one async function:
    // the rest of that invocation runs with this state.
    state.enterWith({});
    return register.apply(this, args);
  };
  proto.response = function (this: object) {
    inUse.set(this, Math.max(0, (inUse.get(this) ?? 1) - 1));
    return response.call(this);
  };
  return {
    overlaps: () => overlaps,
    restore: () => {
      for (const [field, original] of originals) Object.defineProperty(base, field, original);
      proto.register = register;
      proto.response = response;
    },
  };
}
