// The checked-in JSON Schemas of schemas/events/ against the events the repository holds and
// against the parser: a real JSON Schema validator (Ajv) accepts every example event, fixture and
// generated detail, and refuses what zod refuses, bound by bound. The one rule JSON Schema cannot
// say (two devices of an order sharing a deviceId) the schema says in words, and a test pins
// exactly that gap. The registry's draft-4 forms get the same cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_YEN_AMOUNT } from '#shared/domain/policy.ts';
import { toPutEventsEntry } from '#shared/runtime/publisher.ts';
import {
  CONTRACT_BUS_NAME,
  CONTRACT_EVENTS,
  type ContractEvent,
  registryJsonSchema,
} from '#shared/schemas/contract/events.ts';
import { DRAFT_04, keywordsOf } from '#shared/schemas/contract/json-schema.ts';
import {
  CLAIM_CAUSES,
  INBOUND_DETAIL_TYPES,
  INBOUND_SOURCES,
  INCIDENT_AFTER_FILING_MESSAGE,
  type InboundDetailType,
  parseInboundEvent,
} from '#shared/schemas/inbound.ts';
import {
  BILLING_SOURCE,
  OUTBOUND_DETAIL_TYPES,
  type OutboundDetailType,
  outboundDetailSchemas,
} from '#shared/schemas/outbound.ts';
import { EVENT_BUS_NAME } from '../../../infra/billing-stack.ts';
import { clone, DELETE, leafPaths, validDetailArbitraries, validDetails, withValueAt } from '../schemas/fixtures.ts';
import { engineYear, exampleEvents } from './engine-year.ts';
import { ajvDraft07, errorsOf, readJson, validatorOf } from './validators.ts';

type Path = (string | number)[];
const eventOf = (detailType: string): ContractEvent => {
  const event = CONTRACT_EVENTS.find((e) => e.detailType === detailType);
  if (!event) throw new Error(`no contract event ${detailType}`);
  return event;
};
const schemaAccepts = (detailType: string, detail: unknown): boolean =>
  validatorOf(eventOf(detailType).file)(detail) as boolean;
const zodAccepts = (detailType: InboundDetailType, detail: unknown): boolean =>
  parseInboundEvent(detailType, detail).ok;

// The registry's form (draft 4) of each event, compiled once; it validates the whole EventBridge event.
const envelopeValidators = new Map<string, ReturnType<typeof ajvDraft07.compile>>(
  CONTRACT_EVENTS.map((event) => {
    const { $schema: _, ...schema } = registryJsonSchema(event);
    return [event.detailType, ajvDraft07.compile(schema)];
  }),
);
const envelopeAccepts = (detailType: string, detail: unknown, source = eventOf(detailType).source): boolean =>
  envelopeValidators.get(detailType)?.({ version: '0', source, 'detail-type': detailType, detail }) as boolean;

describe('the events of the contract', () => {
  it('are every inbound and every emitted detail-type, each with its source and a checked-in schema', () => {
    expect(CONTRACT_EVENTS.map((e) => e.detailType)).toEqual([...INBOUND_DETAIL_TYPES, ...OUTBOUND_DETAIL_TYPES]);
    for (const type of INBOUND_DETAIL_TYPES) expect(eventOf(type).source).toBe(INBOUND_SOURCES[type]);
    for (const type of OUTBOUND_DETAIL_TYPES) expect(eventOf(type).source).toBe(BILLING_SOURCE);
    for (const event of CONTRACT_EVENTS) {
      const schema = readJson(event.file);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.title).toBe(event.detailType);
    }
    expect(CONTRACT_BUS_NAME).toBe(EVENT_BUS_NAME);
  });
});

