// The reduced OrderPlaced (shared/schemas/reduced-order.ts): what the pipeline keeps of an
// order wherever it stores a message. It must hold no birth date and no payment method, parse
// again only when the pipeline itself marked it, and decide exactly what the full event decides.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ruledEvent } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { type OrderPlacedDetail, parseInboundEvent } from '#shared/schemas/inbound.ts';
import {
  parseMessageEvent,
  REDUCED_MARK,
  REDUCED_VERSION,
  reducedBody,
  reducedOrderPlacedDetail,
} from '#shared/schemas/reduced-order.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

const order = (birthDate: string, paymentMethod = 'credit_card', occurredAt = jst('2026-11-02')) =>
  orderPlaced(occurredAt, [{ deviceId: 'D1', priceYen: 24_000, months: 12 }], {
    customerId: 'C1',
    orderId: 'O1',
    eventId: 'E1',
    birthDate,
    paymentMethod,
  });

const envelopeOf = (body: string) => JSON.parse(body) as Record<string, unknown>;
const bodyWith = (detail: unknown) =>
  busEventBody({ detailType: 'OrderPlaced', detail } as Parameters<typeof busEventBody>[0]);

describe('reducedBody', () => {
  it('keeps an order without its birth date and payment method, marked, and parses back to the event the engine keeps', () => {
    const full = order('1988-07-23', 'debit_card');
    const body = reducedBody(busEventBody(full));
    expect(body).not.toContain('1988-07-23');
    expect(body).not.toContain('debit_card');
    expect(body).not.toMatch(/"birthDate"|"paymentMethod"|"customer"/);
    const envelope = envelopeOf(body);
    expect(envelope[REDUCED_MARK]).toBe(REDUCED_VERSION);
    expect(envelope.detail).toMatchObject({ personal: { under18: false, paymentMethodRefused: true } });
    const parsed = parseMessageEvent(envelope);
    expect(parsed).toEqual({ ok: true, event: ruledEvent(full) });
    // The same event as the full one: a redelivery of either after the other is a duplicate.
    if (parsed.ok) expect(fingerprintOf(parsed.event)).toBe(fingerprintOf(ruledEvent(full)));
  });

  it('keeps the envelope (id, source, time, resources) and is idempotent', () => {
    const raw = busEventBody(order('2010-03-14'));
    const once = reducedBody(raw);
    expect(reducedBody(once)).toBe(once);
    const { detail: _a, [REDUCED_MARK]: _m, ...envelope } = envelopeOf(once);
    const { detail: _b, ...original } = envelopeOf(raw);
    expect(envelope).toEqual(original);
  });

  it('drops what the contract does not name, where a producer might have put more about the customer', () => {
    const full = order('1990-01-02');
    const detail = { ...full.detail, customer: { birthDate: '1990-01-02', name: 'Hanako' }, note: 'born 1990-01-02' };
    const body = reducedBody(bodyWith(detail));
    expect(body).not.toContain('1990-01-02');
    expect(body).not.toContain('Hanako');
  });

  it('leaves any other detail-type, and a body that is no JSON object, as it came', () => {
    const delivery = busEventBody(
      event('DeviceDelivered', { customerId: 'C1', occurredAt: jst('2026-11-05'), orderId: 'O1', deviceId: 'D1' }),
    );
    expect(reducedBody(delivery)).toBe(delivery);
    for (const body of ['{not json', '[]', 'null', '"text"']) expect(reducedBody(body)).toBe(body);
  });
});

