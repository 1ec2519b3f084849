// CLI start: how long a `billing` command takes, from spawning `node bin/billing.js …` to its
// exit, against a local stack in this process that holds the example year, sent and closed
// (the e2e test's data: examples/fiscal-year-2026.ndjson). Each command runs `repeats` times
// after one warm-up run (which fills the disk caches, V8's compile cache among them), and
// alternates run by run with what it is measured against: Node alone (`node -e 0`), the same
// command with the CLI's TypeScript compiled by tsx at the start (as bin/billing.js ran it
// before dist/cli.js), and --help without V8's compile cache. Wall time and the child's CPU
// time (user + system, all its threads), which other work on the machine disturbs less.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../bin/build-cli.js';
import { startLocalStack } from '../local/stack.ts';
import { median, round, runToExit } from './measure.ts';

export interface CliStartBenchOptions {
  /** Timed runs per command and variant; the median is reported. */
  repeats: number;
}

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/billing.js');
const SOURCES = join(ROOT, 'local/cli.ts');
const EXAMPLES = join(ROOT, 'examples/fiscal-year-2026.ndjson');

/** The commands timed: no stack (--help), and reads of each kind from a running one. */
const COMMANDS = [
  ['--help'],
  ['clock'],
  ['months', 'CUST-1001'],
  ['statement', 'CUST-1003', '2027-01'],
  ['report', '2027-01', '--csv'],
];
/** The goal of the issue: a command answers in a blink. */
const GOAL_MS = 300;

/**
 * Loaded into each child with --import: writes its CPU time at exit. Node has no rusage of a
 * child, and this costs the child well under a millisecond, the same in every variant.
 */
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(
  'import { writeFileSync } from "node:fs"; process.on("exit", () => { const u = process.cpuUsage(); writeFileSync(process.env.CLI_START_CPU_FILE, String((u.user + u.system) / 1000)); });',
)}`;

interface Run {
  wallMs: number;
  cpuMs: number;
}

async function timedRun(
  nodeArgs: string[],
  env: NodeJS.ProcessEnv,
  cpuFile: string,
  output: { stdout?: string } = {},
): Promise<Run> {
  const started = performance.now();
  const { code, stderr, stdout } = await runToExit(process.execPath, ['--import', CPU_PROBE, ...nodeArgs], {
    cwd: ROOT,
    env: { ...env, CLI_START_CPU_FILE: cpuFile },
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`node ${nodeArgs.join(' ')}: exit ${code}: ${stderr.slice(0, 500)}`);
  output.stdout = stdout;
  return { wallMs, cpuMs: Number(await readFile(cpuFile, 'utf8')) };
}

function summary(runs: Run[]) {
  const wall = runs.map((r) => r.wallMs);
  return {
    medianMs: round(median(wall), 1),
    minMs: round(Math.min(...wall), 1),
    maxMs: round(Math.max(...wall), 1),
    cpuMs: round(median(runs.map((r) => r.cpuMs)), 1),
  };
}

export async function benchCliStart(options: CliStartBenchOptions) {
  // The sources as they are now, whatever dist/cli.js held: the build is part of the figure.
  const buildStarted = performance.now();
  const { bytes } = await buildCli();
  const buildMs = performance.now() - buildStarted;

  const stack = await startLocalStack({ port: 0, dataDir: null, now: '2026-04-01T09:00:00+09:00' });
  const scratch = await mkdtemp(join(tmpdir(), 'cli-start-'));
  const cpuFile = join(scratch, 'cpu');
  const env = { ...process.env, BILLING_URL: stack.url, NODE_OPTIONS: '' };
  try {
    // The example year, as a user would put it there: through the CLI.
    for (const args of [
      ['send', EXAMPLES, '--drain'],
      ['clock', '2027-04-01T01:00:00+09:00'],
      ['close', '2027-03'],
    ])
      await timedRun([BIN, ...args], env, cpuFile);

    const variants = {
      built: (args: string[]) => timedRun([BIN, ...args], env, cpuFile),
      tsx: (args: string[]) => timedRun(['--import', 'tsx', SOURCES, ...args], env, cpuFile),
    };
    const commands = [];
    for (const args of COMMANDS) {
      const runs: Record<keyof typeof variants, Run[]> = { built: [], tsx: [] };
      const output: { stdout?: string } = {};
      for (let i = 0; i <= options.repeats; i++) {
        for (const [name, run] of Object.entries(variants) as [keyof typeof variants, typeof variants.built][]) {
          const timed = await run(args);
          if (i > 0) runs[name].push(timed);
        }
      }
      // What the command printed, so that a broken stack cannot pass for a fast CLI.
      await timedRun([BIN, ...args], env, cpuFile, output);
      commands.push({
        command: `billing ${args.join(' ')}`,
        outputBytes: Buffer.byteLength(output.stdout ?? ''),
        ...summary(runs.built),
        tsx: summary(runs.tsx),
      });
    }

    const bare: Run[] = [];
    const uncached: Run[] = [];
    for (let i = 0; i <= options.repeats; i++) {
      const node = await timedRun(['-e', '0'], env, cpuFile);
      const help = await timedRun([BIN, '--help'], { ...env, NODE_DISABLE_COMPILE_CACHE: '1' }, cpuFile);
      if (i === 0) continue;
      bare.push(node);
      uncached.push(help);
    }
    return {
      repeats: options.repeats,
      goalMs: GOAL_MS,
      bundleKb: round(bytes / 1024, 1),
      buildMs: round(buildMs),
      nodeAlone: summary(bare),
      helpWithoutCompileCache: summary(uncached),
      commands,
    };
  } finally {
    await stack.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
