// Dead letters keep no birth date or payment method, decide the same when redriven, expire
// (DEAD_LETTER_RETENTION_DAYS, the table's TTL in the cloud) and can be purged where there is
// no TTL (dynalite). Runs on dynalite and on DynamoDB Local (BILLING_TEST_STORE).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_RETENTION_DAYS } from '#shared/domain/policy.ts';
import { ingestMessage, MAX_DELIVERIES } from '#shared/runtime/ingest.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import type { DeadLetter } from '#shared/store/dead-letters.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody } from '#test/support/sqs.ts';

let t: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  t = await startTestPipeline();
});
afterAll(async () => t.stop());

const NOW = '2026-11-10T03:00:00.000Z';
const order = (customerId: string, birthDate: string, paymentMethod: string) =>
  orderPlaced(jst('2026-11-02'), [{ deviceId: `D-${customerId}` }], {
    customerId,
    orderId: `O-${customerId}`,
    eventId: `E-${customerId}`,
    birthDate,
    paymentMethod,
  });
const rejectedReasons = (orderId: string) =>
  t.bus
    .details('OrderRejected')
    .filter((d) => d.orderId === orderId)
    .map((d) => d.reasons);

const letter = (id: string, deadLetteredAt: string): DeadLetter => ({
  id,
  consumer: 'orders',
  reason: 'test',
  body: '{}',
  deadLetteredAt,
  attempts: 1,
});

describe('a refused order dead-lettered and redriven', () => {
  it('is kept without birth date or payment method, and decides the same reasons when redriven', async () => {
    const cases = [
      { birthDate: '2010-03-14', paymentMethod: 'credit_card', reasons: ['UNDER_18'] },
      { birthDate: '1979-12-05', paymentMethod: 'debit_card', reasons: ['PAYMENT_METHOD'] },
    ];
    // The full event, delivered as upstream sends it, for the reasons to compare with.
    for (const [i, c] of cases.entries()) {
      const direct = order(`DIRECT-${i}`, c.birthDate, c.paymentMethod);
      await ingestMessage(t.pipeline, { consumer: 'orders', body: busEventBody(direct), delivery: 1 }, NOW);
      expect(rejectedReasons(`O-DIRECT-${i}`)).toEqual([c.reasons]);
    }
    // The same orders, whose step keeps failing (the commit is throttled) until the last
    // delivery dead-letters them: their eventIds are claimed with the full events' detail.
    const failingCommit = Object.create(t.pipeline.customers) as typeof t.pipeline.customers;
    failingCommit.commit = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    for (const [i, c] of cases.entries()) {
      const full = order(`REDRIVEN-${i}`, c.birthDate, c.paymentMethod);
      const result = await ingestMessage(
        { ...t.pipeline, customers: failingCommit },
        { consumer: 'orders', body: busEventBody(full), delivery: MAX_DELIVERIES },
        NOW,
      );
      expect(result).toMatchObject({ result: 'dead-lettered' });
    }
    const letters = (await t.pipeline.deadLetters.list()).filter((l) => l.customerId?.startsWith('REDRIVEN-'));
    expect(letters).toHaveLength(2);
    for (const [i, c] of cases.entries()) {
      const kept = letters.find((l) => l.customerId === `REDRIVEN-${i}`);
      expect(kept?.reason).toMatch(/^STEP_FAILED_AFTER_6_DELIVERIES: ProvisionedThroughputExceededException/);
      expect(kept?.body).not.toContain(c.birthDate);
      expect(kept?.body).not.toContain(c.paymentMethod);
      expect(kept?.body).not.toMatch(/"birthDate"|"paymentMethod"/);
    }
    // Redriven to a working store: the reduced body is the same event (no EVENT_ID_REUSED)
    // and is rejected for the same reasons; the letters leave the list.
    const results: string[] = [];
    await redriveDeadLetters(
      t.pipeline.deadLetters,
      async (consumer, body) => {
        const r = await ingestMessage(t.pipeline, { consumer, body, delivery: 1 }, NOW);
        results.push(r.result);
      },
      (id) => letters.some((l) => l.id === id),
    );
    expect(results).toEqual(['applied', 'applied']);
    for (const [i, c] of cases.entries()) expect(rejectedReasons(`O-REDRIVEN-${i}`)).toEqual([c.reasons]);
    expect((await t.pipeline.deadLetters.list()).filter((l) => l.customerId?.startsWith('REDRIVEN-'))).toEqual([]);
    // The full event delivered again after the redrive: a duplicate, nothing emitted twice.
    const again = await ingestMessage(
      t.pipeline,
      { consumer: 'orders', body: busEventBody(order('REDRIVEN-0', '2010-03-14', 'credit_card')), delivery: 1 },
      NOW,
    );
    expect(again.result).toBe('duplicate');
    expect(rejectedReasons('O-REDRIVEN-0')).toEqual([['UNDER_18']]);
  });

  it('an order reusing another eventId is dead-lettered reduced, and again for the same reason when redriven', async () => {
    const first = order('REUSE-A', '1988-07-23', 'credit_card');
    await ingestMessage(t.pipeline, { consumer: 'orders', body: busEventBody(first), delivery: 1 }, NOW);
    const other = orderPlaced(jst('2026-11-02'), [{ deviceId: 'D-R' }], {
      customerId: 'REUSE-B',
      orderId: 'O-REUSE-B',
      eventId: 'E-REUSE-A',
      birthDate: '1955-10-30',
      paymentMethod: 'prepaid_card',
    });
    const result = await ingestMessage(t.pipeline, { consumer: 'orders', body: busEventBody(other), delivery: 1 }, NOW);
    expect(result).toMatchObject({ result: 'dead-lettered', reason: expect.stringMatching(/^EVENT_ID_REUSED/) });
    if (result.result !== 'dead-lettered') return;
    expect(result.letter.body).not.toMatch(/1955-10-30|prepaid_card|"birthDate"|"paymentMethod"/);
    const redriven = await ingestMessage(
      t.pipeline,
      { consumer: 'orders', body: result.letter.body, delivery: 1 },
      NOW,
    );
    expect(redriven).toMatchObject({
      result: 'dead-lettered',
      reason: result.reason,
      letter: { id: result.letter.id },
    });
  });
});

