// Finance API latency: a statement and the lookback's list of customers with five devices,
// over HTTP from the local stack (the same handler the cloud's API runs), one request at a
// time so that each sample is a latency, not a queue.

import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import {
  addMonths,
  type CustomerState,
  closeMonth,
  closeTimeOf,
  decide,
  emptyCustomerState,
  type Month,
} from '#shared/domain/index.ts';
import { LOOKBACK_MONTHS } from '#shared/domain/policy.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { CloseStatusStore } from '#shared/store/close-status.ts';
import { aggregateItem, entryItem, statementItem } from '#shared/store/customer-items.ts';
import { CLOSE_PK, SHARD_COUNT, shardTotalsSk } from '#shared/store/keys.ts';
import { LOCAL_TABLE_NAME } from '../local/embedded-dynamo.ts';
import { now, peakRssMb, percentile, round, timed } from './measure.ts';
import { prng } from './population.ts';
import { batchWriteAll, stackWithStore } from './seed.ts';
import { customerIdOf, fiveDeviceCustomer } from './workload.ts';

export interface FinanceBenchOptions {
  customers: number;
  /** Requests timed per endpoint. */
  samples: number;
}

const LAST_CLOSED: Month = '2026-10';
/** The lookback's months and the one before it, so that the list is full and the oldest closed month is refused. */
const CLOSED_MONTHS = LOOKBACK_MONTHS + 1;
const FIRST_MONTH: Month = addMonths(LAST_CLOSED, 1 - CLOSED_MONTHS);
const NOW = '2026-11-16T10:00:00+09:00';

/** The closed months of one customer: what its partition holds (entries, statements, aggregate). */
function history(customerId: string): Record<string, unknown>[] {
  const events = fiveDeviceCustomer(customerId, `${FIRST_MONTH}-05`);
  let state: CustomerState = emptyCustomerState(customerId, addMonths(FIRST_MONTH, -1));
  const items: Record<string, unknown>[] = [];
  let next = 0;
  for (let month = FIRST_MONTH; month <= LAST_CLOSED; month = addMonths(month, 1)) {
    for (; next < events.length && events[next]!.detail.occurredAt.slice(0, 7) <= month; next++) {
      const decision = decide(state, events[next]!, fingerprintOf(events[next]!));
      state = decision.state;
      items.push(...decision.effects.entries.map(entryItem));
    }
    const closed = closeMonth(state, month, closeTimeOf(month));
    state = closed.state;
    items.push(...closed.effects.entries.map(entryItem), ...closed.effects.statements.map(statementItem));
  }
  items.push(aggregateItem(state, {}));
  return items;
}

function summary(samples: number[]) {
  return {
    p50Ms: round(percentile(samples, 50), 2),
    p99Ms: round(percentile(samples, 99), 2),
    maxMs: round(Math.max(...samples), 2),
    samples: samples.length,
  };
}

export async function benchFinanceApi(options: FinanceBenchOptions) {
  const { stack, doc, calls } = await stackWithStore(NOW);
  calls.restore();
  try {
    const seed = await timed(async () => {
      for (let from = 0; from < options.customers; from += 500) {
        const items = Array.from({ length: Math.min(500, options.customers - from) }, (_, k) =>
          history(customerIdOf('F', from + k)),
        ).flat();
        await batchWriteAll(doc, LOCAL_TABLE_NAME, items);
      }
      // The month is readable once every shard of its close is done, as after a real close.
      const closes = new CloseStatusStore(doc, LOCAL_TABLE_NAME);
      await closes.start(LAST_CLOSED, closeTimeOf(LAST_CLOSED));
      for (let shard = 0; shard < SHARD_COUNT; shard++)
        await closes.shardDone(LAST_CLOSED, shard, closeTimeOf(LAST_CLOSED));
    });

    const random = prng(7);
    const customer = () => customerIdOf('F', Math.floor(random() * options.customers));
    const visible = Array.from({ length: LOOKBACK_MONTHS }, (_, i) => addMonths(LAST_CLOSED, -i));
    // biome-ignore lint/suspicious/noExplicitAny: each check reads the response it asked for
    const get = async (path: string, check: (body: any) => boolean): Promise<number> => {
      const start = now();
      const response = await fetch(`${stack.url}${path}`);
      const body = (await response.json()) as unknown;
      const ms = now() - start;
      if (response.status !== 200 || !check(body))
        throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      return ms;
    };
    const statement = () =>
      get(
        `/customers/${customer()}/statements/${visible[Math.floor(random() * LOOKBACK_MONTHS)]}`,
        (s) => s.lines.length >= 5 && s.totals.totalYen > 0,
      );
    const list = () =>
      get(
        `/customers/${customer()}/statements`,
        (l) => l.months.length === LOOKBACK_MONTHS && l.months[0] === LAST_CLOSED,
      );

    for (let i = 0; i < 200; i++) await (i % 2 ? statement() : list());
    const statements: number[] = [];
    const lists: number[] = [];
    // Interleaved, so that a disturbance on the machine falls on both alike.
    for (let i = 0; i < options.samples; i++) {
      statements.push(await statement());
      lists.push(await list());
    }
    return {
      customers: options.customers,
      devicesPerCustomer: 5,
      closedMonths: CLOSED_MONTHS,
      seedSeconds: round(seed.seconds, 1),
      statement: summary(statements),
      list: summary(lists),
      goalP99Ms: 25,
      peakRssMb: peakRssMb(),
    };
  } finally {
    await stack.close();
  }
}

