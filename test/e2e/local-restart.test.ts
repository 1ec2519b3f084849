// The local stack keeps what it accepted across a restart: the ledger in dynalite on disk,
// and the events still queued in its journal — both when stopped in process and when
// `npm start` is stopped with SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, freePort, npmStart } from '#test/support/child-stack.ts';
import { LOCAL_CREDENTIALS } from '#test/support/dynamo.ts';
import { entryOf, startStack } from '#test/support/local-stack.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';

const folders: string[] = [];
const dataFolder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-data-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const customerEvents = (customerId: string) => [
  orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', priceYen: 24_000, months: 12 }], {
    orderId: `O-${customerId}`,
    customerId,
  }),
  event('DeviceDelivered', { customerId, occurredAt: jst('2026-11-05'), orderId: `O-${customerId}`, deviceId: 'D1' }),
];

describe('restart with data kept', () => {
  it('keeps closed statements and applies the events still queued when it stopped', async () => {
    const dataDir = dataFolder();
    const first = await startStack({ dataDir, now: jst('2026-12-01', '01:00') });
    await first.put(customerEvents('C-KEPT'));
    await first.drain();
    await first.close('2026-11');
    // Accepted, not yet applied: the stack is stopped straight after PutEvents answers.
    await first.put(customerEvents('C-QUEUED'));
    await first.stop();

    const second = await startStack({ dataDir, now: jst('2026-12-01', '02:00') });
    try {
      expect((await second.get('/customers/C-KEPT/statements/2026-11')).json.totals.totalYen).toBe(2000);
      const counts = await second.drain();
      expect(counts.pending).toBe(0);
      // Applied now, or already before the stop (then seen again as duplicates): never lost.
      const letters = (await second.get('/admin/dead-letters')).json.deadLetters;
      expect(letters).toEqual([]);
      await second.post('/admin/clock', { now: jst('2027-01-01', '01:00') });
      expect((await second.post('/admin/close', { month: '2026-12' })).status).toBe(200);
      const queued = await second.get('/customers/C-QUEUED/statements/2026-12');
      // November was closed before these events were applied: its installment lands in December with forMonth.
      expect(queued.json.lines.map((l: any) => [l.kind, l.amountYen, l.forMonth])).toEqual([
        ['device_installment', 2000, '2026-11'],
        ['device_installment', 2000, undefined],
      ]);
    } finally {
      await second.stop();
    }
  });
});

describe('one data folder, one stack', () => {
  it('keeps a clock set by hand across a restart, and refuses a second stack on the same folder', async () => {
    const dataDir = dataFolder();
    const first = await startStack({ dataDir });
    await first.setClock(jst('2027-02-01', '01:00'));
    await expect(startStack({ dataDir })).rejects.toThrow(/in use by another local stack/);
    await first.stop();
    const second = await startStack({ dataDir });
    try {
      expect((await second.get('/admin/clock')).json).toEqual({ now: '2027-01-31T16:00:00.000Z', fixed: true });
    } finally {
      await second.stop();
    }
  });
});

describe('npm start', () => {
  it('says where it listens and where its data is, and stops on SIGTERM without losing accepted events', async () => {
    const dataDir = dataFolder();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = await npmStart(port, dataDir);
    expect(first.output()).toContain(`local stack on ${url}`);
    expect(first.output()).toContain(dataDir);

    const client = new EventBridgeClient({ endpoint: url, region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS });
    const answer = await client.send(
      new PutEventsCommand({ Entries: customerEvents('C-SIGTERM').map((e) => entryOf(e)) }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    client.destroy();
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);

    const second = await npmStart(port, dataDir);
    try {
      await fetch(`${url}/admin/clock`, { method: 'POST', body: JSON.stringify({ now: jst('2026-12-01', '01:00') }) });
      const drained = (await (await fetch(`${url}/admin/drain`, { method: 'POST' })).json()) as { pending: number };
      expect(drained.pending).toBe(0);
      expect(
        (await fetch(`${url}/admin/close`, { method: 'POST', body: JSON.stringify({ month: '2026-11' }) })).status,
      ).toBe(200);
      const statement = (await (await fetch(`${url}/customers/C-SIGTERM/statements/2026-11`)).json()) as {
        totals: { totalYen: number };
      };
      expect(statement.totals.totalYen).toBe(2000);
    } finally {
      second.child.kill('SIGINT');
      expect(await exited(second.child)).toBe(0);
    }
  }, 60_000);
});
