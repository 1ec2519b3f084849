// Accepted events must survive a restart of the local stack, as they survive in SQS. Every
// message is appended to a journal before PutEvents answers, and a line marks it done once
// its queue lets go of it; at start-up the messages not marked done are queued again. An
// event applied just before a crash is only seen again as a duplicate, which bills nothing.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JournalMessage {
  queue: string;
  messageId: string;
  body: string;
}

type JournalLine = { sent: JournalMessage } | { done: string };

export class QueueJournal {
  private readonly path: string;
  private open = 0;

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
    const messages = [...pending.values()];
    this.rewrite(messages);
    return messages;
  }

  sent(messages: readonly JournalMessage[]): void {
    if (messages.length === 0) return;
    appendFileSync(this.path, messages.map((sent) => `${JSON.stringify({ sent })}\n`).join(''));
    this.open += messages.length;
  }

  done(messageId: string): void {
    this.open--;
    // Nothing left open: start the journal afresh rather than let it grow for ever.
    if (this.open <= 0) {
      this.open = 0;
      writeFileSync(this.path, '');
    } else appendFileSync(this.path, `${JSON.stringify({ done: messageId })}\n`);
  }

  /** Replaces the journal by exactly these open messages (at start-up and at shutdown). */
  rewrite(messages: readonly JournalMessage[]): void {
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, messages.map((sent) => `${JSON.stringify({ sent })}\n`).join(''));
    renameSync(temporary, this.path);
    this.open = messages.length;
  }
}
