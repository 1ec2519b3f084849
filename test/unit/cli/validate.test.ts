// `billing validate` and the checks behind it (local/validate-events.ts, which POST
// /admin/validate runs too): every problem of a file with its line and field, counted as
// listed, and a non-zero exit when there is any.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS_FILE } from '#test/support/example-year.ts';
import { runCli } from '../../../local/cli/program.ts';
import { validateEventText } from '../../../local/validate-events.ts';

const order = (n: number, devices: unknown[] = [{}]) => ({
  source: 'device-supply.orders',
  'detail-type': 'OrderPlaced',
  detail: {
    eventId: `e-${n}`,
    customerId: 'C1',
    occurredAt: '2026-04-01T10:00:00+09:00',
    orderId: `O-${n}`,
    customer: { birthDate: '1990-01-01' },
    paymentMethod: 'credit_card',
    devices: devices.map((d, i) => ({
      deviceId: `D-${n}-${i}`,
      model: 'Pixel 9',
      condition: 'new',
      priceYen: 98_800,
      payment: { plan: 'lump_sum' },
      ...(d as object),
    })),
  },
});
const line = (value: unknown): string => JSON.stringify(value);

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stderrIsTTY: false,
    env: {},
  });
  return { code, stdout, stderr };
}

describe('validateEventText: the pipeline’s own checks, each problem with its line and field', () => {
  it('passes the example year', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(validateEventText(await readFile(EXAMPLE_EVENTS_FILE, 'utf8'))).toEqual({ events: 24, problems: [] });
  });

  it('names the field of each way an event fails: bus, routing, contract, reused eventId', () => {
    const text = [
      line(order(1, [{ priceYen: -5 }])),
      'not json',
      line({ ...order(3), source: 'device-supply.claims' }),
      line({ ...order(4), 'detail-type': 'OrderPlace' }),
      line({ Source: 'device-supply.orders', DetailType: 'OrderVoided', Detail: 'not json' }),
      line(order(6, [{ payment: { plan: 'installments', months: 99 } }, { condition: 'mint' }])),
      line(order(7)),
      line({ ...order(7), detail: { ...order(7).detail, orderId: 'O-other' } }),
      line(order(7)),
    ].join('\n');
    const { events, problems } = validateEventText(text);
    expect(events).toBe(8);
    expect(problems.map((p) => [p.line, p.field, p.detailType, p.eventId])).toEqual([
      [1, 'detail.devices.0.priceYen', 'OrderPlaced', 'e-1'],
      [2, '(line)', undefined, undefined],
      [3, 'source', 'OrderPlaced', 'e-3'],
      [4, 'detail-type', 'OrderPlace', 'e-4'],
      [5, 'detail', 'OrderVoided', undefined],
      [6, 'detail.devices.0.payment.months', 'OrderPlaced', 'e-6'],
      [6, 'detail.devices.1.condition', 'OrderPlaced', 'e-6'],
      [8, 'detail.eventId', 'OrderPlaced', 'e-7'],
    ]);
    const messages = problems.map((p) => p.message);
    // The first field of an event is the ingest's own words, those of its dead letter (MALFORMED: <field>: …).
    expect(messages[0]).toBe('expected an integer yen amount from 1 to 10,000,000');
    expect(messages[2]).toBe(
      'OrderPlaced comes from "device-supply.orders", not "device-supply.claims": no rule routes it, the pipeline ignores it',
    );
    expect(messages[3]).toMatch(/^"OrderPlace" is not an inbound detail-type of the contract/);
    expect(messages[4]).toBe('PutEvents fails it: MalformedDetail (Detail is malformed.)');
    expect(messages[7]).toBe(
      'e-7 is also the eventId of line 7, with another detail: one of the two is dead-lettered EVENT_ID_REUSED',
    );
  });

  it('judges a repeated eventId as the ingest does: another birth date that decides the same is the same event, one or a method that decides otherwise is not', () => {
    // The ingest fingerprints the order as it keeps it (under18, paymentMethodRefused), not the birth date itself.
    const other = (detail: object) => line({ ...order(7), detail: { ...order(7).detail, ...detail } });
    const sameDecision = [line(order(7)), other({ customer: { birthDate: '1985-06-30' } })];
    expect(validateEventText(sameDecision.join('\n')).problems).toEqual([]);
    for (const decidesOtherwise of [{ customer: { birthDate: '2010-01-01' } }, { paymentMethod: 'debit_card' }]) {
      const text = [line(order(7)), other(decidesOtherwise)].join('\n');
      expect(validateEventText(text).problems.map((p) => [p.line, p.field])).toEqual([[2, 'detail.eventId']]);
    }
  });

  it('says "is required" of a field left out, as the dead letter does', () => {
    const { problems } = validateEventText(line({ ...order(1), detail: { eventId: 'e-1', customerId: 'C1' } }));
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'detail.occurredAt: is required',
      'detail.orderId: is required',
      'detail.customer: is required',
      'detail.paymentMethod: is required',
      'detail.devices: is required',
    ]);
  });
});

describe('billing validate <file>', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'billing-validate-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 0 and says so for a file without problems; needs no stack', async () => {
    const { code, stdout, stderr } = await run([
      '--url',
      'http://127.0.0.1:9',
      'validate',
      EXAMPLE_EVENTS_FILE.pathname,
    ]);
    expect([code, stdout, stderr]).toEqual([0, `${EXAMPLE_EVENTS_FILE.pathname}: 24 events, no problems\n`, '']);
  });

  it('lists all 49 problems of a file of 49 bad lines, counts 49, and exits 1', async () => {
    const file = join(dir, 'bad.ndjson');
    const bad = Array.from({ length: 49 }, (_, i) =>
      i % 2 === 0 ? `not json ${i}` : line(order(i, [{ priceYen: 0 }])),
    );
    await writeFile(file, [line(order(100)), ...bad].join('\n'));
    const { code, stdout, stderr } = await run(['validate', file]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${file}: 49 problems (25 events read)`);
    const listed = lines.slice(1);
    expect(listed).toHaveLength(49);
    expect(listed[0]).toMatch(/^ {2}line 2: not JSON/);
    expect(listed[1]).toBe(
      '  line 3: detail.devices.0.priceYen: expected an integer yen amount from 1 to 10,000,000 (OrderPlaced e-1)',
    );
    expect(stderr).toBe(`error: 49 problems in ${file}\n`);
  });

  it('answers the report as JSON with --json, still exiting 1 on a problem', async () => {
    const file = join(dir, 'one.ndjson');
    await writeFile(file, line(order(1, [{ priceYen: 0 }])));
    const { code, stdout } = await run(['validate', file, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      valid: false,
      events: 1,
      problems: [{ origin: 'line 1', line: 1, field: 'detail.devices.0.priceYen', eventId: 'e-1' }],
    });
  });

  it('says which file it cannot read', async () => {
    expect(await run(['validate', '/nonexistent/events.ndjson'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot read /nonexistent/events.ndjson: ENOENT\n',
    });
  });
});
