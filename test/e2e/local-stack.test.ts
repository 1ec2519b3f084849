// The local stack end to end, through its public surfaces only: events go in through the real
// @aws-sdk/client-eventbridge (PutEvents on POST /), everything else is plain HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryOf, startStack, type TestStack } from '#test/support/local-stack.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';

// The golden year of test/unit/domain/golden-year.test.ts, whose figures are worked out by
// hand there from billing-rules.md; here it goes through PutEvents, queues, handlers and dynalite.
const GOLDEN_TOTALS: Record<string, number> = {
  '2026-11': 1916,
  '2026-12': 2076,
  '2027-01': 7576,
  '2027-02': 2076,
  '2027-03': 2076,
  '2027-04': 10876,
  '2027-05': 42076,
  '2027-06': 2076,
  '2027-07': 2076,
  '2027-08': 1658,
  '2027-09': 1658,
  '2027-10': 1658,
};

describe('local stack: a full year for one customer', () => {
  let stack: TestStack;
  const customerId = 'C-GOLDEN';
  const on = (detailType: string, detail: Record<string, unknown> & { occurredAt: string }) =>
    event(detailType, { customerId, ...detail });
  const totals: Record<string, number> = {};

  beforeAll(async () => {
    stack = await startStack();
    const step = async (events: ReturnType<typeof event>[]) => {
      await stack.put(events);
      await stack.drain();
    };
    const closeAndRead = async (month: string) => {
      await stack.close(month);
      const response = await stack.get(`/customers/${customerId}/statements/${month}`);
      expect(response.status, `${month}: ${response.text}`).toBe(200);
      totals[month] = response.json.totals.totalYen;
    };
    await step([
      orderPlaced(
        jst('2026-11-10', '10:00'),
        [{ deviceId: 'D1', condition: 'new', priceYen: 39_800, months: 24, protectionFeeYen: 418 }],
        { orderId: 'ORD-G1', customerId },
      ),
      on('DeviceDelivered', { occurredAt: '2026-11-12T23:30:00Z', orderId: 'ORD-G1', deviceId: 'D1' }),
    ]);
    await closeAndRead('2026-11');
    await closeAndRead('2026-12');
    await step([
      on('ClaimFiled', {
        occurredAt: jst('2027-01-15'),
        claimId: 'CL-1',
        deviceId: 'D1',
        cause: 'water_damage',
        incidentDate: '2027-01-14',
      }),
      on('ReplacementDelivered', { occurredAt: jst('2027-01-18', '14:00'), claimId: 'CL-1' }),
      on('DeviceReturned', { occurredAt: jst('2027-01-25', '11:00'), claimId: 'CL-1' }),
    ]);
    await closeAndRead('2027-01');
    await closeAndRead('2027-02');
    await step([
      on('ClaimFiled', {
        occurredAt: jst('2027-03-05'),
        claimId: 'CL-T',
        deviceId: 'D1',
        cause: 'theft',
        incidentDate: '2027-03-04',
      }),
    ]);
    await closeAndRead('2027-03');
    await step([
      on('ClaimFiled', {
        occurredAt: jst('2027-04-20'),
        claimId: 'CL-2',
        deviceId: 'D1',
        cause: 'partial_damage',
        incidentDate: '2027-04-19',
      }),
      on('ReplacementDelivered', { occurredAt: jst('2027-04-25', '16:00'), claimId: 'CL-2' }),
    ]);
    await closeAndRead('2027-04');
    await stack.setClock(jst('2027-05-10', '03:00'));
    expect((await stack.post('/admin/sweep')).json).toMatchObject({ assessed: 1 });
    await step([on('DeviceReturned', { occurredAt: jst('2027-05-12', '10:00'), claimId: 'CL-2' })]);
    await closeAndRead('2027-05');
    await closeAndRead('2027-06');
    await step([
      on('ProtectionCancelled', { occurredAt: jst('2027-07-10'), deviceId: 'D1', effectiveDate: '2027-07-25' }),
    ]);
    for (const month of ['2027-07', '2027-08', '2027-09', '2027-10']) await closeAndRead(month);
  }, 120_000);
  afterAll(() => stack?.stop());

  it('bills every month to the yen of the hand-worked golden year', () => {
    expect(totals).toEqual(GOLDEN_TOTALS);
  });

  it('lists the twelve closed months, newest first, and reports them', async () => {
    const list = await stack.get(`/customers/${customerId}/statements`);
    expect(list.json).toEqual({ customerId, months: Object.keys(GOLDEN_TOTALS).reverse() });
    const report = await stack.get('/reports/2027-05');
    expect(report.json).toMatchObject({ month: '2027-05', statements: 1 });
    const csv = await stack.entriesCsv('2027-05');
    expect(csv.contentType).toMatch(/text\/csv/);
    expect(csv.text).toContain('late_return_penalty');
  });

  it('emitted the claim decisions, the penalty and a StatementClosed per month', async () => {
    const decisions = (await stack.get('/admin/events?detailType=ClaimAdjudicated')).json.events.map((e: any) => [
      e.detail.claimId,
      e.detail.decision,
    ]);
    expect(decisions).toEqual([
      ['CL-1', 'accepted'],
      ['CL-T', 'rejected'],
      ['CL-2', 'accepted'],
    ]);
    expect((await stack.get('/admin/events?detailType=PenaltyAssessed')).json.events).toHaveLength(1);
    expect((await stack.get('/admin/events?detailType=StatementClosed')).json.events).toHaveLength(12);
  });
});

