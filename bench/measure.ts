// What every figure of the bench measures with: wall time, percentiles, peak memory, and a
// count of the DynamoDB calls the code under test makes (the profile of where the time goes).
import { type SpawnOptions, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';

export const now = (): number => performance.now();

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = now();
  const value = await work();
  return { value, seconds: (now() - start) / 1000 };
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** Peak resident set of this process so far, in MB (Linux reports maxRSS in KB). */
export const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs `work` with at most `concurrency` of them in flight, over indexes 0..count-1, in that order. */
export async function pool(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  await pLimit(concurrency).map(
    Array.from({ length: count }, (_, i) => i),
    work,
  );
}

export interface CallCounts {
  total: number;
  /** By command, with PutItem split by the item's key prefix (EVENT#, CUST#…) to tell a registry claim from a commit. */
  byKind: Record<string, number>;
}

/**
 * Counts every DynamoDB call made through a DocumentClient in this process, including those
 * of the local stack (which runs in process), and remembers the clients seen: the stack
 * does not expose its store, and the ingest baseline writes through the very same client.
 */
export function countDynamoCalls() {
  const counts: CallCounts = { total: 0, byKind: {} };
  const clients = new Set<DynamoDBDocumentClient>();
  const proto = DynamoDBDocumentClient.prototype as unknown as {
    send: (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) => Promise<unknown>;
  };
  const original = proto.send;
  proto.send = function (command, ...rest) {
    clients.add(this);
    counts.total++;
    const kind = kindOf(command);
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    return original.call(this, command, ...rest);
  };
  return {
    counts,
    clients,
    reset(): void {
      counts.total = 0;
      counts.byKind = {};
    },
    snapshot(): CallCounts {
      return { total: counts.total, byKind: { ...counts.byKind } };
    },
    restore(): void {
      proto.send = original;
    },
  };
}

function kindOf(command: unknown): string {
  const name = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
  const input = (command as { input?: { Item?: { pk?: unknown }; Key?: { pk?: unknown }; UpdateExpression?: string } })
    .input;
  const pk = input?.Item?.pk ?? input?.Key?.pk;
  const prefix = typeof pk === 'string' ? pk.replace(/#.*$/, '#') : '';
  if (name === 'Update' && input?.UpdateExpression?.startsWith('REMOVE outbox')) return 'Update outbox clear';
  return prefix ? `${name} ${prefix}` : name;
}

/** Counts per unit (event, customer), rounded for a table. */
export function perUnit(counts: CallCounts, units: number): Record<string, number> {
  const out: Record<string, number> = { total: round(counts.total / units, 2) };
  for (const [kind, n] of Object.entries(counts.byKind).sort()) out[kind] = round(n / units, 3);
  return out;
}

export const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** CPU seconds (user + system) this process spends in `work`: robust to other processes on the machine, unlike wall time. */
export async function timedWithCpu<T>(
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const { value, seconds } = await timed(work);
  const used = process.cpuUsage(cpu);
  return { value, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Marks the line on which a figure's process prints its result (bench/figure.ts → bench/run.ts). */
export const RESULT_MARKER = '@@bench-result ';

/** A child process run to its end: its exit code and everything it wrote (a bench measures the wall time around it). */
export function runToExit(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