describe('a malformed order, reduced', () => {
  it('malformed after its personal fields: keeps the checks, and a redrive names the same field', () => {
    const full = order('1966-02-17', 'prepaid_card').detail as OrderPlacedDetail;
    const detail = { ...full, devices: [{ ...full.devices[0], priceYen: 0 }], extra: 'dropped' };
    const original = parseInboundEvent('OrderPlaced', detail);
    const body = reducedBody(bodyWith(detail));
    expect(body).not.toContain('1966-02-17');
    expect(body).not.toContain('prepaid_card');
    expect(body).not.toContain('extra');
    expect(envelopeOf(body).detail).toMatchObject({ personal: { under18: false, paymentMethodRefused: true } });
    const again = parseMessageEvent(envelopeOf(body));
    expect(original.ok).toBe(false);
    expect(again).toEqual(original);
  });

  it('with a malformed birth date or payment method: drops both, and says so when parsed again', () => {
    for (const [birthDate, paymentMethod] of [
      ['1990/01/02', 'credit_card'],
      ['1990-01-02', 'cash'],
    ] as const) {
      const detail = { ...order('1990-01-02').detail, customer: { birthDate }, paymentMethod };
      const body = reducedBody(bodyWith(detail));
      expect(body).not.toContain(birthDate);
      expect(body).not.toContain(paymentMethod);
      expect(body).not.toContain('1990-01-02');
      const again = parseMessageEvent(envelopeOf(body));
      expect(again).toMatchObject({ ok: false, error: 'MALFORMED', field: 'personal' });
      if (!again.ok && again.error === 'MALFORMED') expect(again.reason).toMatch(/removed when the event was stored/);
    }
  });

  it('malformed before its personal fields: the same first field on a redrive', () => {
    const detail = { ...order('1990-01-02').detail, occurredAt: '2026-02-30T12:00:00+09:00' };
    const original = parseInboundEvent('OrderPlaced', detail);
    expect(parseMessageEvent(envelopeOf(reducedBody(bodyWith(detail))))).toEqual(original);
  });
});

describe('parseMessageEvent', () => {
  it('takes the reduced form only from a body the pipeline marked: upstream cannot send its own checks', () => {
    const { detail } = envelopeOf(reducedBody(busEventBody(order('2010-03-14'))));
    const forged = { ...(detail as object), personal: { under18: false, paymentMethodRefused: false } };
    expect(parseMessageEvent(envelopeOf(bodyWith(forged)))).toMatchObject({
      ok: false,
      error: 'MALFORMED',
      field: 'customer',
    });
    // A marked body from the pipeline's own senders is parsed as reduced.
    const marked = { ...envelopeOf(bodyWith(forged)), [REDUCED_MARK]: REDUCED_VERSION };
    expect(parseMessageEvent(marked)).toMatchObject({ ok: true });
    // Another version of the mark is not this reduction's: read as upstream's, malformed.
    expect(parseMessageEvent({ ...marked, [REDUCED_MARK]: 2 })).toMatchObject({ ok: false, field: 'customer' });
  });

  it('decides age on the JST order date, the same from the reduced body as from the full event', () => {
    // 18 on 2026-11-02 JST, whose 00:00–08:59 is still 2026-11-01 in UTC.
    for (const [time, under18] of [
      ['00:30', false],
      ['08:59', false],
    ] as const) {
      const full = order('2008-11-02', 'credit_card', jst('2026-11-02', time));
      const parsed = parseMessageEvent(envelopeOf(reducedBody(busEventBody(full))));
      expect(parsed).toMatchObject({ ok: true, event: { detail: { personal: { under18 } } } });
    }
    const dayBefore = order('2008-11-02', 'credit_card', jst('2026-11-01', '23:59'));
    expect(parseMessageEvent(envelopeOf(reducedBody(busEventBody(dayBefore))))).toMatchObject({
      ok: true,
      event: { detail: { personal: { under18: true } } },
    });
  });

  it('for any birth date, payment method and order instant, gives the event and fingerprint of the full order', () => {
    const day = fc
      .date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const instant = fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString().replace('.000Z', 'Z'));
    fc.assert(
      fc.property(day, fc.constantFrom('credit_card', 'debit_card', 'prepaid_card'), instant, (b, m, at) => {
        const full = order(b, m, at);
        const parsed = parseMessageEvent(envelopeOf(reducedBody(busEventBody(full))));
        expect(parsed).toEqual({ ok: true, event: ruledEvent(full) });
        if (parsed.ok) expect(fingerprintOf(parsed.event)).toBe(fingerprintOf(ruledEvent(full)));
      }),
      { numRuns: 300 },
    );
  });

  it('has the reduced schema in the upstream field order', () => {
    expect(Object.keys(reducedOrderPlacedDetail.shape)).toEqual([
      'eventId',
      'customerId',
      'occurredAt',
      'orderId',
      'personal',
      'devices',
    ]);
  });
});
