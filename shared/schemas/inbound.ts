import * as z from 'zod';
import { jstDate } from '../domain/calendar.ts';
import {
  boundedString,
  calendarDate,
  customerId,
  entityId,
  eventId,
  eventYen,
  isCalendarDate,
  isIsoTimestamp,
  isoTimestamp,
} from './primitives.ts';

/*
 * Inbound events of contract §1. The schemas check shape only: eligibility (age, payment
 * method, catalogue fees, limits) is a business decision answered with OrderRejected, so a
 * well-formed order with a debit card or an odd fee must parse here. Unknown keys are stripped
 * (zod's default) so nothing the contract does not name reaches the domain or storage.
 */

export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'prepaid_card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const DEVICE_CONDITIONS = ['new', 'used'] as const;
export type DeviceCondition = (typeof DEVICE_CONDITIONS)[number];

export const CLAIM_CAUSES = [
  'total_loss',
  'partial_damage',
  'water_damage',
  'natural_failure',
  'initial_defect',
  'network_restriction',
  'theft',
  'loss',
  'modification',
  'natural_disaster',
  'business_use',
  'other',
] as const;
export type ClaimCause = (typeof CLAIM_CAUSES)[number];

export const MAX_DEVICES_PER_ORDER = 5;
export const MIN_INSTALLMENT_MONTHS = 2;
export const MAX_INSTALLMENT_MONTHS = 48;
const MAX_MODEL_LENGTH = 200;
// Free text from the operator; bounded so one event cannot bloat the store.
const MAX_VOID_REASON_LENGTH = 1000;

// Field order matters: the first failing field reported is the first in shape order, and
// the common fields come first so a broken envelope is named before its payload.
const common = {
  eventId,
  customerId,
  occurredAt: isoTimestamp,
};

const monthsMessage = `expected an integer number of months from ${MIN_INSTALLMENT_MONTHS} to ${MAX_INSTALLMENT_MONTHS}`;
const installmentMonths = z
  .number({ error: monthsMessage })
  .refine((n) => Number.isInteger(n) && n >= MIN_INSTALLMENT_MONTHS && n <= MAX_INSTALLMENT_MONTHS, {
    error: monthsMessage,
  })
  .meta({ type: 'integer', minimum: MIN_INSTALLMENT_MONTHS, maximum: MAX_INSTALLMENT_MONTHS });

const payment = z.discriminatedUnion('plan', [
  z.object({ plan: z.literal('lump_sum') }),
  z.object({ plan: z.literal('installments'), months: installmentMonths }),
]);

const orderedDevice = z.object({
  deviceId: entityId,
  model: boundedString(MAX_MODEL_LENGTH),
  condition: z.enum(DEVICE_CONDITIONS),
  priceYen: eventYen,
  payment,
  protection: z.object({ monthlyFeeYen: eventYen }).optional(),
  lineWarrantyOption: z.boolean().optional(),
});

const devicesMessage = `expected 1 to ${MAX_DEVICES_PER_ORDER} devices`;

// A deviceId names one contract line, so two lines of one order sharing it would merge their
// installments and protection; the duplicate (not the first) is the field named.
const devices = z
  .array(orderedDevice, { error: devicesMessage })
  .min(1, { error: devicesMessage })
  .max(MAX_DEVICES_PER_ORDER, { error: devicesMessage })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((device, index) => {
      // Zod runs this even when an element failed, so the element may not be well-typed yet.
      const deviceId: unknown = (device as { deviceId?: unknown } | undefined)?.deviceId;
      if (typeof deviceId !== 'string') return;
      if (seen.has(deviceId)) {
        ctx.addIssue({ code: 'custom', path: [index, 'deviceId'], message: 'duplicate deviceId within the order' });
      }
      seen.add(deviceId);
    });
  })
  // JSON Schema's uniqueItems compares whole items, so the published schema can only say it.
  .meta({
    description:
      `1 to ${MAX_DEVICES_PER_ORDER} devices. No two may have the same deviceId (refused as ` +
      '"devices.<n>.deviceId: duplicate deviceId within the order"); JSON Schema cannot express this rule.',
  });

export const orderPlacedDetail = z.object({
  ...common,
  orderId: entityId,
  customer: z.object({ birthDate: calendarDate }),
  paymentMethod: z.enum(PAYMENT_METHODS),
  devices,
});

export const orderVoidedDetail = z.object({
  ...common,
  orderId: entityId,
  reason: boundedString(MAX_VOID_REASON_LENGTH),
});

export const installmentPayoffRequestedDetail = z.object({ ...common, deviceId: entityId });

export const protectionCancelledDetail = z.object({
  ...common,
  deviceId: entityId,
  effectiveDate: calendarDate.optional(),
});

/** What the parser answers for a claim whose incident is dated after the claim itself. */
export const INCIDENT_AFTER_FILING_MESSAGE = 'after the claim was filed (the JST date of occurredAt)';

