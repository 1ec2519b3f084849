import * as z from 'zod';
import { customerId, entityId, eventId, signedYen, yearMonth, yen } from './primitives.ts';

/*
 * Events the pipeline emits (contract §2). These schemas guard our own output: the emitter
 * validates before publishing, so a domain bug surfaces here instead of in a downstream team's
 * consumer. The consistency refinements encode what the contract implies, not business policy
 * (fee amounts, which reason applies) which stays in the domain.
 */

export const BILLING_SOURCE = 'device-supply.billing';

export const ORDER_REJECTION_CODES = [
  'UNDER_18',
  'PAYMENT_METHOD',
  'DEVICE_LIMIT',
  'PROTECTION_LIMIT',
  'DOUBLE_COVERAGE',
  'PROTECTION_FEE',
] as const;
export type OrderRejectionCode = (typeof ORDER_REJECTION_CODES)[number];

// Listed in the order billing-rules §4 checks them: the first that fails decides.
export const CLAIM_REJECTION_REASONS = [
  'NO_PROTECTION',
  'BEFORE_COVERAGE',
  'COVERAGE_ENDED',
  'CAUSE_NOT_COVERED',
  'MAKER_WARRANTY',
  'NATURAL_FAILURE_AFTER_24_MONTHS',
  'WARRANTY_PERIOD_OVER',
  'ANNUAL_LIMIT',
] as const;
export type ClaimRejectionReason = (typeof CLAIM_REJECTION_REASONS)[number];

export const CLAIM_DECISIONS = ['accepted', 'rejected'] as const;
export type ClaimDecision = (typeof CLAIM_DECISIONS)[number];

/** What an accepted claim rests on (rules §4): the protection option, the used-device guarantee, a free follow-up. */
export const CLAIM_BASES = ['protection', 'guarantee', 'follow_up'] as const;

export const PENALTY_KINDS = ['late_return_penalty', 'loaner_charge', 'reexchange_charge'] as const;
export type PenaltyKind = (typeof PENALTY_KINDS)[number];

export const OUTBOUND_DETAIL_TYPES = [
  'OrderRejected',
  'ClaimAdjudicated',
  'PenaltyAssessed',
  'StatementClosed',
] as const;
export type OutboundDetailType = (typeof OUTBOUND_DETAIL_TYPES)[number];

/**
 * JSON Schema's `if`/`then`, for the rules the refinements below state as JSON Schema (through
 * `.meta()`, for the published contract: test/unit/contract/ holds them to the same verdicts as the
 * refinements). Built from entries: an object literal with a `then` key reads as a thenable.
 */
const ifThen = (condition: object, consequence: object): Record<string, object> =>
  Object.fromEntries([
    ['if', condition],
    ['then', consequence],
  ]);
const firstRevision = { properties: { revision: { const: 1 } }, required: ['revision'] };
const decisionIs = (decision: ClaimDecision) => ({
  properties: { decision: { const: decision } },
  required: ['decision'],
});

/** Contract §2: 1 when a decision is first published, + 1 each time it is published again changed. */
const revision = z
  .number()
  .int()
  .min(1)
  .meta({ description: '1 when the decision is first published, + 1 each time it is published again changed.' });

// Every broken rule is reported once: a repeated code would read as two separate failures.
// An empty list only in a revision: the order, re-derived in business order, now stands.
export const orderRejectedDetail = z
  .object({
    orderId: entityId,
    customerId,
    reasons: z
      .array(z.enum(ORDER_REJECTION_CODES))
      .refine((codes) => new Set(codes).size === codes.length, { error: 'duplicate rejection code' })
      .meta({ uniqueItems: true }),
    sourceEventId: eventId,
    revision,
  })
  .refine((order) => order.reasons.length > 0 || order.revision > 1, {
    path: ['reasons'],
    error: 'a first publication rejects for at least one reason',
  })
  .meta({
    description:
      'Every broken rule is listed once. Revision 1 lists at least one reason; an empty list only in a ' +
      'later revision, when the order now stands.',
    ...ifThen(firstRevision, { properties: { reasons: { minItems: 1 } } }),
  });

