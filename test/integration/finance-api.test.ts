// The finance API over the store: routes, shapes and error codes of contract §3, the
// 12-month lookback at its boundaries, the month report and its entries export.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, closeTimeOf } from '#shared/domain/index.ts';
import { exportEntries } from '#shared/runtime/entries-export.ts';
import { CSV_COLUMNS, handleFinanceRequest } from '#shared/runtime/finance-api.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import { CustomerDirectory } from '#shared/store/customer-search.ts';
import { EntriesExportStore } from '#shared/store/entries-exports.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';
import { fileExportSink } from '../../local/file-export-sink.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
const NOW = jst('2027-12-15');
let exportsStore: EntriesExportStore;
const folder = mkdtempSync(join(tmpdir(), 'billing-finance-exports-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const get = async (path: string, now = NOW) => {
  const response = await handleFinanceRequest(
    {
      reads: t.reads,
      closes: t.pipeline.closes,
      holds: t.pipeline.holds,
      customers: new CustomerDirectory(t.db.doc, t.db.tableName),
      entriesExports: {
        get: (month) => exportsStore.get(month),
        downloadUrl: async (ready) => `/downloads/${ready.objectKey}`,
      },
    },
    'GET',
    path,
    now,
  );
  return { ...response, json: response.contentType === 'application/json' ? JSON.parse(response.body) : undefined };
};

beforeAll(async () => {
  t = await startTestPipeline();
  exportsStore = new EntriesExportStore(t.db.doc, t.db.tableName);
  for (const customerId of ['F1', 'F2']) {
    await t.deliver([
      orderPlaced(jst('2026-11-01'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], {
        customerId,
        orderId: `${customerId}-O`,
      }),
    ]);
    await t.deliver([
      event('DeviceDelivered', {
        customerId,
        occurredAt: jst('2026-11-13'),
        orderId: `${customerId}-O`,
        deviceId: 'D1',
      }),
    ]);
  }
  await t.deliver([
    event('ClaimFiled', {
      customerId: 'F2',
      occurredAt: jst('2027-03-05'),
      claimId: 'K,1',
      deviceId: 'D1',
      cause: 'water_damage',
      incidentDate: '2027-03-04',
    }),
  ]);
  // Thirteen closed months: 2026-11 … 2027-11, each closed on the 1st of the next.
  for (let month = '2026-11'; month <= '2027-11'; month = addMonths(month, 1)) {
    const now = closeTimeOf(month);
    const messages: CloseShardMessage[] = [];
    await startMonthClose(t.pipeline, month, now, async (m) => void messages.push(m));
    for (const m of messages) await closeShard(t.pipeline, m, now);
  }
});
afterAll(async () => t.stop());

describe('GET /customers/{customerId}/statements', () => {
  it('lists the closed months inside the 12-month lookback, newest first', async () => {
    const { status, json } = await get('/customers/F1/statements');
    expect(status).toBe(200);
    expect(json.customerId).toBe('F1');
    expect(json.months).toHaveLength(12);
    expect(json.months[0]).toBe('2027-11');
    expect(json.months.at(-1)).toBe('2026-12');
  });

  it('an unknown customer has no months', async () => {
    expect((await get('/customers/NOBODY/statements')).json).toEqual({ customerId: 'NOBODY', months: [] });
  });
});

describe('GET /customers/{customerId}/statements/{YYYY-MM}', () => {
  it('returns the statement with its lines and totals', async () => {
    const { status, json } = await get('/customers/F2/statements/2027-03');
    expect(status).toBe(200);
    expect(json).toMatchObject({ customerId: 'F2', month: '2027-03', closedAt: '2027-04-01T01:00:00+09:00' });
    expect(json.lines.map((l: { kind: string; amountYen: number }) => [l.kind, l.amountYen])).toEqual([
      ['device_installment', 1_658],
      ['protection_fee', 418],
      ['exchange_fee', 5_500],
    ]);
    expect(json.totals).toEqual({ taxableYen: 7_576, consumptionTaxYen: 688, nonTaxableYen: 0, totalYen: 7_576 });
  });

  it('the 12th month back is served; the 13th is 410 OUTSIDE_LOOKBACK', async () => {
    expect((await get('/customers/F1/statements/2026-12')).status).toBe(200);
    const old = await get('/customers/F1/statements/2026-11');
    expect(old.status).toBe(410);
    expect(old.json).toMatchObject({ error: 'OUTSIDE_LOOKBACK', message: expect.stringContaining('2026-11') });
  });

  it('409 MONTH_NOT_CLOSED for the current month, 400 for a malformed month or id, 404 without a statement', async () => {
    expect((await get('/customers/F1/statements/2027-12')).json).toMatchObject({ error: 'MONTH_NOT_CLOSED' });
    expect((await get('/customers/F1/statements/2027-12')).status).toBe(409);
    for (const bad of ['2027-13', '27-01', 'latest', '2027-1']) {
      const response = await get(`/customers/F1/statements/${bad}`);
      expect([response.status, response.json.error]).toEqual([400, 'BAD_REQUEST']);
    }
    expect((await get(`/customers/${'x'.repeat(65)}/statements`)).status).toBe(400);
    expect((await get('/customers/%E0%A4%A/statements')).status).toBe(400);
    const missing = await get('/customers/NOBODY/statements/2027-05');
    expect([missing.status, missing.json.error]).toEqual([404, 'NOT_FOUND']);
  });

  it('a month closed later than the clock says is still 409 until the close finishes', async () => {
    // In the first days of January 2028 December is not closed yet.
    expect((await get('/customers/F1/statements/2027-12', jst('2028-01-01'))).status).toBe(409);
  });
});

describe('GET /reports/{YYYY-MM} and entries.csv', () => {
  it('totals a month over all customers, by kind and tax class, with the number of statements', async () => {
    const { status, json } = await get('/reports/2027-03');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      month: '2027-03',
      statements: 2,
      totals: {
        taxableYen: 2 * 2_076 + 5_500,
        consumptionTaxYen: 188 + 688,
        nonTaxableYen: 0,
        totalYen: 2 * 2_076 + 5_500,
      },
    });
    expect(json.byKind.exchange_fee).toEqual({ entries: 1, amountYen: 5_500 });
    expect(json.byKind.device_installment).toEqual({ entries: 2, amountYen: 3_316 });
    expect(json.byTaxClass['taxable-10']).toEqual({ entries: 5, amountYen: 9_652 });
  });

  it("answers the month's export: none yet 404, running 202, failed 500 with its reason", async () => {
    expect((await get('/reports/2027-02/entries.csv')).json).toMatchObject({ error: 'EXPORT_NOT_FOUND' });
    expect((await get('/reports/2027-02/entries.csv')).status).toBe(404);
    const at = '2027-12-15T00:00:00.000Z';
    await exportsStore.claim('2027-02', 'run-1', at, at);
    expect(await get('/reports/2027-02/entries.csv')).toMatchObject({
      status: 202,
      json: { month: '2027-02', state: 'running', startedAt: at },
    });
    await exportsStore.end({
      month: '2027-02',
      state: 'failed',
      runId: 'run-1',
      startedAt: at,
      failedAt: at,
      reason: 'disk full',
    });
    const failed = await get('/reports/2027-02/entries.csv');
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ error: 'EXPORT_FAILED' });
    expect(failed.json.message).toContain(at);
    expect(failed.json.message).toContain('disk full');
  });

  it('the CSV, once exported, has a BOM, a header row and one parseable row per entry, quoting fields that need it', async () => {
    await exportEntries(
      { reads: t.reads, exports: exportsStore, openSink: fileExportSink(folder) },
      '2027-03',
      () => NOW,
    );
    const { status, json } = await get('/reports/2027-03/entries.csv');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      month: '2027-03',
      state: 'ready',
      url: '/downloads/entries-2027-03.csv',
      fileName: 'entries-2027-03.csv',
      rows: 5,
      finishedAt: NOW,
    });
    const file = readFileSync(join(folder, json.fileName));
    expect(json.bytes).toBe(file.length);
    const text = file.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 5);
    const parse = (line: string) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
        .map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'))
        .slice(0, CSV_COLUMNS.length);
    const rows = lines.slice(1).map(parse);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    const fee = rows.find((r) => r[5] === 'exchange_fee')!;
    expect(fee[0]).toBe('F2');
    expect(fee[7]).toBe('5500');
    expect(fee[9]).toBe('K,1');
    expect(rows.reduce((sum, r) => sum + Number(r[7]), 0)).toBe(2 * 2_076 + 5_500);
  });

  it('reports follow the same month rules', async () => {
    expect((await get('/reports/2026-11')).status).toBe(410);
    expect((await get('/reports/2027-12/entries.csv')).status).toBe(409);
    expect((await get('/reports/nope')).status).toBe(400);
    expect((await get('/nothing/here')).status).toBe(404);
  });
});
