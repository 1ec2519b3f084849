// Accepted events must survive a restart of the local stack, as they survive in SQS. Every
// message is appended to a journal before PutEvents answers, and a line marks it done once
// its queue lets go of it; at start-up the messages not marked done are queued again. An
// event applied just before a crash is only seen again as a duplicate, which bills nothing.
// The journal keeps the ids still open, not a count of them: a counter that a second done of
// one message decremented again once cut the file short while 2,400 messages were still open.
// It is on disk, so it keeps each body reduced (invariant 6: an OrderPlaced without its birth
// date and payment method); the replay decides the same from it. A journal of an earlier
// version, with whole bodies, is rewritten reduced at the next start.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reducedBody } from '#shared/schemas/reduced-order.ts';

export interface JournalMessage {
  queue: string;
  messageId: string;
  body: string;
}

type JournalLine = { sent: JournalMessage } | { done: string };

/** A message as the journal keeps it (reducedBody is idempotent: a kept body stays the same). */
const kept = (message: JournalMessage): JournalMessage => ({ ...message, body: reducedBody(message.body) });

export class QueueJournal {
  private readonly path: string;
  /** The ids sent and not yet done; the file is started afresh only once this is empty. */
  private readonly open = new Set<string>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'queue-journal.ndjson');
  }

  /** The messages accepted but not done when the stack last stopped, in the order accepted. */
  recover(): JournalMessage[] {
    if (!existsSync(this.path)) return [];
    const pending = new Map<string, JournalMessage>();
    for (const text of readFileSync(this.path, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch {
        continue; // a line cut short by a crash mid-write: its PutEvents was never answered
      }
      if ('sent' in line) pending.set(line.sent.messageId, line.sent);
      else pending.delete(line.done);
    }
    const messages = [...pending.values()].map(kept);
    this.rewrite(messages);
    return messages;
  }

  sent(messages: readonly JournalMessage[]): void {
    if (messages.length === 0) return;
    appendFileSync(this.path, messages.map((sent) => `${JSON.stringify({ sent: kept(sent) })}\n`).join(''));
    for (const message of messages) this.open.add(message.messageId);
  }

  /** Marks a message done; a second call for the same id (or an id never sent) changes nothing. */
  done(messageId: string): void {
    if (!this.open.delete(messageId)) return;
    // Nothing left open: start the journal afresh rather than let it grow for ever.
    if (this.open.size === 0) writeFileSync(this.path, '');
    else appendFileSync(this.path, `${JSON.stringify({ done: messageId })}\n`);
  }

  /** How many messages are open (sent and not done). */
  get openCount(): number {
    return this.open.size;
  }

  /** Replaces the journal by exactly these open messages (at start-up and at shutdown). */
  rewrite(messages: readonly JournalMessage[]): void {
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, messages.map((sent) => `${JSON.stringify({ sent: kept(sent) })}\n`).join(''));
    renameSync(temporary, this.path);
    this.open.clear();
    for (const message of messages) this.open.add(message.messageId);
  }
}
