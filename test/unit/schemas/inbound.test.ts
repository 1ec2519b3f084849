import { describe, expect, it } from 'vitest';
import {
  CLAIM_CAUSES,
  expectedSourceFor,
  INBOUND_DETAIL_TYPES,
  type InboundDetailType,
  inboundDetailSchemas,
  parseInboundEvent,
} from '../../../shared/schemas/inbound.ts';
import { clone, DELETE, leafPaths, OPTIONAL_KEYS, validDetails, withValueAt } from './fixtures.ts';

const order = () => clone(validDetails.OrderPlaced);

function malformed(detailType: string, detail: unknown): { field: string; reason: string } {
  const result = parseInboundEvent(detailType, detail);
  if (result.ok || result.error !== 'MALFORMED') throw new Error(`expected MALFORMED, got ${JSON.stringify(result)}`);
  return { field: result.field, reason: result.reason };
}

describe('inbound detail types', () => {
  it('lists the 14 detail types of the contract, each with a schema', () => {
    expect([...INBOUND_DETAIL_TYPES].sort()).toEqual(
      [
        'ClaimFiled',
        'ClaimWithdrawn',
        'DeviceDelivered',
        'DeviceReturned',
        'FaultyDeviceReceived',
        'InstallmentPayoffRequested',
        'LoanerDamaged',
        'LoanerDelivered',
        'LoanerReturned',
        'OrderPlaced',
        'OrderVoided',
        'ProtectionCancelled',
        'RepairedDeviceDelivered',
        'ReplacementDelivered',
      ].sort(),
    );
    expect(INBOUND_DETAIL_TYPES).toHaveLength(14);
    expect(Object.keys(inboundDetailSchemas).sort()).toEqual([...INBOUND_DETAIL_TYPES].sort());
  });

  it.each(INBOUND_DETAIL_TYPES)('a valid %s parses to the same detail', (detailType) => {
    const detail = clone(validDetails[detailType]);
    expect(parseInboundEvent(detailType, detail)).toEqual({
      ok: true,
      event: { detailType, detail: validDetails[detailType] },
    });
  });

  it.each(INBOUND_DETAIL_TYPES)('%s reports each missing required field by its path', (detailType) => {
    for (const path of leafPaths(validDetails[detailType])) {
      const key = String(path[path.length - 1]);
      const result = parseInboundEvent(detailType, withValueAt(validDetails[detailType], path, DELETE));
      if (OPTIONAL_KEYS.has(key)) {
        expect(result.ok, `optional ${path.join('.')}`).toBe(true);
      } else {
        const field = path.join('.');
        expect(result).toEqual({ ok: false, error: 'MALFORMED', field, reason: `${field}: is required` });
      }
    }
  });

  it('maps each detail type to the source of the contract table', () => {
    const expected: Record<InboundDetailType, string> = {
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
    };
    for (const detailType of INBOUND_DETAIL_TYPES) expect(expectedSourceFor(detailType)).toBe(expected[detailType]);
  });
});