export const claimAdjudicatedDetail = z
  .object({
    claimId: entityId,
    customerId,
    deviceId: entityId,
    decision: z.enum(CLAIM_DECISIONS),
    reason: z.enum(CLAIM_REJECTION_REASONS).optional(),
    basis: z.enum(CLAIM_BASES).optional(),
    // Absent for free claims (initial defect, network restriction on used, re-repair).
    useNumber: z.union([z.literal(1), z.literal(2)]).optional(),
    feeYen: yen,
    revision,
  })
  .superRefine((claim, ctx) => {
    if (claim.decision === 'rejected') {
      if (claim.reason === undefined) {
        ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a rejected claim needs a reason' });
      }
      if (claim.useNumber !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['useNumber'], message: 'a rejected claim uses nothing' });
      }
      if (claim.basis !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['basis'], message: 'a rejected claim rests on nothing' });
      }
      if (claim.feeYen !== 0) {
        ctx.addIssue({ code: 'custom', path: ['feeYen'], message: 'a rejected claim costs nothing' });
      }
      return;
    }
    if (claim.reason !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'an accepted claim has no rejection reason' });
    }
    // A free claim is not counted as a use and bills nothing (billing-rules §4).
    if (claim.useNumber === undefined && claim.feeYen !== 0) {
      ctx.addIssue({ code: 'custom', path: ['feeYen'], message: 'a free claim (no useNumber) costs nothing' });
    }
    // Only the protection option counts uses: a guarantee or follow-up claim is free.
    if (claim.useNumber !== undefined && claim.basis !== undefined && claim.basis !== 'protection') {
      ctx.addIssue({ code: 'custom', path: ['basis'], message: 'a counted use rests on the protection option' });
    }
  })
  .meta({
    description:
      'A rejected claim has a reason, no useNumber, no basis and feeYen 0. An accepted claim has no reason; ' +
      'without a useNumber (a free claim) its feeYen is 0, and with one its basis, if given, is protection.',
    allOf: [
      ifThen(decisionIs('rejected'), {
        required: ['reason'],
        properties: { feeYen: { const: 0 } },
        not: { anyOf: [{ required: ['useNumber'] }, { required: ['basis'] }] },
      }),
      ifThen(decisionIs('accepted'), {
        not: { required: ['reason'] },
        allOf: [
          ifThen({ not: { required: ['useNumber'] } }, { properties: { feeYen: { const: 0 } } }),
          ifThen({ required: ['useNumber', 'basis'] }, { properties: { basis: { const: 'protection' } } }),
        ],
      }),
    ],
  });

// 0 only in a revision: the charge, re-derived in business order, is no longer owed.
export const penaltyAssessedDetail = z
  .object({
    customerId,
    deviceId: entityId,
    claimId: entityId,
    kind: z.enum(PENALTY_KINDS),
    amountYen: yen,
    billingMonth: yearMonth,
    revision,
  })
  .refine((penalty) => penalty.amountYen > 0 || penalty.revision > 1, {
    path: ['amountYen'],
    error: 'a first publication charges something',
  })
  .meta({
    description: 'Revision 1 charges at least 1 yen; amountYen 0 only in a later revision, when it is no longer owed.',
    ...ifThen(firstRevision, { properties: { amountYen: { minimum: 1 } } }),
  });

export const statementClosedDetail = z.object({
  customerId,
  month: yearMonth,
  // Can be negative: a month may hold only a credit, e.g. a penalty reversed after a late event.
  totalYen: signedYen,
});

export const outboundDetailSchemas = {
  OrderRejected: orderRejectedDetail,
  ClaimAdjudicated: claimAdjudicatedDetail,
  PenaltyAssessed: penaltyAssessedDetail,
  StatementClosed: statementClosedDetail,
} as const satisfies { [K in OutboundDetailType]: z.ZodType };

export type OrderRejectedDetail = z.infer<typeof orderRejectedDetail>;
export type ClaimAdjudicatedDetail = z.infer<typeof claimAdjudicatedDetail>;
export type PenaltyAssessedDetail = z.infer<typeof penaltyAssessedDetail>;
export type StatementClosedDetail = z.infer<typeof statementClosedDetail>;

export type OutboundDetailOf<K extends OutboundDetailType> = z.infer<(typeof outboundDetailSchemas)[K]>;

export type OutboundEvent = {
  [K in OutboundDetailType]: { detailType: K; detail: OutboundDetailOf<K> };
}[OutboundDetailType];

/**
 * Checks an event before it is published and returns it with unknown keys stripped.
 * Throws: an invalid outbound event is a bug in this pipeline, not bad input to dead-letter.
 */
export function validateOutboundEvent<E extends OutboundEvent>(event: E): E {
  const detail: unknown = outboundDetailSchemas[event.detailType].parse(event.detail);
  return { detailType: event.detailType, detail } as E;
}