export interface MonthReportBenchOptions {
  customers: number;
  /** Requests of the report timed through the shard totals. */
  samples: number;
  /** Requests timed through the old path (every statement read), for comparison: slow, so few. */
  fullReadSamples: number;
}

/** One statement of LAST_CLOSED for a five-device customer, as the close writes it. */
function octoberStatement(customerId: string): Record<string, unknown>[] {
  let state: CustomerState = emptyCustomerState(customerId, addMonths(LAST_CLOSED, -1));
  for (const e of fiveDeviceCustomer(customerId, `${LAST_CLOSED}-05`))
    if (e.detail.occurredAt.slice(0, 7) <= LAST_CLOSED) state = decide(state, e, fingerprintOf(e)).state;
  return closeMonth(state, LAST_CLOSED, closeTimeOf(LAST_CLOSED)).effects.statements.map(statementItem);
}

/**
 * The month report (`GET /reports/{month}`) at N customers, over HTTP from the local stack:
 * read from the 32 shard totals the close wrote, and, for comparison, through the old path
 * that read and summed every statement (what the report does for a month without totals).
 * Also the close's cost of writing the totals: every shard's recomputation.
 */
export async function benchMonthReport(options: MonthReportBenchOptions) {
  const { stack, doc, calls } = await stackWithStore(NOW);
  calls.restore();
  try {
    const closes = new CloseStatusStore(doc, LOCAL_TABLE_NAME);
    const seed = await timed(async () => {
      for (let from = 0; from < options.customers; from += 1_000) {
        const items = Array.from({ length: Math.min(1_000, options.customers - from) }, (_, k) =>
          octoberStatement(customerIdOf('R', from + k)),
        ).flat();
        await batchWriteAll(doc, LOCAL_TABLE_NAME, items);
      }
      await closes.start(LAST_CLOSED, closeTimeOf(LAST_CLOSED));
    });
    // What the close adds at each shard's end, here for all 32 one after the other.
    const totals = await timed(async () => {
      for (let shard = 0; shard < SHARD_COUNT; shard++) {
        await closes.recomputeShardTotals(LAST_CLOSED, shard, closeTimeOf(LAST_CLOSED));
        await closes.shardDone(LAST_CLOSED, shard, closeTimeOf(LAST_CLOSED));
      }
    });
    const get = async (): Promise<{ ms: number; body: { statements: number; totals: { totalYen: number } } }> => {
      const start = now();
      const response = await fetch(`${stack.url}/reports/${LAST_CLOSED}`);
      const body = (await response.json()) as { statements: number; totals: { totalYen: number } };
      const ms = now() - start;
      if (response.status !== 200 || body.statements !== options.customers)
        throw new Error(`GET /reports/${LAST_CLOSED}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      return { ms, body };
    };
    for (let i = 0; i < 50; i++) await get();
    const fromTotals: number[] = [];
    let report: Awaited<ReturnType<typeof get>>['body'] | undefined;
    for (let i = 0; i < options.samples; i++) {
      const { ms, body } = await get();
      fromTotals.push(ms);
      report = body;
    }
    // The old path: without one shard's totals the report reads and sums every statement.
    await doc.send(
      new DeleteCommand({ TableName: LOCAL_TABLE_NAME, Key: { pk: CLOSE_PK, sk: shardTotalsSk(LAST_CLOSED, 0) } }),
    );
    const fullReads: number[] = [];
    for (let i = 0; i < options.fullReadSamples; i++) {
      const { ms, body } = await get();
      if (JSON.stringify(body) !== JSON.stringify(report)) throw new Error('the two paths disagree on the report');
      fullReads.push(ms);
    }
    return {
      customers: options.customers,
      devicesPerCustomer: 5,
      statements: report?.statements,
      seedSeconds: round(seed.seconds, 1),
      totalsWriteSeconds: round(totals.seconds, 2),
      report: summary(fromTotals),
      fullRead: summary(fullReads),
      goalP99Ms: 25,
      peakRssMb: peakRssMb(),
    };
  } finally {
    await stack.close();
  }
}
