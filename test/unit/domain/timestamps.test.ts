// occurredAt may omit its seconds and may carry a fraction of any length (contract §1). Every
// rule reads the instant to the millisecond, truncated as the platform truncates it: these
// check that the domain's two readers of a timestamp — its JST date and its place in business
// order — and the billing month an event lands in agree with that reading.
import { describe, expect, it } from 'vitest';
import { businessKey, instantKey } from '#shared/domain/business-order.ts';
import { jstDate, jstMonth } from '#shared/domain/calendar.ts';
import { isoTimestamp } from '#shared/schemas/primitives.ts';
import { Customer, jst } from '#test/support/scenario.ts';

const nines = (n: number) => '9'.repeat(n);
/** The instant part of a business key, as epoch milliseconds. */
const instantOf = (key: string) => Number(key.split('#')[0]);

describe('every timestamp used here is one the contract accepts', () => {
  it.each([
    '2026-04-10T23:59+09:00',
    '2026-04-10T15:00Z',
    '2026-04-10T14:59Z',
    '2026-04-10T23:59:59.9999+09:00',
    `2026-04-10T14:59:59.${nines(200)}Z`,
    '2026-04-10T10:00:00.1234567890123+09:00',
  ])('%s', (value) => {
    expect(isoTimestamp.safeParse(value).success).toBe(true);
  });
});

describe('jstDate', () => {
  it('reads a timestamp without seconds as its minute, whatever the offset', () => {
    expect(jstDate('2026-04-10T23:59+09:00')).toBe('2026-04-10');
    expect(jstDate('2026-04-11T00:00+09:00')).toBe('2026-04-11');
    // 15:00 UTC is midnight in Tokyo; one minute before is still the 10th.
    expect(jstDate('2026-04-10T15:00Z')).toBe('2026-04-11');
    expect(jstDate('2026-04-10T14:59Z')).toBe('2026-04-10');
    expect(jstDate('2026-04-10T10:30-05:00')).toBe('2026-04-11');
  });

  it('truncates a long fraction to the millisecond, so the last instant of a day stays in it', () => {
    // Rounded, each of these would be midnight of the 11th in Tokyo.
    expect(jstDate('2026-04-10T23:59:59.9999+09:00')).toBe('2026-04-10');
    expect(jstDate(`2026-04-10T23:59:59.${nines(20)}+09:00`)).toBe('2026-04-10');
    expect(jstDate(`2026-04-10T14:59:59.${nines(200)}Z`)).toBe('2026-04-10');
    expect(jstMonth(`2026-04-30T23:59:59.${nines(200)}+09:00`)).toBe('2026-04');
  });
});

describe('businessKey', () => {
  it('places a timestamp without seconds at second 0 of its minute', () => {
    const key = businessKey('ClaimFiled', '2026-04-10T10:00+09:00', 'E1');
    expect(instantOf(key)).toBe(Date.UTC(2026, 3, 10, 1, 0, 0, 0));
    expect(key).toBe(businessKey('ClaimFiled', '2026-04-10T10:00:00.000+09:00', 'E1'));
    expect(key).toBe(businessKey('ClaimFiled', '2026-04-10T01:00Z', 'E1'));
    expect(key.startsWith(`${instantKey(Date.UTC(2026, 3, 10, 1, 0, 0, 0))}#`)).toBe(true);
  });

  it('reads a long fraction to the millisecond, truncated: .9999 is 999 ms', () => {
    expect(instantOf(businessKey('ClaimFiled', '2026-04-10T10:00:00.1234567890123+09:00', 'E1'))).toBe(
      Date.UTC(2026, 3, 10, 1, 0, 0, 123),
    );
    expect(instantOf(businessKey('ClaimFiled', '2026-04-10T10:00:00.9999+09:00', 'E1'))).toBe(
      Date.UTC(2026, 3, 10, 1, 0, 0, 999),
    );
    expect(instantOf(businessKey('ClaimFiled', `2026-04-10T10:00:00.${nines(200)}+09:00`, 'E1'))).toBe(
      Date.UTC(2026, 3, 10, 1, 0, 0, 999),
    );
  });

  it('so that events written with different precisions sort by their instants', () => {
    const beforeTheMinute = businessKey('DeviceReturned', `2026-04-10T09:59:59.${nines(30)}+09:00`, 'Z');
    const onTheMinute = businessKey('DeviceReturned', '2026-04-10T10:00+09:00', 'A');
    const sameMillisecond = businessKey('DeviceReturned', '2026-04-10T10:00:00.0009+09:00', 'B');
    const nextMillisecond = businessKey('DeviceReturned', '2026-04-10T10:00:00.001+09:00', 'A');
    const keys = [nextMillisecond, sameMillisecond, onTheMinute, beforeTheMinute];
    expect([...keys].sort()).toEqual([beforeTheMinute, onTheMinute, sameMillisecond, nextMillisecond]);
    // 0.9 ms truncates to 0: the same instant as the minute, the eventId breaks the tie.
    expect(instantOf(sameMillisecond)).toBe(instantOf(onTheMinute));
  });
});