describe('local stack: delivery through PutEvents', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ now: jst('2026-12-01', '01:00') });
  });
  afterAll(() => stack?.stop());

  it('bills once whatever the duplicates and the arrival order', async () => {
    const order = orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', priceYen: 24_000, months: 12 }], {
      orderId: 'O-DUP',
      customerId: 'C-DUP',
    });
    const delivered = event('DeviceDelivered', {
      customerId: 'C-DUP',
      occurredAt: jst('2026-11-05'),
      orderId: 'O-DUP',
      deviceId: 'D1',
    });
    // The delivery first, three times in one call; the order three times over two calls.
    await stack.put([delivered, delivered, delivered, order]);
    await stack.put([order, order]);
    const counts = await stack.drain();
    // A delivery handled before its order waits (counted once, as waited) and applies with the order.
    expect({
      recorded: counts.applied + counts.waited,
      duplicates: counts.duplicates,
      pending: counts.pending,
    }).toEqual({ recorded: 2, duplicates: 4, pending: 0 });
    await stack.close('2026-11');
    const statement = (await stack.get('/customers/C-DUP/statements/2026-11')).json;
    expect(statement.lines.map((l: any) => [l.kind, l.amountYen])).toEqual([['device_installment', 2000]]);
  });

  it('answers per entry: a Detail that is not JSON fails alone, the others are accepted', async () => {
    const good = entryOf(orderPlaced(jst('2026-11-20'), [{ deviceId: 'D9' }], { customerId: 'C-MIX' }));
    const result = await stack.putRaw([good, { ...good, Detail: '{not json' }, { ...good, Source: '' }]);
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.[0]?.EventId).toBeTruthy();
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(result.Entries?.[2]).toMatchObject({ ErrorCode: 'InvalidArgument' });
  });

  it('refuses a call of more than 10 entries as AWS does', async () => {
    const entry = entryOf(orderPlaced(jst('2026-11-20'), [{ deviceId: 'D9' }], { customerId: 'C-MANY' }));
    await expect(stack.putRaw(Array.from({ length: 11 }, () => entry))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('dead-letters an event the contract refuses, with the failing field, and bills nothing', async () => {
    const bad = entryOf(orderPlaced(jst('2026-11-20'), [{ deviceId: 'D1' }], { customerId: 'C-BAD' }));
    const detail = JSON.parse(bad.Detail!);
    detail.devices[0].priceYen = -5;
    await stack.put([{ ...bad, Detail: JSON.stringify(detail) }]);
    await stack.drain();
    const letters = (await stack.get('/admin/dead-letters')).json.deadLetters;
    const letter = letters.find((l: any) => l.reason.includes('devices.0.priceYen'));
    // Even malformed, its ids are kept so that an operator can find it.
    expect(letter).toMatchObject({
      consumer: 'orders',
      customerId: 'C-BAD',
      detailType: 'OrderPlaced',
      eventId: detail.eventId,
    });
    expect((await stack.get('/customers/C-BAD/statements')).json.months).toEqual([]);
  });

  it('counts an event no rule routes (unknown detail-type) as ignored, as docs/events.md calls it, and leaves it alone', async () => {
    const before = await stack.drain();
    await stack.put([
      {
        EventBusName: 'device-supply',
        Source: 'device-supply.orders',
        DetailType: 'OrderShipped',
        Detail: '{"orderId":"X"}',
      },
    ]);
    const after = await stack.drain();
    expect(after.ignored).toBe(before.ignored + 1);
    expect(after.accepted).toBe(before.accepted + 1);
    expect(after.applied).toBe(before.applied);
  });

  it('emits OrderRejected for an order that breaks the rules', async () => {
    const before = await stack.drain();
    await stack.put([
      orderPlaced(jst('2026-11-21'), [{ deviceId: 'D1' }], {
        orderId: 'O-YOUNG',
        customerId: 'C-YOUNG',
        birthDate: '2010-01-01',
      }),
    ]);
    const after = await stack.drain();
    // `accepted` counts only what PutEvents took; what the pipeline publishes is `emitted`.
    expect({ accepted: after.accepted - before.accepted, emitted: after.emitted - before.emitted }).toEqual({
      accepted: 1,
      emitted: 1,
    });
    const rejected = (await stack.get('/admin/events?detailType=OrderRejected')).json.events.map((e: any) => e.detail);
    expect(rejected).toContainEqual(
      expect.objectContaining({ orderId: 'O-YOUNG', customerId: 'C-YOUNG', reasons: ['UNDER_18'] }),
    );
  });
});

describe('local stack: waiting events, dead letters and redrive', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ now: jst('2026-12-01', '01:00') });
  });
  afterAll(() => stack?.stop());

  it('a delivery whose order has not come waits and is listed; 7 days on the clock later the sweep dead-letters it; redriven after the order, it applies', async () => {
    const delivery = event('DeviceDelivered', {
      customerId: 'C-LATE',
      occurredAt: jst('2026-11-05'),
      orderId: 'O-LATE',
      deviceId: 'D1',
    });
    await stack.put([delivery]);
    expect(await stack.drain()).toMatchObject({ waited: 1, deadLettered: 0, pending: 0 });
    // Received on the stack's clock (2026-12-01 01:00 JST), so given up on 7 days after that.
    expect((await stack.get('/admin/waiting')).json).toEqual({
      waiting: [
        {
          customerId: 'C-LATE',
          eventId: delivery.detail.eventId,
          detailType: 'DeviceDelivered',
          occurredAt: delivery.detail.occurredAt,
          reason: 'order O-LATE is not known yet',
          receivedAt: '2026-11-30T16:00:00.000Z',
          expiresAt: '2026-12-07T16:00:00.000Z',
        },
      ],
    });
    expect((await stack.get('/admin/dead-letters')).json.deadLetters).toEqual([]);

    await stack.setClock(jst('2026-12-08', '01:00'));
    expect((await stack.post('/admin/sweep')).status).toBe(200);
    const [letter] = (await stack.get('/admin/dead-letters')).json.deadLetters;
    expect(letter).toMatchObject({
      consumer: 'logistics',
      customerId: 'C-LATE',
      detailType: 'DeviceDelivered',
      reason: 'WAITED_7_DAYS: order O-LATE is not known yet',
    });
    expect((await stack.get('/admin/waiting')).json).toEqual({ waiting: [] });

    await stack.put([
      orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1', priceYen: 30_000 }], {
        orderId: 'O-LATE',
        customerId: 'C-LATE',
      }),
    ]);
    await stack.drain();
    expect((await stack.post('/admin/redrive')).json).toEqual({ redriven: 1 });
    await stack.drain();
    expect((await stack.get('/admin/dead-letters')).json.deadLetters).toEqual([]);
    expect((await stack.get('/admin/waiting')).json).toEqual({ waiting: [] });
    await stack.close('2026-11');
    const statement = (await stack.get('/customers/C-LATE/statements/2026-11')).json;
    expect(statement.lines.map((l: any) => [l.kind, l.amountYen])).toEqual([['device_lump_sum', 30_000]]);
  });
});

