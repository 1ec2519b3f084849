// What operators rely on: dead letters can be listed and redriven, and the logs are
// structured JSON with ids but never a birth date or a payment method.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ingestMessage } from '#shared/runtime/ingest.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import { sweepDue } from '#shared/runtime/sweep.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';
import { logger } from '../../functions/lib/logger.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

describe('dead letters', () => {
  it('are listed with their reasons and redriven to their consumer, then leave the list', async () => {
    // A delivery whose order does not come for 7 days: the sweep gives up on it.
    const delivery = event('DeviceDelivered', {
      customerId: 'R1',
      occurredAt: jst('2026-01-10'),
      orderId: 'O1',
      deviceId: 'D1',
    });
    await ingestMessage(
      t.pipeline,
      { consumer: 'logistics', body: busEventBody(delivery), delivery: 1 },
      '2026-01-12T00:00:00.000Z',
    );
    await sweepDue(t.pipeline, '2026-01-19T00:00:00.000Z');
    const letters = await t.pipeline.deadLetters.list();
    expect(letters).toMatchObject([
      {
        consumer: 'logistics',
        customerId: 'R1',
        detailType: 'DeviceDelivered',
        attempts: 1,
        reason: 'WAITED_7_DAYS: order O1 is not known yet',
      },
    ]);
    await t.deliver([orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1' }], { customerId: 'R1', orderId: 'O1' })]);
    const sent: string[] = [];
    const result = await redriveDeadLetters(t.pipeline.deadLetters, async (consumer, body) => {
      sent.push(consumer);
      expect((await t.deliver([body])).failed).toEqual([]);
    });
    expect(result).toEqual({ redriven: 1 });
    expect(sent).toEqual(['logistics']);
    expect(await t.pipeline.deadLetters.list()).toEqual([]);
    expect((await t.pipeline.customers.load('R1'))?.state.devices.D1?.deliveredOn).toBe('2026-01-10');
  });
});

describe('logs', () => {
  it('are JSON lines with customer and event ids, and never carry the birth date or payment method', async () => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    // Test runs keep the logger silent (vitest.config.ts); here the INFO lines are the subject.
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    try {
      await t.deliver([
        orderPlaced(jst('2026-01-05'), [{ deviceId: 'D9' }], {
          customerId: 'LOG-1',
          orderId: 'O9',
          birthDate: '1977-07-07',
          paymentMethod: 'debit_card',
          eventId: 'E-LOG',
        }),
      ]);
      await t.deliver([
        '{"detail-type":"OrderPlaced","detail":{"eventId":"E-BAD","customerId":"LOG-1","customer":{"birthDate":"1966-06-06"}}}',
      ]);
    } finally {
      logger.setLogLevel(level);
      for (const spy of spies) spy.mockRestore();
    }
    const text = lines.join('');
    expect(text).not.toMatch(/1977-07-07|1966-06-06|debit_card/);
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.eventId === 'E-LOG')).toMatchObject({
      level: 'INFO',
      customerId: 'LOG-1',
      result: 'applied',
      service: 'device-supply-billing',
    });
    expect(
      records.find((r) => r.message === 'event dead-lettered' && String(r.reason).startsWith('MALFORMED')),
    ).toMatchObject({ level: 'WARN', reason: 'MALFORMED: occurredAt: is required' });
  });
});
