// The commit protocol (docs/table-design.md): read the aggregate, finish any projection a
// previous writer left in its outbox, decide, commit with one conditional write on the
// version, then project the new effects and clear the outbox. A conflict retries from the
// read; a crash anywhere after the commit is repaired by the next step on this customer.
import { emptyCustomerState, type CustomerState, type Effects } from '../domain/index.ts';
import type { CloseStatusStore } from '../store/close-status.ts';
import { isEmptyEffects, outboxKey, type CustomerStore } from '../store/customer-store.ts';
import type { EventPublisher } from './publisher.ts';

export interface StepResult {
  state: CustomerState;
  effects: Effects;
  changed: boolean;
}

export interface StepDeps {
  customers: CustomerStore;
  closes: CloseStatusStore;
  publisher: EventPublisher;
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
 * carried over by other writers rather than projected, so that concurrent steps do not
 * publish each other's events again; older ones are taken to be left by a crash.
 */
export const OUTBOX_LEASE_MS = 30_000;

export async function projectEffects(deps: StepDeps, effects: Effects): Promise<void> {
  await deps.customers.project(effects.entries, effects.statements);
  if (effects.emitted.length > 0) await deps.publisher.publish(effects.emitted);
}

export interface StepOptions<R> {
  /** Whether this result means the step is a redelivery, whose original writer may have crashed. */
  isRedelivery?: (result: R) => boolean;
}

export async function runCustomerStep<R extends StepResult>(deps: StepDeps, customerId: string, step: (state: CustomerState) => R, options: StepOptions<R> = {}): Promise<R> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const stored = await deps.customers.load(customerId);
    const base = stored?.state ?? emptyCustomerState(customerId, await deps.closes.latestStarted());
    const result = step(base);
    const outbox = stored?.outbox ?? {};
    const projectAll = options.isRedelivery?.(result) ?? false;
    const now = Date.now();
    const orphaned = Object.keys(outbox).filter((k) => projectAll || now - outbox[k]!.committedAt > OUTBOX_LEASE_MS);
    for (const key of orphaned) await projectEffects(deps, outbox[key]!.effects);
    if (!result.changed) {
      await deps.customers.clearOutbox(customerId, orphaned);
      return result;
    }
    const carried = Object.fromEntries(Object.entries(outbox).filter(([k]) => !orphaned.includes(k)));
    const own = outboxKey(result.state.version);
    if (await deps.customers.commit(result.state, stored?.state.version, { ...carried, [own]: { committedAt: now, effects: result.effects } })) {
      await projectEffects(deps, result.effects);
      // The commit leaves empty effects out of the outbox: there is nothing to clear, and
      // the conditional remove would fail (a round trip and a thrown error per such event).
      if (!isEmptyEffects(result.effects)) await deps.customers.clearOutbox(customerId, [own]);
      return result;
    }
    // Another writer committed first: back off (full jitter, growing, capped) and decide again.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
  }
  throw new CommitConflictError(customerId, MAX_ATTEMPTS);
}
