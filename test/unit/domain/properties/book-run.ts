// One customer on the pure engine through CustomerBook, with a log of everything it wrote in
// the order it wrote it: entries (to check no id is written twice and every credit follows
// what it reverses), decisions, statements, and the waiting events a sweep gave up on. As in
// the store, the customer exists from its first event, which starts it with the last month
// closed: a close or sweep before that has no aggregate to reach.
import {
  addMonths,
  CustomerBook,
  type DecisionOutcome,
  type Effects,
  jstMonth,
  keyOf,
  type LedgerEntry,
  type Statement,
} from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { closeTimeFor } from '#test/support/scenario.ts';
import type { Publication } from './business-view.ts';

export class BookRun {
  private own: CustomerBook | undefined;
  private lastClosed: string | undefined;
  readonly ledger: LedgerEntry[] = [];
  readonly published: Publication[] = [];
  readonly statements: Statement[] = [];
  /** eventId → the outcome of its latest delivery. */
  readonly outcomes = new Map<string, DecisionOutcome>();
  /** eventIds the sweep gave up on (dead-lettered), in order. */
  readonly expired: string[] = [];

  constructor(private readonly customerId = 'C1') {}

  get book(): CustomerBook {
    this.own ??= new CustomerBook(this.customerId, this.lastClosed);
    return this.own;
  }

  private log(effects: Effects): void {
    this.ledger.push(...effects.entries);
    this.statements.push(...effects.statements);
    for (const e of effects.emitted) this.published.push({ id: e.id, detail: e.detail });
    for (const x of effects.expired ?? []) this.expired.push(x.record.event.detail.eventId);
  }

  send(event: InboundEvent, receivedAt?: string): DecisionOutcome {
    const decision = this.book.decide(event, fingerprintOf(event), receivedAt);
    this.log(decision.effects);
    this.outcomes.set(event.detail.eventId, decision.outcome);
    return decision.outcome;
  }

  close(month: string, now = closeTimeFor(month)): void {
    this.lastClosed = month;
    if (this.own) this.log(this.own.close(month, now).effects);
  }

  sweep(asOf: string): void {
    if (this.own) this.log(this.own.sweep(asOf).effects);
  }

  /** The eventIds the customer recorded as processed (applied or ignored). */
  processed(): string[] {
    return Object.keys(this.book.state.processed).sort();
  }

  /**
   * The eventIds a pipeline would hold as dead letters now: those the sweep gave up on, and
   * those refused as invalid on their latest delivery (dead-lettered at once, contract §1: a
   * re-exchange's ReplacementDelivered when the earlier one has no deviceValueYen…).
   */
  deadLettered(): string[] {
    const processed = this.book.state.processed;
    const invalid = [...this.outcomes]
      .filter(([id, o]) => o.outcome === 'invalid' && processed[id] === undefined)
      .map(([id]) => id);
    return [...new Set([...this.expired.filter((id) => processed[id] === undefined), ...invalid])].sort();
  }

  /** Events sent that the customer neither recorded, nor keeps waiting, nor gave up on or refused as invalid. */
  lost(): string[] {
    const waiting = new Set((this.book.state.waiting ?? []).map((w) => w.record.event.detail.eventId));
    const processed = this.book.state.processed;
    const letters = new Set(this.deadLettered());
    return [...this.outcomes.keys()]
      .filter((id) => processed[id] === undefined && !waiting.has(id) && !letters.has(id))
      .sort();
  }
}

/** The events once each, in business order (§0): the order the oracle applies them in. */
export const inBusinessOrder = (events: readonly InboundEvent[]): InboundEvent[] =>
  [...events].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

/**
 * The oracle of a history: every event once, in business order, then every month closed from
 * the first event's through the month after the last event's deadlines (D+15 at the latest).
 */
export function inOrderRun(events: readonly InboundEvent[]): BookRun {
  const run = new BookRun();
  const ordered = inBusinessOrder(events);
  for (const e of ordered) run.send(e);
  const lastMonth = jstMonth(new Date(Date.parse(ordered.at(-1)!.detail.occurredAt) + 40 * 86_400_000).toISOString());
  for (let m = jstMonth(ordered[0]!.detail.occurredAt); m <= lastMonth; m = addMonths(m, 1)) run.close(m);
  return run;
}
