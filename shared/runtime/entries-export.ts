// A month's entries as one CSV file (issue 14): the finance API's entries.csv outgrew any
// response (45–135 MB at 100,000 customers), so the close, or an operator, writes it as a job
// and the API answers with the job's state. The rows are streamed from the store's shard
// pages, merged by customer and entry id (the order `LedgerReads.monthEntries` gives), through
// csv-stringify into a sink — S3 in the cloud, the data folder locally — in constant memory:
// at most two pages per shard are held at any time, whatever the month's size.
import { randomUUID } from 'node:crypto';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { addMonths, jstMonth, type LedgerEntry, type Month } from '../domain/index.ts';
import { EXPORT_RETENTION_YEARS } from '../domain/policy.ts';
import type { CloseStatusStore } from '../store/close-status.ts';
import { customerShards } from '../store/customer-store.ts';
import type { EntriesExport, EntriesExportStore, FailedExport, ReadyExport } from '../store/entries-exports.ts';
import type { LedgerReads } from '../store/ledger-reads.ts';
import { CSV_COLUMNS, csvRow, csvStream } from './csv.ts';

/** Items per store page: 32 shards × 2 pages of ~400-byte entries stay within some 10 MB. */
export const EXPORT_PAGE_SIZE = 400;
/**
 * A `running` export older than this is taken to have crashed and may be taken over: longer
 * than the export function's 15-minute Lambda timeout, so a live run is never taken over.
 */
export const EXPORT_STALE_MINUTES = 20;
/** In the cloud the files are under this prefix of the export bucket; its grants name it. */
export const EXPORT_OBJECT_PREFIX = 'entries/';

/** The file's name, with the month in it: what finance's download is called. */
export const entriesFileName = (month: Month): string => `entries-${month}.csv`;

/** Where a file is being written; nothing is visible under its name before `commit`. */
export interface ExportSink {
  stream: Writable;
  /** Makes the whole file visible under its name at once (replacing an earlier one); returns its key. */
  commit(): Promise<string>;
  /** Drops what was written: called when the export fails. */
  abort(): Promise<void>;
}

export type OpenExportSink = (month: Month) => ExportSink;

export interface ExportDeps {
  reads: Pick<LedgerReads, 'monthEntryPages'>;
  exports: EntriesExportStore;
  openSink: OpenExportSink;
}

export interface ExportOptions {
  pageSize?: number;
  runId?: string;
}

/** The export ran (`ready` or `failed`), or another run holds it (`running`). */
export type ExportOutcome = EntriesExport;

/**
 * Exports `month`'s entries unless another run holds the export; a failure is recorded as
 * `failed` with its reason (and thrown), so that a caller with retries (the queue) retries.
 */
