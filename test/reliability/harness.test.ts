// The harness can fail: run against a store with a bug the commit protocol exists to prevent,
// it reports it. Without this, a harness that compared nothing would pass just the same.
import { describe, expect, it } from 'vitest';
import type { CustomerState } from '#shared/domain/index.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import type { OutboxEntry } from '#shared/store/customer-items.ts';
import { CustomerStore } from '#shared/store/customer-store.ts';
import { chaosSeed } from '#test/support/chaos-seed.ts';
import { concurrencyCheck } from './harness/concurrency.ts';
import { chosenStore, type Table } from './harness/environment.ts';
import { streamCheck } from './harness/stream-check.ts';

const seed = chaosSeed();

/** Commits without the outbox: a crash after the commit loses the effects it carried. */
class StoreWithoutOutbox extends CustomerStore {
  override commit(next: CustomerState, previousVersion: number | undefined): Promise<boolean> {
    return super.commit(next, previousVersion, {});
  }
}

/**
 * Commits over whatever version is stored now, not the one it decided from: lost updates. The
 * pause lets the other handlers decide from the same version before this one commits, so the
 * lost update happens on every run, not only when the machine's timing allows it.
 */
class StoreWithoutVersionCheck extends CustomerStore {
  override async commit(
    next: CustomerState,
    _decidedFrom: number | undefined,
    outbox: Record<string, OutboxEntry>,
  ): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.commit(next, (await this.load(next.customerId))?.state.version, outbox);
  }
}

const withStore =
  (Store: typeof CustomerStore) =>
  (p: Pipeline, table: Table): Pipeline => ({ ...p, customers: new Store(table.doc, table.tableName) });

describe(`the harness catches a broken commit protocol (seed ${seed}: CHAOS_SEED=${seed} to replay)`, () => {
  it('a store that drops the outbox: crashes after the commit lose entries, and the streams check says so', async () => {
    const report = await streamCheck({
      seed,
      customers: 6,
      months: 8,
      sweepEveryDays: 10_000,
      concurrency: 8,
      crashRate: 0.6,
      oracle: 'engine',
      environment: chosenStore,
      chaosPipeline: withStore(StoreWithoutOutbox),
    });
    expect(report.chaos.crashes.ingest['after-commit'] + report.chaos.crashes.close['after-commit']).toBeGreaterThan(0);
    expect(report.mismatches.length).toBeGreaterThan(0);
  }, 120_000);

  it('a store that commits without the version condition: concurrent handlers lose updates, and the concurrency check says so', async () => {
    const report = await concurrencyCheck({
      seed,
      customers: 5,
      handlers: 50,
      months: 8,
      pipeline: withStore(StoreWithoutVersionCheck),
      environment: chosenStore,
    });
    expect(report.differences.length + report.lost.length).toBeGreaterThan(0);
  }, 120_000);
});
