// What a run left in its table and on its bus, per customer, read back through the store's
// own reads, and the comparison of a run against the oracle's.
import type { LedgerEntry, Statement } from '#shared/domain/index.ts';
import type { Environment } from './environment.ts';
import { eventIdsByCustomer, recordedEventIds } from './recorded.ts';
import type { Timeline } from './streams.ts';

export interface CustomerView {
  entries: LedgerEntry[];
  statements: Statement[];
  /** eventIds the aggregate recorded (applied or ignored). */
  processed: Set<string>;
  /** Outbox entries left unprojected. */
  outbox: string[];
  deadLettered: Set<string>;
  /** Published events by eventId, as canonical JSON. */
  published: Map<string, string>;
}

export interface Snapshot {
  customers: Map<string, CustomerView>;
  /** Publications of an eventId already published (allowed: at least once). */
  republished: number;
}

/** JSON with keys sorted: two tables may return an item's attributes in another order. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
    .join(',')}}`;
}

export async function snapshot(run: Pick<Environment, 'pipeline' | 'reads' | 'published'>, timeline: Timeline): Promise<Snapshot> {
  const customers = new Map<string, CustomerView>();
  const view = (id: string): CustomerView => customers.get(id)!;
  const eventIds = eventIdsByCustomer(timeline.events);
  await inParallel(timeline.customerIds, 16, async (id) => {
    const [entries, stored, recorded] = await Promise.all([run.reads.customerEntries(id), run.pipeline.customers.load(id), recordedEventIds(run.pipeline, id, eventIds.get(id) ?? [])]);
    customers.set(id, {
      entries: entries.sort((a, b) => cmp(`${a.billingMonth}#${a.entryId}`, `${b.billingMonth}#${b.entryId}`)),
      statements: [],
      processed: new Set(recorded),
      outbox: Object.keys(stored?.outbox ?? {}),
      deadLettered: new Set(),
      published: new Map(),
    });
  });
  for (const month of timeline.months) {
    for (const s of await run.reads.monthStatements(month)) view(s.customerId).statements.push(s);
  }
  for (const letter of await run.pipeline.deadLetters.list(Number.MAX_SAFE_INTEGER)) {
    if (letter.customerId && letter.eventId && customers.has(letter.customerId)) view(letter.customerId).deadLettered.add(letter.eventId);
  }
  let republished = 0;
  for (const { detail } of run.published) {
    const { eventId, customerId } = detail as { eventId: string; customerId: string };
    const published = view(customerId).published;
    if (published.has(eventId)) republished++;
    published.set(eventId, canonical(detail));
  }
  return { customers, republished };
}

/** The first difference between two views of one customer, or undefined when they agree. */
export function difference(oracle: CustomerView, run: CustomerView): string | undefined {
  const listed = <T>(label: string, a: readonly T[], b: readonly T[], key: (t: T) => string): string | undefined => {
    const left = a.map(canonical);
    const right = b.map(canonical);
    if (left.join('\n') === right.join('\n')) return undefined;
    const i = left.findIndex((x, n) => x !== right[n]);
    const at = i === -1 ? left.length : i;
    return `${label}: oracle ${a[at] === undefined ? '(nothing)' : key(a[at]!)} ${left[at] ?? ''} / run ${b[at] === undefined ? '(nothing)' : key(b[at]!)} ${right[at] ?? ''}`;
  };
  const sets = (label: string, a: ReadonlySet<string>, b: ReadonlySet<string>): string | undefined => {
    const missing = [...a].filter((x) => !b.has(x));
    const extra = [...b].filter((x) => !a.has(x));
    return missing.length + extra.length === 0 ? undefined : `${label}: missing ${missing.join(' ') || '-'}, extra ${extra.join(' ') || '-'}`;
  };
  const published = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string | undefined => {
    const ids = new Set([...a.keys(), ...b.keys()]);
    const differing = [...ids].filter((id) => a.get(id) !== b.get(id));
    return differing.length === 0 ? undefined : `published: ${differing.map((id) => `${id} oracle ${a.get(id) ?? '(none)'} / run ${b.get(id) ?? '(none)'}`).join('; ')}`;
  };
  return (
    listed('entries', oracle.entries, run.entries, (e) => e.entryId) ??
    listed('statements', oracle.statements.sort(byMonth), run.statements.sort(byMonth), (s) => s.month) ??
    sets('recorded events', oracle.processed, run.processed) ??
    sets('dead-lettered events', oracle.deadLettered, run.deadLettered) ??
    published(oracle.published, run.published) ??
    (run.outbox.length > 0 ? `outbox left unprojected: ${run.outbox.join(' ')}` : undefined)
  );
}

export interface Verdict {
  mismatches: { customerId: string; difference: string }[];
  /** Stream events neither recorded by their aggregate nor dead-lettered. */
  lost: string[];
}

export function compare(timeline: Timeline, oracle: Snapshot, run: Snapshot): Verdict {
  const mismatches: Verdict['mismatches'] = [];
  for (const customerId of timeline.customerIds) {
    const diff = difference(oracle.customers.get(customerId)!, run.customers.get(customerId)!);
    if (diff) mismatches.push({ customerId, difference: diff });
  }
  const lost = timeline.events
    .filter((e) => {
      const view = run.customers.get(e.customerId)!;
      return !view.processed.has(e.eventId) && !view.deadLettered.has(e.eventId);
    })
    .map((e) => e.eventId);
  return { mismatches, lost };
}

const byMonth = (a: Statement, b: Statement): number => cmp(a.month, b.month);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
