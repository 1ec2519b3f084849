// CLI send and drain: how fast `billing send FILE` puts a file of events on the local stack,
// and `billing drain` then applies them, each timed from spawning `node bin/billing.js …` to
// its exit (the built dist/cli.js, as a user runs it: its start, its probe of the stack and
// its summary are in the figure). The stack runs in this process, as in the cli-start figure;
// the file is the ingest figure's customers (ten events each: an order of two protected
// devices, both deliveries, an exchange and a repair), every customer's k-th event in round
// k, so that every event applies (some after waiting for what they name: calls in flight
// overtake each other, and the figure fails unless all did). Side by side, on a smaller file of other customers, the
// same send one PutEvents call at a time (`--concurrency 1`), as `send` worked before.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedSourceFor, type InboundEvent } from '#shared/schemas/inbound.ts';
import { buildCli } from '../bin/build-cli.js';
import { DEFAULT_CONCURRENCY } from '../local/cli/send-events.ts';
import { startLocalStack } from '../local/stack.ts';
import { round, runToExit } from './measure.ts';
import { customerIdOf, tenEventCustomer } from './workload.ts';

export interface CliSendBenchOptions {
  /** Events in the timed file (a multiple of 10: ten per customer). */
  events: number;
  /** Events sent one call at a time for the side-by-side figure. */
  oneAtATimeEvents: number;
  /** Events of the warm-up send (stack and disk caches), not timed. */
  warmupEvents?: number;
}

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/billing.js');
/** The goal for `send` to the local stack. */
const GOAL_EVENTS_PER_SECOND = 2_000;
const EVENTS_PER_CUSTOMER = 10;
const DEFAULT_WARMUP_EVENTS = 200;

/**
 * The file `billing send` reads, of at least `events` events (whole customers): one
 * EventBridge event a line, customers interleaved round by round.
 */
function eventFile(prefix: string, events: number): { text: string; events: number } {
  const customers = Math.ceil(events / EVENTS_PER_CUSTOMER);
  const perCustomer = Array.from({ length: customers }, (_, i) => tenEventCustomer(customerIdOf(prefix, i), i));
  const lines: string[] = [];
  for (let k = 0; k < EVENTS_PER_CUSTOMER; k++)
    for (const life of perCustomer) {
      const event = life[k] as InboundEvent;
      lines.push(
        JSON.stringify({
          source: expectedSourceFor(event.detailType),
          'detail-type': event.detailType,
          detail: event.detail,
        }),
      );
    }
  return { text: `${lines.join('\n')}\n`, events: lines.length };
}

