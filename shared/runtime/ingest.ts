// Applying one inbound message (an EventBridge event as SQS delivers it): parse, guard the
// eventId, decide against the customer's aggregate, commit. Every way it can end is one of
// the results below; only a retry throws, so that the queue redelivers the message.
import {
  AmountOutOfRangeError,
  type CustomerState,
  type Decision,
  type DecisionOutcome,
  decide,
  emptyEffects,
  type RuledEvent,
  usableCheckpoint,
} from '../domain/index.ts';
import { getOwn } from '../domain/records.ts';
import { fingerprintOf } from '../fingerprint.ts';
import { parseMessageEvent, reducedBody } from '../schemas/reduced-order.ts';
import { type DeadLetter, type DeadLetterStore, deadLetterId } from '../store/dead-letters.ts';
import type { EventRegistry } from '../store/event-registry.ts';
import { ItemLimitError, STATE_BUDGET_BYTES } from '../store/item-size.ts';
import { runCustomerStep, type StepDeps } from './customer-step.ts';
import { closeMissedMonths } from './month-close.ts';

export interface IngestDeps extends StepDeps {
  events: EventRegistry;
  deadLetters: DeadLetterStore;
}

/** How many deliveries a step that keeps failing gets before its event is dead-lettered. */
export const MAX_DELIVERIES = 6;

/**
 * How one message ended. `waiting`: recorded with its customer until the order, device or
 * claim it names arrives (§0); it is not redelivered for that. The event is as the engine
 * keeps it: an OrderPlaced without its birth date and payment method (invariant 6).
 */
export type IngestResult =
  | { result: 'applied' | 'duplicate' | 'ignored' | 'waiting'; event: RuledEvent; outcome: DecisionOutcome }
  | { result: 'not-ours'; detailType: string }
  | { result: 'dead-lettered'; reason: string; letter: DeadLetter };

type Envelope = Record<string, unknown>;

export interface InboundMessage {
  consumer: string;
  body: string;
  /** 1 for the first delivery. */
  delivery: number;
}

const idsOf = (event: RuledEvent) => ({
  eventId: event.detail.eventId,
  customerId: event.detail.customerId,
  detailType: event.detailType,
});

