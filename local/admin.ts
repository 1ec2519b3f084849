// The `/admin/*` operations of contract §4, standing in for the cloud's schedules and
// consoles: clock, close (and the month's entries export after it), export, sweep, drain and
// its counts, waiting events, dead letters, redrive, emitted events, and the validation of a
// file of events before it is sent.
import pLimit from 'p-limit';
import { type Month, MonthNotEndedError } from '#shared/domain/index.ts';
import { type ExportOutcome, exportRefusal } from '#shared/runtime/entries-export.ts';
import { HELD_LOG_MESSAGE } from '#shared/runtime/log-messages.ts';
import { type CloseShardMessage, closeShard, startMonthClose } from '#shared/runtime/month-close.ts';
import type { Pipeline } from '#shared/runtime/pipeline.ts';
import { redriveDeadLetters } from '#shared/runtime/redrive.ts';
import { SweepFailedError, sweepDue } from '#shared/runtime/sweep.ts';
import { isYearMonth } from '#shared/schemas/primitives.ts';
import type { WaitingReads } from '#shared/store/waiting-reads.ts';
import { logger } from '../functions/lib/logger.ts';
import { type DeadLetterCause, deadLetterCauses, mayHaveCause } from './dead-letter-causes.ts';
import { purgeDeadLetters } from './dead-letter-purge.ts';
import type { LocalBus } from './local-bus.ts';
import type { LocalClock } from './local-clock.ts';
import type { LocalQueue } from './local-queue.ts';
import { validateEventText } from './validate-events.ts';

export interface AdminResponse {
  status: number;
  body: unknown;
}

/** How the consumers' deliveries ended, one counter per outcome (docs/local-stack.md). */
export interface IngestCounts {
  /** The event changed the customer's facts. */
  applied: number;
  /** A rule refused it (`VOID_AFTER_DELIVERY` …, docs/events.md "Refusals"): recorded, nothing else changed. */
  refused: number;
  /** The same eventId with the same detail again: no effect. */
  duplicates: number;
  /**
   * Events that arrived before the order, device or claim they name and waited for it (§0);
   * each applies, uncounted, when that arrives. `GET /admin/waiting` lists those still waiting.
   */
  waited: number;
  /** Dead-lettered by its consumer: malformed, invalid (`EVENT_ID_REUSED` …), or its handler failed 10 deliveries. */
  deadLettered: number;
  /** A detail-type the consumer does not handle (only a redriven message can bring one): ignored. */
  ignored: number;
}

export interface AdminDeps {
  pipeline: Pipeline;
  clock: LocalClock;
  bus: LocalBus;
  queues: ReadonlyMap<string, LocalQueue>;
  counts: IngestCounts;
  /** What waits, and why (`GET /admin/waiting`). */
  waiting: WaitingReads;
  /** Queues a message for a consumer, journalled like an event from the bus. */
  sendToConsumer: (consumer: string, body: string) => void;
  /** Writes a month's entries file into the data folder (shared/runtime/entries-export.ts), in this process. */
  exportEntries: (month: Month) => Promise<ExportOutcome>;
  /** Whether the close runs the exports it makes due (LocalStackOptions.closeExports). */
  closeExports: boolean;
}

const ok = (body: unknown): AdminResponse => ({ status: 200, body });
const fail = (status: number, error: string, message: string): AdminResponse => ({ status, body: { error, message } });
/** Shards closed at once: each already closes 16 customers at a time. */
const SHARD_CONCURRENCY = 8;

export async function handleAdmin(deps: AdminDeps, method: string, url: URL, body: unknown): Promise<AdminResponse> {
  const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /admin/clock':
      return ok({ now: deps.clock.now(), fixed: deps.clock.isSet });
    case 'POST /admin/clock':
      return setClock(deps, body);
    case 'POST /admin/close':
      return close(deps, body);
    case 'POST /admin/export':
      return exportMonth(deps, body);
    case 'POST /admin/sweep':
      return sweep(deps);
    case 'POST /admin/drain':
      return ok(await drain(deps));
    case 'GET /admin/counts':
      return ok(countsOf(deps));
    case 'POST /admin/validate':
      return validate(body);
    case 'GET /admin/waiting':
      return ok({ waiting: await waitingWithCauses(deps) });
    case 'GET /admin/dead-letters':
      return ok({ deadLetters: await deadLettersWithCauses(deps) });
    case 'POST /admin/redrive':
      return redrive(deps, body);
    case 'POST /admin/dead-letters/purge': {
      const purged = await purgeDeadLetters(deps.pipeline.deadLetters, body, deps.clock.now());
      return purged.ok ? ok(purged.answer) : fail(400, 'BAD_REQUEST', purged.message);
    }
    case 'GET /admin/events':
      return ok({ events: deps.bus.emittedEvents(url.searchParams.get('detailType') ?? undefined) });
    default:
      return fail(404, 'NOT_FOUND', `no admin operation ${route}`);
  }
}