describe('inbound schemas: what the repository sends validates', () => {
  const examples = exampleEvents();

  it('every event of examples/*.ndjson, with the source its detail-type has', () => {
    expect(examples.length).toBeGreaterThanOrEqual(24);
    for (const e of examples) {
      const validate = validatorOf(eventOf(String(e.detailType)).file);
      expect(validate(e.detail), `${e.origin}: ${errorsOf(validate)}`).toBe(true);
      expect(e.source, e.origin).toBe(eventOf(String(e.detailType)).source);
      expect(envelopeAccepts(String(e.detailType), e.detail), `${e.origin} (registry form)`).toBe(true);
    }
  });

  it.each(INBOUND_DETAIL_TYPES)('the fixture of %s (test/unit/schemas/fixtures.ts validDetails)', (type) => {
    const validate = validatorOf(eventOf(type).file);
    expect(validate(validDetails[type]), errorsOf(validate)).toBe(true);
    expect(envelopeAccepts(type, validDetails[type])).toBe(true);
  });

  it.each(INBOUND_DETAIL_TYPES)('every %s the property tests draw', (type) => {
    const arbitrary = validDetailArbitraries[type] as fc.Arbitrary<unknown>;
    fc.assert(
      fc.property(arbitrary, (detail) => schemaAccepts(type, detail) && envelopeAccepts(type, detail)),
      { numRuns: 150 },
    );
  });
});

const tooLong = (n: number) => '~'.repeat(n);
const sixDevices = Array.from({ length: 6 }, (_, i) => ({
  deviceId: `d${i}`,
  model: 'M',
  condition: 'new',
  priceYen: 1,
  payment: { plan: 'lump_sum' },
}));

/** One refused value per bound of the inbound contract: [bound, detail-type, path, value]. */
const INBOUND_INVALID: [string, InboundDetailType, Path, unknown][] = [
  ['id: empty', 'OrderPlaced', ['orderId'], ''],
  ['id: 129 characters', 'OrderPlaced', ['orderId'], tooLong(129)],
  ['eventId: 129 characters', 'ClaimWithdrawn', ['eventId'], tooLong(129)],
  ['customerId: 65 characters', 'OrderVoided', ['customerId'], tooLong(65)],
  ['id: a space', 'ClaimFiled', ['claimId'], 'clm 1'],
  ['id: a non-ASCII letter', 'ClaimFiled', ['deviceId'], 'caf\u00e9'],
  ['id: a Japanese character', 'DeviceDelivered', ['deviceId'], '端末1'],
  ['id: a control character', 'LoanerReturned', ['claimId'], 'clm\t1'],
  ['id: DEL', 'DeviceReturned', ['claimId'], 'clm\u007f'],
  ['id: a number', 'OrderVoided', ['orderId'], 1],
  ['optional id: empty', 'ClaimFiled', ['followUpOf'], ''],
  ['timestamp: no offset', 'OrderPlaced', ['occurredAt'], '2026-11-13T08:30:00'],
  ['timestamp: not a real date', 'OrderPlaced', ['occurredAt'], '2026-02-30T08:30:00+09:00'],
  ['timestamp: 29 February of a common year', 'OrderVoided', ['occurredAt'], '2027-02-29T08:30:00+09:00'],
  ['timestamp: hour 24', 'OrderVoided', ['occurredAt'], '2026-11-13T24:00:00+09:00'],
  ['timestamp: minute 60', 'OrderVoided', ['occurredAt'], '2026-11-13T08:60:00+09:00'],
  ['timestamp: a leap second', 'OrderVoided', ['occurredAt'], '2026-12-31T23:59:60Z'],
  ['timestamp: offset past +14:00', 'OrderVoided', ['occurredAt'], '2026-11-13T08:30:00+14:01'],
  ['timestamp: offset minutes 60', 'OrderVoided', ['occurredAt'], '2026-11-13T08:30:00+09:60'],
  ['timestamp: a date only', 'OrderVoided', ['occurredAt'], '2026-11-13'],
  ['timestamp: 257 characters', 'OrderVoided', ['occurredAt'], `2026-11-13T08:30:00.${'1'.repeat(231)}+09:00`],
  ['timestamp: a number', 'OrderVoided', ['occurredAt'], 1_763_000_000_000],
  ['date: not a real date', 'ClaimFiled', ['incidentDate'], '2026-02-30'],
  ['date: 29 February of a century not divisible by 400', 'OrderPlaced', ['customer', 'birthDate'], '1900-02-29'],
  ['date: a one-digit month', 'ProtectionCancelled', ['effectiveDate'], '2027-1-15'],
  ['date: a timestamp', 'ClaimFiled', ['incidentDate'], '2027-01-31T00:00:00+09:00'],
  ['yen: 0', 'OrderPlaced', ['devices', 0, 'priceYen'], 0],
  ['yen: 10,000,001', 'OrderPlaced', ['devices', 0, 'protection', 'monthlyFeeYen'], MAX_YEN_AMOUNT + 1],
  ['yen: a fraction', 'LoanerDelivered', ['loanerValueYen'], 1.5],
  ['yen: negative', 'LoanerDamaged', ['repairCostYen'], -100],
  ['yen: a string', 'ReplacementDelivered', ['deviceValueYen'], '3000'],
  ['yen: 2^53 - 1', 'LoanerDelivered', ['loanerValueYen'], Number.MAX_SAFE_INTEGER],
  ['months: 1', 'OrderPlaced', ['devices', 0, 'payment', 'months'], 1],
  ['months: 49', 'OrderPlaced', ['devices', 0, 'payment', 'months'], 49],
  ['months: a fraction', 'OrderPlaced', ['devices', 0, 'payment', 'months'], 24.5],
  ['months: missing for installments', 'OrderPlaced', ['devices', 0, 'payment', 'months'], DELETE],
  ['plan: unknown', 'OrderPlaced', ['devices', 1, 'payment', 'plan'], 'leasing'],
  ['devices: none', 'OrderPlaced', ['devices'], []],
  ['devices: 6', 'OrderPlaced', ['devices'], sixDevices],
  ['devices: not a list', 'OrderPlaced', ['devices'], { 0: validDetails.OrderPlaced.devices[0] }],
  ['text: empty', 'OrderPlaced', ['devices', 0, 'model'], ''],
  ['text: 201 characters', 'OrderPlaced', ['devices', 0, 'model'], 'm'.repeat(201)],
  ['text: 1,001 characters', 'OrderVoided', ['reason'], 'r'.repeat(1001)],
  ['enum: payment method', 'OrderPlaced', ['paymentMethod'], 'cash'],
  ['enum: condition', 'OrderPlaced', ['devices', 0, 'condition'], 'refurbished'],
  ['enum: cause', 'ClaimFiled', ['cause'], 'meteor'],
  ['boolean: a string', 'OrderPlaced', ['devices', 0, 'lineWarrantyOption'], 'yes'],
  ['optional: null', 'ProtectionCancelled', ['effectiveDate'], null],
  ['optional object: null', 'OrderPlaced', ['devices', 0, 'protection'], null],
  ['required: missing', 'LoanerDamaged', ['repairCostYen'], DELETE],
  ['required: common field missing', 'InstallmentPayoffRequested', ['occurredAt'], DELETE],
  ['required: nested field missing', 'OrderPlaced', ['customer', 'birthDate'], DELETE],
];