export async function exportEntries(
  deps: ExportDeps,
  month: Month,
  now: () => string,
  options: ExportOptions = {},
): Promise<ExportOutcome> {
  const runId = options.runId ?? randomUUID();
  const startedAt = now();
  const staleBefore = new Date(Date.parse(startedAt) - EXPORT_STALE_MINUTES * 60_000).toISOString();
  const claim = await deps.exports.claim(month, runId, startedAt, staleBefore);
  if (!claim.claimed) return claim.holder ?? { month, state: 'running', runId: 'unknown', startedAt: startedAt };
  let sink: ExportSink | undefined;
  try {
    sink = deps.openSink(month);
    const counted = { rows: 0, bytes: 0 };
    const rows = Readable.from(
      (async function* () {
        for await (const entry of mergedEntries(deps.reads, month, options.pageSize ?? EXPORT_PAGE_SIZE)) {
          counted.rows++;
          yield csvRow(CSV_COLUMNS, entry);
        }
      })(),
    );
    const countBytes = new Transform({
      transform(chunk: Buffer | string, _encoding, done) {
        counted.bytes += Buffer.byteLength(chunk);
        done(null, chunk);
      },
    });
    await pipeline(rows, csvStream(CSV_COLUMNS, { bom: true }), countBytes, sink.stream);
    const objectKey = await sink.commit();
    const ready: ReadyExport = { month, state: 'ready', runId, startedAt, finishedAt: now(), ...counted, objectKey };
    await deps.exports.end(ready);
    return ready;
  } catch (error) {
    await sink?.abort().catch(() => {});
    const failed: FailedExport = {
      month,
      state: 'failed',
      runId,
      startedAt,
      failedAt: now(),
      reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
    await deps.exports.end(failed).catch(() => {});
    throw error;
  }
}

interface Cursor {
  pages: AsyncIterator<LedgerEntry[]>;
  page: LedgerEntry[];
  at: number;
  /** The next page, asked for as soon as the current one arrived: a shard never waits twice. */
  next?: Promise<IteratorResult<LedgerEntry[]>>;
}

/** The cursor's current entry, loading its next non-empty page when the current one is used up; none at its end. */
async function head(cursor: Cursor): Promise<LedgerEntry | undefined> {
  for (;;) {
    const entry = cursor.page[cursor.at];
    if (entry) return entry;
    const result = await (cursor.next ?? cursor.pages.next());
    cursor.next = undefined;
    if (result.done) return undefined;
    cursor.page = result.value;
    cursor.at = 0;
    cursor.next = cursor.pages.next();
    // Awaited by the next load; if the export stops first, its failure is not unhandled.
    cursor.next.catch(() => {});
  }
}

const before = (a: LedgerEntry, b: LedgerEntry): boolean =>
  a.customerId === b.customerId ? a.entryId < b.entryId : a.customerId < b.customerId;

/**
 * Every entry of the month, by customer and entry id: a merge of the shards, each already in
 * that order (its index sort key is `customerId#entryId`), one page of each at a time.
 */
export async function* mergedEntries(
  reads: Pick<LedgerReads, 'monthEntryPages'>,
  month: Month,
  pageSize: number,
): AsyncGenerator<LedgerEntry> {
  let live = customerShards().map((shard): { cursor: Cursor; entry?: LedgerEntry } => ({
    cursor: { pages: reads.monthEntryPages(month, shard, pageSize), page: [], at: 0 },
  }));
  await Promise.all(
    live.map(async (c) => {
      c.entry = await head(c.cursor);
    }),
  );
  live = live.filter((c) => c.entry !== undefined);
  for (;;) {
    let first: (typeof live)[number] | undefined;
    for (const c of live) if (c.entry && (!first?.entry || before(c.entry, first.entry))) first = c;
    if (!first?.entry) return;
    yield first.entry;
    first.cursor.at++;
    first.entry = await head(first.cursor);
    if (!first.entry) live = live.filter((c) => c !== first);
  }
}

export type ExportRefusal = { error: 'BAD_REQUEST' | 'OUTSIDE_RETENTION' | 'MONTH_NOT_CLOSED'; message: string };

/** Why an operator may not export `month` (any closed month of the last EXPORT_RETENTION_YEARS years), if not. */
export async function exportRefusal(
  closes: Pick<CloseStatusStore, 'closedThrough'>,
  month: Month,
  now: string,
): Promise<ExportRefusal | undefined> {
  const oldest = addMonths(jstMonth(now), -12 * EXPORT_RETENTION_YEARS);
  if (month < oldest)
    return {
      error: 'OUTSIDE_RETENTION',
      message: `${month} is older than the ${EXPORT_RETENTION_YEARS}-year retention (the oldest month to export is ${oldest})`,
    };
  const closedThrough = await closes.closedThrough();
  if (closedThrough === undefined || month > closedThrough)
    return {
      error: 'MONTH_NOT_CLOSED',
      message: `${month} is not closed yet${closedThrough ? ` (closed through ${closedThrough})` : ''}: it is exported when its close finishes`,
    };
  return undefined;
}
