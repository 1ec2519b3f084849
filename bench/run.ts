// `npm run bench`: every figure of issue 6, each in a fresh process, one after the other (the
// machine has two cores: figures run side by side would measure each other). Prints a table
// and writes bench/results.json.
//
//   npm run bench [-- --quick] [-- --only ingest,close] [-- --profile bench/profiles]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RESULT_MARKER, round } from './measure.ts';
import { formatTable, type Results } from './report.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');

/** The sizes of issue 6; --quick divides them so that the whole bench takes a couple of minutes. */
const SIZES = {
  full: {
    engine: { customers: 1_000_000 },
    ingest: { customers: 2_000 },
    close: { customers: 100_000, rawSample: 20_000 },
    finance: { customers: 300, samples: 2_000 },
    report: { customers: 100_000, samples: 1_000, fullReadSamples: 3 },
    bundles: { repeats: 7 },
    'cli-start': { repeats: 10 },
    'cli-send': { events: 5_000, oneAtATimeEvents: 1_000 },
    export: { customers: 100_000 },
  },
  quick: {
    engine: { customers: 100_000 },
    ingest: { customers: 200 },
    close: { customers: 5_000, rawSample: 5_000 },
    finance: { customers: 100, samples: 500 },
    report: { customers: 10_000, samples: 300, fullReadSamples: 3 },
    bundles: { repeats: 5 },
    'cli-start': { repeats: 5 },
    'cli-send': { events: 1_000, oneAtATimeEvents: 200 },
    export: { customers: 10_000 },
  },
} as const;
type Figure = keyof (typeof SIZES)['full'];
const ORDER: Figure[] = [
  'engine',
  'ingest',
  'close',
  'finance',
  'report',
  'bundles',
  'cli-start',
  'cli-send',
  'export',
];

/** Room for a hundred thousand aggregates and their ledger in dynalite's in-memory store. */
const HEAP_MB = 8192;

function runFigure(
  figure: Figure,
  options: object,
  profileDir: string | undefined,
): Promise<{ result: Record<string, unknown>; wallSeconds: number }> {
  const started = performance.now();
  const args = [
    `--max-old-space-size=${HEAP_MB}`,
    '--import',
    'tsx',
    join(HERE, 'figure.ts'),
    figure,
    JSON.stringify(options),
    ...(profileDir ? [profileDir] : []),
  ];
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BILLING_LOG_LEVEL: 'ERROR' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) return reject(new Error(`figure ${figure} failed (exit ${code})\n${out.slice(-2000)}`));
      resolveRun({
        result: JSON.parse(line.slice(RESULT_MARKER.length)) as Record<string, unknown>,
        wallSeconds: round((performance.now() - started) / 1000, 1),
      });
    });
  });
}

/** The commit measured (uncommitted changes on top of it are not told apart). */
function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function previousFigures(file: string, mode: Results['mode']): Results['figures'] {
  if (!existsSync(file)) return {};
  const previous = JSON.parse(readFileSync(file, 'utf8')) as Results;
  return previous.mode === mode ? previous.figures : {};
}

const USAGE = `npm run bench [-- --quick] [-- --only ${ORDER.join(',')}] [-- --profile DIR]
  --quick     1/10 to 1/20 of the full sizes (about 3½ minutes instead of about 15)
  --only      re-measure some figures; the others are kept from bench/results.json
  --profile   write a V8 CPU profile of each timed phase into DIR`;

async function main(): Promise<void> {
  let values: { quick?: boolean; only?: string; profile?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        profile: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) return console.log(USAGE);
  const mode = values.quick ? 'quick' : 'full';
  const only = values.only ? (values.only.split(',') as Figure[]) : ORDER;
  const unknown = only.filter((f) => !ORDER.includes(f));
  if (unknown.length > 0) throw new Error(`unknown figure(s) ${unknown.join(', ')}; one of ${ORDER.join(', ')}`);
  const profileDir = values.profile ? resolve(values.profile) : undefined;

  const file = join(HERE, 'results.json');
  const results: Results = {
    mode,
    startedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '',
      memoryGb: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    commit: headCommit(),
    // --only re-measures some figures: the others are kept from the last run of the same sizes.
    figures: values.only ? previousFigures(file, mode) : {},
  };
  const failed: string[] = [];
  for (const figure of ORDER.filter((f) => only.includes(f))) {
    const options = SIZES[mode][figure];
    const loadBefore = loadavg()[0]!;
    process.stderr.write(
      `bench: ${figure} ${JSON.stringify(options)} (1-min load average ${loadBefore.toFixed(2)}) …\n`,
    );
    try {
      const { result, wallSeconds } = await runFigure(figure, options, profileDir);
      results.figures[figure] = {
        options,
        measuredAt: new Date().toISOString(),
        wallSeconds,
        loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
        result,
      };
      process.stderr.write(`bench: ${figure} done in ${wallSeconds} s\n`);
    } catch (error) {
      // The other figures still run and are reported; the exit code says one failed.
      failed.push(`${figure}: ${error instanceof Error ? error.message : String(error)}`);
      process.stderr.write(`bench: ${figure} FAILED\n`);
    }
  }
  results.finishedAt = new Date().toISOString();
  if (failed.length > 0) results.failed = failed;
  console.log(formatTable(results));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten ${file}${profileDir ? `; CPU profiles in ${profileDir}` : ''}`);
  if (failed.length > 0) {
    console.error(`\n${failed.length} figure(s) failed:\n${failed.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
