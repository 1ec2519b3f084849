// The Lambda bundles: NodejsFunction builds them with the local esbuild (no Docker), exactly as
// `buildBundles` does for the bench, within the size budget, and each loads on plain Node 22
// on its own: the AWS SDK is bundled in, nothing is left to the Lambda runtime, and the Node
// built-ins come through infra/node-builtins/. Three of them then bill a claim and answer
// finance against a real table and bus, through the SDK they carry.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { startBusCapture } from '#test/support/bus-capture.ts';
import { LOCAL_CREDENTIALS, startTestStore } from '#test/support/dynamo.ts';
import { claimFiled, event, jst, orderPlaced } from '#test/support/scenario.ts';
import { busEventBody, sqsEvent, sqsRecord } from '#test/support/sqs.ts';
import {
  BUNDLE_BUDGET_BYTES,
  type BuiltBundle,
  buildBundles,
  formatBundleReport,
  stagedBundles,
} from '../../infra/bundles.ts';
import {
  BUNDLE_FILE,
  BUNDLED_BUILTINS,
  builtinShimFile,
  esbuildOptions,
  lambdaEntries,
  REPO_ROOT,
} from '../../infra/bundling.ts';
import { billingApp } from './billing-app.ts';

const metafiles = new Map<string, Promise<Metafile>>();
/** The entry's build with the stack's settings, as esbuild describes it (built once per file). */
function metafileOf(name: string): Promise<Metafile> {
  const entry = lambdaEntries().find((e) => e.name === name)?.entry ?? '';
  if (!metafiles.has(name))
    metafiles.set(
      name,
      build({
        ...esbuildOptions(entry, join(outdir, 'metafile', name, BUNDLE_FILE)),
        metafile: true,
        write: false,
      }).then((result) => result.metafile),
    );
  return metafiles.get(name) as Promise<Metafile>;
}

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

  it('import nothing: no package (the AWS SDK included) and no Node built-in as an ES module', async () => {
    for (const { name } of lambdaEntries()) {
      const output = Object.values((await metafileOf(name)).outputs).find((o) => o.entryPoint);
      // A package left out would be looked for in the Lambda's /var/runtime/node_modules; a
      // built-in imported as an ES module costs its facade (infra/bundling.ts).
      const imported = (output?.imports ?? []).filter((i) => i.external).map((i) => i.path);
      expect(
        imported,
        `${name}: a new built-in goes in BUNDLED_BUILTINS (infra/bundling.ts) with its file ${builtinShimFile('<name>')}`,
      ).toEqual([]);
    }
  });

  it('take each built-in from its file of infra/node-builtins/, which is the built-in itself and used', async () => {
    const require = createRequire(join(REPO_ROOT, 'package.json'));
    const used = new Set<string>();
    for (const { name } of lambdaEntries())
      for (const input of Object.keys((await metafileOf(name)).inputs)) used.add(`./${input}`);
    for (const builtin of BUNDLED_BUILTINS) {
      expect(require(join(REPO_ROOT, builtinShimFile(builtin))), builtin).toBe(process.getBuiltinModule(builtin));
      expect(used.has(builtinShimFile(builtin)), `no bundle imports ${builtin}: drop it from BUNDLED_BUILTINS`).toBe(
        true,
      );
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

/** Runs a bundle's handler in a Node process of its own, as Lambda would: event in, result out. */
async function invokeBundle(name: string, lambdaEvent: unknown, env: Record<string, string>): Promise<any> {
  const bundle = built.find((b) => b.name === name);
  if (!bundle) throw new Error(`no bundle ${name}`);
  const context = { functionName: name, awsRequestId: `test-${name}` };
  const invoker = `const { handler } = await import(process.argv[1]);
    const context = { ...JSON.parse(process.argv[3]), getRemainingTimeInMillis: () => 30000 };
    process.stdout.write(JSON.stringify(await handler(JSON.parse(process.argv[2]), context)));`;
  // Not execFileSync: the table and the bus answer from this process's event loop.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', invoker, bundle.file, JSON.stringify(lambdaEvent), JSON.stringify(context)],
    { env },
  );
  return JSON.parse(stdout);
}

describe('Lambda bundles at work', () => {
  it('ingest-orders and ingest-claims bill a claim, and finance-api finds its customer, through the SDK they carry', async () => {
    const db = await startTestStore();
    const bus = await startBusCapture();
    try {
      // The SDK's own settings point the clients at the table and the bus (no code path of ours).
      const env = {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'ap-northeast-1',
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
        TABLE_NAME: db.tableName,
        EVENT_BUS_NAME: 'device-supply',
        EXPORT_BUCKET_NAME: 'billing-exports',
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      };
      const customerId = 'Bundle-1';
      const orderId = 'BUNDLE-O1';
      const ingest = (name: string, events: ReturnType<typeof event>[]) =>
        invokeBundle(name, sqsEvent(events.map((e) => sqsRecord(busEventBody(e)))), env);
      const delivered = [
        orderPlaced(jst('2026-01-05'), [{ deviceId: 'D1', months: 24, protectionFeeYen: 418 }], {
          customerId,
          orderId,
        }),
        event('DeviceDelivered', { customerId, occurredAt: jst('2026-01-10'), orderId, deviceId: 'D1' }),
      ];
      for (const e of delivered) expect(await ingest('ingest-orders', [e])).toEqual({ batchItemFailures: [] });
      expect(await ingest('ingest-claims', [claimFiled(customerId, 'K1', '2026-03-01')])).toEqual({
        batchItemFailures: [],
      });

      expect(await new LedgerReads(db.doc, db.tableName).customerEntries(customerId)).toContainEqual(
        expect.objectContaining({ entryId: 'fee/K1', kind: 'exchange_fee', amountYen: 5_500 }),
      );
      expect(bus.details('ClaimAdjudicated')).toMatchObject([{ claimId: 'K1', customerId, feeYen: 5_500 }]);
      const search = await invokeBundle(
        'finance-api',
        {
          httpMethod: 'GET',
          path: '/customers',
          multiValueQueryStringParameters: { prefix: ['bundle'] },
          requestContext: { requestId: 'bundle-search' },
        },
        env,
      );
      expect(search.statusCode, search.body).toBe(200);
      expect(JSON.parse(search.body).customers.map((c: { customerId: string }) => c.customerId)).toEqual([customerId]);
    } finally {
      await bus.stop();
      await db.stop();
    }
  });
});