/** Values at the edge of each bound, accepted by both. */
const INBOUND_EDGES: [string, InboundDetailType, Path, unknown][] = [
  ['id: 128 characters', 'OrderPlaced', ['orderId'], tooLong(128)],
  ['customerId: 64 characters', 'OrderPlaced', ['customerId'], tooLong(64)],
  ['id: ! and ~', 'ClaimFiled', ['claimId'], '!~'],
  ['timestamp: Z', 'OrderVoided', ['occurredAt'], '2026-11-13T08:30:00Z'],
  ['timestamp: -14:00', 'OrderVoided', ['occurredAt'], '2026-11-13T08:30:00-14:00'],
  ['timestamp: +14:00', 'OrderVoided', ['occurredAt'], '2026-11-13T08:30:00+14:00'],
  ['timestamp: no seconds', 'OrderVoided', ['occurredAt'], '2026-11-13T08:30+09:00'],
  ['timestamp: 256 characters', 'OrderVoided', ['occurredAt'], `2026-11-13T08:30:00.${'1'.repeat(230)}+09:00`],
  ['timestamp: 29 February of a leap year', 'OrderVoided', ['occurredAt'], '2028-02-29T23:59:59.999+09:00'],
  ['date: 29 February 2000', 'OrderPlaced', ['customer', 'birthDate'], '2000-02-29'],
  ['yen: 1', 'OrderPlaced', ['devices', 0, 'priceYen'], 1],
  ['yen: 10,000,000', 'LoanerDelivered', ['loanerValueYen'], MAX_YEN_AMOUNT],
  ['months: 2', 'OrderPlaced', ['devices', 0, 'payment', 'months'], 2],
  ['months: 48', 'OrderPlaced', ['devices', 0, 'payment', 'months'], 48],
  ['text: 200 characters', 'OrderPlaced', ['devices', 0, 'model'], 'm'.repeat(200)],
  ['an unknown field (stripped)', 'OrderPlaced', ['channel'], 'web'],
  ['optional: left out', 'ClaimFiled', ['followUpOf'], DELETE],
];

