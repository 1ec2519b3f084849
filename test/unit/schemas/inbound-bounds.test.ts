// The contract's bounds on ids and amounts (event-contract §1, billing rules §0): every id is
// printable ASCII without spaces (U+0021–U+007E) within its length, every yen amount an integer
// from 1 to 10,000,000. The values just inside are accepted and those just outside refused with
// a reason naming the field, at every place the contract has an id or an amount.
import { describe, expect, it } from 'vitest';
import { MAX_YEN_AMOUNT } from '../../../shared/domain/policy.ts';
import { type InboundDetailType, parseInboundEvent } from '../../../shared/schemas/inbound.ts';
import { clone, validDetails, withValueAt } from './fixtures.ts';

type Place = [detailType: InboundDetailType, path: (string | number)[], max: number];

/** Every place an id occurs, one of each field per detail shape, with its length limit. */
const ID_PLACES: Place[] = [
  ['OrderPlaced', ['eventId'], 128],
  ['OrderPlaced', ['customerId'], 64],
  ['OrderPlaced', ['orderId'], 128],
  ['OrderPlaced', ['devices', 0, 'deviceId'], 128],
  ['OrderPlaced', ['devices', 2, 'deviceId'], 128],
  ['OrderVoided', ['orderId'], 128],
  ['InstallmentPayoffRequested', ['deviceId'], 128],
  ['ProtectionCancelled', ['deviceId'], 128],
  ['ClaimFiled', ['claimId'], 128],
  ['ClaimFiled', ['deviceId'], 128],
  ['ClaimFiled', ['followUpOf'], 128],
  ['ClaimWithdrawn', ['customerId'], 64],
  ['DeviceDelivered', ['orderId'], 128],
  ['DeviceDelivered', ['deviceId'], 128],
  ['LoanerDelivered', ['claimId'], 128],
  ['LoanerReturned', ['eventId'], 128],
  ['ReplacementDelivered', ['claimId'], 128],
  ['LoanerDamaged', ['claimId'], 128],
  ['LoanerDamaged', ['customerId'], 64],
];

const YEN_PLACES: [InboundDetailType, (string | number)[]][] = [
  ['OrderPlaced', ['devices', 0, 'priceYen']],
  ['OrderPlaced', ['devices', 2, 'priceYen']],
  ['OrderPlaced', ['devices', 0, 'protection', 'monthlyFeeYen']],
  ['LoanerDelivered', ['loanerValueYen']],
  ['ReplacementDelivered', ['deviceValueYen']],
  ['LoanerDamaged', ['repairCostYen']],
];

/** The longest valid ids made of the extreme printable characters. */
const longestIds = (max: number): string[] => [
  '!'.repeat(max),
  '~'.repeat(max),
  `!${'~'.repeat(max - 2)}!`,
  '~!'.repeat(max / 2),
];

const JUST_INVALID_IDS: [string, (max: number) => string][] = [
  ['empty', () => ''],
  ['one character too long', (max) => '~'.repeat(max + 1)],
  ['a space', (max) => `${'!'.repeat(max - 2)} ~`],
  ['a leading space', () => ' dev-1'],
  ['é', () => 'caf\u00e9'],
  ['e with a combining accent', () => 'cafe\u0301'],
  ['a Japanese character', () => '端末1'],
  ['a full-width letter', () => 'ｄｅｖ'],
  ['a control character (tab)', () => 'dev\t1'],
  ['a control character (NUL)', () => 'dev\u00001'],
  ['DEL (U+007F, just past ~)', () => 'dev\u007f'],
  ['a no-break space', () => 'dev\u00a01'],
  ['an emoji', () => 'dev😀'],
];

function parseWith(detailType: InboundDetailType, path: (string | number)[], value: unknown) {
  return parseInboundEvent(detailType, withValueAt(validDetails[detailType], path, value));
}

describe('ids: printable ASCII without spaces, within their lengths', () => {
  it.each(ID_PLACES)('%s %j accepts its longest ids of ! and ~', (detailType, path, max) => {
    for (const id of longestIds(max)) {
      const result = parseWith(detailType, path, id);
      expect(result.ok, `${id.length} chars`).toBe(true);
    }
  });

  it.each(ID_PLACES)('%s %j refuses each just-invalid id, naming the field', (detailType, path, max) => {
    const field = path.join('.');
    for (const [name, make] of JUST_INVALID_IDS) {
      const result = parseWith(detailType, path, make(max));
      expect(result, name).toEqual({
        ok: false,
        error: 'MALFORMED',
        field,
        reason: `${field}: expected 1 to ${max} printable ASCII characters without spaces (U+0021 to U+007E)`,
      });
    }
  });

  it('a whole order of boundary ids parses: 5 devices with 128-character ids of ! and ~', () => {
    const d = clone(validDetails.OrderPlaced);
    d.eventId = '~'.repeat(128);
    d.customerId = '!'.repeat(64);
    d.orderId = `!${'~'.repeat(127)}`;
    d.devices = [0, 1, 2, 3, 4].map((i) => ({ ...d.devices[0]!, deviceId: `${'!'.repeat(i)}${'~'.repeat(128 - i)}` }));
    expect(parseInboundEvent('OrderPlaced', d)).toEqual({ ok: true, event: { detailType: 'OrderPlaced', detail: d } });
  });
});

describe('yen amounts: integers from 1 to 10,000,000', () => {
  it.each(YEN_PLACES)('%s %j accepts 1 and 10,000,000', (detailType, path) => {
    for (const amount of [1, MAX_YEN_AMOUNT]) expect(parseWith(detailType, path, amount).ok, String(amount)).toBe(true);
  });

  it.each(YEN_PLACES)('%s %j refuses 0, 10,000,001, 2^53 − 1 and fractions, naming the field', (detailType, path) => {
    const field = path.join('.');
    for (const amount of [
      0,
      -1,
      MAX_YEN_AMOUNT + 1,
      Number.MAX_SAFE_INTEGER,
      2 ** 53,
      0.5,
      MAX_YEN_AMOUNT - 0.5,
      1e21,
    ]) {
      expect(parseWith(detailType, path, amount), String(amount)).toEqual({
        ok: false,
        error: 'MALFORMED',
        field,
        reason: `${field}: expected an integer yen amount from 1 to 10,000,000`,
      });
    }
  });

  it.each(YEN_PLACES)('%s %j refuses a string, null, a boolean and an object, naming the field', (detailType, path) => {
    const field = path.join('.');
    for (const amount of ['1000', '', null, true, {}, [1000]]) {
      expect(parseWith(detailType, path, amount), JSON.stringify(amount)).toEqual({
        ok: false,
        error: 'MALFORMED',
        field,
        reason: `${field}: expected an integer yen amount from 1 to 10,000,000`,
      });
    }
  });

  it('five devices at 10,000,000 each with the maximum fee and a loaner at 10,000,000 parse', () => {
    const d = clone(validDetails.OrderPlaced);
    d.devices = [0, 1, 2, 3, 4].map((i) => ({
      ...d.devices[0]!,
      deviceId: `d${i}`,
      priceYen: MAX_YEN_AMOUNT,
      protection: { monthlyFeeYen: MAX_YEN_AMOUNT },
    }));
    expect(parseInboundEvent('OrderPlaced', d).ok).toBe(true);
    expect(
      parseInboundEvent('LoanerDelivered', { ...validDetails.LoanerDelivered, loanerValueYen: MAX_YEN_AMOUNT }).ok,
    ).toBe(true);
  });
});
