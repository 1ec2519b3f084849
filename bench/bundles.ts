// Lambda bundles: the minified size of every function bundle, built with the stack's own
// esbuild settings (infra/bundles.ts), and its cold import time: a fresh Node process with
// the environment the function gets, from process start to the bundle's import done. Side by
// side, alternating run by run, the same entry built two other ways, each the stack's build
// before a decision: with the AWS SDK left external (to the Lambda runtime's copy), what
// bundling the SDK buys; with the Node built-ins imported as ES modules, what
// infra/node-builtins/ buys.
import { BUNDLE_BUDGET_BYTES, buildBundles, DEFAULT_BUNDLE_DIR } from '../infra/bundles.ts';
import { SDK_EXTERNAL } from '../infra/bundling.ts';
import { median, round, runToExit } from './measure.ts';

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
  EXPORT_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/000000000000/export',
  EXPORT_BUCKET_NAME: 'billing-exports',
  CONSUMER_QUEUE_URLS: JSON.stringify({ orders: 'https://sqs.ap-northeast-1.amazonaws.com/000000000000/orders' }),
  POWERTOOLS_SERVICE_NAME: 'device-supply-billing',
  NODE_OPTIONS: '',
};

/**
 * performance.now() counts from the process's time origin, taken as Node starts: read right
 * after the import resolves, it is the start-to-import-done time, Node's own boot included.
 * Beside it the process's CPU time (user + system, all threads), which other work on the
 * machine disturbs much less than the wall time.
 */
const PROBE =
  'const url = process.argv[1]; if (url) await import(url); const cpu = process.cpuUsage(); process.stdout.write(JSON.stringify([performance.now(), (cpu.user + cpu.system) / 1000]));';

interface ColdImport {
  ms: number;
  cpuMs: number;
}

async function coldImport(file: string | undefined): Promise<ColdImport> {
  const { code, stdout, stderr } = await runToExit(
    process.execPath,
    ['--input-type=module', '-e', PROBE, ...(file ? [new URL(`file://${file}`).href] : [])],
    { env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV } },
  );
  if (code !== 0) throw new Error(`importing ${file}: exit ${code}: ${stderr.slice(0, 500)}`);
  const [ms, cpuMs] = JSON.parse(stdout) as [number, number];
  return { ms, cpuMs };
}

const summary = (runs: ColdImport[]) => ({
  coldImportMs: round(median(runs.map((r) => r.ms)), 1),
  minMs: round(Math.min(...runs.map((r) => r.ms)), 1),
  maxMs: round(Math.max(...runs.map((r) => r.ms)), 1),
  cpuMs: round(median(runs.map((r) => r.cpuMs)), 1),
});

export async function benchBundles(options: BundleBenchOptions) {
  const bundles = (await buildBundles()).sort((a, b) => a.name.localeCompare(b.name));
  const external = await buildBundles({ outdir: `${DEFAULT_BUNDLE_DIR}-sdk-external`, external: SDK_EXTERNAL });
  const esmBuiltins = await buildBundles({ outdir: `${DEFAULT_BUNDLE_DIR}-esm-builtins`, builtinsAsImports: true });
  // Node alone, to tell its boot from the bundle's own import.
  const bare: ColdImport[] = [];
  for (let i = 0; i < options.repeats; i++) bare.push(await coldImport(undefined));
  const results = [];
  for (const bundle of bundles) {
    const other = external.find((b) => b.name === bundle.name);
    const esm = esmBuiltins.find((b) => b.name === bundle.name);
    if (!other || !esm) throw new Error(`no SDK-external or ESM-built-ins build of ${bundle.name}`);
    const runs: ColdImport[] = [];
    const otherRuns: ColdImport[] = [];
    const esmRuns: ColdImport[] = [];
    for (let i = 0; i < options.repeats; i++) {
      runs.push(await coldImport(bundle.file));
      otherRuns.push(await coldImport(other.file));
      esmRuns.push(await coldImport(esm.file));
    }
    results.push({
      name: bundle.name,
      entry: bundle.entry,
      kb: round(bundle.bytes / 1024, 1),
      ...summary(runs),
      sdkExternal: { kb: round(other.bytes / 1024, 1), ...summary(otherRuns) },
      builtinsAsImports: { kb: round(esm.bytes / 1024, 1), ...summary(esmRuns) },
    });
  }
  return {
    repeats: options.repeats,
    nodeBootMs: round(median(bare.map((r) => r.ms)), 1),
    nodeBootCpuMs: round(median(bare.map((r) => r.cpuMs)), 1),
    goalKb: BUNDLE_BUDGET_BYTES / 1024,
    goalColdImportMs: 150,
    bundles: results,
  };
}
