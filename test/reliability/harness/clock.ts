// The outbox lease (shared/runtime/customer-step.ts) is measured in processing time: a step
// projects another writer's outbox entry only once it is older than OUTBOX_LEASE_MS. SQS hands a
// crashed message back only after its visibility timeout, which is longer than the lease; the
// harness runs far faster than that, so after a crash it moves the processing clock on instead
// of sleeping. Only Date.now moves: `new Date()` (request signing, timestamps) keeps real time.
import { OUTBOX_LEASE_MS } from '#shared/runtime/customer-step.ts';

const realNow = Date.now;
let skew = 0;
let installed = 0;

export const processingClock = {
  install(): void {
    if (installed++ === 0) Date.now = () => realNow.call(Date) + skew;
  },
  /** A crashed message comes back after its visibility timeout: longer than the lease. */
  visibilityTimeoutElapsed(): void {
    skew += OUTBOX_LEASE_MS + 1_000;
  },
  restore(): void {
    if (--installed === 0) {
      Date.now = realNow;
      skew = 0;
    }
  },
};
