// The oracle on the pure engine: each customer's events of a window applied once, in business
// order (billing rules §0), before the window's barrier, each customer a CustomerBook in memory,
// with the rules the store and run.ts add around the engine: an aggregate exists from its first
// commit and starts with the latest close started; a barrier reaches every aggregate; the
// processing time of a window's events is its barrier's; an event the sweep gives up on, or
// one that can never apply, is dead-lettered and redriven as run.ts redrives (before each close
// those of customers that recorded an event since, before the last close all of them). A
// customer's entries, statements and events are kept by id, as the table and the
// de-duplicating consumer keep them. That this equals the oracle run through the pipeline in a
// table is itself a test (test/reliability/oracle.test.ts).
import { CustomerBook, type Effects, type Month } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { toPutEventsEntry } from '#shared/runtime/publisher.ts';
import { type CustomerView, canonical, type Snapshot } from './compare.ts';
import type { StreamEvent, Timeline } from './streams.ts';

interface Kept {
  book: CustomerBook;
  entries: Map<string, Effects['entries'][number]>;
  statements: Map<Month, Effects['statements'][number]>;
  /** By the eventId each publication carries (a revision's is `id#N`). */
  published: Map<string, string>;
}

const inBusinessOrder = (events: readonly StreamEvent[]): StreamEvent[] =>
  [...events].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

export function engineOracle(timeline: Timeline): Snapshot {
  const kept = new Map<string, Kept>();
  const byEventId = new Map(timeline.events.map((e) => [e.eventId, e]));
  let latestStarted: Month | undefined;
  let now = new Date(0).toISOString();
  let letters: StreamEvent[] = [];
  const redrivenAt = new Map<string, number>();
  const recorded = (customerId: string) => Object.keys(kept.get(customerId)?.book.state.processed ?? {}).length;

  const keep = (own: Kept, effects: Effects): void => {
    for (const e of effects.entries) own.entries.set(`${e.billingMonth}#${e.entryId}`, e);
    for (const s of effects.statements) own.statements.set(s.month, s);
    for (const emitted of effects.emitted) {
      const detail = JSON.parse(toPutEventsEntry(emitted, 'oracle').Detail!) as { eventId: string };
      own.published.set(detail.eventId, canonical(detail));
    }
    for (const x of effects.expired ?? []) letters.push(byEventId.get(x.record.event.detail.eventId)!);
  };
  const apply = (events: readonly StreamEvent[]): void => {
    for (const event of inBusinessOrder(events)) {
      const own = kept.get(event.customerId) ?? {
        book: new CustomerBook(event.customerId, latestStarted),
        entries: new Map(),
        statements: new Map(),
        published: new Map(),
      };
      const decision = own.book.decide(event.inJst, fingerprintOf(event.inJst), now);
      if (decision.outcome.outcome === 'invalid') letters.push(event);
      if (!decision.changed) continue;
      kept.set(event.customerId, own);
      keep(own, decision.effects);
    }
  };
  const redrive = (all: boolean): void => {
    const due = new Set(letters.map((e) => e.customerId).filter((id) => all || recorded(id) !== redrivenAt.get(id)));
    const redriven = letters.filter((e) => due.has(e.customerId));
    letters = letters.filter((e) => !due.has(e.customerId));
    for (const id of due) redrivenAt.set(id, recorded(id));
    apply(redriven);
  };

  const last = timeline.windows.at(-1);
  for (const window of timeline.windows) {
    const { events, barrier } = window;
    if (barrier) now = new Date(barrier.at).toISOString();
    apply(events);
    if (!barrier) continue;
    if (barrier.type === 'close') {
      redrive(window === last);
      latestStarted = barrier.month;
    }
    for (const own of kept.values()) {
      const step = barrier.type === 'close' ? own.book.close(barrier.month, barrier.at) : own.book.sweep(barrier.at);
      if (step.changed) keep(own, step.effects);
    }
  }

  const customers = new Map<string, CustomerView>();
  for (const customerId of timeline.customerIds) {
    const own = kept.get(customerId);
    const state = own?.book.state;
    customers.set(customerId, {
      entries: [...(own?.entries ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e),
      statements: [...(own?.statements.values() ?? [])],
      processed: new Set(Object.keys(state?.processed ?? {})),
      waiting: new Set((state?.waiting ?? []).map((w) => w.record.event.detail.eventId)),
      outbox: [],
      deadLettered: new Set(letters.filter((e) => e.customerId === customerId).map((e) => e.eventId)),
      published: own?.published ?? new Map(),
      conflicts: [],
    });
  }
  return { customers, republished: 0 };
}
