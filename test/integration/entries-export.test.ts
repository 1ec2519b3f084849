// The entries export (shared/runtime/entries-export.ts) on the test store: the file equals the
// in-memory CSV byte for byte after its BOM, is written in constant memory (pages read with a
// Limit, written as read), survives a crash mid-export, and runs once when started twice.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '#shared/domain/index.ts';
import { CSV_COLUMNS, entriesCsv } from '#shared/runtime/csv.ts';
import {
  EXPORT_STALE_MINUTES,
  type ExportSink,
  entriesFileName,
  exportEntries,
  type OpenExportSink,
} from '#shared/runtime/entries-export.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import { entryItem } from '#shared/store/customer-items.ts';
import { EntriesExportStore } from '#shared/store/entries-exports.ts';
import { SHARD_COUNT, shardOf } from '#shared/store/keys.ts';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { startTestStore, type TestTable } from '#test/support/dynamo.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { fileExportSink } from '../../local/file-export-sink.ts';

const BOM = '\uFEFF';
const MONTH = '2026-05';
const NOW = '2026-06-01T02:00:00.000Z';
const now = () => NOW;

let db: TestTable;
let reads: LedgerReads;
let exports: EntriesExportStore;
let folder: string;
beforeAll(async () => {
  db = await startTestStore('billing-entries-export');
  reads = new LedgerReads(db.doc, db.tableName);
  exports = new EntriesExportStore(db.doc, db.tableName);
});
afterAll(async () => db.stop());
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'billing-export-'));
  return () => rmSync(folder, { recursive: true, force: true });
});

function entry(customerId: string, n: number, month = MONTH, description = `端末 分割 ${n}/24`): LedgerEntry {
  return {
    entryId: `E-${String(n).padStart(3, '0')}`,
    customerId,
    deviceId: `DEV-${customerId}`,
    kind: 'device_installment',
    taxClass: 'taxable-10',
    amountYen: n % 5 === 0 ? -1_100 * n : 1_000 + n,
    billingMonth: month,
    businessDate: `${month}-15`,
    description,
    causedBy: `close:${month}`,
  };
}

async function put(entries: readonly LedgerEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 25)
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [db.tableName]: entries.slice(i, i + 25).map((e) => ({ PutRequest: { Item: entryItem(e) } })),
        },
      }),
    );
}

/** A sink that keeps what it got in memory and records how it was written. */
function memorySink(failAfterChunks = Number.POSITIVE_INFINITY) {
  const record = { chunks: 0, maxChunk: 0, text: '', committed: false, aborted: false };
  const open: OpenExportSink = (): ExportSink => {
    const parts: Buffer[] = [];
    return {
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          record.chunks++;
          record.maxChunk = Math.max(record.maxChunk, chunk.length);
          parts.push(chunk);
          done(record.chunks > failAfterChunks ? new Error('disk full') : null);
        },
      }),
      commit: async () => {
        record.text = Buffer.concat(parts).toString('utf8');
        record.committed = true;
        return 'memory';
      },
      abort: async () => {
        record.aborted = true;
      },
    };
  };
  return { open, record };
}