// A damage cannot be claimed before it happened: an incident dated after the filing is a wrong
// date, and billed as sent it would count in a coverage year still to come.
export const claimFiledDetail = z
  .object({
    ...common,
    claimId: entityId,
    deviceId: entityId,
    cause: z.enum(CLAIM_CAUSES),
    // JSON Schema cannot compare two fields, so the published schema can only say it.
    incidentDate: calendarDate.meta({
      description:
        'The day the damage or fault happened, YYYY-MM-DD, a real date not after the JST date of occurredAt (the ' +
        `claim's filing day; refused as "incidentDate: ${INCIDENT_AFTER_FILING_MESSAGE}"); JSON Schema cannot ` +
        'express this rule.',
    }),
    followUpOf: entityId.optional(),
  })
  .superRefine((claim, ctx) => {
    // Zod runs this even when a field failed, so the two may not be well-formed yet.
    const { incidentDate, occurredAt } = claim as { incidentDate?: unknown; occurredAt?: unknown };
    if (typeof incidentDate !== 'string' || typeof occurredAt !== 'string') return;
    if (!isCalendarDate(incidentDate) || !isIsoTimestamp(occurredAt)) return;
    if (incidentDate > jstDate(occurredAt))
      ctx.addIssue({ code: 'custom', path: ['incidentDate'], message: INCIDENT_AFTER_FILING_MESSAGE });
  });

// Most claim and logistics events carry nothing but the claim they belong to.
const claimOnly = () => z.object({ ...common, claimId: entityId });

export const claimWithdrawnDetail = claimOnly();
export const deviceDeliveredDetail = z.object({ ...common, orderId: entityId, deviceId: entityId });
// The value is optional: it is needed only if a used device's re-exchange does not bring the handset back.
export const replacementDeliveredDetail = z.object({
  ...common,
  claimId: entityId,
  deviceValueYen: eventYen.optional(),
});
export const deviceReturnedDetail = claimOnly();
export const loanerDeliveredDetail = z.object({ ...common, claimId: entityId, loanerValueYen: eventYen });
export const faultyDeviceReceivedDetail = claimOnly();
export const repairedDeviceDeliveredDetail = claimOnly();
export const loanerReturnedDetail = claimOnly();
export const loanerDamagedDetail = z.object({ ...common, claimId: entityId, repairCostYen: eventYen });

export const INBOUND_DETAIL_TYPES = [
  'OrderPlaced',
  'OrderVoided',
  'InstallmentPayoffRequested',
  'ProtectionCancelled',
  'ClaimFiled',
  'ClaimWithdrawn',
  'DeviceDelivered',
  'ReplacementDelivered',
  'DeviceReturned',
  'LoanerDelivered',
  'FaultyDeviceReceived',
  'RepairedDeviceDelivered',
  'LoanerReturned',
  'LoanerDamaged',
] as const;
export type InboundDetailType = (typeof INBOUND_DETAIL_TYPES)[number];

export const inboundDetailSchemas = {
  OrderPlaced: orderPlacedDetail,
  OrderVoided: orderVoidedDetail,
  InstallmentPayoffRequested: installmentPayoffRequestedDetail,
  ProtectionCancelled: protectionCancelledDetail,
  ClaimFiled: claimFiledDetail,
  ClaimWithdrawn: claimWithdrawnDetail,
  DeviceDelivered: deviceDeliveredDetail,
  ReplacementDelivered: replacementDeliveredDetail,
  DeviceReturned: deviceReturnedDetail,
  LoanerDelivered: loanerDeliveredDetail,
  FaultyDeviceReceived: faultyDeviceReceivedDetail,
  RepairedDeviceDelivered: repairedDeviceDeliveredDetail,
  LoanerReturned: loanerReturnedDetail,
  LoanerDamaged: loanerDamagedDetail,
} as const satisfies { [K in InboundDetailType]: z.ZodType };

export type OrderPlacedDetail = z.infer<typeof orderPlacedDetail>;
export type OrderedDevice = OrderPlacedDetail['devices'][number];
export type DevicePayment = OrderedDevice['payment'];
export type OrderVoidedDetail = z.infer<typeof orderVoidedDetail>;
export type InstallmentPayoffRequestedDetail = z.infer<typeof installmentPayoffRequestedDetail>;
export type ProtectionCancelledDetail = z.infer<typeof protectionCancelledDetail>;
export type ClaimFiledDetail = z.infer<typeof claimFiledDetail>;
export type ClaimWithdrawnDetail = z.infer<typeof claimWithdrawnDetail>;
export type DeviceDeliveredDetail = z.infer<typeof deviceDeliveredDetail>;
export type ReplacementDeliveredDetail = z.infer<typeof replacementDeliveredDetail>;
export type DeviceReturnedDetail = z.infer<typeof deviceReturnedDetail>;
export type LoanerDeliveredDetail = z.infer<typeof loanerDeliveredDetail>;
export type FaultyDeviceReceivedDetail = z.infer<typeof faultyDeviceReceivedDetail>;
export type RepairedDeviceDeliveredDetail = z.infer<typeof repairedDeviceDeliveredDetail>;
export type LoanerReturnedDetail = z.infer<typeof loanerReturnedDetail>;
export type LoanerDamagedDetail = z.infer<typeof loanerDamagedDetail>;

