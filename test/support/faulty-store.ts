// A customer store whose commits fail for the customers in `failing`, as a persistent store
// fault would (a throttled partition, an item past its limit): the real store for every other
// customer. For tests of what a close does with the customers it cannot commit.
import type { CustomerState } from '#shared/domain/index.ts';
import type { OutboxEntry } from '#shared/store/customer-items.ts';
import { CustomerStore } from '#shared/store/customer-store.ts';

export class FaultyStore extends CustomerStore {
  readonly failing = new Set<string>();
  override async commit(
    next: CustomerState,
    previous: number | undefined,
    outbox: Record<string, OutboxEntry>,
    options = {},
  ): Promise<boolean> {
    if (this.failing.has(next.customerId)) throw new Error(`simulated store fault for ${next.customerId}`);
    return super.commit(next, previous, outbox, options);
  }
}
