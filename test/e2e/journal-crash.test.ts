// A kill -9 in the middle of two drains at once loses nothing: every event PutEvents accepted
// is applied, or dead-lettered, exactly once after the next start. The stack runs as
// `npm start` in a child process so that the crash is a real SIGKILL of the stack process.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, freePort, npmStart } from '#test/support/child-stack.ts';
import { LOCAL_CREDENTIALS } from '#test/support/dynamo.ts';
import { entryOf } from '#test/support/local-stack.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';

const CUSTOMERS = 1_000; // an order and its delivery each: 2,000 events
const PRICE_YEN = 12_000;
const dataDir = mkdtempSync(join(tmpdir(), 'billing-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const customerId = (i: number) => `C-CRASH-${String(i).padStart(4, '0')}`;
const eventsOf = (i: number) => [
  orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', priceYen: PRICE_YEN }], {
    orderId: `O-${i}`,
    customerId: customerId(i),
  }),
  event('DeviceDelivered', {
    customerId: customerId(i),
    occurredAt: jst('2026-11-05'),
    orderId: `O-${i}`,
    deviceId: 'D1',
  }),
];

const admin = (url: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('journal: kill -9 during two drains at once', () => {
  it('applies or dead-letters every accepted event exactly once after the next start', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const journal = join(dataDir, 'queue-journal.ndjson');

    const first = await npmStart(port, dataDir);
    // A clock set by hand also pauses the schedules, so nothing closes behind the test's back.
    expect((await admin(url, '/admin/clock', { now: jst('2026-11-28') })).status).toBe(200);
    const client = new EventBridgeClient({
      endpoint: url,
      region: 'ap-northeast-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    const entries = Array.from({ length: CUSTOMERS }, (_, i) => eventsOf(i))
      .flat()
      .map((e) => entryOf(e));
    let accepted = 0;
    for (let i = 0; i < entries.length; i += 40) {
      const calls = [0, 10, 20, 30].map((o) => entries.slice(i + o, i + o + 10)).filter((c) => c.length > 0);
      for (const answer of await Promise.all(calls.map((Entries) => client.send(new PutEventsCommand({ Entries }))))) {
        accepted += answer.Entries!.filter((e) => e.EventId).length;
      }
    }
    client.destroy();
    expect(accepted).toBe(2 * CUSTOMERS);

    let drainsAnswered = 0;
    const drains = [admin(url, '/admin/drain', {}), admin(url, '/admin/drain', {})].map((d) =>
      d.then(
        () => drainsAnswered++,
        () => undefined,
      ),
    );
    // Kill once well over half of the messages are marked done, or as soon as the journal is cut
    // short: the old counter did that while messages were still open, once it had counted as
    // many done lines as sent ones (it counted a message done twice). Bounded: 60 s at most.
    let largest = 0;
    for (let poll = 0; poll < 2_400; poll++) {
      const size = statSync(journal).size;
      largest = Math.max(largest, size);
      if (size < largest) break;
      const done = new Set(readFileSync(journal, 'utf8').match(/\{"done":"[^"]+"\}/g));
      if (done.size >= 0.6 * 2 * CUSTOMERS) break;
      await sleep(25);
    }
    const stackPid = Number(readFileSync(join(dataDir, 'stack.pid'), 'utf8'));
    process.kill(stackPid, 'SIGKILL');
    await exited(first.child);
    await Promise.all(drains);
    expect(drainsAnswered, 'the kill came before the drains ended').toBe(0);

    const second = await npmStart(port, dataDir);
    try {
      expect((await admin(url, '/admin/clock', { now: jst('2026-12-01', '01:00') })).status).toBe(200);
      const drained = (await (await admin(url, '/admin/drain', {})).json()) as { pending: number };
      expect(drained.pending).toBe(0);
      expect((await admin(url, '/admin/close', { month: '2026-11' })).status).toBe(200);
      const letters = ((await (await admin(url, '/admin/dead-letters')).json()) as { deadLetters: unknown[] })
        .deadLetters;
      expect(letters).toEqual([]);
      // A lost order would show here as its delivery, waiting for the order.
      expect(await (await admin(url, '/admin/waiting')).json()).toEqual({ waiting: [] });
      // The close exported the month: its file is downloaded from where the API says.
      const exported = (await (await admin(url, '/reports/2026-11/entries.csv')).json()) as { url: string };
      const rows = (await (await admin(url, exported.url)).text()).trim().split('\r\n').slice(1);
      const billed = new Map<string, number>();
      for (const row of rows) {
        const [customer, , , , , kind, , amountYen] = row.split(',');
        expect([kind, Number(amountYen)]).toEqual(['device_lump_sum', PRICE_YEN]);
        billed.set(customer!, (billed.get(customer!) ?? 0) + 1);
      }
      // Each customer's lump sum once: its order and its delivery were both applied (a lost
      // delivery bills nothing, a lost order leaves the delivery waiting), and none twice.
      expect(billed.size).toBe(CUSTOMERS);
      expect([...billed.values()].every((n) => n === 1)).toBe(true);
      // Every accepted event accounted for: two applied per customer billed, plus the dead letters.
      expect(2 * billed.size + letters.length).toBe(accepted);
    } finally {
      second.child.kill('SIGINT');
      await exited(second.child);
    }
  }, 300_000);
});
