// The contract's ids bound the keys built from them (engineering invariant 8: 1,024-byte index
// sort keys, counted in UTF-8 bytes). Entry ids URI-encode their id parts, so the worst id is
// the longest one made of a character that needs encoding ('%' becomes 3 bytes); a non-ASCII
// id, which the schemas now refuse, would cost up to 9 bytes a character. A whole history for
// such a customer, touching every kind of entry and its reversals, stays within the limits.
import { describe, expect, it } from 'vitest';
import { ENTRY_KINDS, policy } from '#shared/domain/index.ts';
import { entryItem } from '#shared/store/customer-items.ts';
import { Customer, jst } from '#test/support/scenario.ts';

const SORT_KEY_MAX_BYTES = 1024;
const PARTITION_KEY_MAX_BYTES = 2048;
const bytes = (value: unknown): number => Buffer.byteLength(String(value), 'utf8');

/** One customer with ids of `ch` at their maximum lengths, through every kind of entry. */
function longestIdsHistory(ch: string): Customer {
  const id = (n: number, last = ch) => `${ch.repeat(n - 1)}${last}`;
  const [device, other, claim, loanerClaim] = [id(128), id(128, '1'), id(128), id(128, '2')];
  // The used device's exchange E and its follow-up F, whose replacement replaces E's.
  const [exchanged, reexchanged] = [id(128, '3'), id(128, '4')];
  const c = new Customer(id(64));
  const send = (detailType: string, detail: Record<string, unknown> & { occurredAt: string }) => {
    expect(c.on(detailType, { eventId: `${id(100)}-${c.outcomes.length}`, ...detail }).outcome, detailType).toBe(
      'applied',
    );
  };
  const orderId = id(128);
  expect(
    c.order(
      jst('2026-01-05'),
      [
        { deviceId: device, months: 48, priceYen: policy.MAX_YEN_AMOUNT, protectionFeeYen: 550 },
        { deviceId: other, condition: 'used', priceYen: policy.MAX_YEN_AMOUNT },
      ],
      { orderId, eventId: id(128) },
    ).outcome,
  ).toBe('applied');
  send('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId, deviceId: device });
  send('DeviceDelivered', { occurredAt: jst('2026-01-10'), orderId, deviceId: other });
  c.close('2026-01');
  c.close('2026-02');
  // Learned after February closed: its installment is reversed into March with forMonth.
  send('InstallmentPayoffRequested', { occurredAt: jst('2026-02-10'), deviceId: device });
  send('ClaimFiled', {
    occurredAt: jst('2026-03-01'),
    claimId: claim,
    deviceId: device,
    cause: 'total_loss',
    incidentDate: '2026-02-28',
  });
  // A re-exchange of the used device (rules §5), free under its supply guarantee: E's
  // replacement (worth 10,000,000) is delivered and E's old handset returned on time; F,
  // filed on E's D + 4, is answered on N = 03-11 and never gets E's replacement back, so the
  // sweep bills its value in the month of N + 8 (instead of the 40,000 yen penalty).
  send('ClaimFiled', {
    occurredAt: jst('2026-03-02'),
    claimId: exchanged,
    deviceId: other,
    cause: 'network_restriction',
    incidentDate: '2026-03-01',
  });
  send('ReplacementDelivered', {
    occurredAt: jst('2026-03-04'),
    claimId: exchanged,
    deviceValueYen: policy.MAX_YEN_AMOUNT,
  });
  send('DeviceReturned', { occurredAt: jst('2026-03-06'), claimId: exchanged });
  send('ClaimFiled', {
    occurredAt: jst('2026-03-08'),
    claimId: reexchanged,
    deviceId: other,
    cause: 'network_restriction',
    incidentDate: '2026-03-07',
    followUpOf: exchanged,
  });
  send('ReplacementDelivered', { occurredAt: jst('2026-03-10'), claimId: claim });
  send('ReplacementDelivered', { occurredAt: jst('2026-03-11'), claimId: reexchanged });
  c.sweep(jst('2026-03-26'));
  send('DeviceReturned', { occurredAt: jst('2026-03-20'), claimId: claim }); // on time after all: the penalty is reversed
  send('ClaimFiled', {
    occurredAt: jst('2026-04-01'),
    claimId: loanerClaim,
    deviceId: device,
    cause: 'partial_damage',
    incidentDate: '2026-03-31',
    followUpOf: claim,
  });
  send('LoanerDelivered', {
    occurredAt: jst('2026-04-03'),
    claimId: loanerClaim,
    loanerValueYen: policy.MAX_YEN_AMOUNT,
  });
  send('LoanerDamaged', { occurredAt: jst('2026-04-05'), claimId: loanerClaim, repairCostYen: policy.MAX_YEN_AMOUNT });
  send('RepairedDeviceDelivered', { occurredAt: jst('2026-04-10'), claimId: loanerClaim });
  c.sweep(jst('2026-04-30'));
  send('ProtectionCancelled', { occurredAt: jst('2026-05-01'), deviceId: device });
  for (const month of ['2026-03', '2026-04', '2026-05']) c.close(month);
  return c;
}

describe.each(['%', '~', '!'])('the longest ids of %j', (ch) => {
  const c = longestIdsHistory(ch);

  it('reach every kind of entry, reversals included', () => {
    expect(new Set(c.ledger.map((e) => e.kind))).toEqual(new Set(ENTRY_KINDS));
    expect(c.ledger.some((e) => e.reverses !== undefined)).toBe(true);
    expect(c.entriesOf('loaner_charge').map((e) => e.amountYen)).toEqual([policy.MAX_YEN_AMOUNT]);
  });

  it('bill the re-exchange of the used device once, at its value, in the month of N + 8, without a 14-day penalty', () => {
    const enc = encodeURIComponent(ch);
    expect(
      c.entriesOf('reexchange_charge').map((e) => [e.entryId, e.amountYen, e.taxClass, e.billingMonth, e.businessDate]),
    ).toEqual([[`reexchange/${enc.repeat(127)}4`, policy.MAX_YEN_AMOUNT, 'non-taxable', '2026-03', '2026-03-19']]);
    // The only late-return penalty is the main device's (reversed), not one for either exchange.
    expect(new Set(c.entriesOf('late_return_penalty').map((e) => e.claimId))).toEqual(new Set([`${ch.repeat(128)}`]));
  });

  it('bill the damaged loaner once, at its repair cost, taxable, in the month of the damage', () => {
    const enc = encodeURIComponent(ch);
    expect(
      c
        .entriesOf('loaner_repair_charge')
        .map((e) => [e.entryId, e.amountYen, e.taxClass, e.billingMonth, e.businessDate]),
    ).toEqual([[`loaner-repair/${enc.repeat(127)}2`, policy.MAX_YEN_AMOUNT, 'taxable-10', '2026-04', '2026-04-05']]);
  });

  it('keep every key of every entry item within DynamoDB limits', () => {
    const longest = { sk: 0, gsi1sk: 0, pk: 0, gsi1pk: 0 };
    for (const entry of c.ledger) {
      const item = entryItem(entry);
      for (const key of Object.keys(longest) as (keyof typeof longest)[])
        longest[key] = Math.max(longest[key], bytes(item[key]));
    }
    expect(longest.sk).toBeLessThanOrEqual(SORT_KEY_MAX_BYTES);
    expect(longest.gsi1sk).toBeLessThanOrEqual(SORT_KEY_MAX_BYTES);
    expect(longest.pk).toBeLessThanOrEqual(PARTITION_KEY_MAX_BYTES);
    expect(longest.gsi1pk).toBeLessThanOrEqual(PARTITION_KEY_MAX_BYTES);
    // The test means something only if the ids really are in the keys, encoded where needed.
    expect(longest.gsi1sk).toBeGreaterThan(ch === '%' ? 3 * 128 + 64 : 128 + 64);
  });

  it('bill exact statements at 10,000,000 yen amounts', () => {
    for (const s of c.statements) {
      const sum = s.lines.reduce((total, line) => total + BigInt(line.amountYen), 0n);
      expect(BigInt(s.totals.totalYen), s.month).toBe(sum);
    }
    // The lump sum, installment 1 of 48 (10,000,000 − 47 × 208,333) and 22 of 31 days of 550 yen.
    expect(c.statement('2026-01')?.totals.totalYen).toBe(10_000_000 + 208_349 + 390);
  });
});