function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === 'object' && Object.hasOwn(body, name)
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

function setClock(deps: AdminDeps, body: unknown): AdminResponse {
  const now = field(body, 'now');
  if (now !== null && typeof now !== 'string')
    return fail(
      400,
      'BAD_REQUEST',
      'body must be {"now": "<ISO 8601 timestamp with offset>"} or {"now": null} for the real time',
    );
  try {
    deps.clock.set(now);
  } catch (error) {
    return fail(400, 'BAD_REQUEST', (error as Error).message);
  }
  return ok({ now: deps.clock.now(), fixed: deps.clock.isSet });
}

/** The sweep as of the clock; customers whose step failed are named (the others were swept). */
async function sweep(deps: AdminDeps): Promise<AdminResponse> {
  try {
    return ok({ asOf: deps.clock.now(), ...(await sweepDue(deps.pipeline, deps.clock.now())) });
  } catch (error) {
    if (error instanceof SweepFailedError)
      return { status: 500, body: { error: 'SWEEP_FAILED', message: error.message, failures: error.failures } };
    throw error;
  }
}

/** The whole close in this request: start, then every shard message, as the close queue would run them. */
async function close(deps: AdminDeps, body: unknown): Promise<AdminResponse> {
  const month = field(body, 'month');
  if (typeof month !== 'string' || !isYearMonth(month))
    return fail(400, 'BAD_REQUEST', 'body must be {"month": "YYYY-MM"}');
  const messages: CloseShardMessage[] = [];
  let started: Awaited<ReturnType<typeof startMonthClose>>;
  try {
    started = await startMonthClose(
      deps.pipeline,
      month,
      deps.clock.now(),
      async (message) => void messages.push(message),
    );
  } catch (error) {
    if (error instanceof MonthNotEndedError)
      return fail(409, 'MONTH_NOT_ENDED', `${month} has not ended yet (local clock ${deps.clock.now()})`);
    throw error;
  }
  let customers = 0;
  const released: string[] = [];
  const exportsDue = new Set<Month>();
  const limit = pLimit(SHARD_CONCURRENCY);
  // A shard that stopped early is continued from where it stopped, after the shards already waiting.
  const closeInTurn = async (message: CloseShardMessage): Promise<void> => {
    const result = await limit(() => closeShard(deps.pipeline, message, deps.clock.now()));
    customers += result.closed;
    released.push(...result.released);
    for (const h of result.held)
      logger.error(HELD_LOG_MESSAGE, { month: h.month, customerId: h.customerId, reason: h.reason });
    for (const m of [...(result.closedMonths ?? []), ...result.reexport]) exportsDue.add(m);
    if (result.continueAfter) await closeInTurn({ ...message, after: result.continueAfter });
  };
  await Promise.all(messages.map(closeInTurn));
  // As the cloud's last shard queues them: the months this close closed, and the closed months
  // a released hold changed, written again.
  const exports: Record<Month, Awaited<ReturnType<typeof exportAfterClose>>> = {};
  if (deps.closeExports) for (const m of [...exportsDue].sort()) exports[m] = await exportAfterClose(deps, m);
  const exported = exports[month];
  const alsoExported = Object.fromEntries(Object.entries(exports).filter(([m]) => m !== month));
  // Every customer still held from this month, whichever run held it: "closed, N held".
  const held = (await deps.pipeline.holds.all(month)).map(({ customerId, reason, heldAt }) => ({
    customerId,
    reason,
    heldAt,
  }));
  return ok({
    month,
    status: started.status,
    shards: started.shards,
    customers,
    held,
    released,
    ...(exported ? { export: exported } : {}),
    ...(Object.keys(alsoExported).length > 0 ? { alsoExported } : {}),
  });
}

