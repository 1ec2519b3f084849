// The oracle on the pure engine: the timeline applied in order once, each aggregate in memory,
// following the rules the store adds around the engine: an aggregate exists from its first
// commit and starts with the latest close started; an event that cannot apply yet is
// dead-lettered and redriven before the next close if its customer recorded an event since
// (run.ts); a sweep or close reaches every aggregate.
// A customer's entries, statements and events are kept by id, as the table and the
// de-duplicating consumer keep them. Whether this equals the oracle run in a table is itself a
// test (test/reliability/stream.test.ts).
import { closeMonth, decide, emptyCustomerState, sweepDeadlines, type CustomerState, type Effects, type Month } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { toPutEventsEntry } from '#shared/runtime/publisher.ts';
import { canonical, type CustomerView, type Snapshot } from './compare.ts';
import type { StreamEvent, Timeline } from './streams.ts';

export function engineOracle(timeline: Timeline): Snapshot {
  const states = new Map<string, CustomerState>();
  const entries = new Map<string, Map<string, Effects['entries'][number]>>();
  const statements = new Map<string, Map<Month, Effects['statements'][number]>>();
  const published = new Map<string, Map<string, string>>(timeline.customerIds.map((id) => [id, new Map()]));
  let latestStarted: Month | undefined;
  let letters: StreamEvent[] = [];
  const redrivenAt = new Map<string, number>();
  const recorded = (customerId: string) => Object.keys(states.get(customerId)?.processed ?? {}).length;

  const keep = (customerId: string, next: CustomerState, effects: Effects): void => {
    states.set(customerId, next);
    const own = entries.get(customerId) ?? new Map();
    for (const e of effects.entries) own.set(`${e.billingMonth}#${e.entryId}`, e);
    entries.set(customerId, own);
    const months = statements.get(customerId) ?? new Map();
    for (const s of effects.statements) months.set(s.month, s);
    statements.set(customerId, months);
    for (const emitted of effects.emitted) published.get(customerId)!.set(emitted.id, canonical(JSON.parse(toPutEventsEntry(emitted, 'oracle').Detail!)));
  };
  const apply = (event: StreamEvent): void => {
    const state = states.get(event.customerId) ?? emptyCustomerState(event.customerId, latestStarted);
    const decision = decide(state, event.inJst, fingerprintOf(event.inJst));
    if (decision.outcome.outcome === 'pending' || decision.outcome.outcome === 'invalid') letters.push(event);
    else if (decision.changed) keep(event.customerId, decision.state, decision.effects);
  };

  for (const window of timeline.windows) {
    window.events.forEach(apply);
    const barrier = window.barrier;
    if (barrier?.type === 'close') {
      const due = new Set(letters.map((e) => e.customerId).filter((id) => recorded(id) !== redrivenAt.get(id)));
      const redriven = letters.filter((e) => due.has(e.customerId)).sort((a, b) => a.index - b.index);
      letters = letters.filter((e) => !due.has(e.customerId));
      for (const id of due) redrivenAt.set(id, recorded(id));
      redriven.forEach(apply);
      latestStarted = barrier.month;
    }
    if (!barrier) continue;
    for (const [customerId, state] of states) {
      const step = barrier.type === 'close' ? closeMonth(state, barrier.month, barrier.at) : sweepDeadlines(state, barrier.at);
      if (step.changed) keep(customerId, step.state, step.effects);
    }
  }

  const customers = new Map<string, CustomerView>();
  for (const customerId of timeline.customerIds) {
    customers.set(customerId, {
      entries: [...(entries.get(customerId)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e),
      statements: [...(statements.get(customerId)?.values() ?? [])],
      processed: new Set(Object.keys(states.get(customerId)?.processed ?? {})),
      outbox: [],
      deadLettered: new Set(letters.filter((e) => e.customerId === customerId).map((e) => e.eventId)),
      published: published.get(customerId)!,
    });
  }
  return { customers, republished: 0 };
}
