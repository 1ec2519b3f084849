// Which events a customer's pipeline state has recorded (applied or ignored), in the order it
// recorded them. The aggregate remembers only the events whose outbox entry is not projected
// the last `PROCESSED_WINDOW` events; the registry marks the others (docs/table-design.md).
import type { Pipeline } from '#shared/runtime/pipeline.ts';

export async function recordedEventIds(
  p: Pick<Pipeline, 'customers' | 'events'>,
  customerId: string,
  candidates: readonly string[],
): Promise<string[]> {
  const [stored, forgotten] = await Promise.all([p.customers.load(customerId), p.events.appliedInOrder(candidates)]);
  // The aggregate forgets only marked events, so the marked ones come first.
  return [...new Set([...forgotten, ...Object.keys(stored?.state.processed ?? {})])];
}

/** The eventIds of each customer's events in a timeline. */
export function eventIdsByCustomer(events: readonly { customerId: string; eventId: string }[]): Map<string, string[]> {
  const byCustomer = new Map<string, string[]>();
  for (const e of events) byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), e.eventId]);
  return byCustomer;
}