const customers = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe('exportEntries', () => {
  it('writes the BOM, the header and every entry across shards, equal to the in-memory CSV, formulas defused', async () => {
    const month = '2026-04';
    const ids = customers('EXA', 40);
    const entries = ids.flatMap((id, i) => [entry(id, i, month), entry(id, i + 100, month)]);
    entries.push({ ...entry('EXA-0', 999, month), description: '=HYPERLINK("http://x")' });
    // Another month's entries stay out.
    await put([...entries, entry('EXA-1', 7, '2026-03')]);
    expect(new Set(ids.map(shardOf)).size).toBeGreaterThan(10);

    const outcome = await exportEntries({ reads, exports, openSink: fileExportSink(folder) }, month, now, {
      pageSize: 3,
    });
    const file = readFileSync(join(folder, entriesFileName(month)));
    const text = file.toString('utf8');
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.slice(BOM.length)).toBe(entriesCsv(await reads.monthEntries(month)));
    expect(text.slice(BOM.length).split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(outcome).toMatchObject({ state: 'ready', rows: entries.length, bytes: file.length, finishedAt: NOW });
    expect(await exports.get(month)).toEqual(outcome);
    // Only the finished file is left: the temporary one was renamed.
    expect(readdirSync(folder)).toEqual([entriesFileName(month)]);
  });

  it('writes a month without entries as the BOM and the header only', async () => {
    const outcome = await exportEntries({ reads, exports, openSink: fileExportSink(folder) }, '2019-01', now);
    expect(readFileSync(join(folder, entriesFileName('2019-01')), 'utf8')).toBe(`${BOM}${CSV_COLUMNS.join(',')}\r\n`);
    expect(outcome).toMatchObject({ state: 'ready', rows: 0 });
  });

  it('reads pages with a Limit and writes them as it reads: never the whole month first', async () => {
    const month = '2026-02';
    const entries = customers('EXM', 200).map((id, i) => entry(id, i, month));
    await put(entries);
    const queries: (number | undefined)[] = [];
    let queriesAtFirstWrite: number | undefined;
    const spied = {
      monthEntryPages: (m: string, shard: number, size: number) => {
        const pages = reads.monthEntryPages(m, shard, size);
        return (async function* () {
          for await (const page of pages) {
            queries.push(size);
            yield page;
          }
        })();
      },
    };
    const original = db.doc.send.bind(db.doc);
    const limits: (number | undefined)[] = [];
    db.doc.send = ((command: unknown) => {
      if (command instanceof QueryCommand) limits.push(command.input.Limit);
      return original(command as never);
    }) as typeof db.doc.send;
    const sink = memorySink();
    const open: OpenExportSink = (m) => {
      const s = sink.open(m);
      const write = s.stream._write.bind(s.stream);
      s.stream._write = (chunk, encoding, done) => {
        queriesAtFirstWrite ??= queries.length;
        write(chunk, encoding, done);
      };
      return s;
    };
    try {
      await exportEntries({ reads: spied, exports, openSink: open }, month, now, { pageSize: 2 });
    } finally {
      db.doc.send = original;
    }
    expect(limits.length).toBeGreaterThan(100);
    expect(limits.every((limit) => limit === 2)).toBe(true);
    // 100 pages of 2 in all; by the first write at most two per shard had been read.
    expect(queriesAtFirstWrite).toBeLessThanOrEqual(2 * SHARD_COUNT);
    // No write is larger than a few pages' rows: the CSV is not buffered whole (some 20 KB).
    expect(sink.record.text.length).toBeGreaterThan(15_000);
    expect(sink.record.maxChunk).toBeLessThan(2_000);
  });

  it('leaves no ready file after a crash mid-export, records the failure, and a retry completes', async () => {
    const month = '2026-01';
    await put(customers('EXC', 60).map((id, i) => entry(id, i, month)));
    const crashing = memorySink(5);
    const files = fileExportSink(folder);
    // The file sink under a stream that fails after 5 chunks, as a full disk would.
    const failing: OpenExportSink = (m) => {
      const real = files(m);
      const fake = crashing.open(m);
      return { ...real, stream: fake.stream };
    };
    await expect(exportEntries({ reads, exports, openSink: failing }, month, now, { pageSize: 2 })).rejects.toThrow(
      'disk full',
    );
    expect(readdirSync(folder)).toEqual([]);
    expect(await exports.get(month)).toMatchObject({ state: 'failed', reason: 'Error: disk full' });

    const retry = await exportEntries({ reads, exports, openSink: fileExportSink(folder) }, month, now);
    expect(retry).toMatchObject({ state: 'ready', rows: 60 });
    expect(readFileSync(join(folder, entriesFileName(month)), 'utf8').slice(1)).toBe(
      entriesCsv(await reads.monthEntries(month)),
    );
  });

  it('runs once when started twice at once; a stale running export is taken over', async () => {
    const month = '2025-12';
    await put(customers('EXT', 30).map((id, i) => entry(id, i, month)));
    const sinks = [memorySink(), memorySink()];
    const [a, b] = await Promise.all(
      sinks.map((sink) => exportEntries({ reads, exports, openSink: sink.open }, month, now)),
    );
    expect([a!.state, b!.state].sort()).toEqual(['ready', 'running']);
    expect(sinks.filter((s) => s.record.committed)).toHaveLength(1);

    // A run that crashed without a word leaves `running`: taken over only once it is stale.
    const crashedAt = '2026-06-01T03:00:00.000Z';
    expect((await exports.claim(month, 'crashed', crashedAt, '2000-01-01T00:00:00.000Z')).claimed).toBe(true);
    const justBefore = new Date(Date.parse(crashedAt) + (EXPORT_STALE_MINUTES - 1) * 60_000).toISOString();
    expect(await exportEntries({ reads, exports, openSink: memorySink().open }, month, () => justBefore)).toMatchObject(
      { state: 'running', runId: 'crashed' },
    );
    const after = new Date(Date.parse(crashedAt) + (EXPORT_STALE_MINUTES + 1) * 60_000).toISOString();
    const taken = await exportEntries({ reads, exports, openSink: memorySink().open }, month, () => after);
    expect(taken).toMatchObject({ state: 'ready', rows: 30 });
    // The crashed run, coming back, can no longer overwrite what the new one recorded.
    expect(
      await exports.end({
        month,
        state: 'failed',
        runId: 'crashed',
        startedAt: crashedAt,
        failedAt: after,
        reason: 'x',
      }),
    ).toBe(false);
    expect(await exports.get(month)).toMatchObject({ state: 'ready', runId: taken.runId });
  });
});

describe('the close starts the export', () => {
  it("says so on the shard that finishes the month, once: the others, and a later run, don't", async () => {
    const t = await startTestPipeline();
    try {
      const month = '2026-09';
      const at = '2026-10-01T01:00:00+09:00';
      const messages: CloseShardMessage[] = [];
      await startMonthClose(t.pipeline, month, at, async (m) => void messages.push(m));
      const results = [];
      for (const message of messages) results.push(await closeShard(t.pipeline, message, at));
      expect(results.map((r) => r.monthClosed ?? false)).toEqual([...Array(SHARD_COUNT - 1).fill(false), true]);
      // The same shard message delivered again (a retry) finds the month closed and starts nothing.
      expect((await closeShard(t.pipeline, messages.at(-1)!, at)).monthClosed).toBeUndefined();
    } finally {
      await t.stop();
    }
  });
});