describe('local stack: finance API errors and admin errors', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
    await stack.put([
      orderPlaced(jst('2025-10-02'), [{ deviceId: 'D1', priceYen: 12_000, months: 12 }], {
        orderId: 'O-1',
        customerId: 'C-1',
      }),
    ]);
    await stack.put([
      event('DeviceDelivered', { customerId: 'C-1', occurredAt: jst('2025-10-03'), orderId: 'O-1', deviceId: 'D1' }),
    ]);
    await stack.drain();
    await stack.close('2025-10');
    await stack.close('2025-11');
    await stack.setClock(jst('2026-11-15'));
  });
  afterAll(() => stack?.stop());

  it('400, 404, 409 and 410 as the contract names them', async () => {
    expect((await stack.get('/customers/C-1/statements/2026-13')).json.error).toBe('BAD_REQUEST');
    expect((await stack.get('/customers/C-NOBODY/statements/2025-11')).json.error).toBe('NOT_FOUND');
    expect((await stack.get('/customers/C-1/statements/2026-10')).json.error).toBe('MONTH_NOT_CLOSED');
    const outside = await stack.get('/customers/C-1/statements/2025-10');
    expect([outside.status, outside.json.error]).toEqual([410, 'OUTSIDE_LOOKBACK']);
    expect((await stack.get('/customers/C-1/statements/2025-11')).status).toBe(200);
  });

  it('refuses to close a month that has not ended, and a clock without a zone', async () => {
    const close = await stack.post('/admin/close', { month: '2026-11' });
    expect([close.status, close.json.error]).toEqual([409, 'MONTH_NOT_ENDED']);
    const clock = await stack.post('/admin/clock', { now: '2026-11-15T10:00:00' });
    expect([clock.status, clock.json.error]).toEqual([400, 'BAD_REQUEST']);
    expect((await stack.post('/admin/nothing')).status).toBe(404);
  });

  it('answers another X-Amz-Target with an AWS-shaped error', async () => {
    const response = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
