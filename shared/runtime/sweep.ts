// The daily deadline sweep: the customers whose next unassessed deadline is due by `asOf`,
// found through the sparse due-date index, each swept through the commit protocol.
import { jstDate, sweepDeadlines } from '../domain/index.ts';
import { customerShards } from '../store/customer-store.ts';
import { runCustomerStep, type StepDeps } from './customer-step.ts';

export class SweepFailedError extends Error {
  constructor(readonly failures: { customerId: string; reason: string }[]) {
    super(
      `the sweep failed for ${failures.length} customer(s), the others were swept: ${failures
        .slice(0, 5)
        .map((f) => `${f.customerId}: ${f.reason}`)
        .join('; ')}`,
    );
    this.name = 'SweepFailedError';
  }
}

/**
 * Sweeps every due customer. One customer's failure does not stop the others: it is
 * reported at the end (the invocation fails, so the schedule retries it and an alarm fires).
 */
export async function sweepDue(p: StepDeps, asOf: string): Promise<{ customers: number; assessed: number }> {
  const today = jstDate(asOf);
  let customers = 0;
  let assessed = 0;
  const failures: { customerId: string; reason: string }[] = [];
  const sweepShard = async (shard: number) => {
    for (const customerId of await p.customers.dueCustomers(shard, today)) {
      try {
        // Every outbox entry is projected whatever its age: the sweep leaves nothing unwritten.
        const result = await runCustomerStep(p, customerId, (state) => sweepDeadlines(state, asOf), {
          projectAll: true,
        });
        assessed += result.effects.entries.length;
      } catch (error) {
        failures.push({ customerId, reason: error instanceof Error ? error.message : String(error) });
      }
      customers++;
    }
  };
  await Promise.all(customerShards().map((shard) => sweepShard(shard)));
  if (failures.length > 0) throw new SweepFailedError(failures);
  return { customers, assessed };
}