/**
 * Loaded into the CLI with --import: writes its CPU time at exit, as in the cli-start figure.
 * Beside the stack's own CPU time (this process), it tells a busy machine from slower code.
 */
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(
  'import { writeFileSync } from "node:fs"; process.on("exit", () => { const u = process.cpuUsage(); writeFileSync(process.env.CLI_SEND_CPU_FILE, String((u.user + u.system) / 1e6)); });',
)}`;

interface CliRun {
  seconds: number;
  /** The CLI's CPU seconds (user + system). */
  cliCpuSeconds: number;
  /** This process's CPU seconds meanwhile: the stack answering the CLI (and its queues' work). */
  stackCpuSeconds: number;
  stdout: string;
}

/** Runs the built CLI against the stack; a non-zero exit fails the figure with what it said. */
async function billing(url: string, cpuFile: string, args: string[]): Promise<CliRun> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { code, stdout, stderr } = await runToExit(
    process.execPath,
    ['--import', CPU_PROBE, BIN, '--url', url, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', CLI_SEND_CPU_FILE: cpuFile },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (code !== 0)
    throw new Error(`billing ${args.join(' ')}: exit ${code}\n${stdout.slice(-800)}${stderr.slice(-800)}`);
  // The bin rebuilds a stale dist/cli.js before the command: a source edited while the figure
  // runs would put a build into the time measured.
  if (stderr.includes('built dist/cli.js first'))
    throw new Error(
      `billing ${args.join(' ')} rebuilt the CLI first (a source changed during the figure): run it again`,
    );
  return {
    seconds,
    cliCpuSeconds: Number(await readFile(cpuFile, 'utf8')),
    stackCpuSeconds: (used.user + used.system) / 1e6,
    stdout,
  };
}

type Counts = Record<string, number>;

async function countsOf(url: string): Promise<Counts> {
  const response = await fetch(`${url}/admin/counts`);
  if (!response.ok) throw new Error(`GET /admin/counts: HTTP ${response.status}`);
  return (await response.json()) as Counts;
}

async function waitingCount(url: string): Promise<number> {
  const response = await fetch(`${url}/admin/waiting`);
  if (!response.ok) throw new Error(`GET /admin/waiting: HTTP ${response.status}`);
  return ((await response.json()) as { waiting: unknown[] }).waiting.length;
}

/** The rate `send` printed for its own PutEvents calls ("… in 1.9 s (2,631 events/s)"), without its start and probe. */
function reportedRate(stdout: string): number | undefined {
  const match = /\(([\d,]+) events\/s\)/.exec(stdout);
  return match ? Number(match[1]!.replaceAll(',', '')) : undefined;
}

/** Sends a file, then drains it, each timed; checks that every event of it applied. */
async function sendAndDrain(url: string, cpuFile: string, file: string, events: number, sendArgs: string[] = []) {
  const before = await countsOf(url);
  const sent = await billing(url, cpuFile, ['send', file, ...sendArgs]);
  if (!sent.stdout.includes(`sent ${events} event`))
    throw new Error(`send did not say it sent ${events} events:\n${sent.stdout.slice(0, 800)}`);
  // The stack's queues work in the background while the send runs: the drain does what is left.
  const pendingAtDrain = (await countsOf(url)).pending ?? 0;
  const drained = await billing(url, cpuFile, ['drain']);
  const after = await countsOf(url);
  const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  // An event that came before what it names counts `waited` and applies, uncounted, once that
  // arrives (docs/local-stack.md): every event applied, so applied + waited, and none still waits.
  const stillWaiting = await waitingCount(url);
  if (delta('applied') + delta('waited') !== events || delta('deadLettered') > 0 || after.pending || stillWaiting > 0)
    throw new Error(
      `of ${events} events sent: applied ${delta('applied')}, waited ${delta('waited')}, still waiting ${stillWaiting}, dead-lettered ${delta('deadLettered')}, pending ${after.pending}`,
    );
  return {
    events,
    send: {
      seconds: round(sent.seconds, 2),
      eventsPerSecond: round(events / sent.seconds),
      reportedEventsPerSecond: reportedRate(sent.stdout),
      cliCpuSeconds: round(sent.cliCpuSeconds, 2),
      stackCpuSeconds: round(sent.stackCpuSeconds, 2),
    },
    drain: {
      seconds: round(drained.seconds, 2),
      pendingAtStart: pendingAtDrain,
      eventsPerSecond: round(events / drained.seconds),
      stackCpuSeconds: round(drained.stackCpuSeconds, 2),
    },
    sentToDrainedEventsPerSecond: round(events / (sent.seconds + drained.seconds)),
    applied: delta('applied'),
    waited: delta('waited'),
  };
}

export async function benchCliSend(options: CliSendBenchOptions) {
  // The sources as they are now, whatever dist/cli.js held.
  await buildCli();
  // After the workload's August to October events, so that none is in the future.
  const stack = await startLocalStack({ port: 0, dataDir: null, now: '2026-11-01T01:00:00+09:00' });
  const scratch = await mkdtemp(join(tmpdir(), 'cli-send-'));
  try {
    const cpuFile = join(scratch, 'cpu');
    const files = {
      warmup: join(scratch, 'warmup.ndjson'),
      timed: join(scratch, 'events.ndjson'),
      oneAtATime: join(scratch, 'one-at-a-time.ndjson'),
    };
    // Other customers in each file (W, S, C): no event of one is a duplicate of another's.
    const warmup = eventFile('W', options.warmupEvents ?? DEFAULT_WARMUP_EVENTS);
    const timed = eventFile('S', options.events);
    const slow = eventFile('C', options.oneAtATimeEvents);
    await writeFile(files.warmup, warmup.text);
    await writeFile(files.timed, timed.text);
    await writeFile(files.oneAtATime, slow.text);

    await sendAndDrain(stack.url, cpuFile, files.warmup, warmup.events, ['--drain']);
    const parallel = await sendAndDrain(stack.url, cpuFile, files.timed, timed.events);
    const oneAtATime = await sendAndDrain(stack.url, cpuFile, files.oneAtATime, slow.events, ['--concurrency', '1']);
    return {
      goalEventsPerSecond: GOAL_EVENTS_PER_SECOND,
      concurrency: DEFAULT_CONCURRENCY,
      ...parallel,
      oneAtATime,
    };
  } finally {
    await stack.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
