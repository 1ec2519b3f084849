// The single-table design (docs/table-design.md): every key the pipeline reads or writes is
// built here and nowhere else.
import { createHash } from 'node:crypto';
import type { Month } from '../domain/calendar.ts';

/**
 * Customers are spread over this many shards for the monthly close fan-out, the deadline
 * index and the month-wide entry index. Changing it needs a re-index: it decides GSI keys.
 */
export const SHARD_COUNT = 32;

/** FNV-1a: a stable, evenly spread shard for a customer id. */
export function shardOf(customerId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    hash ^= customerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARD_COUNT;
}

export const CUSTOMER_PREFIX = 'CUST#';
export const customerPk = (customerId: string): string => `${CUSTOMER_PREFIX}${customerId}`;
export const STATE_SK = 'STATE';
export const entrySk = (billingMonth: Month, entryId: string): string => `ENTRY#${billingMonth}#${entryId}`;
export const ENTRY_PREFIX = 'ENTRY#';
export const statementSk = (month: Month): string => `STMT#${month}`;
/** The customer's journal (§0), sorted by business order: the key is the event's business key. */
export const journalSk = (businessKey: string): string => `LOG#${businessKey}`;
export const JOURNAL_PREFIX = 'LOG#';
/** Sorts after every journal key: the end of a journal range. */
export const JOURNAL_END = 'LOG$';
/** Sorts after every entry key: the end of a ledger range. */
export const ENTRY_END = 'ENTRY$';
/** The customer's checkpoint of re-derivation (one, overwritten): the snapshot of a month's start. */
export const SNAPSHOT_SK = 'SNAPSHOT';
export const STATEMENT_PREFIX = 'STMT#';

/** GSI1: a month's entries and statements over all customers, sharded. */
export const MONTH_ENTRIES_PREFIX = 'ENTRIES#';
export const MONTH_STATEMENTS_PREFIX = 'STMTS#';
export const monthEntriesKey = (month: Month, shard: number): string => `${MONTH_ENTRIES_PREFIX}${month}#${shard}`;
export const monthStatementsKey = (month: Month, shard: number): string =>
  `${MONTH_STATEMENTS_PREFIX}${month}#${shard}`;
/** GSI2: every customer of a shard (KEYS_ONLY), for the close. */
export const shardKey = (shard: number): string => `SHARD#${shard}`;
/** GSI3: customers with a deadline not yet assessed, by due date (sparse, KEYS_ONLY). */
export const dueKey = (shard: number): string => `DUE#${shard}`;
export const dueSortKey = (dueDate: string, customerId: string): string => `${dueDate}#${customerId}`;
/** Sorts after every due sort key of `dueDate` and before any of a later date: the end of a due range. */
export const dueThroughKey = (dueDate: string): string => `${dueDate}$`;
export const customerOfDueKey = (sortKey: string): string => sortKey.slice(sortKey.indexOf('#') + 1);
/**
 * GSI4: every customer by its id folded to lower case (KEYS_ONLY), for finance's search. Sharded
 * like the rest, so that creating customers never concentrates on one partition (a first-letter
 * partition would: ids share their first letters).
 */
export const SEARCH_PREFIX = 'SEARCH#';
export const searchKey = (shard: number): string => `${SEARCH_PREFIX}${shard}`;
/**
 * `${lower(id)} ${id}`: a space, which no id contains (printable ASCII without spaces), sorts
 * below every id character, so the index's byte order is (lower(id), then id) exactly — a `#`
 * would not be (`!` and `"` sort below it) — and a prefix of lower(id) is a prefix of the key.
 */
export const searchSortKey = (customerId: string): string => `${customerId.toLowerCase()} ${customerId}`;
export const searchSortPrefix = (prefix: string): string => prefix.toLowerCase();
export const customerOfSearchKey = (sortKey: string): string => sortKey.slice(sortKey.indexOf(' ') + 1);

export const eventPk = (eventId: string): string => `EVENT#${eventId}`;
export const EVENT_SK = 'EVENT';
export const CLOSE_PK = 'CLOSE';
export const closeSk = (month: Month): string => `MONTH#${month}`;
export const CLOSE_LATEST_SK = 'LATEST_STARTED';
export const CLOSE_FINISHED_SK = 'LATEST_FINISHED';
/** The state of a month's entries export (shared/store/entries-exports.ts), beside its close. */
export const exportSk = (month: Month): string => `EXPORT#${month}`;
/** One shard's totals of a month's statements, written by its close: the month report reads these. */
export const shardTotalsSk = (month: Month, shard: number): string => `TOTALS#${month}#${shard}`;
export const shardTotalsPrefix = (month: Month): string => `TOTALS#${month}#`;
/** A customer held back from a month's close (its step kept failing), by shard for the retry. */
export const heldSk = (shard: number, month: Month, customerId: string): string =>
  `HELD#${shard}#${month}#${customerId}`;
export const heldShardPrefix = (shard: number): string => `HELD#${shard}#`;
export const HELD_PREFIX = 'HELD#';
export const DEAD_LETTER_PK = 'DEADLETTER';
/**
 * A dead letter's sort key, which is its id: the consumer it was meant for and a digest of the
 * message body, so that the same message dead-lettered twice (a retried batch) is one letter.
 */
export const deadLetterSk = (consumer: string, body: string): string =>
  `${consumer}#${createHash('sha256').update(body).digest('base64url')}`;
/**
 * The table's TTL attribute (infra/constructs/billing-table.ts): DynamoDB deletes any item whose
 * value here, a number of epoch seconds, has passed. Only dead letters carry it; an item of any
 * other kind must never have a numeric attribute of this name.
 */
export const DEAD_LETTER_TTL_ATTRIBUTE = 'expiresAt';

export const INDEX = { byMonth: 'gsi1', byShard: 'gsi2', byDue: 'gsi3', bySearch: 'gsi4' } as const;

/**
 * The partition-key values the finance API may read begin with one of these (its IAM grant
 * carries them as a `dynamodb:LeadingKeys` condition, infra/): a customer's partition
 * (statements, entries, the aggregate), the close status and holds, the month index (gsi1) and
 * the customer search (gsi4, keys only). Never
 * `DEADLETTER` or `EVENT#…`, which keep whole inbound events. A new finance read adds its
 * partition's prefix here, or IAM refuses it in the cloud (test/integration/finance-key-scope.test.ts).
 */
export const FINANCE_READABLE_KEY_PREFIXES: readonly string[] = [
  CUSTOMER_PREFIX,
  CLOSE_PK,
  MONTH_ENTRIES_PREFIX,
  MONTH_STATEMENTS_PREFIX,
  SEARCH_PREFIX,
];
