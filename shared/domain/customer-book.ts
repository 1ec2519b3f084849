// One customer kept wholly in memory: the aggregate, its journal and every entry billed, as
// the store keeps them. For the pure engine's users that have no table (the oracles, the
// property tests, the engine bench): `decide` with the history an earlier event needs, the
// close and the sweep, and `replay`, the one loop that runs a customer's life through them.

import type { InboundEvent } from '../schemas/inbound.ts';
import type { JournalRecord } from './business-order.ts';
import type { Month } from './calendar.ts';
import { historyFor } from './checkpoint.ts';
import { closeMonth, sweepDeadlines } from './close.ts';
import { type Decision, type DecisionOutcome, decide } from './decide.ts';
import { type CustomerState, type Effects, emptyCustomerState, type LedgerEntry, type Snapshot } from './types.ts';

/** What an in-memory customer keeps for its re-derivations, read only when an event needs it. */
export interface MemoryHistory {
  journal: () => JournalRecord[];
  billed: () => LedgerEntry[];
  snapshot: Snapshot | undefined;
}

/**
 * `decide` as ingest runs it, for a customer kept in memory: as it is; with the history from
 * the checkpoint when the event needs one and the checkpoint lets it; else with all of it.
 */
export function decideInMemory(
  state: CustomerState,
  event: InboundEvent,
  fingerprint: string,
  receivedAt: string | undefined,
  kept: MemoryHistory,
): Decision {
  const options = receivedAt === undefined ? {} : { receivedAt };
  let decision = decide(state, event, fingerprint, options);
  if (decision.outcome.outcome !== 'needs-history') return decision;
  const journal = kept.journal();
  const billed = kept.billed();
  decision = decide(state, event, fingerprint, {
    ...options,
    history: historyFor(state, event, journal, billed, kept.snapshot),
  });
  if (decision.outcome.outcome === 'needs-history')
    decision = decide(state, event, fingerprint, { ...options, history: { journal, billed } });
  return decision;
}

/**
 * One step of a customer's life on the engine: an event (received at `receivedAt`, for the
 * rules that read the processing time), the close of a month at `at`, or the sweep of the
 * deadlines due by `sweep`.
 */
export type BookStep = { event: InboundEvent; receivedAt?: string } | { close: Month; at: string } | { sweep: string };

export interface ReplayOptions {
  /** The event's fingerprint: `fingerprintOf` (shared/fingerprint.ts), or its eventId where no id is ever reused. */
  fingerprint: (event: InboundEvent) => string;
  /** Told each step once it is kept: what it wrote, and for an event its outcome. */
  onStep?: (step: BookStep, result: { effects: Effects; outcome?: DecisionOutcome }) => void;
}

export class CustomerBook {
  state: CustomerState;
  private readonly journal = new Map<string, JournalRecord>();
  private readonly billed = new Map<string, LedgerEntry>();
  private snapshot: Snapshot | undefined;

  constructor(customerId: string, closedThrough?: Month) {
    this.state = emptyCustomerState(customerId, closedThrough);
  }

  /** Decides the event, with the history when it belongs before others, and keeps the result. */
  decide(event: InboundEvent, fingerprint: string, receivedAt?: string): Decision {
    const decision = decideInMemory(this.state, event, fingerprint, receivedAt, {
      journal: () => [...this.journal.values()],
      billed: () => [...this.billed.values()],
      snapshot: this.snapshot,
    });
    if (decision.changed) this.keep(decision.state, decision.effects);
    return decision;
  }

  /** Closes `month` at `at` and keeps what the close wrote. */
  close(month: Month, at: string): ReturnType<typeof closeMonth> {
    const step = closeMonth(this.state, month, at);
    if (step.changed) this.keep(step.state, step.effects);
    return step;
  }

  /** Assesses the deadlines due by `asOf` and keeps what the sweep wrote. */
  sweep(asOf: string): ReturnType<typeof sweepDeadlines> {
    const step = sweepDeadlines(this.state, asOf);
    if (step.changed) this.keep(step.state, step.effects);
    return step;
  }

  /** Runs the steps in the order given: each event decided, each month closed, each sweep run. */
  replay(steps: Iterable<BookStep>, options: ReplayOptions): this {
    for (const step of steps) {
      const result =
        'event' in step
          ? this.decide(step.event, options.fingerprint(step.event), step.receivedAt)
          : 'close' in step
            ? this.close(step.close, step.at)
            : this.sweep(step.sweep);
      options.onStep?.(step, result);
    }
    return this;
  }

  /** Keeps a step's state and what it wrote (a close's, a sweep's or a decision's). */
  keep(state: CustomerState, effects: Effects): void {
    this.state = state;
    for (const e of effects.entries) this.billed.set(`${e.billingMonth}#${e.entryId}`, e);
    for (const r of effects.journal ?? []) this.journal.set(r.event.detail.eventId, r);
    for (const x of effects.expired ?? []) this.journal.delete(x.record.event.detail.eventId);
    if (effects.checkpoint) this.snapshot = effects.checkpoint;
  }

  entries(): LedgerEntry[] {
    return [...this.billed.values()];
  }
}