describe('the billing month of an event written without seconds or with a long fraction', () => {
  function protectedCustomer(): Customer {
    const c = new Customer('C-timestamps');
    expect(
      c.order(jst('2026-01-05'), [{ deviceId: 'D1', condition: 'used', protectionFeeYen: 550 }], { orderId: 'O1' })
        .outcome,
    ).toBe('applied');
    expect(c.on('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId: 'O1', deviceId: 'D1' }).outcome).toBe(
      'applied',
    );
    return c;
  }

  it('bills an exchange fee filed in the last millisecond of March, by a 200-digit fraction, in March', () => {
    const c = protectedCustomer();
    const filed = c.on('ClaimFiled', {
      occurredAt: `2026-03-31T23:59:59.${nines(200)}+09:00`,
      claimId: 'K1',
      deviceId: 'D1',
      cause: 'total_loss',
      incidentDate: '2026-03-31',
    });
    expect(filed.outcome).toBe('applied');
    expect(c.entriesOf('exchange_fee').map((e) => [e.billingMonth, e.businessDate])).toEqual([
      ['2026-03', '2026-03-31'],
    ]);
  });

  it('bills a fee filed at 15:00 UTC on 31 March, without seconds, in April (midnight in Tokyo)', () => {
    const c = protectedCustomer();
    expect(
      c.on('ClaimFiled', {
        occurredAt: '2026-03-31T15:00Z',
        claimId: 'K1',
        deviceId: 'D1',
        cause: 'total_loss',
        incidentDate: '2026-03-31',
      }).outcome,
    ).toBe('applied');
    expect(c.entriesOf('exchange_fee').map((e) => [e.billingMonth, e.businessDate])).toEqual([
      ['2026-04', '2026-04-01'],
    ]);
  });

  it('bills a loaner repair in the JST month of its damage, written without seconds', () => {
    const c = protectedCustomer();
    expect(
      c.on('ClaimFiled', {
        occurredAt: jst('2026-04-20'),
        claimId: 'K1',
        deviceId: 'D1',
        cause: 'partial_damage',
        incidentDate: '2026-04-19',
      }).outcome,
    ).toBe('applied');
    expect(
      c.on('LoanerDelivered', { occurredAt: '2026-04-22T10:00+09:00', claimId: 'K1', loanerValueYen: 30_000 }).outcome,
    ).toBe('applied');
    expect(
      c.on('LoanerDamaged', { occurredAt: '2026-04-30T15:00Z', claimId: 'K1', repairCostYen: 12_100 }).outcome,
    ).toBe('applied');
    expect(c.entriesOf('loaner_repair_charge').map((e) => [e.billingMonth, e.businessDate, e.amountYen])).toEqual([
      ['2026-05', '2026-05-01', 12_100],
    ]);
  });
});
