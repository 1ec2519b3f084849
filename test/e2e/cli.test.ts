// The `billing` command line end to end: the real bin (bin/billing.js, through tsx) run as a
// child process against a local stack started in this process. The figures are the example
// year's, worked out by hand in examples/README.md and read from
// examples/fiscal-year-2026.expected.json.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customerIds,
  EXAMPLE_EVENTS_FILE,
  expectedMonths,
  expectedReport,
  expectedStatement,
  lineOf,
} from '#test/support/example-year.ts';
import { formatYen } from '../../local/cli/format.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/billing.js');
const EXAMPLES = fileURLToPath(EXAMPLE_EVENTS_FILE);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously: the stack answering it lives in this very process. */
function billing(url: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, '--url', url, ...args],
      { cwd: REPO, env: { ...process.env, BILLING_URL: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const cellsOf = (line: string): string[] =>
  line
    .split('│')
    .slice(1, -1)
    .map((cell) => cell.trim());
/** The amount on the table row whose label is `label`. */
const amountOn = (table: string, label: string) =>
  table
    .split('\n')
    .map(cellsOf)
    .find((cells) => cells[0] === label)
    ?.at(-1);

describe('billing CLI against a running local stack', () => {
  let stack: LocalStack;
  let url: string;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, dataDir: null, now: '2026-04-01T09:00:00+09:00' });
    url = stack.url;
  });
  afterAll(() => stack?.close());

  it('sends the example year through PutEvents and drains it', async () => {
    const sent = await billing(url, 'send', EXAMPLES, '--drain');
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(
      `sent 24 events to bus device-supply at ${url} in 3 PutEvents calls: 24 accepted, 0 refused`,
    );
    // The three queues race: an event handled before the order, device or claim it names waits
    // (counted as waiting) and applies with it, so applied and waiting make the 24 together.
    const counts = /^drained: .*applied (\d+) · duplicates 0 · ignored 0 · dead-lettered 0 · waiting (\d+) · /m.exec(
      sent.stdout,
    );
    expect(Number(counts?.[1]) + Number(counts?.[2])).toBe(24);
  }, 60_000);

  it('sets the clock past the year and closes every month up to March 2027', async () => {
    const clock = await billing(url, 'clock', '2027-04-01T01:00:00+09:00');
    expect([clock.code, clock.stdout]).toEqual([0, '2027-04-01 01:00 JST (2027-03-31T16:00:00.000Z)\n']);
    const close = await billing(url, 'close', '2027-03');
    expect(close.code).toBe(0);
    expect(close.stdout).toMatch(new RegExp(`^closed 2027-03: ${customerIds.length} customers in \\d+ shards\n$`));
  }, 60_000);

  it('prints a statement as a table with Japanese kinds and yen totals', async () => {
    const expected = expectedStatement('CUST-1001', '2026-10');
    const { code, stdout } = await billing(url, 'statement', 'CUST-1001', '2026-10');
    expect(code).toBe(0);
    expect(stdout).toContain('Statement CUST-1001 2026-10');
    const penalty = stdout
      .split('\n')
      .map(cellsOf)
      .find((cells) => cells[0] === 'late_return_penalty');
    expect(penalty).toEqual([
      'late_return_penalty',
      '端末保守調定金',
      'Late return of the old device',
      'DEV-1001-A',
      '不課税',
      formatYen(lineOf(expected, 'late_return_penalty').amountYen),
    ]);
    expect(amountOn(stdout, 'Taxable, tax included 課税対象額（税込）')).toBe(formatYen(expected.totals.taxableYen));
    expect(amountOn(stdout, 'of which consumption tax 10% うち消費税')).toBe(
      formatYen(expected.totals.consumptionTaxYen),
    );
    expect(amountOn(stdout, 'Total 合計')).toBe(formatYen(expected.totals.totalYen));
  }, 30_000);

  it('prints the statement as the API returns it with --json, and its lines with --csv', async () => {
    const expected = expectedStatement('CUST-1003', '2027-01');
    const json = await billing(url, 'statement', 'CUST-1003', '2027-01', '--json');
    expect(json.code).toBe(0);
    const statement = JSON.parse(json.stdout);
    expect(statement.totals).toEqual(expected.totals);
    const csv = await billing(url, 'statement', 'CUST-1003', '2027-01', '--csv');
    expect(csv.stdout.split('\r\n')).toEqual([
      'entryId,kind,description,deviceId,claimId,taxClass,amountYen,forMonth,reverses',
      `prot/DEV-1003-A/2027-01,protection_fee,Device protection 2027-01,DEV-1003-A,,taxable-10,${lineOf(expected, 'protection_fee').amountYen},,`,
      `payoff/DEV-1003-A,installment_payoff,"Early payoff of installments 8 to 24, Xperia 10 VII",DEV-1003-A,,taxable-10,${lineOf(expected, 'installment_payoff').amountYen},,`,
      '',
    ]);
  }, 30_000);

  it("lists a customer's months, newest first", async () => {
    const { code, stdout } = await billing(url, 'months', 'CUST-1002');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(expectedMonths('CUST-1002').reverse());
  }, 30_000);

  it("prints a month's report, and its entries.csv with --csv", async () => {
    const expected = expectedReport('2026-10');
    const report = await billing(url, 'report', '2026-10');
    expect(report.code).toBe(0);
    expect(report.stdout.split('\n')[0]).toBe(`Report 2026-10: ${expected.statements} statements`);
    expect(amountOn(report.stdout, 'late_return_penalty')).toBe(
      formatYen(expected.byKind.late_return_penalty!.amountYen),
    );
    expect(amountOn(report.stdout, 'Total 合計')).toBe(formatYen(expected.totals.totalYen));
    const csv = await billing(url, 'report', '2026-10', '--csv');
    const rows = csv.stdout.trim().split('\r\n');
    expect(rows[0]).toBe(
      'customerId,entryId,billingMonth,forMonth,businessDate,kind,taxClass,amountYen,deviceId,claimId,reverses,description',
    );
    expect(rows.slice(1).reduce((sum, row) => sum + Number(row.split(',')[7]), 0)).toBe(expected.totals.totalYen);
  }, 30_000);

  it("exits 1 with the API's error code: no statement, outside the lookback, a month not ended", async () => {
    const missing = await billing(url, 'statement', 'CUST-1002', '2027-02');
    expect([missing.code, missing.stdout, missing.stderr]).toEqual([
      1,
      '',
      'error: NOT_FOUND (HTTP 404): no statement for customer CUST-1002 in 2027-02\n',
    ]);
    const old = await billing(url, 'report', '2025-12');
    expect([old.code, old.stderr]).toEqual([1, expect.stringMatching(/^error: OUTSIDE_LOOKBACK \(HTTP 410\): /)]);
    const early = await billing(url, 'close', '2027-04');
    expect([early.code, early.stderr]).toEqual([
      1,
      expect.stringMatching(/^error: MONTH_NOT_ENDED \(HTTP 409\): 2027-04 has not ended yet/),
    ]);
  }, 60_000);

  it('reports an entry the bus refuses with its ErrorCode and exits 1; a malformed detail is dead-lettered and can be redriven', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'billing-cli-'));
    const file = join(dir, 'bad.ndjson');
    await writeFile(
      file,
      [
        JSON.stringify({ Source: 'device-supply.orders', DetailType: 'OrderVoided', Detail: 'not json' }),
        JSON.stringify({
          source: 'device-supply.orders',
          'detail-type': 'OrderVoided',
          detail: {
            eventId: 'evt-bad-1',
            customerId: 'CUST-BAD',
            occurredAt: 'yesterday',
            orderId: 'ORD-X',
            reason: 'test',
          },
        }),
      ].join('\n'),
    );
    const sent = await billing(url, 'send', file, '--drain');
    await rm(dir, { recursive: true, force: true });
    expect(sent.code).toBe(1);
    expect(sent.stdout).toContain('1 accepted, 1 refused');
    expect(sent.stderr).toContain('refused: line 1 (OrderVoided): MalformedDetail — Detail is malformed.');
    expect(sent.stderr).toContain('error: 1 of 2 events were refused by the bus');

    const letters = await billing(url, 'dead-letters');
    expect(letters.code).toBe(0);
    const [id, facts, reason] = letters.stdout.trim().split('\n');
    expect(id).toMatch(/^orders#/);
    expect(facts).toMatch(/^ {2}OrderVoided evt-bad-1 · customer CUST-BAD · consumer orders · 1 attempt · /);
    expect(reason).toMatch(/^ {2}MALFORMED: occurredAt: /);

    const redriven = await billing(url, 'redrive', id!);
    expect([redriven.code, redriven.stdout]).toEqual([
      0,
      'redriven 1 dead letter; run `billing drain` to see them applied\n',
    ]);
  }, 60_000);

  it('lists what the pipeline emitted, by detail-type', async () => {
    const { code, stdout } = await billing(url, 'events', '--detail-type', 'OrderRejected');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^OrderRejected \{"orderId":"ORD-1004-1","customerId":"CUST-1004","reasons":\["PAYMENT_METHOD"\]/,
      ),
    ]);
  }, 30_000);

  it('lists what waits, and why, as a table; says so when nothing waits', async () => {
    const none = await billing(url, 'waiting');
    expect([none.code, none.stdout]).toEqual([0, 'nothing waits\n']);
    const dir = await mkdtemp(join(tmpdir(), 'billing-cli-'));
    const file = join(dir, 'early.ndjson');
    const detail = {
      eventId: 'evt-early-1',
      customerId: 'CUST-EARLY',
      occurredAt: '2027-03-30T10:00:00+09:00',
      orderId: 'ORD-EARLY',
      deviceId: 'DEV-EARLY',
    };
    await writeFile(
      file,
      JSON.stringify({ source: 'device-supply.logistics', 'detail-type': 'DeviceDelivered', detail }),
    );
    const sent = await billing(url, 'send', file, '--drain');
    await rm(dir, { recursive: true, force: true });
    expect(sent.code).toBe(0);

    const { code, stdout } = await billing(url, 'waiting');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('1 event waiting');
    expect(lines.map(cellsOf).find((cells) => cells[0] === 'Customer')).toEqual([
      'Customer',
      'Event',
      'Type',
      'Waits for',
      'Received',
      'Dead-lettered from',
    ]);
    // Received on the stack's clock (set to 2027-04-01 01:00 JST above); dead-lettered 7 days later.
    expect(lines.map(cellsOf).find((cells) => cells[0] === 'CUST-EARLY')).toEqual([
      'CUST-EARLY',
      'evt-early-1',
      'DeviceDelivered',
      'order ORD-EARLY is not known yet',
      '2027-04-01 01:00 JST',
      '2027-04-08 01:00 JST',
    ]);
  }, 60_000);

  it('tells the user to start the stack when nothing listens at --url', async () => {
    const closed = await startLocalStack({ port: 0, dataDir: null });
    const gone = closed.url;
    await closed.close();
    const { code, stderr } = await billing(gone, 'sweep');
    expect([code, stderr]).toEqual([
      1,
      `error: no billing stack at ${gone} — start it with npm start (ECONNREFUSED)\n`,
    ]);
  }, 30_000);
});
