// The bench's table: one row per figure (one per bundle), with its size, the measurement, what
// it was measured side by side with, the goal and whether it is met, and the peak memory.
import Table from 'cli-table3';
import { LOOKBACK_MONTHS } from '#shared/domain/policy.ts';

export interface FigureRun {
  options: object;
  measuredAt?: string;
  wallSeconds: number;
  /** 1-minute load average before and after: above the core count, other work shared the machine. */
  loadAverage: [number, number];
  // biome-ignore lint/suspicious/noExplicitAny: each figure writes its own shape; the report reads the fields it prints
  result: Record<string, any>;
}

export interface Results {
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt?: string;
  /** Figures whose process failed, with the reason. */
  failed?: string[];
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
  commit?: string;
  figures: Partial<
    Record<
      'engine' | 'ingest' | 'close' | 'finance' | 'report' | 'bundles' | 'cli-start' | 'cli-send' | 'export',
      FigureRun
    >
  >;
}

const n = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number) => `${n(x * 100)} %`;
const met = (ok: boolean) => (ok ? 'yes' : 'NO');
const us = (x: number) => (x >= 1000 ? `${n(x / 1000, 1)} ms` : `${n(x, x < 100 ? 1 : 0)} µs`);

type Row = [figure: string, size: string, result: string, sideBySide: string, goal: string, met: string, peak: string];

