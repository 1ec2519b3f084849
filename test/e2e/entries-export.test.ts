// The entries export through the local stack's surfaces: the close writes the month's file into
// the data folder, the finance API answers with its state and download path, the stack serves
// the file named after its month, and `POST /admin/export` (billing export) writes it again.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '#shared/domain/index.ts';
import { CSV_COLUMNS } from '#shared/runtime/csv.ts';
import { startStack, type TestStack } from '#test/support/local-stack.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';

describe('the entries export of the local stack', () => {
  let stack: TestStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'billing-export-e2e-'));
    stack = await startStack({ dataDir, now: jst('2026-11-01', '09:00') });
    await stack.put([
      orderPlaced(jst('2026-10-05'), [{ deviceId: 'D1', priceYen: 55_000 }], {
        customerId: 'EXP-1',
        orderId: 'EXP-1-O',
      }),
      event('DeviceDelivered', {
        customerId: 'EXP-1',
        occurredAt: jst('2026-10-07'),
        orderId: 'EXP-1-O',
        deviceId: 'D1',
      }),
    ]);
    await stack.drain();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has no export before the close: 404 EXPORT_NOT_FOUND, and the download is 404 too', async () => {
    await stack.setClock(jst('2026-12-01', '09:00'));
    const early = await stack.get('/reports/2026-10/entries.csv');
    expect(early.status).toBe(409);
    expect((await stack.get('/downloads/entries-2026-10.csv')).status).toBe(404);
  });

  it('exports the month when its close finishes, and serves it as a file named after the month', async () => {
    const closed = await stack.post('/admin/close', { month: '2026-10' });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.json.export).toMatchObject({ state: 'ready' });
    const state = await stack.get('/reports/2026-10/entries.csv');
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({ month: '2026-10', state: 'ready', url: '/downloads/entries-2026-10.csv' });
    expect(state.json.rows).toBeGreaterThan(0);
    expect(closed.json.alsoExported).toBeDefined();
    // The stack's first close closed the lookback's 12 months, and wrote each one's file into
    // the data folder: no temporary file beside them.
    const months = Array.from({ length: 12 }, (_, i) => addMonths('2025-11', i));
    expect(readdirSync(join(dataDir, 'exports')).sort()).toEqual(months.map((m) => `entries-${m}.csv`));
    expect(Object.keys(closed.json.alsoExported)).toEqual(months.slice(0, 11));

    const response = await fetch(`${stack.url}${state.json.url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="entries-2026-10.csv"');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(state.json.bytes);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + state.json.rows);
    expect(lines.every((line) => line.startsWith('EXP-1,') || line === lines[0])).toBe(true);
    expect(lines[1]).toContain(',device_lump_sum,taxable-10,55000,D1,');
  });

  it('writes the month again on `POST /admin/export`, and refuses a month not closed or too old', async () => {
    const again = await stack.post('/admin/export', { month: '2026-10' });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ month: '2026-10', state: 'ready', objectKey: 'entries-2026-10.csv' });
    expect((await stack.get('/reports/2026-10/entries.csv')).json.finishedAt).toBe(again.json.finishedAt);
    expect((await stack.post('/admin/export', { month: '2026-11' })).json.error).toBe('MONTH_NOT_CLOSED');
    expect((await stack.post('/admin/export', { month: '2019-11' })).json.error).toBe('OUTSIDE_RETENTION');
    expect((await stack.post('/admin/export', { month: '2026-1' })).status).toBe(400);
  });

  it('serves only export files, never a path out of their folder', async () => {
    for (const path of [
      '/downloads/..%2Fclock.json',
      '/downloads/../clock.json',
      '/downloads/entries-2026-10.csv.part',
    ])
      expect((await fetch(`${stack.url}${path}`)).status, path).toBe(404);
    expect(existsSync(join(dataDir, 'clock.json'))).toBe(true);
  });
});
