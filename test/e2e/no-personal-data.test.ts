// Issue 16, "done when": nothing the pipeline writes keeps a birth date or a payment method.
// A scenario runs through the local stack on a data folder — orders accepted, rejected for age
// and for the payment method, one malformed and one reusing an eventId (both dead-lettered),
// one event waiting until the sweep dead-letters it, events left in the journal by a stop and
// by a journal of an earlier version, a restart, a redrive — and then everything written is
// scanned: every table item, every file of the data folder (the journal, dynalite's own files),
// and the dead letters the admin API lists. The decisions stay those of the full events.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { entryOf, startStack } from '#test/support/local-stack.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';
import { startEmbeddedDynamo } from '../../local/embedded-dynamo.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'billing-personal-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Each birth date is used once, so that finding one names the event it came from.
const BIRTH = {
  adult: '1988-07-23',
  minor: '2010-03-14',
  debit: '1979-12-05',
  malformed: '1966-02-17',
  reused: '1955-10-30',
  journal: '1992-05-08',
  legacy: '1983-01-19',
} as const;
const PAYMENT_METHODS = ['credit_card', 'debit_card', 'prepaid_card'];
const FORBIDDEN_KEYS = ['birthDate', 'paymentMethod'];

const device = (deviceId: string) => [{ deviceId, priceYen: 24_000, months: 12 }];
const order = (customerId: string, birthDate: string, paymentMethod = 'credit_card', eventId?: string) =>
  orderPlaced(jst('2026-11-02'), device(`D-${customerId}`), {
    customerId,
    orderId: `O-${customerId}`,
    birthDate,
    paymentMethod,
    ...(eventId ? { eventId } : {}),
  });
const delivered = (customerId: string) =>
  event('DeviceDelivered', {
    customerId,
    occurredAt: jst('2026-11-05'),
    orderId: `O-${customerId}`,
    deviceId: `D-${customerId}`,
  });

/** Every string and key inside a value, JSON text within it read as JSON too (a dead letter's body). */
function walk(value: unknown, strings: string[], keys: string[]): void {
  if (typeof value === 'string') {
    strings.push(value);
    if (/^\s*[[{]/.test(value)) {
      try {
        walk(JSON.parse(value), strings, keys);
      } catch {
        // not JSON: the text itself is scanned
      }
    }
  } else if (Array.isArray(value)) for (const v of value) walk(v, strings, keys);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      keys.push(k);
      walk(v, strings, keys);
    }
}

/** The personal data found in these values: birth dates and payment methods, as values or as keys. */
function personalDataIn(values: unknown[]): string[] {
  const strings: string[] = [];
  const keys: string[] = [];
  walk(values, strings, keys);
  const text = strings.join('\n');
  const found = [...Object.values(BIRTH), ...PAYMENT_METHODS].filter((v) => text.includes(v));
  return [...found, ...FORBIDDEN_KEYS.filter((k) => keys.includes(k)).map((k) => `key ${k}`)];
}

/** Every file of the data folder, raw: the journal, the emitted events, the clock, dynalite's LevelDB files. */
function personalDataInFolder(dir: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    const text = readFileSync(path).toString('latin1');
    for (const v of [...Object.values(BIRTH), ...PAYMENT_METHODS, ...FORBIDDEN_KEYS.map((k) => `"${k}"`)])
      if (text.includes(v)) found.push(`${v} in ${path.slice(dir.length + 1)}`);
  };
  visit(dir);
  return found;
}

const rejections = async (stack: Awaited<ReturnType<typeof startStack>>) =>
  Object.fromEntries(
    (await stack.get('/admin/events?detailType=OrderRejected')).json.events.map((e: any) => [
      e.detail.orderId,
      e.detail.reasons,
    ]),
  );

