// The items a customer's partition holds, as the store writes them (docs/table-design.md): the
// aggregate with its outbox, journal records, ledger entries and statements. Apart from the
// commit protocol (customer-store.ts) because the bench and the tests seed tables with them.
import {
  type CustomerState,
  type Effects,
  type JournalRecord,
  type LedgerEntry,
  nextDueDate,
  type Statement,
} from '../domain/index.ts';
import {
  customerPk,
  dueKey,
  dueSortKey,
  entrySk,
  journalSk,
  monthEntriesKey,
  monthStatementsKey,
  STATE_SK,
  searchKey,
  searchSortKey,
  shardKey,
  shardOf,
  statementSk,
} from './keys.ts';

/** Effects committed with one version of the aggregate and perhaps not yet projected. */
export interface OutboxEntry {
  /** When they were committed (processing time: only for the projection lease). */
  committedAt: number;
  effects: Effects;
}

export interface StoredCustomer {
  state: CustomerState;
  /** Keyed by the version that committed them, e.g. `v12`. */
  outbox: Record<string, OutboxEntry>;
}

export const outboxKey = (version: number): string => `v${version}`;
export const versionOfKey = (key: string): number => Number(key.slice(1));

/** The aggregate item as the commit writes it (exported for seeding a table in bulk). */
export function aggregateItem(next: CustomerState, outbox: Record<string, OutboxEntry>): Record<string, unknown> {
  const shard = shardOf(next.customerId);
  const due = nextDueDate(next);
  const item: Record<string, unknown> = {
    pk: customerPk(next.customerId),
    sk: STATE_SK,
    customerId: next.customerId,
    version: next.version,
    state: JSON.stringify(next),
    gsi2pk: shardKey(shard),
    gsi2sk: next.customerId,
    // The same on every write, as gsi2's: the search index is written when the aggregate is created.
    gsi4pk: searchKey(shard),
    gsi4sk: searchSortKey(next.customerId),
  };
  if (due) Object.assign(item, { gsi3pk: dueKey(shard), gsi3sk: dueSortKey(due, next.customerId) });
  const serialized = Object.fromEntries(
    Object.entries(outbox)
      .filter(([, o]) => !isEmptyEffects(o.effects))
      .map(([k, o]) => [k, JSON.stringify(o)]),
  );
  if (Object.keys(serialized).length > 0) item.outbox = serialized;
  return item;
}

/** Effects with nothing to project: the commit keeps them out of the outbox. */
export function isEmptyEffects(effects: Effects): boolean {
  return (
    effects.entries.length === 0 &&
    effects.statements.length === 0 &&
    effects.emitted.length === 0 &&
    !effects.journal?.length &&
    !effects.expired?.length
  );
}

/** One event of a customer's journal. */
export function journalItem(customerId: string, record: JournalRecord): Record<string, unknown> {
  return { pk: customerPk(customerId), sk: journalSk(record.key), type: 'journal', record: JSON.stringify(record) };
}

export function entryItem(entry: LedgerEntry): Record<string, unknown> {
  return {
    pk: customerPk(entry.customerId),
    sk: entrySk(entry.billingMonth, entry.entryId),
    gsi1pk: monthEntriesKey(entry.billingMonth, shardOf(entry.customerId)),
    gsi1sk: `${entry.customerId}#${entry.entryId}`,
    type: 'entry',
    ...entry,
  };
}

export function statementItem(statement: Statement): Record<string, unknown> {
  return {
    pk: customerPk(statement.customerId),
    sk: statementSk(statement.month),
    gsi1pk: monthStatementsKey(statement.month, shardOf(statement.customerId)),
    gsi1sk: statement.customerId,
    type: 'statement',
    statement: JSON.stringify(statement),
  };
}