function rows(results: Results): Row[] {
  const out: Row[] = [];
  const {
    engine,
    ingest,
    close,
    finance,
    report,
    bundles,
    'cli-start': cliStart,
    'cli-send': cliSend,
    export: entriesExport,
  } = results.figures;
  const rss = (run: FigureRun) => `${n(run.result.processPeakRssMb)} MB`;

  if (engine) {
    const r = engine.result;
    const cpu =
      typeof r.customerMonthsPerCpuSecond === 'number' ? ` (${n(r.customerMonthsPerCpuSecond)} per CPU-second)` : '';
    out.push([
      '1 engine: closes by the pure domain',
      `${n(r.customers)} customers × ${r.months} months`,
      `${n(r.customerMonthsPerSecond)} customer-months/s${cpu}`,
      `${n(r.customerMonths)} closes in ${n(r.seconds, 1)} s, one core`,
      '≥ 1,000,000/s',
      met(r.customerMonthsPerSecond >= 1_000_000),
      rss(engine),
    ]);
    for (const c of (r.orderCost ?? []) as {
      name: string;
      events: number;
      closedMonths: number;
      billedEntries: number;
      inOrder: { medianMicroseconds: number; outcome: string };
      outOfOrder: { medianMicroseconds: number; outcome: string };
      ratio: number;
      cpuRatio: number;
      rounds: number;
    }[]) {
      out.push([
        `1 engine: one more event, in order vs a month earlier (CustomerBook)`,
        `${c.name}: ${n(c.events)} events, ${c.closedMonths} months closed, ${n(c.billedEntries)} entries`,
        `in order ${us(c.inOrder.medianMicroseconds)}, a month earlier ${us(c.outOfOrder.medianMicroseconds)} = ${n(c.ratio, 1)}× (CPU: ${n(c.cpuRatio, 1)}×)`,
        `alternately in one process, median of ${c.rounds} rounds; ${c.inOrder.outcome} / ${c.outOfOrder.outcome}`,
        '—',
        '—',
        rss(engine),
      ]);
    }
  }
  if (ingest) {
    const r = ingest.result;
    out.push([
      '2 ingest: PutEvents → drained',
      `${n(r.events)} events, ${n(r.customers)} customers`,
      `${n(r.eventsPerSecond)} events/s = ${pct(r.ratio)} of raw (CPU: ${pct(r.cpuRatio)})`,
      `raw: ${n(r.rawWrites)} PutItem of the aggregate items, ${r.rawConcurrency} in flight: ${n(r.rawWritesPerSecond)}/s`,
      '≥ 50 % of raw',
      met(r.ratio >= 0.5),
      rss(ingest),
    ]);
    if (typeof r.deliveriesPerEvent === 'number' && typeof r.deliveries === 'number') {
      // Before §0 business order nothing waited on arrival: an event that came early was redelivered.
      const waited =
        r.waitedOnArrival > 0
          ? `; ${n(r.waitedOnArrival)} waited on arrival for what they name, instead of a redelivery`
          : '';
      out.push([
        '2 ingest: deliveries per event',
        `${n(r.events)} events`,
        `${n(r.deliveriesPerEvent, 3)} deliveries per event`,
        `${n(r.deliveries)} records handed to the ingest handlers${waited}`,
        `≤ ${n(r.goalDeliveriesPerEvent ?? 1.05, 2)}`,
        met(r.deliveriesPerEvent <= (r.goalDeliveriesPerEvent ?? 1.05)),
        rss(ingest),
      ]);
    }
    for (const c of (r.orderCost ?? []) as {
      name: string;
      events: number;
      closedMonths: number;
      trials: number;
      inOrder: { medianMs: number; result: string };
      outOfOrder: { medianMs: number; result: string; dynamoCalls: { total: number } };
      ratio: number;
      cpuRatio: number;
    }[]) {
      const results =
        c.inOrder.result === 'applied' && c.outOfOrder.result === 'applied'
          ? 'both applied'
          : `${c.inOrder.result} / ${c.outOfOrder.result}`;
      out.push([
        '2 ingest: one more event, in order vs a month earlier (ingestMessage on the store)',
        `${c.name}: ${n(c.events)} events, ${c.closedMonths} months closed`,
        `in order ${n(c.inOrder.medianMs, 1)} ms, a month earlier ${n(c.outOfOrder.medianMs, 1)} ms = ${n(c.ratio, 1)}× (CPU: ${n(c.cpuRatio, 1)}×)`,
        `alternately, one at a time, median of ${c.trials}; ${results}; ${n(c.outOfOrder.dynamoCalls.total, 1)} DynamoDB calls earlier`,
        '—',
        '—',
        rss(ingest),
      ]);
    }
  }
  if (close) {
    const r = close.result;
    out.push([
      '3 monthly close (POST /admin/close)',
      `${n(r.customers)} customers, ${n(r.itemsPerCustomer, 1)} items each`,
      `${n(r.closeSeconds, 1)} s = ${pct(r.ratio)} of raw (CPU: ${pct(r.cpuRatio)})`,
      `raw: BatchWriteItem of the same items${r.rawCustomers < r.customers ? ` (sample of ${n(r.rawCustomers)} customers, scaled)` : ''}: ${n(r.rawSecondsForAll, 1)} s`,
      '≥ 60 % of raw',
      met(r.ratio >= 0.6),
      rss(close),
    ]);
  }
  if (finance) {
    const r = finance.result;
    const size = `${n(r.customers)} customers × ${r.devicesPerCustomer} devices, ${n(r.statement.samples)} requests`;
    const row = (name: string, timed: { p50Ms: number; p99Ms: number }, how: string): Row => [
      `4 finance API: ${name}`,
      size,
      `p50 ${n(timed.p50Ms, 1)} ms, p99 ${n(timed.p99Ms, 1)} ms`,
      how,
      `p99 < ${r.goalP99Ms} ms`,
      met(timed.p99Ms < r.goalP99Ms),
      rss(finance),
    ];
    out.push(row('statement', r.statement, 'HTTP to the local stack, one request at a time'));
    out.push(row(`${LOOKBACK_MONTHS}-month list`, r.list, 'interleaved with the statements'));
  }
  if (report) {
    const r = report.result;
    out.push([
      '4 finance API: month report (GET /reports/{month})',
      `${n(r.customers)} customers × ${r.devicesPerCustomer} devices, ${n(r.report.samples)} requests`,
      `p50 ${n(r.report.p50Ms, 1)} ms, p99 ${n(r.report.p99Ms, 1)} ms`,
      `from the 32 shard totals the close wrote (${n(r.totalsWriteSeconds, 1)} s to write all 32); summing every statement instead: p50 ${n(r.fullRead.p50Ms / 1000, 1)} s over ${r.fullRead.samples}`,
      `p99 < ${r.goalP99Ms} ms`,
      met(r.report.p99Ms < r.goalP99Ms),
      rss(report),
    ]);
  }
  if (bundles) {
    const r = bundles.result;
    for (const b of r.bundles as {
      name: string;
      kb: number;
      coldImportMs: number;
      cpuMs?: number;
      sdkImportMs?: number;
      sdkExternal?: { kb: number; coldImportMs: number; cpuMs: number };
      builtinsAsImports?: { coldImportMs: number; cpuMs: number };
    }[]) {
      const cpu = typeof b.cpuMs === 'number' ? ` (CPU ${n(b.cpuMs)} ms)` : '';
      // Runs before the SDK was bundled measured its clients alone instead of a whole external build.
      const other = b.sdkExternal
        ? `SDK left external: ${n(b.sdkExternal.kb, 1)} KB, ${n(b.sdkExternal.coldImportMs)} ms (CPU ${n(b.sdkExternal.cpuMs)} ms)`
        : `its AWS SDK clients alone ${n(b.sdkImportMs ?? 0)} ms`;
      // Runs before infra/node-builtins/ had no such build.
      const esm = b.builtinsAsImports
        ? `; built-ins as ES module imports: ${n(b.builtinsAsImports.coldImportMs)} ms (CPU ${n(b.builtinsAsImports.cpuMs)} ms)`
        : '';
      out.push([
        `5 bundle ${b.name}`,
        `median of ${r.repeats} cold imports`,
        `${n(b.kb, 1)} KB, ${n(b.coldImportMs)} ms${cpu}`,
        `Node alone ${n(r.nodeBootMs)} ms; ${other}${esm}`,
        `≤ ${r.goalKb} KB, ≤ ${r.goalColdImportMs} ms`,
        met(b.kb <= r.goalKb && b.coldImportMs <= r.goalColdImportMs),
        rss(bundles),
      ]);
    }
  }
  if (cliStart) {
    const r = cliStart.result;
    for (const c of r.commands as {
      command: string;
      medianMs: number;
      cpuMs: number;
      tsx: { medianMs: number; cpuMs: number };
    }[]) {
      out.push([
        `CLI start: ${c.command}`,
        `median of ${r.repeats}, dist/cli.js ${n(r.bundleKb)} KB`,
        `${n(c.medianMs)} ms (CPU ${n(c.cpuMs)} ms)`,
        `Node alone ${n(r.nodeAlone.medianMs)} ms; through tsx ${n(c.tsx.medianMs)} ms (CPU ${n(c.tsx.cpuMs)} ms)`,
        `≤ ${r.goalMs} ms`,
        met(c.medianMs <= r.goalMs),
        rss(cliStart),
      ]);
    }
  }
  if (cliSend) {
    const r = cliSend.result;
    const slow = r.oneAtATime;
    out.push(
      [
        'CLI send: billing send FILE',
        `${n(r.events)} events, ${r.concurrency} calls in flight`,
        `${n(r.send.eventsPerSecond)} events/s (${n(r.send.seconds, 2)} s, spawn to exit${typeof r.send.cliCpuSeconds === 'number' ? `; CPU: CLI ${n(r.send.cliCpuSeconds, 2)} s, stack ${n(r.send.stackCpuSeconds, 2)} s` : ''})`,
        `${n(slow.events)} events one call at a time (--concurrency 1): ${n(slow.send.eventsPerSecond)} events/s`,
        `≥ ${n(r.goalEventsPerSecond)} events/s`,
        met(r.send.eventsPerSecond >= r.goalEventsPerSecond),
        rss(cliSend),
      ],
      [
        'CLI send: billing drain after it',
        `${n(r.drain.pendingAtStart)} of ${n(r.events)} events still queued`,
        `${n(r.drain.seconds, 1)} s = ${n(r.drain.eventsPerSecond)} events/s`,
        `sent to drained: ${n(r.sentToDrainedEventsPerSecond)} events/s; one call at a time: ${n(slow.sentToDrainedEventsPerSecond)} events/s`,
        '—',
        '—',
        rss(cliSend),
      ],
    );
  }
  if (entriesExport) {
    const r = entriesExport.result;
    out.push([
      'entries export: a month as CSV (billing export, the close)',
      `${n(r.customers)} customers, ${n(r.rows)} entries`,
      `${n(r.exportSeconds, 1)} s (${n(r.rowsPerSecond)} rows/s), ${n(r.fileMb, 1)} MB file; export RSS +${n(r.exportRssMb)} MB`,
      `RSS ${n(r.rssBeforeMb)} MB before (the in-memory store holds the month) → ${n(r.rssPeakMb)} MB peak, sampled every 20 ms`,
      `< ${r.goalSeconds / 60} min, +${r.goalRssMb} MB`,
      met(r.exportSeconds < r.goalSeconds && r.exportRssMb < r.goalRssMb),
      rss(entriesExport),
    ]);
  }
  return out;
}

export function formatTable(results: Results): string {
  const table = new Table({
    head: ['figure', 'size', 'result', 'measured side by side with', 'goal', 'met', '6 peak RSS'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [22, 22, 30, 36, 15, 5, 9],
  });
  for (const row of rows(results)) table.push(row);
  const m = results.machine;
  const runs = Object.entries(results.figures).map(([name, run]) => {
    const busy = Math.max(...run.loadAverage) > m.cpus + 0.5 ? ' — machine busy, figures disturbed' : '';
    return `  ${name}: ${n(run.wallSeconds)} s, load average ${run.loadAverage.join(' → ')}${busy}`;
  });
  return [
    `npm run bench (${results.mode}) — ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, ${results.startedAt}`,
    table.toString(),
    'runs (1-minute load average before → after; above the core count, other work shared the machine):',
    ...runs,
  ].join('\n');
}