export async function ingestMessage(deps: IngestDeps, message: InboundMessage, now: string): Promise<IngestResult> {
  type Ids = { eventId?: unknown; customerId?: unknown; detailType?: unknown };
  const deadLetter = async (reason: string, ids: Ids = {}): Promise<IngestResult> => {
    // Kept reduced: a dead letter may stay for weeks, the birth date and payment method must not.
    const body = reducedBody(message.body);
    const letter: DeadLetter = {
      id: deadLetterId(message.consumer, body),
      consumer: message.consumer,
      reason,
      body,
      deadLetteredAt: now,
      attempts: message.delivery,
    };
    // Ids of a malformed event are kept when they are plain strings, so an operator can find it.
    for (const key of ['eventId', 'customerId', 'detailType'] as const) {
      const value = ids[key];
      if (typeof value === 'string' && value.length > 0 && value.length <= 200) letter[key] = value;
    }
    await deps.deadLetters.put(letter);
    return { result: 'dead-lettered', reason, letter };
  };

  let envelope: Envelope;
  try {
    envelope = JSON.parse(message.body) as Envelope;
  } catch {
    return deadLetter('(body): not a JSON EventBridge event');
  }
  if (envelope === null || typeof envelope !== 'object') return deadLetter('(body): not a JSON EventBridge event');
  const detailType = typeof envelope['detail-type'] === 'string' ? envelope['detail-type'] : '';
  // Upstream's event, or the reduced one a redrive or the local journal brings back.
  const parsed = parseMessageEvent(envelope);
  if (!parsed.ok) {
    if (parsed.error === 'UNKNOWN_DETAIL_TYPE') return { result: 'not-ours', detailType };
    const raw =
      envelope.detail !== null && typeof envelope.detail === 'object'
        ? (envelope.detail as Record<string, unknown>)
        : {};
    return deadLetter(`MALFORMED: ${parsed.reason}`, { eventId: raw.eventId, customerId: raw.customerId, detailType });
  }
  const event = parsed.event;
  // Of the event as kept, so that a redriven or replayed reduced body is the same event, and so
  // that no stored fingerprint hashes a birth date (a few thousand guesses would find it).
  const fingerprint = fingerprintOf(event);
  // An OrderPlaced a version before reduced orders recorded has its whole detail's fingerprint.
  const earlierFingerprint = parsed.upstream?.detailType === 'OrderPlaced' ? fingerprintOf(parsed.upstream) : undefined;
  const { eventId, customerId } = event.detail;
  const unchanged =
    (outcome: DecisionOutcome) =>
    (state: CustomerState): Decision => ({ outcome, state, effects: emptyEffects(), changed: false });
  const duplicate = unchanged({ outcome: 'duplicate' });
  const reused = unchanged({
    outcome: 'invalid',
    reason: `EVENT_ID_REUSED: event ${eventId} was already received with a different detail`,
  });
  let decision: Decision;
  let claimedAt = 0;
  try {
    const options = { receivedAt: now, ...(earlierFingerprint ? { earlierFingerprint } : {}) };
    decision = await runCustomerStep(deps, customerId, (state) => decide(state, event, fingerprint, options), {
      isRedelivery: (d) => d.outcome.outcome === 'duplicate',
      stateBudgetBytes: STATE_BUDGET_BYTES,
      // The registry is read after the aggregate: an event the aggregate no longer remembers
      // was forgotten only after the registry marked it applied, so this read sees the mark.
      // A duplicate still goes through the step, which finishes whatever the outbox holds.
      afterLoad: async (state, attempt, outbox) => {
        if (getOwn(state.processed, eventId) !== undefined) return undefined;
        if (attempt === 1) {
          claimedAt = state.version;
          const claim = await deps.events.claim(eventId, fingerprint, customerId, now, earlierFingerprint);
          if (claim !== 'new') return claim === 'applied' ? duplicate : reused;
        } else if ((state.forgottenAt ?? -1) >= claimedAt && (await deps.events.isApplied(eventId))) {
          // A retry after a conflict asks again only if the aggregate has forgotten events
          // since the claim: otherwise what it does not remember it never applied.
          return duplicate;
        }
        // An event earlier than others of the customer is decided with its history (§0): from
        // the checkpoint when it lets the event, else from the first event.
        let decided = decide(state, event, fingerprint, options);
        if (decided.outcome.outcome !== 'needs-history') return () => decided;
        const checkpoint = usableCheckpoint(state, event);
        if (checkpoint)
          decided = decide(state, event, fingerprint, {
            ...options,
            history: await deps.customers.history(customerId, outbox, checkpoint),
          });
        if (decided.outcome.outcome === 'needs-history')
          decided = decide(state, event, fingerprint, {
            ...options,
            history: await deps.customers.history(customerId, outbox),
          });
        // The snapshot is kept before the commit that names it, and stays out of the outbox.
        const { checkpoint: snapshot, ...effects } = decided.effects;
        if (snapshot) await deps.customers.keepSnapshot(customerId, snapshot);
        const result: Decision = { ...decided, effects };
        return () => result;
      },
    });
  } catch (error) {
    // A customer whose steps keep failing is dead-lettered with the reason, never retried for
    // ever; a step that fails the same way on every delivery, at once.
    if (error instanceof ItemLimitError) return deadLetter(error.message, idsOf(event));
    if (error instanceof AmountOutOfRangeError)
      return deadLetter(`AMOUNT_OUT_OF_RANGE: ${error.message}`, idsOf(event));
    if (message.delivery >= MAX_DELIVERIES)
      return deadLetter(
        `STEP_FAILED_AFTER_${message.delivery}_DELIVERIES: ${error instanceof Error ? error.message : String(error)}`,
        idsOf(event),
      );
    throw error;
  }
  // The first commit of a customer (or its redelivery) may have raced the start of a close.
  if (decision.state.version === 1) await closeMissedMonths(deps, customerId, decision.state.closedThrough, now);
  const outcome = decision.outcome;
  switch (outcome.outcome) {
    case 'applied':
    case 'duplicate':
    case 'ignored':
    case 'waiting':
      return { result: outcome.outcome, event, outcome };
    case 'invalid':
      return deadLetter(outcome.reason, idsOf(event));
    case 'pending':
    case 'needs-history':
      // decide never answers these with a history: a bug, retried and then dead-lettered.
      throw new Error(`event ${eventId}: unexpected outcome ${outcome.outcome}`);
  }
}
