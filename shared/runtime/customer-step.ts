// The commit protocol (docs/table-design.md): read the aggregate, finish any projection a
// previous writer left in its outbox, decide, commit with one conditional write on the
// version, then project the new effects and clear the outbox. A conflict retries from the
// read; a crash anywhere after the commit is repaired by the next step on this customer.
import { type CustomerState, type Effects, emptyCustomerState, type JournalRecord } from '../domain/index.ts';
import type { CloseStatusStore } from '../store/close-status.ts';
import { isEmptyEffects, type OutboxEntry, outboxKey, type StoredCustomer } from '../store/customer-items.ts';
import type { CustomerStore } from '../store/customer-store.ts';
import type { DeadLetterStore } from '../store/dead-letters.ts';
import { valueBytes } from '../store/item-size.ts';
import type { EventPublisher } from './publisher.ts';
import { expiredLetter } from './waiting-letters.ts';

export interface StepResult {
  state: CustomerState;
  effects: Effects;
  changed: boolean;
}

export interface StepDeps {
  customers: CustomerStore;
  closes: CloseStatusStore;
  publisher: EventPublisher;
  /** Where waiting events the sweep gives up on go (every pipeline has it). */
  deadLetters: DeadLetterStore;
}

export class CommitConflictError extends Error {
  constructor(customerId: string, attempts: number) {
    super(`customer ${customerId}: version conflict on every one of ${attempts} attempts`);
    this.name = 'CommitConflictError';
  }
}

/** Enough for dozens of writers contending for one customer; beyond that the queue retries. */
const MAX_ATTEMPTS = 40;
/**
 * How long the writer of a commit is trusted to project its own outbox. Younger entries are
 * carried over by other event steps rather than projected, so that concurrent steps do not
 * publish each other's events again; older ones are taken to be left by a crash. The lease
 * decides who publishes, never whether a close may skip: a close or a sweep projects all.
 */
export const OUTBOX_LEASE_MS = 30_000;

/**
 * How many processed eventIds an aggregate keeps before it hands them to the event registry
 * and forgets them: a bound on its size (~20 KB of maximum-length ids), and one registry write
 * per this many events rather than per event.
 */
export const PROCESSED_WINDOW = 100;

/**
 * How many journal records an aggregate keeps before it writes them out as their own items
 * (one BatchWriteItem of at most 25), or how many bytes of them: a bound on its size, and one
 * write per this many events rather than per event.
 */
export const JOURNAL_TAIL_WINDOW = 25;
export const JOURNAL_TAIL_BYTES = 32_000;
const journalTailIsFull = (tail: readonly JournalRecord[]): boolean =>
  tail.length >= JOURNAL_TAIL_WINDOW || valueBytes(JSON.stringify(tail)) >= JOURNAL_TAIL_BYTES;

/**
 * Writes one outbox entry's ledger items, dead-letters the waiting events it gave up on
 * (before they leave the journal, so none is lost between the two), then publishes its events.
 */
async function projectEntry(deps: StepDeps, customerId: string, entry: OutboxEntry): Promise<void> {
  const { effects } = entry;
  await deps.customers.project(effects.entries, effects.statements);
  if (effects.expired?.length) {
    for (const expired of effects.expired)
      await deps.deadLetters.put(expiredLetter(expired, new Date(entry.committedAt).toISOString()));
    await deps.customers.dropFromJournal(
      customerId,
      effects.expired.map((x) => x.record),
    );
  }
  if (effects.emitted.length > 0) await deps.publisher.publish(effects.emitted);
}

/**
 * The aggregate as the step sees it. Once it has recorded `PROCESSED_WINDOW` events, they are
 * marked applied in the registry first and forgotten by this step's commit: an event is
 * forgotten only after its mark is durable, so a step that does not find it in the aggregate
 * and then reads the registry (ingest does, after the load) always sees the mark.
 */
async function baseState(deps: StepDeps, stored: StoredCustomer): Promise<CustomerState> {
  let { state } = stored;
  if (state.journalTail && journalTailIsFull(state.journalTail)) {
    // Written before the commit that drops them, as the processed ids below: a record leaves
    // the aggregate only once its item is durable, so a history read always finds it.
    await deps.customers.writeJournal(state.customerId, state.journalTail);
    state = { ...state };
    delete state.journalTail;
  }
  if (Object.keys(state.processed).length < PROCESSED_WINDOW) return state;
  await deps.customers.markApplied(state.customerId, state.processed, state.version);
  return { ...state, processed: {}, forgottenAt: state.version };
}

export interface StepOptions<R> {
  /** Whether this result means the step is a redelivery, whose original writer may have crashed. */
  isRedelivery?: (result: R) => boolean;
  /** Project every outbox entry whatever its age (a close or a sweep leaves nothing unwritten). */
  projectAll?: boolean;
  /**
   * Called after each load, before the step decides, for what must be read after the
   * aggregate (ingest asks the registry whether the event was applied and forgotten).
   * A step returned decides instead of `step`.
   */
  afterLoad?: (
    base: CustomerState,
    attempt: number,
    outbox: Record<string, OutboxEntry>,
  ) => Promise<((state: CustomerState) => R) | undefined>;
  /** The most the state may grow to (events); a close is bounded only by the item limit. */
  stateBudgetBytes?: number;
}

export async function runCustomerStep<R extends StepResult>(
  deps: StepDeps,
  customerId: string,
  step: (state: CustomerState) => R,
  options: StepOptions<R> = {},
): Promise<R> {
  // Each outbox entry is projected at most once per step, whatever its attempts: a step that
  // keeps failing must not publish the same events again on every attempt.
  const projected = new Set<string>();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const stored = await deps.customers.load(customerId);
    const base = stored
      ? await baseState(deps, stored)
      : emptyCustomerState(customerId, await deps.closes.latestStarted());
    const outbox = stored?.outbox ?? {};
    const result = ((await options.afterLoad?.(base, attempt, outbox)) ?? step)(base);
    const projectAll = options.projectAll === true || (options.isRedelivery?.(result) ?? false);
    const now = Date.now();
    const due = Object.keys(outbox).filter((k) => projectAll || now - (outbox[k]?.committedAt ?? 0) > OUTBOX_LEASE_MS);
    for (const key of due.filter((k) => !projected.has(k))) {
      const entry = outbox[key];
      if (entry) await projectEntry(deps, customerId, entry);
      projected.add(key);
    }
    // Cleared at once, not left to the commit: a commit that fails must not leave them behind.
    if (due.length > 0) await deps.customers.clearOutbox(customerId, due);
    if (!result.changed) return result;
    const carried = Object.fromEntries(Object.entries(outbox).filter(([k]) => !due.includes(k)));
    const own = outboxKey(result.state.version);
    // The journal records ride in the aggregate itself (`journalTail`), not in the outbox.
    const { journal: _inState, ...effects } = result.effects;
    const entry: OutboxEntry = { committedAt: now, effects };
    if (
      await deps.customers.commit(
        result.state,
        stored?.state.version,
        { ...carried, [own]: entry },
        { stateBudgetBytes: options.stateBudgetBytes },
      )
    ) {
      await projectEntry(deps, customerId, entry);
      // The commit leaves empty effects out of the outbox: there is nothing to clear, and
      // the conditional remove would fail (a round trip and a thrown error per such step).
      if (!isEmptyEffects(entry.effects)) await deps.customers.clearOutbox(customerId, [own]);
      return result;
    }
    // Another writer committed first: back off (full jitter, growing, capped) and decide again.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
  }
  throw new CommitConflictError(customerId, MAX_ATTEMPTS);
}