export type InboundDetailOf<K extends InboundDetailType> = z.infer<(typeof inboundDetailSchemas)[K]>;

export type InboundEvent = {
  [K in InboundDetailType]: { detailType: K; detail: InboundDetailOf<K> };
}[InboundDetailType];

export const INBOUND_SOURCES = {
  OrderPlaced: 'device-supply.orders',
  OrderVoided: 'device-supply.orders',
  InstallmentPayoffRequested: 'device-supply.orders',
  ProtectionCancelled: 'device-supply.orders',
  ClaimFiled: 'device-supply.claims',
  ClaimWithdrawn: 'device-supply.claims',
  DeviceDelivered: 'device-supply.logistics',
  ReplacementDelivered: 'device-supply.logistics',
  DeviceReturned: 'device-supply.logistics',
  LoanerDelivered: 'device-supply.logistics',
  FaultyDeviceReceived: 'device-supply.logistics',
  RepairedDeviceDelivered: 'device-supply.logistics',
  LoanerReturned: 'device-supply.logistics',
  LoanerDamaged: 'device-supply.logistics',
} as const satisfies Record<InboundDetailType, string>;

export type InboundSource = (typeof INBOUND_SOURCES)[InboundDetailType];

export function expectedSourceFor(detailType: InboundDetailType): InboundSource {
  return INBOUND_SOURCES[detailType];
}

// Own-key lookup: `detailType in schemas` would accept 'constructor', 'toString', '__proto__'.
export function isInboundDetailType(detailType: unknown): detailType is InboundDetailType {
  return typeof detailType === 'string' && Object.hasOwn(inboundDetailSchemas, detailType);
}

export const ROOT_FIELD = '(root)';

export type ParseInboundResult =
  | { ok: true; event: InboundEvent }
  | { ok: false; error: 'UNKNOWN_DETAIL_TYPE' }
  | { ok: false; error: 'MALFORMED'; field: string; reason: string };

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? ROOT_FIELD : path.map((key) => String(key)).join('.');
}

// Zod reports a missing key as a type or union error ("expected string, received undefined");
// "is required" is what the sender needs to fix it. Walks own properties only.
function isMissing(detail: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = detail;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node === undefined;
}

/**
 * Validates an inbound `detail` for its `detail-type`. Never throws: a malformed event must
 * become a dead letter naming the field, not a crashed handler that would retry forever.
 */
export function parseInboundEvent(detailType: string, detail: unknown): ParseInboundResult {
  if (!isInboundDetailType(detailType)) return { ok: false, error: 'UNKNOWN_DETAIL_TYPE' };
  try {
    const result = inboundDetailSchemas[detailType].safeParse(detail);
    if (result.success) {
      // TS cannot correlate the key with its schema's output; the lookup above guarantees it.
      return { ok: true, event: { detailType, detail: result.data } as InboundEvent };
    }
    const { field, message } = problemOf(result.error.issues[0], detail);
    return { ok: false, error: 'MALFORMED', field, reason: `${field}: ${message}` };
  } catch {
    // Only hostile inputs get here (throwing getters, revoked proxies): nothing JSON can build.
    return { ok: false, error: 'MALFORMED', field: ROOT_FIELD, reason: `${ROOT_FIELD}: could not be read` };
  }
}

/** A schema issue as the contract words it: the field's path, and "is required" for a missing key. */
export function problemOf(
  issue: { path: readonly PropertyKey[]; message: string } | undefined,
  detail: unknown,
): { field: string; message: string } {
  const path = issue?.path ?? [];
  const missing = path.length > 0 && isMissing(detail, path);
  return { field: formatPath(path), message: missing ? 'is required' : (issue?.message ?? 'is invalid') };
}

/**
 * Every field of a detail that breaks its schema, each once, worded as parseInboundEvent words
 * the first (the one a dead letter names): for `billing validate`, which lists them all.
 * Empty when the detail is valid or the detail-type unknown; never throws.
 */
export function inboundProblems(detailType: string, detail: unknown): { field: string; message: string }[] {
  if (!isInboundDetailType(detailType)) return [];
  try {
    const result = inboundDetailSchemas[detailType].safeParse(detail);
    if (result.success) return [];
    const problems = result.error.issues.map((issue) => problemOf(issue, detail));
    return problems.filter((p, i) => problems.findIndex((q) => q.field === p.field && q.message === p.message) === i);
  } catch {
    return [{ field: ROOT_FIELD, message: 'could not be read' }];
  }
}
