// Lambda bundles: the minified size of every function bundle, built with the stack's own
// esbuild settings (infra/bundles.ts), and its cold import time: a fresh Node process with
// the environment the function gets, from process start to the bundle's import done.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUNDLE_BUDGET_BYTES, buildBundles } from '../infra/bundles.ts';
import { median, round } from './measure.ts';

export interface BundleBenchOptions {
  /** Fresh processes per bundle; the median is reported. */
  repeats: number;
}

/** Dummies for what the stack sets: the entries read them at import time. */
const LAMBDA_ENV = {
  AWS_REGION: 'ap-northeast-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'device-supply-billing',
  EVENT_BUS_NAME: 'device-supply',
  CLOSE_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/000000000000/close',
  CONSUMER_QUEUE_URLS: JSON.stringify({ orders: 'https://sqs.ap-northeast-1.amazonaws.com/000000000000/orders' }),
  POWERTOOLS_SERVICE_NAME: 'device-supply-billing',
  NODE_OPTIONS: '',
};

/**
 * performance.now() counts from the process's time origin, taken as Node starts: read right
 * after the import resolves, it is the start-to-import-done time, Node's own boot included.
 */
const PROBE =
  'const url = process.argv[1]; if (url) await import(url); process.stdout.write(String(performance.now()));';

function coldImportMs(file: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', PROBE, ...(file ? [new URL(`file://${file}`).href] : [])],
      {
        env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`importing ${file}: exit ${code}: ${err.slice(0, 500)}`)),
    );
  });
}

/**
 * A module beside the bundle importing only the AWS SDK packages the bundle leaves external
 * (the Lambda runtime provides them): how much of the cold import is the SDK's.
 */
function sdkOnlyModule(bundleFile: string): string {
  const packages = [
    ...new Set([...readFileSync(bundleFile, 'utf8').matchAll(/from\s*"(@aws-sdk\/[^"]+)"/g)].map((m) => m[1]!)),
  ];
  const file = join(dirname(bundleFile), 'sdk-only.mjs');
  writeFileSync(file, packages.map((p) => `import ${JSON.stringify(p)};`).join('\n'));
  return file;
}

export async function benchBundles(options: BundleBenchOptions) {
  const bundles = (await buildBundles()).sort((a, b) => a.name.localeCompare(b.name));
  const samples = async (file: string | undefined) => {
    const times: number[] = [];
    for (let i = 0; i < options.repeats; i++) times.push(await coldImportMs(file));
    return times;
  };
  // Node alone, to tell its boot from the bundle's own import.
  const bare = await samples(undefined);
  const results = [];
  for (const bundle of bundles) {
    const times = await samples(bundle.file);
    const sdk = await samples(sdkOnlyModule(bundle.file));
    results.push({
      name: bundle.name,
      entry: bundle.entry,
      kb: round(bundle.bytes / 1024, 1),
      coldImportMs: round(median(times), 1),
      minMs: round(Math.min(...times), 1),
      maxMs: round(Math.max(...times), 1),
      sdkImportMs: round(median(sdk), 1),
    });
  }
  return {
    repeats: options.repeats,
    nodeBootMs: round(median(bare), 1),
    goalKb: BUNDLE_BUDGET_BYTES / 1024,
    goalColdImportMs: 150,
    bundles: results,
  };
}
