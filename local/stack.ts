// The local stack (contract §4): the cloud's handlers, routing table and store protocol in one
// process — dynalite for DynamoDB, an in-process bus and queues, a settable clock — behind one
// HTTP port that speaks PutEvents, the finance API and the admin operations.

import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CONSUMERS, type Consumer } from '#shared/routing.ts';
import { exportEntries } from '#shared/runtime/entries-export.ts';
import { handleFinanceRequest } from '#shared/runtime/finance-api.ts';
import { createPipeline } from '#shared/runtime/pipeline.ts';
import { BILLING_SOURCE } from '#shared/schemas/outbound.ts';
import { CustomerDirectory } from '#shared/store/customer-search.ts';
import { deadLetterId } from '#shared/store/dead-letters.ts';
import { EntriesExportStore, type ReadyExport } from '#shared/store/entries-exports.ts';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { WaitingReads } from '#shared/store/waiting-reads.ts';
import { logger } from '../functions/lib/logger.ts';
import { makeIngestHandler } from '../functions/lib/sqs-ingest.ts';
import { type AdminDeps, handleAdmin, type IngestCounts } from './admin.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { startEmbeddedDynamo } from './embedded-dynamo.ts';
import { AWS_DEFAULT_BUS, handlePutEvents, PUT_EVENTS_TARGET, readBody } from './eventbridge-endpoint.ts';
import { DOWNLOADS_PATH, download, EXPORTS_FOLDER, fileExportSink } from './file-export-sink.ts';
import { LocalBus } from './local-bus.ts';
import { LocalClock } from './local-clock.ts';
import { LocalQueue } from './local-queue.ts';
import { LocalSchedules } from './local-schedules.ts';
import { QueueJournal } from './queue-journal.ts';
import { parseRawTarget } from './raw-path.ts';
import { statementCsvDownload, statementPage } from './statement-page.ts';

/** Put only by the pipeline (its publisher is in-process): PutEvents callers are refused it, as in the cloud. */
const PIPELINE_ONLY_SOURCES: ReadonlySet<string> = new Set([BILLING_SOURCE]);

export interface LocalStackOptions {
  /** 0 picks a free port. Default: $PORT or 3000. */
  port?: number;
  host?: string;
  /** Where dynalite and the queue journal live; null keeps everything in memory. Default: $BILLING_DATA_DIR or ./.data */
  dataDir?: string | null;
  /** Starts with the clock set (frozen) here instead of the real time. */
  now?: string;
  /** Runs the monthly close and the daily sweep when the real clock crosses midnight JST. */
  schedules?: boolean;
  /** Where the stack says what it does on its own (scheduled runs) and warns (events put on a bus without rules). */
  log?: (line: string) => void;
  /**
   * The close writes the entries files of the months it closed, as the cloud's close queues the
   * export function (default). False only for the bench's close figure, which times the close
   * alone as the cloud runs it; the export has its own figure.
   */
  closeExports?: boolean;
}

export interface LocalStack {
  url: string;
  dataDir: string | null;
  close(): Promise<void>;
}

