// The Lambda bundles: NodejsFunction builds them with the local esbuild (no Docker), exactly as
// `buildBundles` does for the bench, within the size budget, and each loads on plain Node 22
// on its own: the AWS SDK is bundled in, nothing is left to the Lambda runtime.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_BUDGET_BYTES,
  type BuiltBundle,
  buildBundles,
  formatBundleReport,
  stagedBundles,
} from '../../infra/bundles.ts';
import { BUNDLE_FILE, esbuildOptions, lambdaEntries } from '../../infra/bundling.ts';
import { billingApp } from './billing-app.ts';

let staged: BuiltBundle[];
let built: BuiltBundle[];
let outdir: string;

beforeAll(async () => {
  // Outside the repository: no node_modules above the bundles to resolve a package they left out.
  outdir = mkdtempSync(join(tmpdir(), 'infra-test-bundles-'));
  const { app, stack } = billingApp({ bundle: true });
  staged = stagedBundles(
    stack.functions.map((fn) => fn.stagedBundle()),
    app.outdir,
  );
  built = await buildBundles({ outdir });
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  it('are built by NodejsFunction for every entry, byte for byte as buildBundles builds them', () => {
    const names = lambdaEntries()
      .map((e) => e.name)
      .sort();
    expect(staged.map((s) => s.name).sort()).toEqual(names);
    expect(built.map((b) => b.name).sort()).toEqual(names);
    for (const bundle of built) {
      const deployed = staged.find((s) => s.name === bundle.name);
      expect(bundle.bytes, bundle.name).toBe(deployed?.bytes);
      // Equal only if the sources did not change between the two builds, as in CI.
      expect(readFileSync(bundle.file, 'utf8') === readFileSync(deployed?.file ?? '', 'utf8'), bundle.name).toBe(true);
    }
  });

  it(`stay within ${BUNDLE_BUDGET_BYTES / 1024} KB minified each`, () => {
    const over = built.filter((b) => b.bytes > BUNDLE_BUDGET_BYTES).map((b) => `${b.name}: ${b.bytes} bytes`);
    expect(over, formatBundleReport(built)).toEqual([]);
  });

  it('leave out no package, the AWS SDK included: all they import is Node built-ins', async () => {
    for (const { name, entry } of lambdaEntries()) {
      const { metafile } = await build({
        ...esbuildOptions(entry, join(outdir, 'metafile', name, BUNDLE_FILE)),
        metafile: true,
        write: false,
      });
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
      // A package left out would be looked for in the Lambda's /var/runtime/node_modules.
      const leftOut = (output?.imports ?? [])
        .filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path))
        .map((i) => i.path);
      expect(leftOut, name).toEqual([]);
    }
  });

  it('are ES modules that load their handler on plain Node, away from any node_modules', () => {
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'ap-northeast-1',
      TABLE_NAME: 'billing',
      EVENT_BUS_NAME: 'device-supply',
      CLOSE_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/000000000000/close',
      EXPORT_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/000000000000/export',
      EXPORT_BUCKET_NAME: 'billing-exports',
      CONSUMER_QUEUE_URLS: '{}',
    };
    const loader = 'const m = await import(process.argv[1]); process.stdout.write(typeof m.handler);';
    for (const bundle of built) {
      expect(
        execFileSync(process.execPath, ['--input-type=module', '-e', loader, bundle.file], { env, encoding: 'utf8' }),
        bundle.name,
      ).toBe('function');
    }
  });

  it('are reported largest first, with those over budget marked', () => {
    const report = formatBundleReport([
      { name: 'small', entry: 'functions/small.ts', bytes: 10 * 1024 },
      { name: 'large', entry: 'functions/large.ts', bytes: BUNDLE_BUDGET_BYTES + 1 },
    ]);
    const lines = report.split('\n');
    expect(lines[1]).toMatch(new RegExp(`^\\s+large\\s+${BUNDLE_BUDGET_BYTES / 1024}\\.0 KB\\s+over budget$`));
    expect(lines[2]).toMatch(/^\s+small\s+10\.0 KB$/);
  });
});
