// Redrive: every dead letter goes back to the queue of the consumer it was meant for, as a
// fresh message (so it gets all its deliveries again), and leaves the dead-letter list.
import type { DeadLetterStore } from '../store/dead-letters.ts';

export type SendToConsumer = (consumer: string, body: string) => Promise<void>;

export async function redriveDeadLetters(
  deadLetters: DeadLetterStore,
  send: SendToConsumer,
  filter: (id: string) => boolean = () => true,
): Promise<{ redriven: number }> {
  let redriven = 0;
  for (const letter of await deadLetters.list()) {
    if (!filter(letter.id)) continue;
    // Sent before removed: a crash in between leaves a dead letter that a second redrive
    // sends again, and the event's own idempotency makes that harmless.
    await send(letter.consumer, letter.body);
    await deadLetters.remove(letter.id);
    redriven++;
  }
  return { redriven };
}
