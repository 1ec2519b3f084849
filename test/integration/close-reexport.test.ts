// A customer held from a month's close is closed later: the month's entries file was written
// without it, so the close that releases it writes that month's file again, in the cloud (a
// message on the export queue, functions/close-shard.ts) and locally (`POST /admin/close`,
// here through handleAdmin with the real store). The export itself is the real one, into a
// temporary folder; only the store's commits for the held customer fail, on purpose.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportEntries } from '#shared/runtime/entries-export.ts';
import { EntriesExportStore } from '#shared/store/entries-exports.ts';
import { FaultyStore } from '#test/support/faulty-store.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';
import { type AdminDeps, handleAdmin } from '../../local/admin.ts';
import { fileExportSink } from '../../local/file-export-sink.ts';
import { LocalClock } from '../../local/local-clock.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
let dir: string;
let store: FaultyStore;
let clock: LocalClock;
let admin: (path: string, body: unknown) => Promise<{ status: number; body: any }>;
const exported: string[] = [];

beforeAll(async () => {
  t = await startTestPipeline();
  dir = mkdtempSync(join(tmpdir(), 'billing-reexport-'));
  store = new FaultyStore(t.db.doc, t.db.tableName);
  const pipeline = { ...t.pipeline, customers: store };
  const exports = new EntriesExportStore(t.db.doc, t.db.tableName);
  clock = new LocalClock(jst('2026-11-01', '09:00'));
  // The close route reads only the pipeline, the clock and the export; the rest stays unused.
  const deps = {
    pipeline,
    clock,
    closeExports: true,
    exportEntries: (month: string) => {
      exported.push(month);
      return exportEntries({ reads: t.reads, exports, openSink: fileExportSink(dir) }, month, () =>
        new Date().toISOString(),
      );
    },
  } as unknown as AdminDeps;
  admin = (path, body) => handleAdmin(deps, 'POST', new URL(`http://local${path}`), body);
  for (const customerId of ['RX-1', 'RX-HELD']) {
    await t.deliver([
      orderPlaced(jst('2026-10-05'), [{ deviceId: 'D1', priceYen: 50_000 }], {
        customerId,
        orderId: `${customerId}-O`,
      }),
    ]);
    await t.deliver([
      event('DeviceDelivered', {
        customerId,
        occurredAt: jst('2026-10-07'),
        orderId: `${customerId}-O`,
        deviceId: 'D1',
      }),
    ]);
  }
}, 60_000);
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const fileCustomers = (month: string) =>
  readFileSync(join(dir, `entries-${month}.csv`), 'utf8')
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .slice(1)
    .map((row) => row.split(',')[0]);

describe('the close that releases a held customer', () => {
  it('writes the month of the hold again, with the customer in it', async () => {
    store.failing.add('RX-HELD');
    clock.set(jst('2026-11-01', '09:00'));
    const october = await admin('/admin/close', { month: '2026-10' });
    expect(october.body).toMatchObject({ held: [{ customerId: 'RX-HELD' }], export: { state: 'ready' } });
    expect(fileCustomers('2026-10')).toEqual(['RX-1']);

    // Held again by November's close; then fixed, and December's close releases both holds.
    clock.set(jst('2026-12-01', '09:00'));
    await admin('/admin/close', { month: '2026-11' });
    store.failing.clear();
    clock.set(jst('2027-01-01', '09:00'));
    exported.length = 0;
    const december = await admin('/admin/close', { month: '2026-12' });
    expect(december.body.released).toEqual(['RX-HELD']);
    expect(exported).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(december.body.alsoExported).toMatchObject({ '2026-10': { state: 'ready' }, '2026-11': { state: 'ready' } });
    expect(fileCustomers('2026-10')).toEqual(['RX-1', 'RX-HELD']);
  });

  it('a close that releases no one writes only its own month', async () => {
    exported.length = 0;
    const again = await admin('/admin/close', { month: '2026-12' });
    expect(again.body).toMatchObject({ status: 'already-closed', shards: 0 });
    expect(again.body.alsoExported).toBeUndefined();
    expect(exported).toEqual([]);
  });
});
