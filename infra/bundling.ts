// How every Lambda entry is bundled, stated once: the stack hands it to NodejsFunction (which
// runs the local esbuild binary) and `buildBundles` hands the same settings to esbuild's API, so
// the sizes and import times the bench measures are those of what gets deployed.
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { ROUTES } from '#shared/routing.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** The tests and the local stack run on Node 22 (the `node` devDependency); Lambda must match. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
const TARGET = 'node22';

/**
 * Nothing is left to the runtime, the AWS SDK v3 included, though the Node 22 Lambda runtime
 * ships one: bundled, tree-shaken and minified, a function's cold import takes a third less
 * time (40 % less CPU) than with the runtime's copy (many files, every command of a client),
 * which took it over 150 ms on a busy machine (docs/performance.md §5). The bundles are 3–4
 * times larger for it, and the functions run the SDK version the tests ran, not whichever
 * the runtime has that week.
 */
const EXTERNAL_MODULES: string[] = [];
/** The alternative the bench measures side by side: the SDK left to the Lambda runtime. */
export const SDK_EXTERNAL = ['@aws-sdk/*'];
/** Prefer ESM builds of dependencies: esbuild can only tree-shake ES modules. */
const MAIN_FIELDS = ['module', 'main'];
/**
 * The bundle is ESM but some dependencies are CommonJS and call `require` for Node built-ins;
 * ESM has no `require`, so one is made at the top of the bundle.
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";
/** Lambda loads `index.mjs` as ESM by its extension, and NodejsFunction names ESM output so. */
export const BUNDLE_FILE = 'index.mjs';

export function nodejsBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: TARGET,
    minify: true,
    sourceMap: true,
    // Stack traces need the mappings, not a copy of the sources.
    sourcesContent: false,
    logLevel: LogLevel.WARNING,
    externalModules: EXTERNAL_MODULES,
    mainFields: MAIN_FIELDS,
    banner: CREATE_REQUIRE_BANNER,
  };
}

/**
 * esbuild API options equal to the command line NodejsFunction builds from `nodejsBundling()`;
 * `external` replaces what is left out of the bundle (the bench's comparison).
 */
export function esbuildOptions(entry: string, outfile: string, external = EXTERNAL_MODULES): BuildOptions {
  return {
    entryPoints: [join(REPO_ROOT, entry)],
    absWorkingDir: REPO_ROOT,
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external,
    mainFields: MAIN_FIELDS,
    banner: { js: CREATE_REQUIRE_BANNER },
    logLevel: 'warning',
  };
}

/** The entries that are not queue consumers of the routing table. */
export const OPERATION_ENTRIES = {
  closeStart: 'functions/close-start.ts',
  closeShard: 'functions/close-shard.ts',
  sweep: 'functions/sweep.ts',
  financeApi: 'functions/finance-api.ts',
  redrive: 'functions/redrive.ts',
  exportEntries: 'functions/export-entries.ts',
} as const;

export interface LambdaEntry {
  /** The entry's file name without `.ts`, e.g. `ingest-orders`. */
  name: string;
  /** Relative to the repository root, as `shared/routing.ts` names handler entries. */
  entry: string;
}

export const entryName = (entry: string): string => basename(entry, '.ts');

export function lambdaEntries(): LambdaEntry[] {
  const entries = [...ROUTES.map((route) => route.handlerEntry), ...Object.values(OPERATION_ENTRIES)];
  return entries.map((entry) => ({ name: entryName(entry), entry }));
}