/** As in the cloud queues' redrive policy: above the ingest's own 6 deliveries for a step that keeps failing. */
const MAX_RECEIVE_COUNT = 10;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // The handlers log every event at INFO, which suits CloudWatch, not a terminal.
  logger.setLogLevel((process.env.BILLING_LOG_LEVEL ?? 'WARN') as 'WARN');
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir ?? process.env.BILLING_DATA_DIR ?? '.data');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  const dynamo = await startEmbeddedDynamo(dataDir).catch((error: unknown) => {
    unlock();
    throw error;
  });
  const clock = new LocalClock(options.now, dataDir ? join(dataDir, 'clock.json') : undefined);
  const journal = dataDir ? new QueueJournal(dataDir) : undefined;
  const queues = new Map<string, LocalQueue>();
  // A warning the operator must see: in the stack's log when it has one, else the handlers' logger.
  const { log } = options;
  const warn = log ? (line: string) => log(`warning: ${line}`) : (line: string) => logger.warn(line);
  const bus = new LocalBus(queues, journal, dataDir, warn);
  const pipeline = createPipeline(dynamo.doc, dynamo.tableName, bus.publisher());
  const counts: IngestCounts = { applied: 0, refused: 0, duplicates: 0, waited: 0, deadLettered: 0, ignored: 0 };

  for (const consumer of CONSUMERS) {
    const handler = makeIngestHandler(pipeline, consumer, {
      // Received on the stack's clock, which the sweep also runs on: a waiting event's 7 days
      // are counted on it, so a replayed year gives up on what waits as the cloud would.
      now: () => clock.now(),
      onResult: (result) => {
        // The engine's `ignored` is a rule's refusal (docs/events.md "Refusals"); an unknown
        // detail-type ('not-ours') is what the contract calls ignored.
        if (result.result === 'applied') counts.applied++;
        else if (result.result === 'ignored') counts.refused++;
        else if (result.result === 'duplicate') counts.duplicates++;
        else if (result.result === 'waiting') counts.waited++;
        else if (result.result === 'dead-lettered') counts.deadLettered++;
        else counts.ignored++;
      },
    });
    queues.set(
      consumer,
      new LocalQueue({
        name: consumer,
        handler: (event) => handler(event, {} as never),
        maxReceiveCount: MAX_RECEIVE_COUNT,
        onDeadLetter: async (message, reason) => {
          counts.deadLettered++;
          await pipeline.deadLetters.put({
            id: deadLetterId(consumer, message.body),
            consumer,
            reason,
            body: message.body,
            deadLetteredAt: new Date().toISOString(),
            attempts: message.receiveCount,
          });
        },
        onDone: (message) => journal?.done(message.messageId),
      }),
    );
  }
  for (const message of journal?.recover() ?? []) queues.get(message.queue)?.send(message.body, message.messageId);

  const sendToConsumer = (consumer: string, body: string) => {
    const queue = queues.get(consumer as Consumer);
    if (!queue) throw new Error(`no queue for consumer ${consumer}`);
    const messageId = `redrive/${randomUUID()}`;
    journal?.sent([{ queue: consumer, messageId, body }]);
    queue.send(body, messageId);
  };
  const waiting = new WaitingReads(dynamo.doc, dynamo.tableName);
  const reads = new LedgerReads(dynamo.doc, dynamo.tableName);
  const entriesExports = new EntriesExportStore(dynamo.doc, dynamo.tableName);
  // The entries files, as the cloud's export bucket: in the data folder, or a temporary one.
  const exportsDir = dataDir ? join(dataDir, EXPORTS_FOLDER) : mkdtempSync(join(tmpdir(), 'billing-exports-'));
  const openSink = fileExportSink(exportsDir);
  // The job's own times are the real ones: a frozen clock would keep a crashed run from going stale.
  const runExport = (month: string) =>
    exportEntries({ reads, exports: entriesExports, openSink }, month, () => new Date().toISOString());
  const admin: AdminDeps = {
    pipeline,
    clock,
    bus,
    queues,
    counts,
    waiting,
    sendToConsumer,
    exportEntries: runExport,
    closeExports: options.closeExports ?? true,
  };
  const finance = {
    reads,
    closes: pipeline.closes,
    holds: pipeline.holds,
    customers: new CustomerDirectory(dynamo.doc, dynamo.tableName),
    entriesExports: {
      get: (month: string) => entriesExports.get(month),
      downloadUrl: async (ready: ReadyExport) => `${DOWNLOADS_PATH}${ready.objectKey}`,
    },
  };
  const financeGet = (path: string) => handleFinanceRequest(finance, 'GET', path, clock.now());
  const schedules = options.schedules ? new LocalSchedules(clock, admin, options.log ?? (() => {})) : undefined;

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error('local stack request failed', {
        method: req.method,
        url: req.url,
        error: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent)
        send(
          res,
          500,
          'application/json',
          JSON.stringify({ error: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }),
        );
      else res.end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseRawTarget(req.url ?? '/');
    if (!parsed.ok)
      return send(res, 400, 'application/json', JSON.stringify({ error: 'BAD_REQUEST', message: parsed.message }));
    const { url } = parsed;
    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/') {
      const target = req.headers['x-amz-target'];
      if (target !== PUT_EVENTS_TARGET)
        return send(
          res,
          400,
          'application/x-amz-json-1.1',
          JSON.stringify({
            __type: 'UnknownOperationException',
            message: `unsupported X-Amz-Target ${String(target)}; this endpoint speaks ${PUT_EVENTS_TARGET}`,
          }),
        );
      return handlePutEvents(req, res, AWS_DEFAULT_BUS, async (events) => bus.accept(events), PIPELINE_ONLY_SOURCES);
    }
    if (method === 'GET' && url.pathname === '/') {
      // The page answers the status of what the API refused (404 for no statement, …), not 200.
      const answer = await statementPage(url.searchParams, financeGet);
      return send(res, answer.status, 'text/html; charset=utf-8', answer.html);
    }
    if (method === 'GET' && url.pathname === '/statement.csv') {
      // The statement page's download: one statement as a file named after customer and month.
      const file = await statementCsvDownload(url.searchParams, financeGet);
      res.writeHead(file.status, file.headers);
      return void res.end(file.body);
    }
    if (method === 'GET' && url.pathname.startsWith(DOWNLOADS_PATH)) return download(res, exportsDir, url.pathname);
    if (method === 'POST' && url.pathname.replace(/\/+$/, '') === '/admin/validate') {
      // The body is a file of events as it is (NDJSON or JSON), larger than any other admin body.
      const text = await readBody(req, MAX_VALIDATE_BODY);
      if (text === undefined)
        return send(
          res,
          413,
          'application/json',
          JSON.stringify({ error: 'TOO_LARGE', message: `the body is over ${MAX_VALIDATE_BODY / 2 ** 20} MB` }),
        );
      const answer = await handleAdmin(admin, method, url, text);
      return send(res, answer.status, 'application/json', JSON.stringify(answer.body));
    }
    if (url.pathname.startsWith('/admin/')) {
      const body = method === 'POST' ? await readJson(req) : undefined;
      if (body === INVALID)
        return send(
          res,
          400,
          'application/json',
          JSON.stringify({ error: 'BAD_REQUEST', message: 'the body is not JSON, or over 64 KB' }),
        );
      const answer = await handleAdmin(admin, method, url, body);
      return send(res, answer.status, 'application/json', JSON.stringify(answer.body));
    }
    const answer = await handleFinanceRequest(finance, method, `${url.pathname}${url.search}`, clock.now());
    return send(res, answer.status, answer.contentType, answer.body);
  }

  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolveListen());
    });
  } catch (error) {
    schedules?.stop();
    await Promise.all([...queues.values()].map((queue) => queue.stop()));
    await dynamo.stop();
    unlock();
    throw error;
  }
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    dataDir,
    close: () =>
      (closing ??= (async () => {
        schedules?.stop();
        await new Promise<void>((resolveClose) => {
          server.close(() => resolveClose());
          server.closeIdleConnections();
        });
        // Batches in flight finish; what is still queued is kept in the journal for the next start.
        await Promise.all([...queues.values()].map((queue) => queue.stop()));
        journal?.rewrite(
          [...queues.values()].flatMap((queue) =>
            queue.pending().map((m) => ({ queue: queue.name, messageId: m.messageId, body: m.body })),
          ),
        );
        await dynamo.stop();
        if (!dataDir) rmSync(exportsDir, { recursive: true, force: true });
        unlock();
      })()),
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

const INVALID = Symbol('invalid JSON');
const MAX_ADMIN_BODY = 64 * 1024;
/** A file of events to validate: some 100,000 events. */
const MAX_VALIDATE_BODY = 64 * 2 ** 20;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, MAX_ADMIN_BODY))?.trim();
  if (text === undefined) return INVALID;
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}
