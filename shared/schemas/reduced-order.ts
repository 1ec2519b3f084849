// An OrderPlaced as the pipeline keeps it wherever it stores a message (dead letters, the
// local queue journal): the birth date and the payment method are checked at the boundary and
// only what the decision needs of them is kept (invariant 6), the `personal` of the engine's
// journal (shared/domain/business-order.ts). A redrive or a replay parses that body again and
// decides the same. The reduced form is internal: the envelope carries REDUCED_MARK, a key
// EventBridge never puts on an event (PutEvents sets only source, detail-type, detail, time
// and resources), so only the pipeline's own senders — the redrive, the local journal — can
// hand a consumer one, and an upstream detail with `personal` in it is still malformed.
import * as z from 'zod';
import { type RuledEvent, ruledEvent } from '../domain/business-order.ts';
import {
  type InboundEvent,
  orderPlacedDetail,
  PAYMENT_METHODS,
  type ParseInboundResult,
  parseInboundEvent,
  problemOf,
  ROOT_FIELD,
} from './inbound.ts';
import { calendarDate, isoTimestamp } from './primitives.ts';

/** The envelope key of a body whose OrderPlaced is reduced; its value is the reduction's version. */
export const REDUCED_MARK = 'billing-reduced';
export const REDUCED_VERSION = 1;

const PERSONAL_REMOVED =
  'the birth date or payment method was malformed and was removed when the event was stored; upstream must send the order again';

const { customer: _customer, paymentMethod: _paymentMethod, devices, ...head } = orderPlacedDetail.shape;

/** The reduced detail, in the upstream field order, so that the first failing field is the same one. */
export const reducedOrderPlacedDetail = z.object({
  ...head,
  personal: z.object({ under18: z.boolean(), paymentMethodRefused: z.boolean() }),
  devices,
});

/** `upstream`: the event as upstream sent it, when the body was not reduced (an earlier fingerprint's input). */
export type ParseMessageResult =
  | { ok: true; event: RuledEvent; upstream?: InboundEvent }
  | Exclude<ParseInboundResult, { ok: true }>;

/**
 * Parses the event of a message body's envelope: the upstream form, or (only when the
 * envelope carries REDUCED_MARK) the reduced OrderPlaced. Never throws, as parseInboundEvent.
 */
export function parseMessageEvent(envelope: Record<string, unknown>): ParseMessageResult {
  const detailType = typeof envelope['detail-type'] === 'string' ? envelope['detail-type'] : '';
  const { detail } = envelope;
  if (detailType !== 'OrderPlaced' || envelope[REDUCED_MARK] !== REDUCED_VERSION) {
    const parsed = parseInboundEvent(detailType, detail);
    return parsed.ok ? { ok: true, event: ruledEvent(parsed.event), upstream: parsed.event } : parsed;
  }
  try {
    const result = reducedOrderPlacedDetail.safeParse(detail);
    if (result.success) return { ok: true, event: { detailType: 'OrderPlaced', detail: result.data } };
    const { field, message } = problemOf(result.error.issues[0], detail);
    // Absent only when the writer could not check a malformed birth date or payment method.
    const why = field === 'personal' ? PERSONAL_REMOVED : message;
    return { ok: false, error: 'MALFORMED', field, reason: `${field}: ${why}` };
  } catch {
    return { ok: false, error: 'MALFORMED', field: ROOT_FIELD, reason: `${ROOT_FIELD}: could not be read` };
  }
}

const paymentMethod = z.enum(PAYMENT_METHODS);

/**
 * The personal fields of a malformed OrderPlaced checked as a well-formed one's are, when the
 * three the checks read are well-formed themselves; undefined otherwise (then they are dropped).
 */
function personalOf(detail: Record<string, unknown>): { under18: boolean; paymentMethodRefused: boolean } | undefined {
  const customer = detail.customer;
  const birthDate = calendarDate.safeParse(
    customer !== null && typeof customer === 'object' ? (customer as Record<string, unknown>).birthDate : undefined,
  );
  const occurredAt = isoTimestamp.safeParse(detail.occurredAt);
  const method = paymentMethod.safeParse(detail.paymentMethod);
  if (!birthDate.success || !occurredAt.success || !method.success) return undefined;
  const checked = ruledEvent({
    detailType: 'OrderPlaced',
    detail: { occurredAt: occurredAt.data, customer: { birthDate: birthDate.data }, paymentMethod: method.data },
  } as never);
  return checked.detailType === 'OrderPlaced' ? checked.detail.personal : undefined;
}

const KEPT_KEYS = [...Object.keys(head), 'devices'];

/**
 * The body as the pipeline may keep it: an OrderPlaced reduced (well-formed: its parsed
 * detail, unknown keys gone; malformed: the contract's other fields as sent, the personal ones
 * checked where they can be, else dropped), marked; any other body unchanged. Idempotent, and
 * pure: the same body always gives the same text (a dead letter's id is taken from it).
 */
export function reducedBody(body: string): string {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    return body; // not from the bus (EventBridge delivers JSON): nothing to read, kept as it came
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) return body;
  const message = envelope as Record<string, unknown>;
  if (message['detail-type'] !== 'OrderPlaced' || message[REDUCED_MARK] === REDUCED_VERSION) return body;
  return JSON.stringify(reducedEnvelope(message, reducedDetail(message.detail)));
}

function reducedDetail(detail: unknown): unknown {
  const parsed = parseInboundEvent('OrderPlaced', detail);
  if (parsed.ok) return ruledEvent(parsed.event).detail;
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return detail;
  const raw = detail as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const key of KEPT_KEYS) if (Object.hasOwn(raw, key)) kept[key] = raw[key];
  const personal = personalOf(raw);
  return personal ? { ...kept, personal } : kept;
}

/** The envelope with this detail, marked reduced when it is an OrderPlaced. */
export function reducedEnvelope(envelope: Record<string, unknown>, detail: unknown): Record<string, unknown> {
  const isOrder = envelope['detail-type'] === 'OrderPlaced';
  return { ...envelope, detail, ...(isOrder ? { [REDUCED_MARK]: REDUCED_VERSION } : {}) };
}
