// Contract §1 on the local stack: `device-supply.billing` is the pipeline's own source. A
// PutEvents caller sending it gets the entry refused as the cloud bus's policy refuses it
// (NotAuthorizedForSourceException, that entry alone), nothing of it reaches the bus or the
// emissions, and the pipeline's own emissions still go out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryOf, startStack, type TestStack } from '#test/support/local-stack.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';

describe('a forged device-supply.billing event', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ now: jst('2026-12-01', '01:00') });
  });
  afterAll(() => stack?.stop());

  it('is refused alone, is never emitted, and the pipeline still emits its own', async () => {
    const before = await stack.drain();
    const forged = {
      EventBusName: 'device-supply',
      Source: 'device-supply.billing',
      DetailType: 'StatementClosed',
      Detail: JSON.stringify({ customerId: 'C-FORGED', month: '2026-11', totalYen: 1 }),
    };
    // A minor's order: the pipeline rejects it and emits OrderRejected itself.
    const order = entryOf(
      orderPlaced(jst('2026-11-20'), [{ deviceId: 'D1' }], { customerId: 'C-MINOR', birthDate: '2010-01-01' }),
    );
    const result = await stack.putRaw([forged, order, { ...forged, EventBusName: undefined }]);
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.[0]).toEqual({
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: 'Not authorized for the source device-supply.billing.',
    });
    expect(result.Entries?.[2]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    expect(result.Entries?.[1]?.EventId).toBeTruthy();
    const after = await stack.drain();
    // Only the order entered the bus; its rejection is the one emission.
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.emitted - before.emitted).toBe(1);
  });
});
