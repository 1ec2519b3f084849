// The monthly close over all customers: started once per month, fanned out one message per
// shard, each shard closing its customers through the same commit protocol as events. No
// customer holds back another (invariant 7): one whose step keeps failing is held with its
// reason, the rest of its shard and the month close, and every later run retries it.
import {
  AmountOutOfRangeError,
  addMonths,
  closeMonth,
  jstMonth,
  type Month,
  MonthNotEndedError,
  monthHasEnded,
} from '../domain/index.ts';
import { customerShards } from '../store/customer-store.ts';
import type { HeldCustomer, HeldCustomerStore } from '../store/held-customers.ts';
import { ItemLimitError } from '../store/item-size.ts';
import { runCustomerStep, type StepDeps } from './customer-step.ts';

/** What the close works with: the stores of a customer step, and the holds. */
export interface CloseDeps extends StepDeps {
  holds: HeldCustomerStore;
}

export interface CloseShardMessage {
  month: Month;
  shard: number;
  /** Where the previous invocation stopped in this shard (a continuation). */
  after?: string;
}

export type SendCloseMessage = (message: CloseShardMessage) => Promise<void>;

/** The month the scheduled close on the 1st closes: the previous JST month. */
export function monthToClose(now: string): Month {
  return addMonths(jstMonth(now), -1);
}

export interface CloseStart {
  status: 'started' | 'resumed' | 'already-closed';
  /** Shard messages sent: the shards not done, or, for a closed month, those with held customers to retry. */
  shards: number;
}

/**
 * Starts closing `month` (refused while it has not ended). A close already started is
 * resumed: the shards not yet done are sent again, which is harmless for the others. A
 * month already closed has its held customers retried. It reads and writes the close status
 * and the holds only: the close-start Lambda builds just those stores (no publisher).
 */
export async function startMonthClose(
  p: Pick<CloseDeps, 'closes' | 'holds'>,
  month: Month,
  now: string,
  send: SendCloseMessage,
): Promise<CloseStart> {
  if (!monthHasEnded(month, now)) throw new MonthNotEndedError(month, now);
  const started = await p.closes.start(month, now);
  const status = started ? undefined : await p.closes.get(month);
  let shards: number[];
  if (status?.status === 'closed')
    shards = [...new Set((await p.holds.all()).filter((h) => h.month <= month).map((h) => h.shard))];
  else {
    const done = new Set(status?.shardsDone ?? []);
    shards = customerShards().filter((shard) => !done.has(shard));
  }
  await Promise.all(shards.map((shard) => send({ month, shard })));
  return {
    status: started ? 'started' : status?.status === 'closed' ? 'already-closed' : 'resumed',
    shards: shards.length,
  };
}

/** Customers closed at once within a shard: enough to hide latency, few enough for DynamoDB. */
const CONCURRENCY = 16;
const PAGE_SIZE = 200;
/** Tries of a customer's close step before it is held (each already retries conflicts). */
export const CLOSE_ATTEMPTS_BEFORE_HOLD = 3;

export interface CloseShardOptions {
  /** Asked before each further page: false stops and returns a continuation. */
  hasTime?: () => boolean;
  pageSize?: number;
}