describe('unknown detail types', () => {
  it.each(['OrderShipped', 'orderplaced', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    "%j is not this pipeline's business",
    (detailType) => {
      expect(parseInboundEvent(detailType, validDetails.OrderPlaced)).toEqual({
        ok: false,
        error: 'UNKNOWN_DETAIL_TYPE',
      });
    },
  );

  it('a non-string detail type at runtime is unknown, not a crash', () => {
    expect(parseInboundEvent(42 as unknown as string, {})).toEqual({ ok: false, error: 'UNKNOWN_DETAIL_TYPE' });
  });
});

describe('malformed events name the first failing field', () => {
  // Each case changes a valid detail in place.
  const cases: [string, InboundDetailType, (d: any) => void, string, RegExp][] = [
    [
      'fractional price',
      'OrderPlaced',
      (d) => {
        d.devices[0].priceYen = 100.5;
      },
      'devices.0.priceYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'negative price',
      'OrderPlaced',
      (d) => {
        d.devices[0].priceYen = -1;
      },
      'devices.0.priceYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'zero price',
      'OrderPlaced',
      (d) => {
        d.devices[0].priceYen = 0;
      },
      'devices.0.priceYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'price as string',
      'OrderPlaced',
      (d) => {
        d.devices[0].priceYen = '39800';
      },
      'devices.0.priceYen',
      /yen/,
    ],
    [
      'unsafe price',
      'OrderPlaced',
      (d) => {
        d.devices[0].priceYen = 2 ** 53;
      },
      'devices.0.priceYen',
      /yen/,
    ],
    [
      '1 month',
      'OrderPlaced',
      (d) => {
        d.devices[2].payment.months = 1;
      },
      'devices.2.payment.months',
      /2 to 48/,
    ],
    [
      '49 months',
      'OrderPlaced',
      (d) => {
        d.devices[2].payment.months = 49;
      },
      'devices.2.payment.months',
      /2 to 48/,
    ],
    [
      '24.5 months',
      'OrderPlaced',
      (d) => {
        d.devices[2].payment.months = 24.5;
      },
      'devices.2.payment.months',
      /2 to 48/,
    ],
    [
      'unknown plan',
      'OrderPlaced',
      (d) => {
        d.devices[1].payment = { plan: 'lease' };
      },
      'devices.1.payment.plan',
      /lump_sum/,
    ],
    [
      'bad condition',
      'OrderPlaced',
      (d) => {
        d.devices[0].condition = 'refurbished';
      },
      'devices.0.condition',
      /new/,
    ],
    [
      'zero protection fee',
      'OrderPlaced',
      (d) => {
        d.devices[0].protection.monthlyFeeYen = 0;
      },
      'devices.0.protection.monthlyFeeYen',
      /from 1 to 10,000,000/,
    ],
    [
      'non-boolean warranty',
      'OrderPlaced',
      (d) => {
        d.devices[0].lineWarrantyOption = 'yes';
      },
      'devices.0.lineWarrantyOption',
      /boolean/,
    ],
    [
      'empty model',
      'OrderPlaced',
      (d) => {
        d.devices[0].model = '';
      },
      'devices.0.model',
      /1 to 200/,
    ],
    [
      '201-char model',
      'OrderPlaced',
      (d) => {
        d.devices[0].model = 'm'.repeat(201);
      },
      'devices.0.model',
      /1 to 200/,
    ],
    [
      'unknown payment method',
      'OrderPlaced',
      (d) => {
        d.paymentMethod = 'cash';
      },
      'paymentMethod',
      /credit_card/,
    ],
    [
      'impossible birth date',
      'OrderPlaced',
      (d) => {
        d.customer.birthDate = '1990-02-30';
      },
      'customer.birthDate',
      /calendar date/,
    ],
    [
      'customer not an object',
      'OrderPlaced',
      (d) => {
        d.customer = '1990-04-01';
      },
      'customer',
      /object/,
    ],
    [
      'no devices',
      'OrderPlaced',
      (d) => {
        d.devices = [];
      },
      'devices',
      /1 to 5 devices/,
    ],
    [
      'devices not an array',
      'OrderPlaced',
      (d) => {
        d.devices = { 0: d.devices[0] };
      },
      'devices',
      /1 to 5 devices/,
    ],
    [
      '6 devices',
      'OrderPlaced',
      (d) => {
        d.devices = [0, 1, 2, 3, 4, 5].map((i) => ({ ...d.devices[0], deviceId: `d${i}` }));
      },
      'devices',
      /1 to 5 devices/,
    ],
    [
      'duplicate deviceId',
      'OrderPlaced',
      (d) => {
        d.devices[1].deviceId = 'dev-1';
      },
      'devices.1.deviceId',
      /duplicate/,
    ],
    [
      'third device repeats the second',
      'OrderPlaced',
      (d) => {
        d.devices[2].deviceId = 'dev-2';
      },
      'devices.2.deviceId',
      /duplicate/,
    ],
    [
      'eventId of 129 chars',
      'OrderVoided',
      (d) => {
        d.eventId = 'e'.repeat(129);
      },
      'eventId',
      /1 to 128/,
    ],
    [
      'empty eventId',
      'OrderVoided',
      (d) => {
        d.eventId = '';
      },
      'eventId',
      /1 to 128/,
    ],
    [
      'customerId of 65 chars',
      'ClaimWithdrawn',
      (d) => {
        d.customerId = 'c'.repeat(65);
      },
      'customerId',
      /1 to 64/,
    ],
    [
      'numeric customerId',
      'ClaimWithdrawn',
      (d) => {
        d.customerId = 7;
      },
      'customerId',
      /1 to 64/,
    ],
    [
      'orderId of 129 chars',
      'DeviceDelivered',
      (d) => {
        d.orderId = 'o'.repeat(129);
      },
      'orderId',
      /1 to 128/,
    ],
    [
      'timestamp without offset',
      'DeviceDelivered',
      (d) => {
        d.occurredAt = '2026-11-13T08:30:00';
      },
      'occurredAt',
      /offset/,
    ],
    [
      'date-only timestamp',
      'DeviceDelivered',
      (d) => {
        d.occurredAt = '2026-11-13';
      },
      'occurredAt',
      /offset/,
    ],
    [
      'epoch-millis timestamp',
      'DeviceDelivered',
      (d) => {
        d.occurredAt = 1_794_526_200_000;
      },
      'occurredAt',
      /offset/,
    ],
    [
      'bad cause',
      'ClaimFiled',
      (d) => {
        d.cause = 'fire';
      },
      'cause',
      /total_loss/,
    ],
    [
      'incident on 30 February',
      'ClaimFiled',
      (d) => {
        d.incidentDate = '2026-02-30';
      },
      'incidentDate',
      /calendar date/,
    ],
    [
      'incident the day after the claim was filed (JST)',
      'ClaimFiled',
      (d) => {
        // 15:00Z is midnight in Japan: filed on 1 March JST, the incident on the 2nd.
        d.occurredAt = '2026-02-28T15:00:00Z';
        d.incidentDate = '2026-03-02';
      },
      'incidentDate',
      /after the claim was filed/,
    ],
    [
      'incident in 2030 on a claim of 2027',
      'ClaimFiled',
      (d) => {
        d.incidentDate = '2030-06-01';
      },
      'incidentDate',
      /after the claim was filed \(the JST date of occurredAt\)/,
    ],
    [
      'empty followUpOf',
      'ClaimFiled',
      (d) => {
        d.followUpOf = '';
      },
      'followUpOf',
      /1 to 128/,
    ],
    [
      'effectiveDate month 13',
      'ProtectionCancelled',
      (d) => {
        d.effectiveDate = '2026-13-01';
      },
      'effectiveDate',
      /calendar date/,
    ],
    [
      'null effectiveDate',
      'ProtectionCancelled',
      (d) => {
        d.effectiveDate = null;
      },
      'effectiveDate',
      /calendar date/,
    ],
    [
      'zero loaner value',
      'LoanerDelivered',
      (d) => {
        d.loanerValueYen = 0;
      },
      'loanerValueYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'empty void reason',
      'OrderVoided',
      (d) => {
        d.reason = '';
      },
      'reason',
      /1 to 1000/,
    ],
    [
      'zero repair cost',
      'LoanerDamaged',
      (d) => {
        d.repairCostYen = 0;
      },
      'repairCostYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'repair cost of 10,000,001',
      'LoanerDamaged',
      (d) => {
        d.repairCostYen = 10_000_001;
      },
      'repairCostYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'fractional repair cost',
      'LoanerDamaged',
      (d) => {
        d.repairCostYen = 12_100.5;
      },
      'repairCostYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'repair cost as string',
      'LoanerDamaged',
      (d) => {
        d.repairCostYen = '12100';
      },
      'repairCostYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'null repair cost',
      'LoanerDamaged',
      (d) => {
        d.repairCostYen = null;
      },
      'repairCostYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'empty claimId of a damage',
      'LoanerDamaged',
      (d) => {
        d.claimId = '';
      },
      'claimId',
      /1 to 128/,
    ],
    [
      'damage timestamp with a fraction but no seconds',
      'LoanerDamaged',
      (d) => {
        d.occurredAt = '2027-03-05T09:00.5+09:00';
      },
      'occurredAt',
      /offset/,
    ],
    [
      'zero device value',
      'ReplacementDelivered',
      (d) => {
        d.deviceValueYen = 0;
      },
      'deviceValueYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'device value of 10,000,001',
      'ReplacementDelivered',
      (d) => {
        d.deviceValueYen = 10_000_001;
      },
      'deviceValueYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'fractional device value',
      'ReplacementDelivered',
      (d) => {
        d.deviceValueYen = 45_000.5;
      },
      'deviceValueYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'device value as string',
      'ReplacementDelivered',
      (d) => {
        d.deviceValueYen = '45000';
      },
      'deviceValueYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
    [
      'null device value (optional is not nullable)',
      'ReplacementDelivered',
      (d) => {
        d.deviceValueYen = null;
      },
      'deviceValueYen',
      /integer yen amount from 1 to 10,000,000/,
    ],
  ];

  it.each(cases)('%s → %s', (_name, detailType, mutate, field, message) => {
    const detail = clone(validDetails[detailType]);
    mutate(detail);
    const { field: actual, reason } = malformed(detailType, detail);
    expect(actual).toBe(field);
    expect(reason.startsWith(`${field}: `)).toBe(true);
    expect(reason).toMatch(message);
  });

  it.each([null, undefined, 'OrderPlaced', 42, true, [], [validDetails.OrderPlaced]])(
    'detail %j is reported at (root)',
    (detail) => {
      const { field, reason } = malformed('OrderPlaced', detail);
      expect(field).toBe('(root)');
      expect(reason.startsWith('(root): ')).toBe(true);
    },
  );

  it('reports the envelope before the payload, in contract order', () => {
    const d: any = order();
    d.devices[0].priceYen = -1;
    d.occurredAt = 'yesterday';
    expect(malformed('OrderPlaced', d).field).toBe('occurredAt');
    d.customerId = '';
    expect(malformed('OrderPlaced', d).field).toBe('customerId');
    d.eventId = 5;
    expect(malformed('OrderPlaced', d).field).toBe('eventId');
  });

  it('reports a broken device before the duplicate check', () => {
    const d: any = order();
    d.devices[1].deviceId = 'dev-1';
    d.devices[0].priceYen = 1.5;
    expect(malformed('OrderPlaced', d).field).toBe('devices.0.priceYen');
  });

  it('never echoes the birth date in the reason (it must not be logged)', () => {
    const d: any = order();
    d.customer.birthDate = '1987-02-29';
    const { field, reason } = malformed('OrderPlaced', d);
    expect(field).toBe('customer.birthDate');
    expect(reason).not.toContain('1987');
  });
});

describe('LoanerDamaged and the value of a replacement', () => {
  it.each([1, 10_000_000])('LoanerDamaged accepts a repairCostYen of %d', (repairCostYen) => {
    const detail = { ...validDetails.LoanerDamaged, repairCostYen };
    expect(parseInboundEvent('LoanerDamaged', detail)).toEqual({
      ok: true,
      event: { detailType: 'LoanerDamaged', detail },
    });
  });

  it.each(['claimId', 'repairCostYen', 'occurredAt'] as const)(
    'LoanerDamaged without %s names it as required',
    (key) => {
      const { [key]: _dropped, ...detail } = validDetails.LoanerDamaged;
      expect(parseInboundEvent('LoanerDamaged', detail)).toEqual({
        ok: false,
        error: 'MALFORMED',
        field: key,
        reason: `${key}: is required`,
      });
    },
  );

  it.each([1, 10_000_000])('ReplacementDelivered accepts a deviceValueYen of %d', (deviceValueYen) => {
    const detail = { ...validDetails.ReplacementDelivered, deviceValueYen };
    expect(parseInboundEvent('ReplacementDelivered', detail)).toEqual({
      ok: true,
      event: { detailType: 'ReplacementDelivered', detail },
    });
  });

  it('ReplacementDelivered without deviceValueYen parses, and adds no such key', () => {
    const { deviceValueYen: _dropped, ...detail } = validDetails.ReplacementDelivered;
    const result = parseInboundEvent('ReplacementDelivered', detail);
    expect(result).toEqual({ ok: true, event: { detailType: 'ReplacementDelivered', detail } });
    if (!result.ok) throw new Error('expected ok');
    expect(Object.hasOwn(result.event.detail, 'deviceValueYen')).toBe(false);
  });

  it('keeps a LoanerDamaged to its contract fields: a loanerValueYen sent with it is stripped', () => {
    const result = parseInboundEvent('LoanerDamaged', { ...validDetails.LoanerDamaged, loanerValueYen: 30_000 });
    expect(result).toEqual({ ok: true, event: { detailType: 'LoanerDamaged', detail: validDetails.LoanerDamaged } });
  });

  it('is a logistics event', () => {
    expect(expectedSourceFor('LoanerDamaged')).toBe('device-supply.logistics');
  });
});

describe('an incident is dated on or before the day its claim was filed, in JST', () => {
  const claim = (occurredAt: string, incidentDate: string) =>
    parseInboundEvent('ClaimFiled', { ...validDetails.ClaimFiled, occurredAt, incidentDate });

  it('accepts an incident on the filing day, though that day has not begun in UTC', () => {
    // 00:30 in Japan on 1 March is still 28 February in UTC.
    expect(claim('2026-02-28T15:30:00Z', '2026-03-01').ok).toBe(true);
    expect(claim('2026-03-01T00:00:00+09:00', '2026-03-01').ok).toBe(true);
    expect(claim('2026-03-01T23:59:59.999+09:00', '2026-03-01').ok).toBe(true);
  });

  it('refuses one a day later, naming incidentDate, whatever the offset the filing time is written in', () => {
    for (const occurredAt of ['2026-02-28T14:59:59Z', '2026-02-28T23:59:59+09:00', '2026-02-28T09:59:59-05:00'])
      expect(claim(occurredAt, '2026-03-01'), occurredAt).toMatchObject({ ok: false, field: 'incidentDate' });
  });

  it('names the field that is malformed, not the comparison, when occurredAt is not a timestamp', () => {
    expect(claim('yesterday', '2026-03-01')).toMatchObject({ ok: false, field: 'occurredAt' });
  });
});

describe('business rules are left to the domain', () => {
  it.each(['debit_card', 'prepaid_card'] as const)(
    'accepts paymentMethod %s (OrderRejected decides)',
    (paymentMethod) => {
      expect(parseInboundEvent('OrderPlaced', { ...order(), paymentMethod }).ok).toBe(true);
    },
  );

  it('accepts a protection fee the catalogue does not offer, protection with line warranty, and a minor', () => {
    const d = order();
    d.devices[0]!.protection = { monthlyFeeYen: 999 };
    d.devices[0]!.lineWarrantyOption = true;
    d.customer.birthDate = '2020-01-01';
    expect(parseInboundEvent('OrderPlaced', d).ok).toBe(true);
  });

  it('accepts all 12 causes, covered or not', () => {
    for (const cause of CLAIM_CAUSES) {
      expect(parseInboundEvent('ClaimFiled', { ...validDetails.ClaimFiled, cause }).ok, cause).toBe(true);
    }
    expect(CLAIM_CAUSES).toHaveLength(12);
  });

  it('accepts exactly 5 devices and ids at their maximum length', () => {
    const d = order();
    d.devices = [0, 1, 2, 3, 4].map((i) => ({ ...d.devices[0]!, deviceId: `${i}`.padEnd(128, 'x') }));
    d.eventId = 'e'.repeat(128);
    d.customerId = 'c'.repeat(64);
    expect(parseInboundEvent('OrderPlaced', d).ok).toBe(true);
  });
});

describe('unknown keys are stripped', () => {
  it('drops extra keys at every level of an order', () => {
    const d: any = order();
    d.extra = 'x';
    d.customer.name = 'Taro Yamada';
    d.devices[0].imei = '123';
    d.devices[0].payment.interestRate = 0.1;
    d.devices[0].protection.tier = 'gold';
    const result = parseInboundEvent('OrderPlaced', d);
    expect(result).toEqual({ ok: true, event: { detailType: 'OrderPlaced', detail: validDetails.OrderPlaced } });
  });

  it('drops __proto__ and constructor keys without touching prototypes', () => {
    const d = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"eventId":"e","customerId":"c",' +
        '"occurredAt":"2026-11-13T08:30:00Z","claimId":"k"}',
    );
    const result = parseInboundEvent('ClaimWithdrawn', d);
    if (!result.ok) throw new Error('expected ok');
    expect(Object.keys(result.event.detail).sort()).toEqual(['claimId', 'customerId', 'eventId', 'occurredAt']);
    expect(Object.getPrototypeOf(result.event.detail)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
