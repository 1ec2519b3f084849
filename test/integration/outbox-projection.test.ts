// No amplification: a step projects each outbox entry it finds at most once, however many
// attempts it takes, and clears it at once, so a step that keeps failing cannot publish the
// same events again on every attempt (one customer once published 12,062 OrderRejected for
// 351 rejections this way). The conflicts and the old outbox entry are made by wrapping the
// real store (mocked: a crash long ago and a busy customer, which cannot be timed here).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { CustomerState } from '#shared/domain/index.ts';
import { OUTBOX_LEASE_MS, runCustomerStep } from '#shared/runtime/customer-step.ts';
import type { OutboxEntry } from '#shared/store/customer-items.ts';
import { CustomerStore } from '#shared/store/customer-store.ts';
import { startTestPipeline } from '#test/support/pipeline.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';

/** Loses the first `conflicts` commits to "another writer" and keeps an old outbox entry in every load. */
class ContendedStore extends CustomerStore {
  commits = 0;
  constructor(
    table: { doc: DynamoDBDocumentClient; tableName: string },
    private conflicts: number,
    private readonly orphan: Record<string, OutboxEntry>,
  ) {
    super(table.doc, table.tableName);
  }
  override async load(customerId: string) {
    const stored = await super.load(customerId);
    return stored && { ...stored, outbox: { ...this.orphan, ...stored.outbox } };
  }
  override async commit(
    next: CustomerState,
    previous: number | undefined,
    outbox: Record<string, OutboxEntry>,
    options = {},
  ): Promise<boolean> {
    this.commits++;
    if (this.conflicts-- > 0) return false;
    return super.commit(next, previous, outbox, options);
  }
}

let t: Awaited<ReturnType<typeof startTestPipeline>> | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('a step that takes many attempts', () => {
  it('publishes an orphaned outbox entry once, not once per attempt', async () => {
    t = await startTestPipeline();
    await t.deliver([orderPlaced(jst('2026-11-02'), [{ deviceId: 'D1' }], { customerId: 'AMP-1', orderId: 'O1' })]);
    const orphan: Record<string, OutboxEntry> = {
      v0: {
        committedAt: Date.now() - OUTBOX_LEASE_MS - 1_000,
        effects: {
          entries: [],
          statements: [],
          emitted: [
            {
              id: 'OrderRejected/OLD',
              detailType: 'OrderRejected',
              detail: { orderId: 'OLD', customerId: 'AMP-1', reasons: ['PAYMENT_METHOD'], sourceEventId: 'evt-old' },
            },
          ],
        },
      },
    };
    const store = new ContendedStore(t.db, 12, orphan);
    const before = t.bus.details('OrderRejected').length;
    const bump = (state: CustomerState) => ({
      state: { ...state, version: state.version + 1 },
      effects: { entries: [], statements: [], emitted: [] },
      changed: true,
    });
    await runCustomerStep({ ...t.pipeline, customers: store }, 'AMP-1', bump);
    expect(store.commits).toBe(13);
    expect(
      t.bus
        .details('OrderRejected')
        .slice(before)
        .map((d) => d.orderId),
    ).toEqual(['OLD']);
  });
});
