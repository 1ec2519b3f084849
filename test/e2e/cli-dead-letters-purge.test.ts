// `billing dead-letters purge` end to end: the real bin against a local stack in this process.
// dynalite has no TTL, so the command stands in for it: by default it deletes the dead letters
// older than DEAD_LETTER_RETENTION_DAYS on the stack's clock, with --older-than another age,
// with --all every one; without --yes it only lists them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_RETENTION_DAYS } from '#shared/domain/policy.ts';
import { startStack, type TestStack } from '#test/support/local-stack.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/billing.js');

function billing(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, '--url', url, ...args],
      { cwd: REPO, env: { ...process.env, BILLING_URL: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr: stderr.replace(/^billing: built dist\/cli\.js first.*\n/m, '') });
      },
    );
  });
}

/** A malformed order (a price of 0), dead-lettered by its consumer at the stack's clock. */
const malformed = (customerId: string) => {
  const order = orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1' }], { customerId, orderId: `O-${customerId}` });
  const detail = {
    ...order.detail,
    devices: [{ deviceId: 'D1', model: 'X', condition: 'new', priceYen: 0, payment: { plan: 'lump_sum' } }],
  };
  return {
    EventBusName: 'device-supply',
    Source: 'device-supply.orders',
    DetailType: 'OrderPlaced',
    Detail: JSON.stringify(detail),
  };
};

let stack: TestStack;
const letters = async () =>
  ((await stack.get('/admin/dead-letters')).json.deadLetters as { customerId: string; id: string; expiresAt: number }[])
    .map((l) => l.customerId)
    .sort();

beforeAll(async () => {
  stack = await startStack({ now: jst('2026-09-01') });
  await stack.put([malformed('C-SEPT')]);
  await stack.drain();
  await stack.setClock(jst('2026-10-01'));
  await stack.put([malformed('C-OCT')]);
  await stack.drain();
  await stack.setClock(jst('2026-10-20'));
  await stack.put([malformed('C-LATE-OCT')]);
  await stack.drain();
  // 30 days after 2026-10-01 11:00 JST: September's letter has expired, October's not yet.
  await stack.setClock(jst('2026-10-31', '11:00'));
});
afterAll(() => stack?.stop());

describe('billing dead-letters purge', () => {
  it('lists what it would delete, and deletes nothing, without --yes', async () => {
    const dry = await billing(stack.url, 'dead-letters', 'purge');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^orders#\S+\n$/);
    expect(dry.stderr).toBe(
      'would purge 1 dead letter dead-lettered before 2026-10-01T02:00:00.000Z; run again with --yes to delete them\n',
    );
    expect(await letters()).toEqual(['C-LATE-OCT', 'C-OCT', 'C-SEPT']);
  });

  it(`deletes those older than ${DEAD_LETTER_RETENTION_DAYS} days with --yes, as the TTL would`, async () => {
    const all = (await stack.get('/admin/dead-letters')).json.deadLetters as {
      customerId: string;
      expiresAt: number;
    }[];
    const sept = all.find((l) => l.customerId === 'C-SEPT');
    expect(sept?.expiresAt).toBe(Date.parse(jst('2026-09-01')) / 1000 + DEAD_LETTER_RETENTION_DAYS * 86_400);
    const run = await billing(stack.url, 'dead-letters', 'purge', '--yes');
    expect([run.code, run.stdout, run.stderr]).toEqual([
      0,
      'purged 1 dead letter dead-lettered before 2026-10-01T02:00:00.000Z\n',
      '',
    ]);
    expect(await letters()).toEqual(['C-LATE-OCT', 'C-OCT']);
    // Nothing more is that old: a second run deletes nothing.
    const again = await billing(stack.url, 'dead-letters', 'purge', '--yes');
    expect(again.stdout).toBe('purged 0 dead letters dead-lettered before 2026-10-01T02:00:00.000Z\n');
  });

  it('takes --older-than in days, and --all', async () => {
    const ten = await billing(stack.url, 'dead-letters', 'purge', '--older-than', '11', '--yes');
    expect(ten.stdout).toBe('purged 1 dead letter dead-lettered before 2026-10-20T02:00:00.000Z\n');
    expect(await letters()).toEqual(['C-LATE-OCT']);
    const all = await billing(stack.url, 'dead-letters', 'purge', '--all', '--yes');
    expect([all.code, all.stdout]).toEqual([0, 'purged 1 dead letter\n']);
    expect(await letters()).toEqual([]);
  });

  it('refuses a number of days that is not one, and --all with --older-than', async () => {
    for (const days of ['-1', '1.5', 'ten', '']) {
      const run = await billing(stack.url, 'dead-letters', 'purge', '--older-than', days);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/whole number of days/);
    }
    const both = await billing(stack.url, 'dead-letters', 'purge', '--all', '--older-than', '3');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/'--all' cannot be used with option '--older-than/);
  });

  it('the admin operation refuses a body it cannot read', async () => {
    for (const body of [
      { olderThanDays: -1 },
      { olderThanDays: '3' },
      { all: 'yes' },
      { all: true, olderThanDays: 1 },
    ]) {
      const answer = await stack.post('/admin/dead-letters/purge', body);
      expect([answer.status, answer.json.error]).toEqual([400, 'BAD_REQUEST']);
    }
  });

  it('the listing still works with the purge subcommand beside it', async () => {
    const list = await billing(stack.url, 'dead-letters');
    expect(list.code).toBe(0);
  });
});
