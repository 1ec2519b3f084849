// The `billing` command line end to end: the real bin (bin/billing.js, running dist/cli.js) run as a
// child process against a local stack started in this process. The figures are the example
// year's, worked out by hand in examples/README.md and read from
// examples/fiscal-year-2026.expected.json.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    expect(sent.stdout).toMatch(
      new RegExp(
        `^sent 24 events to bus device-supply at ${url} in 3 PutEvents calls, [\\d.]+ s \\([\\d,]+ events/s\\): 24 accepted, 0 failed$`,
        'm',
      ),
    );
    // The three queues race: an event handled before the order, device or claim it names waits
    // (counted as waited) and applies with it, so applied and waited make the 24 together. The
    // counts are this send's: `accepted` is the 24, what the pipeline emitted is apart.
    const counts =
      /^drained in [\d.]+ s, this send: accepted 24 · applied (\d+) · refused 0 · duplicates 0 · waited (\d+) · dead-lettered 0 · ignored 0 · default-bus 0 · other-bus 0 · emitted (\d+) · pending 0$/m.exec(
        sent.stdout,
      );
    expect(Number(counts?.[1]) + Number(counts?.[2])).toBe(24);
    expect(Number(counts?.[3])).toBeGreaterThan(0);
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

  it('prints the statement as the API returns it with --json, and as the page downloads it with --csv', async () => {
    const expected = expectedStatement('CUST-1003', '2027-01');
    const json = await billing(url, 'statement', 'CUST-1003', '2027-01', '--json');
    expect(json.code).toBe(0);
    const statement = JSON.parse(json.stdout);
    expect(statement.totals).toEqual(expected.totals);
    const csv = await billing(url, 'statement', 'CUST-1003', '2027-01', '--csv');
    const { totals } = expected;
    expect(csv.stdout.split('\r\n')).toEqual([
      '\uFEFFcustomerId,month,record,entryId,kind,kindJa,taxClass,description,deviceId,claimId,forMonth,reverses,amountYen',
      `CUST-1003,2027-01,line,prot/DEV-1003-A/2027-01,protection_fee,端末補償オプション,taxable-10,Device protection 2027-01,DEV-1003-A,,,,${lineOf(expected, 'protection_fee').amountYen}`,
      `CUST-1003,2027-01,line,payoff/DEV-1003-A,installment_payoff,分割残額一括精算,taxable-10,"Early payoff of installments 8 to 24, Xperia 10 VII",DEV-1003-A,,,,${lineOf(expected, 'installment_payoff').amountYen}`,
      `CUST-1003,2027-01,taxableYen,,,,,,,,,,${totals.taxableYen}`,
      `CUST-1003,2027-01,consumptionTaxYen,,,,,,,,,,${totals.consumptionTaxYen}`,
      `CUST-1003,2027-01,nonTaxableYen,,,,,,,,,,${totals.nonTaxableYen}`,
      `CUST-1003,2027-01,totalYen,,,,,,,,,,${totals.totalYen}`,
      '',
    ]);
  }, 30_000);

  it("lists a customer's months, newest first", async () => {
    const { code, stdout } = await billing(url, 'months', 'CUST-1002');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(expectedMonths('CUST-1002').reverse());
  }, 30_000);

  it("prints a month's report, and with --csv its entries file, which the close wrote and `billing export` writes again", async () => {
    const expected = expectedReport('2026-10');
    const report = await billing(url, 'report', '2026-10');
    expect(report.code).toBe(0);
    expect(report.stdout.split('\n')[0]).toBe(`Report 2026-10: ${expected.statements} statements`);
    expect(amountOn(report.stdout, 'late_return_penalty')).toBe(
      formatYen(expected.byKind.late_return_penalty!.amountYen),
    );
    expect(amountOn(report.stdout, 'Total 合計')).toBe(formatYen(expected.totals.totalYen));
    // Closing through 2027-03 at once closed each month of the lookback, and exported each.
    const before = await billing(url, 'report', '2026-10', '--csv');
    expect([before.code, before.stderr]).toEqual([0, '']);
    // An operator exports a month again (its file replaced whole).
    const exported = await billing(url, 'export', '2026-10');
    expect([exported.code, exported.stderr]).toEqual([0, '']);
    expect(exported.stdout).toMatch(
      new RegExp(
        `^exported 2026-10: ${expected.entries} entries, [\\d.]+ MB, ${url}/downloads/entries-2026-10\\.csv\n$`,
      ),
    );
    // Older months, for auditors: any closed month of the last 7 years, not one more.
    const audit = await billing(url, 'export', '2020-04');
    expect([audit.code, audit.stdout]).toEqual([
      0,
      `exported 2020-04: 0 entries, 0.0 MB, ${url}/downloads/entries-2020-04.csv\n`,
    ]);
    const tooOld = await billing(url, 'export', '2020-03');
    expect([tooOld.code, tooOld.stderr]).toEqual([
      1,
      'error: OUTSIDE_RETENTION (HTTP 410): 2020-03 is older than the 7-year retention (the oldest month to export is 2020-04)\n',
    ]);
    const open = await billing(url, 'export', '2027-04');
    expect([open.code, open.stderr]).toEqual([
      1,
      expect.stringMatching(/^error: MONTH_NOT_CLOSED \(HTTP 409\): 2027-04 is not closed yet/),
    ]);
    const csv = await billing(url, 'report', '2026-10', '--csv');
    expect(csv.code).toBe(0);
    // The file as it is, its BOM first: what Excel needs to read the Japanese as UTF-8.
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = csv.stdout.slice(1).trim().split('\r\n');
    expect(rows).toHaveLength(1 + expected.entries);
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

  it('reports an entry the bus fails with its ErrorCode and a dead-lettered one with its reason, and exits 1; the dead letter can be redriven', async () => {
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
    expect(sent.stdout).toContain('1 accepted, 1 failed');
    expect(sent.stderr.split('\n')).toEqual([
      'failed: line 1 OrderVoided: MalformedDetail — Detail is malformed.',
      expect.stringMatching(/^dead-lettered: line 2 OrderVoided evt-bad-1: MALFORMED: occurredAt: /),
      'error: of the 2 events sent, 1 failed at the bus, 1 dead-lettered',
      '',
    ]);

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
    // What still waits after the drain is named, and fails the send.
    expect([sent.code, sent.stderr]).toEqual([
      1,
      'still waiting: line 1 DeviceDelivered evt-early-1: order ORD-EARLY is not known yet\nerror: of the 1 event sent, 1 still waiting\n',
    ]);

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

  it('validates a file before sending, as POST /admin/validate does: every problem with its line and field, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'billing-cli-'));
    const file = join(dir, 'many-bad.ndjson');
    const good = (await readFile(EXAMPLES, 'utf8')).split('\n')[0]!;
    // 49 bad lines, one problem each: "49 problems", and 49 listed (it once said 21).
    const bad = Array.from({ length: 49 }, (_, i) =>
      i % 2 === 0
        ? `{"source": "device-supply.orders", "detail-type": "OrderPlaced", "detail": ${i}`
        : good.replace('"priceYen":129800', '"priceYen":0').replace('evt-1001-001', `evt-v-${i}`),
    );
    await writeFile(file, [good, ...bad].join('\n'));
    const checked = await billing(url, 'validate', file);
    expect(checked.code).toBe(1);
    const [head, ...listed] = checked.stdout.trimEnd().split('\n');
    expect(head).toBe(`${file}: 49 problems (25 events read)`);
    expect(listed).toHaveLength(49);
    expect(listed[1]).toBe(
      '  line 3: detail.devices.0.priceYen: expected an integer yen amount from 1 to 10,000,000 (OrderPlaced evt-v-1)',
    );
    expect(checked.stderr).toBe(`error: 49 problems in ${file}\n`);

    // The stack's route runs the same checks on the same text.
    const answer = await fetch(`${url}/admin/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: await readFile(file, 'utf8'),
    });
    expect(answer.status).toBe(200);
    const report = (await answer.json()) as {
      valid: boolean;
      events: number;
      problems: { line: number; field: string }[];
    };
    expect([report.valid, report.events, report.problems.length]).toEqual([false, 25, 49]);
    expect(report.problems[1]).toMatchObject({ line: 3, field: 'detail.devices.0.priceYen', eventId: 'evt-v-1' });
    const clean = await fetch(`${url}/admin/validate`, { method: 'POST', body: await readFile(EXAMPLES, 'utf8') });
    expect(await clean.json()).toEqual({ valid: true, events: 24, problems: [] });
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('names, for the events that wait on a dead-lettered order, that order event; at the send and in the dead letters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'billing-cli-'));
    const file = join(dir, 'bad-order.ndjson');
    const common = (n: number, day: string) => ({
      eventId: `evt-dl-${n}`,
      customerId: 'CUST-DL',
      occurredAt: `2027-03-${day}T10:00:00+09:00`,
    });
    const events = [
      {
        source: 'device-supply.orders',
        'detail-type': 'OrderPlaced',
        detail: {
          ...common(1, '02'),
          orderId: 'ORD-DL',
          customer: { birthDate: '1990-01-01' },
          paymentMethod: 'credit_card',
          devices: [
            {
              deviceId: 'DEV-DL',
              model: 'Pixel 9',
              condition: 'new',
              priceYen: -5,
              payment: { plan: 'lump_sum' },
              protection: { monthlyFeeYen: 550 },
            },
          ],
        },
      },
      {
        source: 'device-supply.logistics',
        'detail-type': 'DeviceDelivered',
        detail: { ...common(2, '04'), orderId: 'ORD-DL', deviceId: 'DEV-DL' },
      },
      {
        source: 'device-supply.claims',
        'detail-type': 'ClaimFiled',
        detail: {
          ...common(3, '10'),
          claimId: 'CLM-DL',
          deviceId: 'DEV-DL',
          cause: 'water_damage',
          incidentDate: '2027-03-09',
        },
      },
      {
        source: 'device-supply.orders',
        'detail-type': 'ProtectionCancelled',
        detail: { ...common(4, '12'), deviceId: 'DEV-DL' },
      },
      {
        source: 'device-supply.logistics',
        'detail-type': 'ReplacementDelivered',
        detail: { ...common(5, '12'), claimId: 'CLM-DL' },
      },
    ];
    await writeFile(file, events.map((e) => JSON.stringify(e)).join('\n'));
    const sent = await billing(url, 'send', file, '--drain');
    await rm(dir, { recursive: true, force: true });
    expect(sent.code).toBe(1);
    const malformed = 'MALFORMED: devices.0.priceYen: expected an integer yen amount from 1 to 10,000,000';
    const cause = `its OrderPlaced evt-dl-1 was dead-lettered: ${malformed}`;
    const lines = sent.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`dead-lettered: line 1 OrderPlaced evt-dl-1: ${malformed}`);
    // In the order of the file; the ReplacementDelivered waits for a claim that waits itself: no dead letter names it.
    expect(lines.slice(1, -1)).toEqual([
      `still waiting: line 2 DeviceDelivered evt-dl-2: order ORD-DL is not known yet; ${cause}`,
      `still waiting: line 3 ClaimFiled evt-dl-3: device DEV-DL is not known yet; ${cause}`,
      `still waiting: line 4 ProtectionCancelled evt-dl-4: device DEV-DL is not known yet; ${cause}`,
      'still waiting: line 5 ReplacementDelivered evt-dl-5: claim CLM-DL is not known yet',
    ]);
    expect(lines.at(-1)).toBe('error: of the 5 events sent, 1 dead-lettered, 4 still waiting');
    expect(sent.stdout).toMatch(
      /this send: accepted 5 · applied 0 · refused 0 · duplicates 0 · waited 4 · dead-lettered 1 ·/,
    );

    // Seven days on, the sweep gives up on them: each dead letter names the order's.
    await billing(url, 'clock', '2027-04-09T02:00:00+09:00');
    expect((await billing(url, 'sweep')).code).toBe(0);
    const letters = (await billing(url, 'dead-letters')).stdout.split('\n\n');
    const waited = letters.filter((block) => block.includes('customer CUST-DL') && block.includes('WAITED_7_DAYS'));
    expect(waited).toHaveLength(4);
    const linked = waited.filter((b) => !b.includes('claim CLM-DL is not known yet'));
    expect(linked).toHaveLength(3);
    for (const block of linked) expect(block).toContain(`\n  ${cause} (dead letter orders#`);
  }, 60_000);

  it('says in one line, and exits 1, when --url is not a billing stack or not a URL', async () => {
    const other = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>\n<body><h1>Not Found</h1>\n</body>\n</html>\n');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      for (const args of [['send', EXAMPLES, '--drain'], ['drain'], ['waiting']]) {
        const { code, stdout, stderr } = await billing(otherUrl, ...args);
        expect([code, stdout]).toEqual([1, '']);
        expect(stderr.split('\n')).toEqual([
          expect.stringMatching(new RegExp(`^error: ${otherUrl} is not a billing stack: `)),
          '',
        ]);
      }
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
    const malformed = await billing('notaurl', 'send', EXAMPLES);
    expect([malformed.code, malformed.stdout, malformed.stderr]).toEqual([
      1,
      '',
      'error: --url must be an http(s) URL such as http://127.0.0.1:3000, got "notaurl"\n',
    ]);
  }, 30_000);

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
