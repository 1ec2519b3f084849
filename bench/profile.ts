// `--profile DIR`: a V8 CPU profile of each timed phase alone (not the seeding around it),
// written as DIR/<phase>.cpuprofile for Chrome DevTools, plus a summary of where the time
// went by package, which the bench prints and docs/performance.md quotes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

let dir: string | undefined;
export const setProfileDir = (path: string | undefined): void => {
  dir = path;
};

/** Runs `work`, profiled when a profile directory is set; returns the summary (empty otherwise). */
export async function profiled<T>(
  phase: string,
  work: () => Promise<T>,
): Promise<{ value: T; profile: Record<string, number> }> {
  if (!dir) return { value: await work(), profile: {} };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    const value = await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${phase}.cpuprofile`), JSON.stringify(profile));
    return { value, profile: summarize(profile) };
  } finally {
    session.disconnect();
  }
}

/** Where the samples fell: the AWS SDK, node's HTTP, dynalite, the project's own folders, GC, idle. */
function bucketOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'gc';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (/^@(aws-sdk|smithy|aws-crypto)\//.test(pkg)) return 'aws-sdk';
    if (
      /^(dynalite|memory-level|abstract-level|level-transcoder|functional-red-black-tree|level-supports|module-error|lock|async|big\.js)$/.test(
        pkg,
      )
    )
      return 'dynalite';
    return pkg;
  }
  if (url.startsWith('node:')) return /node:_?(https?|net|stream)/.test(url) ? 'node http/net' : 'node (other)';
  const own = /\/(shared\/[^/]+|functions|local|bench)\//.exec(url)?.[1];
  if (own) return own;
  return url === '' ? 'native/vm' : 'other';
}

function summarize(profile: Profile): Record<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    const bucket = bucketOf(byId.get(id)!);
    totals.set(bucket, (totals.get(bucket) ?? 0) + dt);
  });
  const out: Record<string, number> = {};
  for (const [bucket, t] of [...totals].sort((a, b) => b[1] - a[1]))
    if (t / all >= 0.005) out[bucket] = Math.round((t / all) * 1000) / 10;
  return out;
}