/** The close's export: its failure is the export's (reported, retried by `billing export`), not the close's. */
async function exportAfterClose(deps: AdminDeps, month: Month) {
  try {
    const outcome = await deps.exportEntries(month);
    return outcome.state === 'ready' ? { state: outcome.state, rows: outcome.rows, bytes: outcome.bytes } : outcome;
  } catch (error) {
    return { state: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** `billing export`: any closed month of the last EXPORT_RETENTION_YEARS years, written now. */
async function exportMonth(deps: AdminDeps, body: unknown): Promise<AdminResponse> {
  const month = field(body, 'month');
  if (typeof month !== 'string' || !isYearMonth(month))
    return fail(400, 'BAD_REQUEST', 'body must be {"month": "YYYY-MM"}');
  const refused = await exportRefusal(deps.pipeline.closes, month, deps.clock.now());
  if (refused) return fail(refused.error === 'OUTSIDE_RETENTION' ? 410 : 409, refused.error, refused.message);
  try {
    const outcome = await deps.exportEntries(month);
    return outcome.state === 'running' ? { status: 202, body: outcome } : ok(outcome);
  } catch (error) {
    return fail(500, 'EXPORT_FAILED', error instanceof Error ? error.message : String(error));
  }
}

/**
 * The counters since the stack started, each of one thing (docs/local-stack.md): what the bus
 * took and where it went, how each delivery to a consumer ended, and what is still queued.
 */
export function countsOf(deps: AdminDeps) {
  const { bus, counts } = deps;
  return {
    accepted: bus.accepted,
    applied: counts.applied,
    refused: counts.refused,
    duplicates: counts.duplicates,
    waited: counts.waited,
    deadLettered: counts.deadLettered,
    ignored: bus.ignored + counts.ignored,
    defaultBus: bus.defaultBus,
    otherBus: bus.otherBus,
    emitted: bus.emitted,
    pending: [...deps.queues.values()].reduce((sum, queue) => sum + queue.depth, 0),
  };
}

export type StackCounts = ReturnType<typeof countsOf>;

/** Delivers until every queue is empty, visibility timeouts ignored; returns the counts since start. */
export async function drain(deps: AdminDeps): Promise<StackCounts> {
  const queues = [...deps.queues.values()];
  // The poller waits while any drain runs; a second drain at once shares the passes in turn.
  for (const queue of queues) queue.pause();
  try {
    for (;;) {
      const delivered = await Promise.all(queues.map((queue) => queue.drainPass()));
      if (!delivered.some(Boolean)) break;
    }
  } finally {
    for (const queue of queues) queue.resume();
  }
  return countsOf(deps);
}

/** The body is the file's text (the stack reads it unparsed for this route); a JSON body is judged as its text. */
function validate(body: unknown): AdminResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  const report = validateEventText(text);
  return ok({ valid: report.problems.length === 0, ...report });
}

const withCause = <T extends object>(row: T, cause: DeadLetterCause | undefined): T & { cause?: DeadLetterCause } =>
  cause ? { ...row, cause } : row;

/** Every dead letter; one that waited for an order, device or claim whose own event was dead-lettered names that letter (`cause`). */
async function deadLettersWithCauses(deps: AdminDeps) {
  const letters = await deps.pipeline.deadLetters.list();
  const causeOf = deadLetterCauses(letters);
  return letters.map((letter) => withCause(letter, causeOf(letter.customerId, letter.reason, letter.id)));
}

/** What waits; an event waiting for what a dead-lettered event would have brought names that letter (`cause`). */
async function waitingWithCauses(deps: AdminDeps) {
  const rows = await deps.waiting.list();
  // The dead letters are read only when some event waits for an order, device or claim.
  if (!rows.some((row) => mayHaveCause(row.reason))) return rows;
  const causeOf = deadLetterCauses(await deps.pipeline.deadLetters.list());
  return rows.map((row) => withCause(row, causeOf(row.customerId, row.reason)));
}

async function redrive(deps: AdminDeps, body: unknown): Promise<AdminResponse> {
  const ids = field(body, 'ids');
  if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')))
    return fail(400, 'BAD_REQUEST', 'body must be {} or {"ids": ["<dead-letter id>", …]}');
  const only = ids ? new Set(ids as string[]) : undefined;
  const result = await redriveDeadLetters(
    deps.pipeline.deadLetters,
    async (consumer, message) => {
      if (!deps.queues.has(consumer)) throw new Error(`no queue for consumer ${consumer}`);
      deps.sendToConsumer(consumer, message);
    },
    only ? (id) => only.has(id) : undefined,
  );
  return ok(result);
}
