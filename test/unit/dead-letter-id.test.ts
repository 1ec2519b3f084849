// A dead letter's id (its sort key) is built by the store (shared/store/keys.ts) and nowhere
// else: whoever dead-letters a message — ingest, the sweep giving up on a waiting event, the
// local queue after its last delivery — the same message for the same consumer is one letter.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { journalRecordOf } from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { expiredLetter } from '#shared/runtime/waiting-letters.ts';
import { deadLetterId } from '#shared/store/dead-letters.ts';
import { deadLetterSk } from '#shared/store/keys.ts';
import { event } from '#test/support/scenario.ts';

describe('the id of a dead letter', () => {
  it('is the consumer and the SHA-256 of the body, base64url: the key letters already stored have', () => {
    const body = '{"detail-type":"OrderPlaced"}';
    const digest = createHash('sha256').update(body).digest('base64url');
    expect(deadLetterId('orders', body)).toBe(`orders#${digest}`);
    expect(deadLetterId('orders', body)).toBe(deadLetterSk('orders', body));
  });

  it('is the same for the same message and differs by consumer or body', () => {
    expect(deadLetterId('claims', 'x')).toBe(deadLetterId('claims', 'x'));
    expect(deadLetterId('claims', 'x')).not.toBe(deadLetterId('logistics', 'x'));
    expect(deadLetterId('claims', 'x')).not.toBe(deadLetterId('claims', 'y'));
  });

  it("is the store's for a waiting event the sweep dead-letters", () => {
    const waiting = event('DeviceDelivered', {
      customerId: 'C1',
      occurredAt: '2026-11-13T10:00:00+09:00',
      orderId: 'O-LATE',
      deviceId: 'D1',
    });
    const record = journalRecordOf(waiting, fingerprintOf(waiting), '2026-11-13T01:00:00Z');
    const letter = expiredLetter(
      { record, reason: 'ORDER_NOT_FOUND: order O-LATE is not known yet' },
      '2026-11-21T00:00:00Z',
    );
    expect(letter.id).toBe(deadLetterId(letter.consumer, letter.body));
    expect(letter.consumer).toBe('logistics');
  });
});
