// Crash injection: a Lambda invocation that dies at a chosen step of the commit protocol
// (docs/table-design.md). The pipeline it runs is the real one with every store and the
// publisher behind a guard: at the chosen step the guard throws, and from then on every call
// of that invocation throws before doing any I/O, as a dead process would. A request already
// sent when it died may still land, as it would in DynamoDB.
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import type { EventPublisher } from '#shared/runtime/publisher.ts';
import type { DeadLetter } from '#shared/store/dead-letters.ts';
import type { Rng } from './rng.ts';

/** The steps of one customer step, in protocol order; `after-clear` is a lost SQS acknowledgement. */
export const CRASH_POINTS = [
  'before-commit',
  'after-commit',
  'mid-projection',
  'before-publish',
  'before-clear',
  'after-clear',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
/** Where a crash happened: an ingest handler, a close shard, a sweep. */
export const CRASH_SITES = ['ingest', 'close', 'sweep'] as const;
export type CrashSite = (typeof CRASH_SITES)[number];
export type CrashCounts = Record<CrashSite, Record<CrashPoint, number>>;

export const noCrashes = (): CrashCounts =>
  Object.fromEntries(
    CRASH_SITES.map((site) => [site, Object.fromEntries(CRASH_POINTS.map((p) => [p, 0]))]),
  ) as CrashCounts;

export interface CrashPlan {
  point: CrashPoint;
  /** Dies the nth time the invocation reaches the point (several records may reach it). */
  nth: number;
}

export class InjectedCrash extends Error {
  constructor(point: string) {
    super(`injected crash: ${point}`);
    this.name = 'InjectedCrash';
  }
}

export class Invocation {
  private reached = 0;
  crashedAt: CrashPoint | undefined;
  /** Dead letters written by this invocation, for the harness to know how a record ended. */
  readonly deadLetters: DeadLetter[] = [];
  /** Conditional writes that lost to another writer. */
  conflicts = 0;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly plan?: CrashPlan) {}

  get dead(): boolean {
    return this.crashedAt !== undefined;
  }

  /** Whether reaching `point` now kills the invocation. */
  diesAt(point: CrashPoint): boolean {
    return !this.dead && this.plan?.point === point && this.reached + 1 === this.plan.nth;
  }

  at(point: CrashPoint): void {
    this.alive();
    if (this.plan?.point !== point) return;
    if (++this.reached === this.plan.nth) {
      this.crashedAt = point;
      throw new InjectedCrash(point);
    }
  }

  alive(): void {
    if (this.dead) throw new InjectedCrash(`after ${this.crashedAt}`);
  }

  async io<T>(call: () => Promise<T>): Promise<T> {
    this.alive();
    const request = call();
    this.inFlight.add(request);
    try {
      return await request;
    } finally {
      this.inFlight.delete(request);
      this.alive();
    }
  }

  /**
   * Resolves once no request of this invocation is in flight. After a crash, sibling records
   * (or customers of a close shard) may still be waiting on a request; redelivering only after
   * it lands keeps the redelivery from racing a dead invocation's last write.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

/** Every method of `target` through `inv.io`, except the overrides. */
function guarded<T extends object>(target: T, inv: Invocation, overrides: Partial<T> = {}): T {
  return new Proxy(target, {
    get(object, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => inv.io(() => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args));
    },
  });
}

/** The pipeline `base` as seen from one invocation that may crash. */
export function crashingPipeline(base: Pipeline, inv: Invocation): Pipeline {
  const store = base.customers;
  const customers = guarded(store, inv, {
    commit: async (...args: Parameters<typeof store.commit>) => {
      inv.at('before-commit');
      const committed = await inv.io(() => store.commit(...args));
      if (!committed) inv.conflicts++;
      else inv.at('after-commit');
      return committed;
    },
    project: async (...args: Parameters<typeof store.project>) => {
      const [entries, statements] = args;
      if (inv.diesAt('mid-projection')) {
        // Half the items land, then the process dies: a partial BatchWriteItem.
        const half = Math.floor((entries.length + statements.length) / 2);
        await inv.io(() =>
          store.project(entries.slice(0, half), statements.slice(0, Math.max(0, half - entries.length))),
        );
      }
      inv.at('mid-projection');
      await inv.io(() => store.project(...args));
      inv.at('before-publish');
    },
    clearOutbox: async (customerId: string, keys: readonly string[]) => {
      inv.at('before-clear');
      await inv.io(() => store.clearOutbox(customerId, keys));
      inv.at('after-clear');
    },
  });
  const letters = base.deadLetters;
  const deadLetters = guarded(letters, inv, {
    put: async (letter: DeadLetter) => {
      await inv.io(() => letters.put(letter));
      inv.deadLetters.push(letter);
    },
  });
  const publisher: EventPublisher = { publish: (events) => inv.io(() => base.publisher.publish(events)) };
  return {
    ...base,
    customers,
    deadLetters,
    publisher,
    closes: guarded(base.closes, inv),
    events: guarded(base.events, inv),
    holds: guarded(base.holds, inv),
  };
}

/**
 * The records of one invocation a crash plan may pick: the first to reach its step, the
 * second or the third. Some steps are reached by few records of a batch (only a step that
 * bills or publishes clears its outbox), so a plan naming a later record would mostly never
 * fire, and whether a run crashes at every step would hang on how batches happen to form.
 */
export const CRASH_NTH_MAX = 3;

/** A crash at any step, reached by one of the first records (at most `maxNth`, the batch) to get there. */
export function randomCrashPlan(rng: Rng, maxNth: number): CrashPlan {
  return { point: rng.pick(CRASH_POINTS), nth: 1 + rng.int(Math.min(maxNth, CRASH_NTH_MAX)) };
}
