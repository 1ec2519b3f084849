// The journal counts exactly: it knows which messages are open, marks each done once, and
// starts afresh only when none is open; the queue hands a message to one delivery at a time
// and lets go of it once, however many drains run at once.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../local/local-queue.ts';
import { type JournalMessage, QueueJournal } from '../../../local/queue-journal.ts';

const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-journal-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const message = (n: number): JournalMessage => ({ queue: 'orders', messageId: `m${n}`, body: `{"n":${n}}` });
/** What a stack starting on this folder after a crash would queue again. */
const recovered = (dir: string) => new QueueJournal(dir).recover().map((m) => m.messageId);

describe('QueueJournal', () => {
  it('keeps every message still open when one is marked done twice', () => {
    const dir = folder();
    const journal = new QueueJournal(dir);
    journal.sent([message(1), message(2), message(3)]);
    journal.done('m1');
    journal.done('m1');
    journal.done('m1');
    expect(recovered(dir)).toEqual(['m2', 'm3']);
  });

  it('ignores a done for an id it never saw, and starts afresh only once nothing is open', () => {
    const dir = folder();
    const journal = new QueueJournal(dir);
    journal.sent([message(1), message(2)]);
    journal.done('never-sent');
    journal.done('m2');
    expect(recovered(dir)).toEqual(['m1']);
    journal.done('m1');
    expect(readFileSync(join(dir, 'queue-journal.ndjson'), 'utf8')).toBe('');
    journal.sent([message(3)]);
    journal.done('m1');
    expect(recovered(dir)).toEqual(['m3']);
  });

  it('recovers what was open, and counts from there', () => {
    const dir = folder();
    const journal = new QueueJournal(dir);
    journal.sent([message(1), message(2), message(3)]);
    journal.done('m2');
    const again = new QueueJournal(dir);
    expect(again.recover().map((m) => m.messageId)).toEqual(['m1', 'm3']);
    again.done('m2');
    again.done('m1');
    expect(recovered(dir)).toEqual(['m3']);
  });
});

describe('LocalQueue', () => {
  it('with two drains at once, delivers each message to one handler at a time and lets go of it once', async () => {
    const dir = folder();
    const journal = new QueueJournal(dir);
    const doneCalls: string[] = [];
    const running = new Set<string>();
    let overlapped = 0;
    let calls = 0;
    const queue = new LocalQueue({
      name: 'orders',
      maxReceiveCount: 10,
      onDeadLetter: async () => {},
      onDone: (m) => {
        doneCalls.push(m.messageId);
        journal.done(m.messageId);
      },
      handler: async (event) => {
        for (const r of event.Records) {
          if (running.has(r.messageId)) overlapped++;
          running.add(r.messageId);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
        for (const r of event.Records) running.delete(r.messageId);
        // Every third call fails its first record, for a second pass.
        return { batchItemFailures: ++calls % 3 === 0 ? [{ itemIdentifier: event.Records[0]!.messageId }] : [] };
      },
    });
    const messages = Array.from({ length: 200 }, (_, n) => message(n));
    queue.pause(); // as a drain does, so that the poller is not the one delivering
    journal.sent(messages);
    for (const m of messages) queue.send(m.body, m.messageId);
    const drainOnce = async () => {
      queue.pause();
      try {
        for (let pass = 0; pass < 20 && (await queue.drainPass()); pass++);
      } finally {
        queue.resume();
      }
    };
    await Promise.all([drainOnce(), drainOnce()]);
    queue.resume();
    await queue.stop();
    expect(overlapped).toBe(0);
    expect(queue.depth).toBe(0);
    expect(doneCalls.toSorted()).toEqual(messages.map((m) => m.messageId).toSorted());
    expect(recovered(dir)).toEqual([]);
  });

  it('keeps a message whose dead letter could not be written', async () => {
    let failWrite = true;
    const done: string[] = [];
    const queue = new LocalQueue({
      name: 'orders',
      maxReceiveCount: 1,
      handler: async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }),
      onDeadLetter: async () => {
        if (failWrite) throw new Error('store unavailable');
      },
      onDone: (m) => done.push(m.messageId),
    });
    queue.pause();
    queue.send('{}', 'm1');
    expect(await queue.drainPass()).toBe(true);
    expect([queue.depth, done]).toEqual([1, []]);
    failWrite = false;
    expect(await queue.drainPass()).toBe(true);
    expect([queue.depth, done]).toEqual([0, ['m1']]);
    await queue.stop();
  });
});
