import { describe, expect, it } from 'vitest';
import {
  BILLING_SOURCE,
  CLAIM_REJECTION_REASONS,
  ORDER_REJECTION_CODES,
  OUTBOUND_DETAIL_TYPES,
  type OutboundEvent,
  outboundDetailSchemas,
  validateOutboundEvent,
} from '../../../shared/schemas/outbound.ts';

const valid: { [K in OutboundEvent['detailType']]: Extract<OutboundEvent, { detailType: K }>['detail'] } = {
  OrderRejected: {
    orderId: 'ord-1',
    customerId: 'cust-1',
    reasons: ['UNDER_18', 'PAYMENT_METHOD'],
    sourceEventId: 'evt-1',
    revision: 1,
  },
  ClaimAdjudicated: {
    claimId: 'clm-1',
    customerId: 'cust-1',
    deviceId: 'dev-1',
    decision: 'accepted',
    useNumber: 1,
    feeYen: 5500,
    revision: 1,
  },
  PenaltyAssessed: {
    customerId: 'cust-1',
    deviceId: 'dev-1',
    claimId: 'clm-1',
    kind: 'late_return_penalty',
    amountYen: 40_000,
    billingMonth: '2026-12',
    revision: 1,
  },
  StatementClosed: { customerId: 'cust-1', month: '2026-11', totalYen: 2_084 },
};

const claim = (patch: Record<string, unknown>) => {
  const { useNumber: _u, ...base } = valid.ClaimAdjudicated;
  return outboundDetailSchemas.ClaimAdjudicated.safeParse({ ...base, ...patch });
};
const firstPath = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.error?.issues[0]?.path.join('.');

describe('outbound events', () => {
  it('uses the billing source and the contract enums', () => {
    expect(BILLING_SOURCE).toBe('device-supply.billing');
    expect(OUTBOUND_DETAIL_TYPES).toEqual(['OrderRejected', 'ClaimAdjudicated', 'PenaltyAssessed', 'StatementClosed']);
    expect(ORDER_REJECTION_CODES).toEqual([
      'UNDER_18',
      'PAYMENT_METHOD',
      'DEVICE_LIMIT',
      'PROTECTION_LIMIT',
      'DOUBLE_COVERAGE',
      'PROTECTION_FEE',
    ]);
    expect(CLAIM_REJECTION_REASONS).toEqual([
      'NO_PROTECTION',
      'BEFORE_COVERAGE',
      'COVERAGE_ENDED',
      'CAUSE_NOT_COVERED',
      'MAKER_WARRANTY',
      'NATURAL_FAILURE_AFTER_24_MONTHS',
      'WARRANTY_PERIOD_OVER',
      'ANNUAL_LIMIT',
    ]);
  });

  it.each(OUTBOUND_DETAIL_TYPES)('a valid %s parses unchanged', (detailType) => {
    expect(outboundDetailSchemas[detailType].parse(valid[detailType])).toEqual(valid[detailType]);
  });

  it('OrderRejected needs at least one known, non-repeated code; none only in a revision (the order now stands)', () => {
    const parse = (reasons: unknown, revision = 1) =>
      outboundDetailSchemas.OrderRejected.safeParse({ ...valid.OrderRejected, reasons, revision });
    expect(parse([]).success).toBe(false);
    expect(parse([], 2).success).toBe(true);
    expect(parse(['UNDER_18'], 0).success).toBe(false);
    expect(parse(['UNDER_18'], 1.5).success).toBe(false);
    expect(parse(['TOO_YOUNG']).success).toBe(false);
    expect(parse(['UNDER_18', 'UNDER_18']).success).toBe(false);
    expect(parse([...ORDER_REJECTION_CODES]).success).toBe(true);
  });

  it('a rejected claim has a reason, no use and no fee', () => {
    expect(claim({ decision: 'rejected', reason: 'ANNUAL_LIMIT', feeYen: 0 }).success).toBe(true);
    expect(firstPath(claim({ decision: 'rejected', feeYen: 0 }))).toBe('reason');
    expect(firstPath(claim({ decision: 'rejected', reason: 'ANNUAL_LIMIT', useNumber: 1, feeYen: 0 }))).toBe(
      'useNumber',
    );
    expect(firstPath(claim({ decision: 'rejected', reason: 'ANNUAL_LIMIT', feeYen: 5500 }))).toBe('feeYen');
    expect(firstPath(claim({ decision: 'rejected', reason: 'STOLEN', feeYen: 0 }))).toBe('reason');
  });

  it('an accepted claim has no reason, and a free one (no useNumber) costs nothing', () => {
    expect(claim({ feeYen: 0 }).success).toBe(true);
    expect(claim({ useNumber: 2, feeYen: 8800 }).success).toBe(true);
    expect(firstPath(claim({ useNumber: 3, feeYen: 8800 }))).toBe('useNumber');
    expect(firstPath(claim({ feeYen: 5500 }))).toBe('feeYen');
    expect(firstPath(claim({ useNumber: 1, feeYen: 5500, reason: 'ANNUAL_LIMIT' }))).toBe('reason');
    expect(firstPath(claim({ useNumber: 1, feeYen: 5500.5 }))).toBe('feeYen');
  });

  it('PenaltyAssessed has a known kind, a positive amount (0 only in a revision: no longer owed) and a YYYY-MM billing month', () => {
    const parse = (patch: Record<string, unknown>) =>
      outboundDetailSchemas.PenaltyAssessed.safeParse({ ...valid.PenaltyAssessed, ...patch });
    expect(parse({ kind: 'loaner_charge', amountYen: 30_000 }).success).toBe(true);
    expect(firstPath(parse({ kind: 'late_fee' }))).toBe('kind');
    expect(firstPath(parse({ amountYen: 0 }))).toBe('amountYen');
    expect(parse({ amountYen: 0, revision: 2 }).success).toBe(true);
    expect(firstPath(parse({ amountYen: -1, revision: 2 }))).toBe('amountYen');
    expect(firstPath(parse({ revision: undefined }))).toBe('revision');
    expect(firstPath(parse({ billingMonth: '2026-12-01' }))).toBe('billingMonth');
  });

  it('StatementClosed allows a negative total (a month holding only a credit)', () => {
    const parse = (patch: Record<string, unknown>) =>
      outboundDetailSchemas.StatementClosed.safeParse({ ...valid.StatementClosed, ...patch });
    expect(parse({ totalYen: -40_000 }).success).toBe(true);
    expect(firstPath(parse({ totalYen: 1.5 }))).toBe('totalYen');
    expect(firstPath(parse({ month: '2026-13' }))).toBe('month');
  });

  it('validateOutboundEvent strips unknown keys and throws on a broken event', () => {
    const event = { detailType: 'StatementClosed' as const, detail: { ...valid.StatementClosed, internal: 'x' } };
    expect(validateOutboundEvent(event)).toEqual({ detailType: 'StatementClosed', detail: valid.StatementClosed });
    expect(() =>
      validateOutboundEvent({ detailType: 'StatementClosed', detail: { ...valid.StatementClosed, month: 'Nov' } }),
    ).toThrow();
  });
});