describe('dead-letter expiry', () => {
  it('each letter carries expiresAt, epoch seconds DEAD_LETTER_RETENTION_DAYS after it was written', async () => {
    await t.pipeline.deadLetters.put(letter('orders#expiry', '2026-11-10T00:00:00.000Z'));
    const kept = (await t.pipeline.deadLetters.list()).find((l) => l.id === 'orders#expiry');
    expect(kept?.expiresAt).toBe(Date.parse('2026-11-10T00:00:00.000Z') / 1000 + DEAD_LETTER_RETENTION_DAYS * 86_400);
    expect(DEAD_LETTER_RETENTION_DAYS).toBe(30);
    await t.pipeline.deadLetters.remove('orders#expiry');
  });

  it('ingest and the sweep write it too', async () => {
    const malformed = busEventBody({ detailType: 'OrderPlaced', detail: { eventId: 'E-MAL', customerId: 'MAL' } });
    const result = await ingestMessage(t.pipeline, { consumer: 'orders', body: malformed, delivery: 1 }, NOW);
    expect(result).toMatchObject({ result: 'dead-lettered' });
    const kept = (await t.pipeline.deadLetters.list()).find((l) => l.customerId === 'MAL');
    expect(kept?.expiresAt).toBe(Date.parse(NOW) / 1000 + DEAD_LETTER_RETENTION_DAYS * 86_400);
  });
});

describe('purging dead letters', () => {
  it('deletes those written before the cutoff, or all, across the partition; none twice', async () => {
    const store = t.pipeline.deadLetters;
    for (const id of (await store.list()).map((l) => l.id)) await store.remove(id);
    const old = Array.from({ length: 30 }, (_, i) => letter(`orders#old-${i}`, '2026-09-01T00:00:00.000Z'));
    const boundary = letter('orders#boundary', '2026-10-01T00:00:00.000Z');
    const recent = letter('orders#recent', '2026-11-01T00:00:00+09:00');
    for (const l of [...old, boundary, recent]) await store.put(l);
    // A cutoff equal to a letter's time keeps it: "older than" is strict.
    expect((await store.purgeable({ writtenBefore: '2026-10-01T00:00:00.000Z' })).length).toBe(30);
    expect((await store.purge({ writtenBefore: '2026-10-01T00:00:00.000Z' })).sort()).toEqual(
      old.map((l) => l.id).sort(),
    );
    expect((await store.list()).map((l) => l.id).sort()).toEqual(['orders#boundary', 'orders#recent']);
    expect(await store.purge({ writtenBefore: '2026-10-01T00:00:00.000Z' })).toEqual([]);
    // Offsets are read as instants: 2026-11-01T00:00+09:00 is before 2026-10-31T16:00:01Z.
    expect(await store.purge({ writtenBefore: '2026-10-31T16:00:01Z' })).toEqual(['orders#boundary', 'orders#recent']);
    await store.put(boundary);
    expect(await store.purge({ all: true })).toEqual(['orders#boundary']);
    expect(await store.list()).toEqual([]);
  });

  it('treats a letter whose time cannot be read as old, and refuses a cutoff that is no instant', async () => {
    const store = t.pipeline.deadLetters;
    await store.put({ ...letter('orders#unreadable', '2026-11-01T00:00:00Z'), expiresAt: 0, deadLetteredAt: 'soon' });
    expect(await store.purge({ writtenBefore: '2000-01-01T00:00:00Z' })).toEqual(['orders#unreadable']);
    await expect(store.purge({ writtenBefore: 'yesterday' })).rejects.toThrow(/not an instant/);
  });
});