describe('no birth date or payment method at rest', () => {
  it('is found in no table item, no file of the data folder and no dead letter, and every decision is the same', async () => {
    const first = await startStack({ dataDir, now: jst('2026-11-10') });
    await first.put([
      order('C-ADULT', BIRTH.adult, 'credit_card', 'E-ADULT'),
      delivered('C-ADULT'),
      order('C-MINOR', BIRTH.minor),
      order('C-DEBIT', BIRTH.debit, 'debit_card'),
      // Malformed after its personal fields: the dead letter keeps what it needs to say why.
      entryOf(order('C-BAD', BIRTH.malformed, 'prepaid_card'), {
        Detail: JSON.stringify({
          ...order('C-BAD', BIRTH.malformed, 'prepaid_card').detail,
          devices: [{ deviceId: 'D-BAD', model: 'X', condition: 'new', priceYen: 0, payment: { plan: 'lump_sum' } }],
        }),
      }),
      // Another customer's order under C-ADULT's eventId: EVENT_ID_REUSED, dead-lettered.
      order('C-REUSE', BIRTH.reused, 'debit_card', 'E-ADULT'),
      // Its order never comes: waits, then the sweep dead-letters it.
      delivered('C-WAIT'),
    ]);
    const counts = await first.drain();
    expect(counts).toMatchObject({ deadLettered: 2, waited: 1, pending: 0 });
    expect(await rejections(first)).toEqual({ 'O-C-MINOR': ['UNDER_18'], 'O-C-DEBIT': ['PAYMENT_METHOD'] });
    // Accepted and stopped at once: whatever is still queued is kept in the journal.
    await first.put([order('C-JOURNAL', BIRTH.journal), delivered('C-JOURNAL')]);
    await first.stop();
    expect(personalDataInFolder(dataDir)).toEqual([]);

    // A journal line as a stack of an earlier version kept it, the whole event: the next start
    // keeps only what its decision needs, and decides the same.
    const legacy = order('C-LEGACY', BIRTH.legacy, 'debit_card');
    const journal = join(dataDir, 'queue-journal.ndjson');
    writeFileSync(
      journal,
      `${readFileSync(journal, 'utf8')}${JSON.stringify({ sent: { queue: 'orders', messageId: 'legacy/1', body: busEventBody(legacy) } })}\n`,
    );
    const second = await startStack({ dataDir, now: jst('2026-11-20') });
    try {
      expect(personalDataInFolder(dataDir).filter((f) => f.includes('queue-journal'))).toEqual([]);
      await second.drain();
      expect((await second.post('/admin/sweep')).status).toBe(200);
      const letters = (await second.get('/admin/dead-letters')).json.deadLetters as any[];
      expect(letters.map((l) => [l.customerId, l.reason.split(':')[0]]).sort()).toEqual([
        ['C-BAD', 'MALFORMED'],
        ['C-REUSE', 'EVENT_ID_REUSED'],
        ['C-WAIT', 'WAITED_7_DAYS'],
      ]);
      // Redriven, each ends as before: dead-lettered again for the same reason, or waiting again.
      expect((await second.post('/admin/redrive')).json).toEqual({ redriven: 3 });
      await second.drain();
      const again = (await second.get('/admin/dead-letters')).json.deadLetters as any[];
      expect(again.map((l) => [l.customerId, l.reason]).sort()).toEqual(
        letters
          .filter((l) => l.customerId !== 'C-WAIT')
          .map((l) => [l.customerId, l.reason])
          .sort(),
      );
      expect(await rejections(second)).toEqual({
        'O-C-MINOR': ['UNDER_18'],
        'O-C-DEBIT': ['PAYMENT_METHOD'],
        'O-C-LEGACY': ['PAYMENT_METHOD'],
      });
      await second.close('2026-11');
      for (const customerId of ['C-ADULT', 'C-JOURNAL']) {
        const statement = await second.get(`/customers/${customerId}/statements/2026-11`);
        expect(statement.json.lines.map((l: any) => [l.kind, l.amountYen])).toEqual([['device_installment', 2000]]);
      }
      expect(personalDataIn(again)).toEqual([]);
    } finally {
      await second.stop();
    }

    expect(personalDataInFolder(dataDir)).toEqual([]);
    const store = await startEmbeddedDynamo(dataDir);
    try {
      const items: unknown[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await store.doc.send(new ScanCommand({ TableName: store.tableName, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      expect(items.length).toBeGreaterThan(20);
      expect(personalDataIn(items)).toEqual([]);
    } finally {
      await store.stop();
    }
  });
});
