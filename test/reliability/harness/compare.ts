// What a run left in its table and on its bus, per customer, read back through the store's
// own reads, and two comparisons of a run with an oracle's: exact (every entry, statement and
// publication, for two runs in the same order: the oracle in a table and on the engine) and by
// business order (billing rules §0: per business month the same net per obligation, the same
// final decisions, the same events recorded; for runs in different orders), with what must
// hold in any run (no entry id twice, credits name entries, statements hold their month's
// entries, revisions 1…N, one content per published eventId, the outbox empty).
import pLimit from 'p-limit';
import type { LedgerEntry, Month, Statement } from '#shared/domain/index.ts';
import {
  danglingCredits,
  finalDecisions,
  idsWrittenTwice,
  netByBusinessMonth,
  type Publication,
  revisionGaps,
} from '#test/unit/domain/properties/business-view.ts';
import type { Environment } from './environment.ts';
import { eventIdsByCustomer, recordedEventIds } from './recorded.ts';
import type { Timeline } from './streams.ts';

export interface CustomerView {
  entries: LedgerEntry[];
  statements: Statement[];
  /** eventIds the aggregate recorded (applied or ignored). */
  processed: Set<string>;
  /** eventIds waiting with the aggregate for the order, device or claim they name. */
  waiting: Set<string>;
  /** Outbox entries left unprojected. */
  outbox: string[];
  deadLettered: Set<string>;
  /** Published events by eventId, as canonical JSON. */
  published: Map<string, string>;
  /** eventIds published with two different contents (a consumer de-duplicating by eventId would lose one). */
  conflicts: string[];
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

export async function snapshot(
  run: Pick<Environment, 'pipeline' | 'reads' | 'published'>,
  timeline: Timeline,
): Promise<Snapshot> {
  const customers = new Map<string, CustomerView>();
  const view = (id: string): CustomerView => customers.get(id)!;
  const eventIds = eventIdsByCustomer(timeline.events);
  await pLimit(16).map(timeline.customerIds, async (id) => {
    const [entries, stored, recorded] = await Promise.all([
      run.reads.customerEntries(id),
      run.pipeline.customers.load(id),
      recordedEventIds(run.pipeline, id, eventIds.get(id) ?? []),
    ]);
    customers.set(id, {
      entries: entries.sort((a, b) => cmp(`${a.billingMonth}#${a.entryId}`, `${b.billingMonth}#${b.entryId}`)),
      statements: [],
      processed: new Set(recorded),
      waiting: new Set((stored?.state.waiting ?? []).map((w) => w.record.event.detail.eventId)),
      outbox: Object.keys(stored?.outbox ?? {}),
      deadLettered: new Set(),
      published: new Map(),
      conflicts: [],
    });
  });
  for (const month of timeline.months) {
    for (const s of await run.reads.monthStatements(month)) view(s.customerId).statements.push(s);
  }
  for (const letter of await run.pipeline.deadLetters.list(Number.MAX_SAFE_INTEGER)) {
    if (letter.customerId && letter.eventId && customers.has(letter.customerId))
      view(letter.customerId).deadLettered.add(letter.eventId);
  }
  let republished = 0;
  for (const { detail } of run.published) {
    const { eventId, customerId } = detail as { eventId: string; customerId: string };
    const { published, conflicts } = view(customerId);
    const content = canonical(detail);
    if (published.has(eventId)) republished++;
    if (published.has(eventId) && published.get(eventId) !== content) conflicts.push(eventId);
    published.set(eventId, content);
  }
  return { customers, republished };
}

const sets = (label: string, a: ReadonlySet<string>, b: ReadonlySet<string>): string | undefined => {
  const missing = [...a].filter((x) => !b.has(x));
  const extra = [...b].filter((x) => !a.has(x));
  return missing.length + extra.length === 0
    ? undefined
    : `${label}: missing ${missing.join(' ') || '-'}, extra ${extra.join(' ') || '-'}`;
};

/** What must hold in any run, whatever its order; `closed`: the months closed by its end. */
function runFaults(run: CustomerView, closed: readonly Month[]): string | undefined {
  const twice = idsWrittenTwice(run.entries);
  const dangling = danglingCredits(run.entries, false);
  const gaps = revisionGaps(publications(run));
  // A closed month's statement holds exactly what is billed in it: nothing was added after.
  const statements = closed.flatMap((month) => {
    const billed = run.entries
      .filter((e) => e.billingMonth === month)
      .map((e) => e.entryId)
      .sort();
    const lines = (run.statements.find((s) => s.month === month)?.lines ?? []).map((l) => l.entryId).sort();
    return billed.join(' ') === lines.join(' ')
      ? []
      : [`${month} holds ${lines.join(' ') || '(no statement)'}, billed ${billed.join(' ')}`];
  });
  if (twice.length > 0) return `entry ids written twice: ${twice.join(' ')}`;
  if (dangling.length > 0) return `credits naming no entry: ${dangling.join('; ')}`;
  if (gaps.length > 0) return `revisions: ${gaps.join('; ')}`;
  if (statements.length > 0) return `a closed month's statement is not its ledger: ${statements.join('; ')}`;
  if (run.conflicts.length > 0) return `eventIds published with two contents: ${run.conflicts.join(' ')}`;
  return run.outbox.length > 0 ? `outbox left unprojected: ${run.outbox.join(' ')}` : undefined;
}

/** A view's publications by decision id (a revision's eventId is the id and `#N`). */
function publications(view: CustomerView): Publication[] {
  return [...view.published].map(([eventId, json]) => ({
    id: eventId.replace(/#\d+$/, ''),
    detail: JSON.parse(json) as Record<string, unknown>,
  }));
}

/**
 * The first difference by business order (§0) between the oracle's view of one customer and a
 * run's, or what the run breaks of what holds in any run; undefined when neither.
 */
export const byBusinessOrder =
  (closed: readonly Month[]) =>
  (oracle: CustomerView, run: CustomerView): string | undefined => {
    const listed = (
      label: string,
      a: readonly [string, unknown][],
      b: readonly [string, unknown][],
    ): string | undefined => {
      const left = new Map(a.map(([k, v]) => [k, canonical(v)]));
      const right = new Map(b.map(([k, v]) => [k, canonical(v)]));
      const keys = [...new Set([...left.keys(), ...right.keys()])].filter((k) => left.get(k) !== right.get(k)).sort();
      return keys.length === 0
        ? undefined
        : `${label}: ${keys
            .slice(0, 4)
            .map((k) => `${k} oracle ${left.get(k) ?? '(none)'} / run ${right.get(k) ?? '(none)'}`)
            .join('; ')}`;
    };
    return (
      listed(
        'net per obligation per business month',
        netByBusinessMonth(oracle.entries),
        netByBusinessMonth(run.entries),
      ) ??
      listed('final decisions', finalDecisions(publications(oracle)), finalDecisions(publications(run))) ??
      // The others wait for what never comes, or were given up on after 7 days: which of the
      // two depends on when they arrived, and `compare` counts neither as lost.
      sets('recorded events', oracle.processed, run.processed) ??
      runFaults(run, closed)
    );
  };

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
  const published = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string | undefined => {
    const ids = new Set([...a.keys(), ...b.keys()]);
    const differing = [...ids].filter((id) => a.get(id) !== b.get(id));
    return differing.length === 0
      ? undefined
      : `published: ${differing.map((id) => `${id} oracle ${a.get(id) ?? '(none)'} / run ${b.get(id) ?? '(none)'}`).join('; ')}`;
  };
  return (
    listed('entries', oracle.entries, run.entries, (e) => e.entryId) ??
    listed('statements', oracle.statements.sort(byMonth), run.statements.sort(byMonth), (s) => s.month) ??
    sets('recorded events', oracle.processed, run.processed) ??
    sets('waiting events', oracle.waiting, run.waiting) ??
    sets('dead-lettered events', oracle.deadLettered, run.deadLettered) ??
    published(oracle.published, run.published) ??
    (run.outbox.length > 0 ? `outbox left unprojected: ${run.outbox.join(' ')}` : undefined)
  );
}

export interface Verdict {
  mismatches: { customerId: string; difference: string }[];
  /** Stream events neither recorded by their aggregate, nor waiting with it, nor dead-lettered. */
  lost: string[];
}

/** Each customer of a run against the oracle: exactly (`difference`) or by business order (`byBusinessOrder`). */
export function compare(
  timeline: Timeline,
  oracle: Snapshot,
  run: Snapshot,
  by: typeof difference = difference,
): Verdict {
  const mismatches: Verdict['mismatches'] = [];
  for (const customerId of timeline.customerIds) {
    const diff = by(oracle.customers.get(customerId)!, run.customers.get(customerId)!);
    if (diff) mismatches.push({ customerId, difference: diff });
  }
  const lost = timeline.events
    .filter((e) => {
      const view = run.customers.get(e.customerId)!;
      return !view.processed.has(e.eventId) && !view.waiting.has(e.eventId) && !view.deadLettered.has(e.eventId);
    })
    .map((e) => e.eventId);
  return { mismatches, lost };
}

const byMonth = (a: Statement, b: Statement): number => cmp(a.month, b.month);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
