// The local stack's files keep no birth date or payment method (invariant 6): the queue
// journal writes every body reduced — when sent, when rewritten at a stop, and a journal of an
// earlier version with whole bodies when it is recovered — and a message the local queue
// dead-letters after its last delivery is handed over reduced.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REDUCED_MARK, reducedBody } from '#shared/schemas/reduced-order.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';
import { LocalQueue, type QueuedMessage } from '../../../local/local-queue.ts';
import { QueueJournal } from '../../../local/queue-journal.ts';

const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-journal-pd-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const body = (n: number) =>
  busEventBody(
    orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1' }], {
      customerId: `C${n}`,
      birthDate: '1984-06-09',
      paymentMethod: 'debit_card',
    }),
  );
const journalText = (dir: string) => readFileSync(join(dir, 'queue-journal.ndjson'), 'utf8');
const personal = /1984-06-09|debit_card|"birthDate"|"paymentMethod"/;

describe('the queue journal', () => {
  it('writes bodies reduced when sent and when rewritten, and recovers them reduced', () => {
    const dir = folder();
    const journal = new QueueJournal(dir);
    const sent = [1, 2].map((n) => ({ queue: 'orders', messageId: `m${n}`, body: body(n) }));
    journal.sent(sent);
    expect(journalText(dir)).not.toMatch(personal);
    expect(journalText(dir)).toContain(REDUCED_MARK);
    journal.rewrite(sent);
    expect(journalText(dir)).not.toMatch(personal);
    const recovered = new QueueJournal(dir).recover();
    expect(recovered.map((m) => [m.messageId, m.body])).toEqual(sent.map((m) => [m.messageId, reducedBody(m.body)]));
  });

  it('rewrites a journal of an earlier version, with whole bodies, reduced at recovery', () => {
    const dir = folder();
    const whole = { queue: 'orders', messageId: 'old-1', body: body(3) };
    writeFileSync(join(dir, 'queue-journal.ndjson'), `${JSON.stringify({ sent: whole })}\n`);
    expect(journalText(dir)).toMatch(personal);
    const recovered = new QueueJournal(dir).recover();
    expect(journalText(dir)).not.toMatch(personal);
    expect(recovered).toEqual([{ ...whole, body: reducedBody(whole.body) }]);
  });
});

describe('the local queue', () => {
  it('hands a message it dead-letters after its last delivery over reduced', async () => {
    const letters: QueuedMessage[] = [];
    const queue = new LocalQueue({
      name: 'orders',
      handler: async () => {
        throw new Error('down');
      },
      maxReceiveCount: 1,
      onDeadLetter: async (m) => void letters.push(m),
    });
    const sent = body(4);
    queue.send(sent, 'm4');
    await queue.drainPass();
    await queue.stop();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.messageId).toBe('m4');
    expect(letters[0]?.body).toBe(reducedBody(sent));
    expect(letters[0]?.body).not.toMatch(personal);
  });
});
