// Checked yen arithmetic (shared/domain/money.ts). With every event amount at most
// MAX_YEN_AMOUNT no valid input reaches these errors, so they are tested directly, and through
// the engine with amounts the schemas would have refused.
import { describe, expect, it } from 'vitest';
import {
  AmountOutOfRangeError,
  addYen,
  checkedYen,
  multiplyYen,
  policy,
  statementTotals,
} from '#shared/domain/index.ts';
import type { InboundEvent } from '#shared/schemas/inbound.ts';
import { Customer, jst } from '#test/support/scenario.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const { MAX_YEN_AMOUNT, consumptionTaxOf, prorate } = policy;

function thrown(fn: () => unknown): AmountOutOfRangeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) return error;
    throw error;
  }
  throw new Error('expected an AmountOutOfRangeError');
}

describe('addYen', () => {
  it('adds exactly up to the edges of the safe integers', () => {
    expect(addYen(MAX - 1, 1, 'sum')).toBe(MAX);
    expect(addYen(-MAX + 1, -1, 'sum')).toBe(-MAX);
    expect(addYen(MAX, -MAX, 'sum')).toBe(0);
    expect(addYen(0, 0, 'sum')).toBe(0);
  });

  it('throws a named error, not a rounded number, for a sum past 2^53 − 1 either way', () => {
    const up = thrown(() => addYen(MAX, 1, 'taxableYen of a statement'));
    expect(up.name).toBe('AmountOutOfRangeError');
    expect(up).toBeInstanceOf(RangeError);
    expect(up.what).toBe('taxableYen of a statement');
    expect(up.message).toContain('taxableYen of a statement');
    expect(up.message).toContain(String(MAX));
    expect(() => addYen(-MAX, -1, 'sum')).toThrow(AmountOutOfRangeError);
    expect(() => addYen(2 ** 52, 2 ** 52, 'sum')).toThrow(AmountOutOfRangeError);
  });

  it('refuses an operand outside the range even when the result would look safe', () => {
    expect(thrown(() => addYen(2 ** 53 + 2, -(2 ** 53 - 1), 'sum')).value).toBe(2 ** 53 + 2);
    expect(thrown(() => addYen(5, 2 ** 60, 'sum')).value).toBe(2 ** 60);
    for (const bad of [0.5, NaN, Infinity, -Infinity])
      expect(() => addYen(0, bad, 'sum'), String(bad)).toThrow(AmountOutOfRangeError);
  });
});

describe('checkedYen and multiplyYen', () => {
  it('pass safe integers through and throw for anything else', () => {
    expect(checkedYen(MAX, 'x')).toBe(MAX);
    expect(() => checkedYen(MAX + 1, 'x')).toThrow(AmountOutOfRangeError);
    expect(multiplyYen(MAX_YEN_AMOUNT, 31, 'x')).toBe(310_000_000);
    expect(() => multiplyYen(2 ** 50, 10, 'x')).toThrow(AmountOutOfRangeError);
  });

  it('guard the products inside the policy formulas', () => {
    expect(consumptionTaxOf(110)).toBe(10);
    // taxableYen × 10 would leave the safe integers although taxableYen itself does not.
    expect(() => consumptionTaxOf(10 ** 15)).toThrow(AmountOutOfRangeError);
    expect(prorate(MAX_YEN_AMOUNT, 15, 30)).toBe(5_000_000);
    expect(() => prorate(2 ** 52, 31, 31)).toThrow(AmountOutOfRangeError);
  });
});

describe('statement totals', () => {
  it('throw when the taxable, non-taxable or overall total would leave the safe integers', () => {
    expect(() =>
      statementTotals([
        { amountYen: MAX, taxClass: 'taxable-10' },
        { amountYen: 1, taxClass: 'taxable-10' },
      ]),
    ).toThrow(AmountOutOfRangeError);
    expect(() =>
      statementTotals([
        { amountYen: MAX, taxClass: 'non-taxable' },
        { amountYen: 1, taxClass: 'non-taxable' },
      ]),
    ).toThrow(AmountOutOfRangeError);
    const split = thrown(() =>
      statementTotals([
        { amountYen: 2 ** 52, taxClass: 'non-taxable' },
        { amountYen: 2 ** 52, taxClass: 'non-taxable' },
      ]),
    );
    expect(split.what).toBe('nonTaxableYen of a statement');
    const total = thrown(() =>
      statementTotals([
        { amountYen: 8 * 10 ** 14, taxClass: 'taxable-10' },
        { amountYen: MAX - 10 ** 14, taxClass: 'non-taxable' },
      ]),
    );
    expect(total.what).toBe('totalYen of a statement');
  });

  it('throw for a line that is not a safe integer, rather than carry it into the total', () => {
    expect(() => statementTotals([{ amountYen: 1.5, taxClass: 'taxable-10' }])).toThrow(AmountOutOfRangeError);
    expect(() =>
      statementTotals([
        { amountYen: 2 ** 60, taxClass: 'non-taxable' },
        { amountYen: -(2 ** 60), taxClass: 'non-taxable' },
      ]),
    ).toThrow(AmountOutOfRangeError);
  });

  it('are exact at the largest statement valid events make: five devices of 10,000,000 in one month', () => {
    const c = new Customer();
    const devices = [1, 2, 3, 4, 5].map((i) => ({
      deviceId: `D${i}`,
      priceYen: MAX_YEN_AMOUNT,
      protectionFeeYen: 550,
    }));
    expect(c.order(jst('2026-11-01'), devices, { orderId: 'O1' }).outcome).toBe('applied');
    for (const { deviceId } of devices)
      c.on('DeviceDelivered', { occurredAt: jst('2026-11-01'), orderId: 'O1', deviceId });
    expect(c.close('2026-11')?.totals).toEqual({
      taxableYen: 50_002_750,
      consumptionTaxYen: 4_545_704,
      nonTaxableYen: 0,
      totalYen: 50_002_750,
    });
  });
});

describe('through the engine, with a price the schemas would refuse', () => {
  // Built by hand, not through parseInboundEvent: the schema refuses 2^60 as malformed.
  const order = (priceYen: number): InboundEvent => ({
    detailType: 'OrderPlaced',
    detail: {
      eventId: 'evt-1',
      customerId: 'C1',
      occurredAt: jst('2026-11-01'),
      orderId: 'O1',
      customer: { birthDate: '1990-04-01' },
      paymentMethod: 'credit_card',
      devices: [
        { deviceId: 'D1', model: 'Pixel 9', condition: 'new', priceYen, payment: { plan: 'installments', months: 2 } },
      ],
    },
  });

  it('an early payoff sum throws instead of billing a rounded amount', () => {
    const c = new Customer();
    c.send(order(2 ** 60));
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-02'), orderId: 'O1', deviceId: 'D1' });
    expect(
      thrown(() => c.on('InstallmentPayoffRequested', { occurredAt: jst('2026-11-03'), deviceId: 'D1' })).what,
    ).toBe('early payoff sum');
  });

  it('the close of the month throws instead of writing a rounded statement', () => {
    const c = new Customer();
    c.send(order(2 ** 60));
    c.on('DeviceDelivered', { occurredAt: jst('2026-11-02'), orderId: 'O1', deviceId: 'D1' });
    expect(thrown(() => c.close('2026-11')).what).toBe('taxableYen of a statement');
  });
});