export interface CloseShardResult {
  closed: number;
  /** Customers held in this run, with their reasons. */
  held: HeldCustomer[];
  /** Customers held earlier and closed in this run. */
  released: string[];
  continueAfter?: string;
  /**
   * Every shard of the month is done (this one last): the entries exports of the months this
   * close closed are due, oldest first (its own, and any a missed close left to it).
   */
  monthClosed?: true;
  closedMonths?: Month[];
  /**
   * Months already closed whose statements this run changed (a held customer closed now): their
   * entries files were written without it and are due again.
   */
  reexport: Month[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closes one customer through `month`, retrying a failing step a few times; then holds it.
 * Every outbox entry is projected whatever its age, so the customer is left with nothing
 * unwritten when this returns `closed`. Its earlier holds are released by the caller, once
 * the totals of their months include its statements.
 */
async function closeCustomer(
  p: CloseDeps,
  customerId: string,
  month: Month,
  now: string,
): Promise<HeldCustomer | undefined> {
  let failure: unknown;
  for (let attempt = 1; attempt <= CLOSE_ATTEMPTS_BEFORE_HOLD; attempt++) {
    try {
      await runCustomerStep(p, customerId, (state) => closeMonth(state, month, now), { projectAll: true });
      return undefined;
    } catch (error) {
      failure = error;
      if (error instanceof ItemLimitError || error instanceof AmountOutOfRangeError) break; // the same state fails the same way
      await sleep(50 * 2 ** attempt);
    }
  }
  const reason = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
  return p.holds.hold(month, customerId, reason, now);
}

/**
 * Closes the customers of one shard, page by page, until done or `hasTime()` says to stop;
 * returns a continuation when it stopped early. The first invocation of a shard retries its
 * customers held by earlier closes first. The shard is done when every customer is closed,
 * with nothing unwritten, or held; its totals of the month (what the month report reads) are
 * recomputed from its statements just before (shared/store/shard-totals.ts). A held customer
 * closed later adds statements to months whose shard is done: their totals are recomputed
 * before its holds are released, so a crash between the two leaves the hold, and the retry
 * recomputes them again.
 */
export async function closeShard(
  p: CloseDeps,
  message: CloseShardMessage,
  now: string,
  options: CloseShardOptions = {},
): Promise<CloseShardResult> {
  const hasTime = options.hasTime ?? (() => true);
  const { month, shard } = message;
  const holds = (await p.holds.inShard(shard)).filter((h) => h.month <= month);
  const holdsOf = (customerId: string) => holds.filter((h) => h.customerId === customerId);
  const result: CloseShardResult = { closed: 0, held: [], released: [], reexport: [] };
  /** Customers with earlier holds closed by this run, whose holds wait for the totals. */
  const closedHeld: string[] = [];
  const closeAll = async (customerIds: readonly string[]) => {
    for (let i = 0; i < customerIds.length; i += CONCURRENCY) {
      await Promise.all(
        customerIds.slice(i, i + CONCURRENCY).map(async (id) => {
          const held = await closeCustomer(p, id, month, now);
          if (held) result.held.push(held);
          else if (holdsOf(id).length > 0) closedHeld.push(id);
        }),
      );
    }
  };
  /**
   * Recomputes the shard's totals of every month from the oldest hold of the customers in
   * `closedHeld` to `month` (closing M closes each earlier month not closed: each may have
   * gained a statement), then releases their holds. `month` itself is left to the shard's
   * end while the shard is not done.
   */
  const settleReleased = async (monthToo: boolean) => {
    if (closedHeld.length === 0) return;
    const from =
      closedHeld
        .flatMap(holdsOf)
        .map((h) => h.month)
        .sort()[0] ?? month; // holds are of `month` or earlier
    const changed: Month[] = [];
    for (let m = from; m < month || (monthToo && m === month); m = addMonths(m, 1)) {
      await p.closes.recomputeShardTotals(m, shard, now);
      changed.push(m);
    }
    for (const id of closedHeld.splice(0)) {
      await p.holds.release(id, holdsOf(id), month);
      result.released.push(id);
    }
    // A month still closing is exported by its last shard, after this run's entries are written.
    for (const m of changed) if ((await p.closes.get(m))?.status === 'closed') result.reexport.push(m);
  };
  if (message.after === undefined) await closeAll([...new Set(holds.map((h) => h.customerId))]);
  const status = await p.closes.get(month);
  if (status?.status === 'closed' || status?.shardsDone.includes(shard)) {
    await settleReleased(true);
    return result; // a retry of held customers only
  }
  await settleReleased(false);
  let after = message.after;
  do {
    const page = await p.customers.customersInShard(shard, after, options.pageSize ?? PAGE_SIZE);
    await closeAll(page.customerIds.filter((id) => message.after !== undefined || holdsOf(id).length === 0));
    result.closed += page.customerIds.length;
    after = page.continueAfter;
  } while (after && hasTime());
  if (after) {
    await settleReleased(false);
    return { ...result, continueAfter: after };
  }
  // Every month this close closes gets its totals, the ones a missed close left to it too.
  const closed: Month[] = [];
  for (let m = status?.closesFrom ?? month; m <= month; m = addMonths(m, 1)) closed.push(m);
  for (const m of closed) await p.closes.recomputeShardTotals(m, shard, now);
  await settleReleased(false);
  return (await p.closes.shardDone(month, shard, now))
    ? { ...result, monthClosed: true, closedMonths: closed }
    : result;
}

/**
 * A customer's first commit can race the start of a close: it read LATEST_STARTED before the
 * close moved it to M and committed after its shard was listed, so it starts with M−1 closed
 * and no shard closes M for it. Called after a customer's first commit, this closes what the
 * customer missed, through the same step as a shard would.
 */
export async function closeMissedMonths(
  p: StepDeps,
  customerId: string,
  closedThrough: Month | undefined,
  now: string,
): Promise<boolean> {
  const latest = await p.closes.latestStarted();
  if (latest === undefined || (closedThrough !== undefined && closedThrough >= latest)) return false;
  // The close of `latest` started, so the month has ended by the close's clock; a local clock
  // set ahead of the real time needs the first instant after the month instead.
  const at = monthHasEnded(latest, now) ? now : `${addMonths(latest, 1)}-01T00:00:00+09:00`;
  await runCustomerStep(p, customerId, (state) => closeMonth(state, latest, at), { projectAll: true });
  return true;
}