describe('inbound schemas and the parser agree', () => {
  it.each(INBOUND_INVALID)('refused by both: %s (%s %j)', (_, type, path, value) => {
    const detail = withValueAt(validDetails[type], path, value);
    expect(zodAccepts(type, detail), 'zod').toBe(false);
    expect(schemaAccepts(type, detail), 'JSON Schema').toBe(false);
    expect(envelopeAccepts(type, detail), 'registry (draft 4)').toBe(false);
  });

  it.each(INBOUND_EDGES)('accepted by both: %s (%s %j)', (_, type, path, value) => {
    const detail = withValueAt(validDetails[type], path, value);
    expect(zodAccepts(type, detail), 'zod').toBe(true);
    expect(schemaAccepts(type, detail), `JSON Schema: ${errorsOf(validatorOf(eventOf(type).file))}`).toBe(true);
    expect(envelopeAccepts(type, detail), 'registry (draft 4)').toBe(true);
  });

  it('a detail that is not an object is refused by both', () => {
    for (const detail of [null, 'x', 42, [validDetails.ClaimWithdrawn]]) {
      expect(zodAccepts('ClaimWithdrawn', detail)).toBe(false);
      expect(schemaAccepts('ClaimWithdrawn', detail)).toBe(false);
    }
  });

  const UNSAYABLE = ['duplicate deviceId within the order', INCIDENT_AFTER_FILING_MESSAGE];

  // Values from every rule's edges; a field set to one of them is valid for some fields only.
  const POOL: unknown[] = [
    DELETE,
    null,
    true,
    '',
    ' ',
    'x',
    'caf\u00e9',
    tooLong(64),
    tooLong(65),
    tooLong(128),
    tooLong(129),
    'm'.repeat(201),
    '2026-02-28',
    '2026-02-29',
    '2028-02-29',
    '2026-13-01',
    '2026-11-13T08:30:00+09:00',
    '2026-11-13T08:30+14:00',
    '2026-11-13T08:30:00+14:30',
    '2026-11-13T25:30:00Z',
    '2026-11',
    0,
    1,
    2,
    -1,
    1.5,
    48,
    49,
    MAX_YEN_AMOUNT,
    MAX_YEN_AMOUNT + 1,
    Number.MAX_SAFE_INTEGER,
    'lump_sum',
    'installments',
    'credit_card',
    'used',
    ...CLAIM_CAUSES.slice(0, 2),
    [],
    {},
  ];

  it('agree on any one field changed to a value from the edges of the rules', () => {
    const mutated = fc
      .constantFrom(...INBOUND_DETAIL_TYPES)
      .chain((type) =>
        fc.tuple(
          fc.constant(type),
          validDetailArbitraries[type] as fc.Arbitrary<unknown>,
          fc.nat(),
          fc.constantFrom(...POOL),
        ),
      );
    fc.assert(
      fc.property(mutated, ([type, detail, pick, value]) => {
        const paths = leafPaths(detail);
        const path = paths[pick % paths.length]!;
        const changed = withValueAt(detail, path, value);
        const parsed = parseInboundEvent(type, changed);
        // The two rules JSON Schema cannot say: two devices of an order with one deviceId, and
        // an incident dated after its claim was filed.
        if ('reason' in parsed && UNSAYABLE.some((message) => parsed.reason.endsWith(message)))
          return schemaAccepts(type, changed);
        return schemaAccepts(type, changed) === parsed.ok && envelopeAccepts(type, changed) === parsed.ok;
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('what JSON Schema cannot say, the schemas say in words', () => {
  const incidentSchema = () =>
    (readJson(eventOf('ClaimFiled').file).properties as Record<string, { description?: string }>).incidentDate;

  it('an incident dated after its claim was filed: refused by the parser, not by the JSON Schema', () => {
    const detail = {
      ...clone(validDetails.ClaimFiled),
      occurredAt: '2026-03-01T23:59:59+09:00',
      incidentDate: '2026-03-02',
    };
    expect(parseInboundEvent('ClaimFiled', detail)).toMatchObject({
      ok: false,
      field: 'incidentDate',
      reason: `incidentDate: ${INCIDENT_AFTER_FILING_MESSAGE}`,
    });
    expect(schemaAccepts('ClaimFiled', detail)).toBe(true);
    expect(incidentSchema()?.description).toContain('not after the JST date of occurredAt');
    expect(incidentSchema()?.description).toContain('JSON Schema cannot express this rule');
  });

  const devicesSchema = () =>
    (readJson(eventOf('OrderPlaced').file).properties as Record<string, { description?: string }>).devices;

  it('two devices of an order with one deviceId: refused by the parser, not by the JSON Schema', () => {
    const detail = clone(validDetails.OrderPlaced);
    detail.devices[1]!.deviceId = detail.devices[0]!.deviceId;
    expect(parseInboundEvent('OrderPlaced', detail)).toMatchObject({ ok: false, field: 'devices.1.deviceId' });
    expect(schemaAccepts('OrderPlaced', detail)).toBe(true);
    expect(devicesSchema()?.description).toContain('No two may have the same deviceId');
    expect(devicesSchema()?.description).toContain('JSON Schema cannot express this rule');
  });
});

describe('text lengths', () => {
  it('are in code points, as JSON Schema counts them: an emoji is one character for both', () => {
    const model = (value: string) => withValueAt(validDetails.OrderPlaced, ['devices', 0, 'model'], value);
    // 200 emoji are 400 UTF-16 code units: within the bound for both; 201 are past it for both.
    expect([
      zodAccepts('OrderPlaced', model('📱'.repeat(200))),
      schemaAccepts('OrderPlaced', model('📱'.repeat(200))),
    ]).toEqual([true, true]);
    expect([
      zodAccepts('OrderPlaced', model('📱'.repeat(201))),
      schemaAccepts('OrderPlaced', model('📱'.repeat(201))),
    ]).toEqual([false, false]);
  });
});

// ---- Emitted events ---------------------------------------------------------------------------

const VALID_EMITTED: { [K in OutboundDetailType]: Record<string, unknown> } = {
  OrderRejected: {
    orderId: 'ord-1',
    customerId: 'cust-1',
    reasons: ['UNDER_18', 'PAYMENT_METHOD'],
    sourceEventId: 'evt-1',
    revision: 1,
    eventId: 'OrderRejected/ord-1',
  },
  ClaimAdjudicated: {
    claimId: 'clm-1',
    customerId: 'cust-1',
    deviceId: 'dev-1',
    decision: 'accepted',
    basis: 'protection',
    useNumber: 1,
    feeYen: 5500,
    revision: 1,
    eventId: 'ClaimAdjudicated/clm-1',
  },
  PenaltyAssessed: {
    customerId: 'cust-1',
    deviceId: 'dev-1',
    claimId: 'clm-1',
    kind: 'late_return_penalty',
    amountYen: 40_000,
    billingMonth: '2026-12',
    revision: 1,
    eventId: 'PenaltyAssessed/cust-1/penalty/clm-1',
  },
  StatementClosed: {
    customerId: 'cust-1',
    month: '2026-11',
    totalYen: 2_084,
    eventId: 'StatementClosed/cust-1/2026-11',
  },
};

/** What the parser says of an emitted detail: the schema of outbound.ts (eventId is the publisher's). */
function outboundAccepts(type: OutboundDetailType, wire: Record<string, unknown>): boolean {
  const { eventId: _, ...detail } = wire;
  return outboundDetailSchemas[type].safeParse(detail).success;
}

const rejected = { decision: 'rejected', reason: 'NO_PROTECTION', useNumber: DELETE, basis: DELETE, feeYen: 0 };

/** [rule, detail-type, changes (DELETE removes), accepted by both]. */
const EMITTED_CASES: [string, OutboundDetailType, Record<string, unknown>, boolean][] = [
  ['a revision with no reason left: the order stands', 'OrderRejected', { reasons: [], revision: 2 }, true],
  ['revision 1 with no reason', 'OrderRejected', { reasons: [] }, false],
  ['a reason twice', 'OrderRejected', { reasons: ['UNDER_18', 'UNDER_18'] }, false],
  ['an unknown reason', 'OrderRejected', { reasons: ['TOO_RICH'] }, false],
  ['revision 0', 'OrderRejected', { revision: 0 }, false],
  ['revision 1.5', 'OrderRejected', { revision: 1.5 }, false],
  ['an orderId of 129 characters', 'OrderRejected', { orderId: tooLong(129) }, false],
  ['a rejection with its reason', 'ClaimAdjudicated', rejected, true],
  ['a rejection without a reason', 'ClaimAdjudicated', { ...rejected, reason: DELETE }, false],
  ['a rejection with a useNumber', 'ClaimAdjudicated', { ...rejected, useNumber: 1 }, false],
  ['a rejection with a basis', 'ClaimAdjudicated', { ...rejected, basis: 'guarantee' }, false],
  ['a rejection that costs', 'ClaimAdjudicated', { ...rejected, feeYen: 5500 }, false],
  ['an acceptance with a reason', 'ClaimAdjudicated', { reason: 'ANNUAL_LIMIT' }, false],
  ['a free claim', 'ClaimAdjudicated', { useNumber: DELETE, basis: 'guarantee', feeYen: 0 }, true],
  ['a free claim that costs', 'ClaimAdjudicated', { useNumber: DELETE, basis: 'guarantee', feeYen: 5500 }, false],
  ['a counted use without a basis (published before basis existed)', 'ClaimAdjudicated', { basis: DELETE }, true],
  ['a counted use resting on the guarantee', 'ClaimAdjudicated', { basis: 'guarantee' }, false],
  ['use 3', 'ClaimAdjudicated', { useNumber: 3 }, false],
  ['a negative fee', 'ClaimAdjudicated', { feeYen: -1 }, false],
  ['an unknown decision', 'ClaimAdjudicated', { decision: 'maybe' }, false],
  ['a revision that no longer charges', 'PenaltyAssessed', { amountYen: 0, revision: 2 }, true],
  ['revision 1 charging nothing', 'PenaltyAssessed', { amountYen: 0 }, false],
  ['a fraction of a yen', 'PenaltyAssessed', { amountYen: 0.5 }, false],
  ['month 13', 'PenaltyAssessed', { billingMonth: '2026-13' }, false],
  ['an unknown kind', 'PenaltyAssessed', { kind: 'loaner_repair_charge' }, false],
  ['a negative total', 'StatementClosed', { totalYen: -5_500 }, true],
  ['a one-digit month', 'StatementClosed', { month: '2026-1' }, false],
  ['a total past the safe integers', 'StatementClosed', { totalYen: 2 ** 53 }, false],
  ['a customerId of 65 characters', 'StatementClosed', { customerId: tooLong(65) }, false],
];

const changed = (type: OutboundDetailType, changes: Record<string, unknown>) => {
  const wire = clone(VALID_EMITTED[type]);
  for (const [key, value] of Object.entries(changes)) {
    if (value === DELETE) delete wire[key];
    else wire[key] = value;
  }
  return wire;
};

describe('emitted schemas: what the pipeline publishes validates', () => {
  it('every event the engine publishes for the example year, as PutEvents carries it', () => {
    const { emitted } = engineYear();
    expect(new Set(emitted.map((e) => e.detailType))).toEqual(new Set(OUTBOUND_DETAIL_TYPES));
    for (const event of emitted) {
      const entry = toPutEventsEntry(event, CONTRACT_BUS_NAME);
      const detail = JSON.parse(entry.Detail ?? '') as unknown;
      const validate = validatorOf(eventOf(String(entry.DetailType)).file);
      expect(validate(detail), `${event.id}: ${errorsOf(validate)}`).toBe(true);
      expect(entry.Source).toBe(eventOf(String(entry.DetailType)).source);
      expect(envelopeAccepts(String(entry.DetailType), detail), `${event.id} (registry form)`).toBe(true);
    }
  });

  it.each(OUTBOUND_DETAIL_TYPES)('a hand-written %s, and a revision of a decision', (type) => {
    expect(outboundAccepts(type, VALID_EMITTED[type])).toBe(true);
    expect(schemaAccepts(type, VALID_EMITTED[type])).toBe(true);
    const revised = { ...VALID_EMITTED[type], revision: 2, eventId: `${VALID_EMITTED[type].eventId}#2` };
    // StatementClosed is no decision: it has no revision, and its id ends with its month.
    expect(schemaAccepts(type, revised)).toBe(type !== 'StatementClosed');
  });

  it('an eventId that is not the emission id of its detail-type is refused by the JSON Schema', () => {
    for (const type of OUTBOUND_DETAIL_TYPES) {
      for (const eventId of ['', 'evt-1', `${type}/`, 'OtherEvent/x'])
        expect([type, eventId, schemaAccepts(type, { ...VALID_EMITTED[type], eventId })]).toEqual([
          type,
          eventId,
          false,
        ]);
      expect(schemaAccepts(type, changed(type, { eventId: DELETE }))).toBe(false);
    }
  });
});

describe('emitted schemas and the schemas of outbound.ts agree', () => {
  it.each(EMITTED_CASES)('%s (%s): the same verdict', (_, type, changes, accepted) => {
    const wire = changed(type, changes);
    expect(outboundAccepts(type, wire), 'zod').toBe(accepted);
    expect(schemaAccepts(type, wire), `JSON Schema: ${errorsOf(validatorOf(eventOf(type).file))}`).toBe(accepted);
    expect(envelopeAccepts(type, wire), 'registry (draft 4)').toBe(accepted);
  });

  const POOL: unknown[] = [
    DELETE,
    null,
    0,
    1,
    2,
    3,
    -1,
    0.5,
    5500,
    2 ** 53,
    '',
    'x',
    tooLong(129),
    '2026-13',
    '2027-01',
  ];
  const CHOICES = ['accepted', 'rejected', 'NO_PROTECTION', 'protection', 'guarantee', 'follow_up', 'UNDER_18'];

  it('agree on any one or two fields changed, cross-field rules included', () => {
    const change = fc.tuple(fc.nat(), fc.constantFrom(...POOL, ...CHOICES, [], ['UNDER_18'], ['UNDER_18', 'UNDER_18']));
    fc.assert(
      fc.property(
        fc.constantFrom(...OUTBOUND_DETAIL_TYPES),
        fc.array(change, { minLength: 1, maxLength: 2 }),
        (type, changes) => {
          const keys = Object.keys(VALID_EMITTED[type]).filter((key) => key !== 'eventId');
          const wire = changed(type, Object.fromEntries(changes.map(([k, value]) => [keys[k % keys.length]!, value])));
          const verdict = outboundAccepts(type, wire);
          return schemaAccepts(type, wire) === verdict && envelopeAccepts(type, wire) === verdict;
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

// ---- The registry's form ------------------------------------------------------------------------

describe("the registry's draft-4 forms", () => {
  it('use draft-4 keywords only: no const, no if/then/else, nothing newer', () => {
    const newer = ['const', 'if', 'then', 'else', '$defs', 'prefixItems', 'contains', 'propertyNames'];
    for (const event of CONTRACT_EVENTS) {
      const schema = registryJsonSchema(event);
      expect(schema.$schema).toBe(DRAFT_04);
      expect(
        [...keywordsOf(schema)].filter((k) => newer.includes(k)),
        event.detailType,
      ).toEqual([]);
    }
  });

  it('fix the source and the detail-type: another source or detail-type is refused', () => {
    expect(envelopeAccepts('ClaimFiled', validDetails.ClaimFiled)).toBe(true);
    expect(envelopeAccepts('ClaimFiled', validDetails.ClaimFiled, 'device-supply.orders')).toBe(false);
    const validate = envelopeValidators.get('ClaimFiled')!;
    expect(
      validate({ source: 'device-supply.claims', 'detail-type': 'ClaimWithdrawn', detail: validDetails.ClaimFiled }),
    ).toBe(false);
    expect(validate({ source: 'device-supply.claims', 'detail-type': 'ClaimFiled' })).toBe(false);
  });
});
