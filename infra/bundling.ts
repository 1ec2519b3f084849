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
 * The bundle is ESM, which has no `require`, but some dependencies are CommonJS: their static
 * `require` of a built-in is bundled (BUNDLED_BUILTINS below), and this one, made at the top of
 * the bundle, answers any other `require` they make at run time.
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";
/**
 * The Node built-ins the bundled code imports, each bundled as a one-line CommonJS module of
 * infra/node-builtins/ (`module.exports = process.getBuiltinModule(…)`) in place of the ESM
 * `import` esbuild would otherwise leave in the bundle. Importing a built-in from ESM makes Node
 * build a module facade that reads every export, and node:http's exports include lazy ones that
 * load its fetch implementation (undici), which no handler uses: 2–20 % of a cold start,
 * measured side by side (docs/performance.md §5). test/infra/bundles.test.ts fails, naming the
 * file to add, when a bundle imports a built-in that is not here.
 */
export const BUNDLED_BUILTINS = [
  'async_hooks',
  'buffer',
  'child_process',
  'console',
  'crypto',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'os',
  'path',
  'process',
  'stream',
  'stream/promises',
  'timers',
  'util',
  'zlib',
] as const;

/**
 * Relative to the repository root: esbuild resolves an alias from its working directory, which
 * is the root for both callers (absWorkingDir below; NodejsFunction runs the local esbuild in
 * its project root). NodejsFunction's Docker build, never used here, would not find them.
 */
export const builtinShimFile = (name: string): string => `./infra/node-builtins/${name.replace('/', '-')}.cjs`;

/** `http` and `node:http` alike, as dependencies write both. */
const BUILTIN_ALIASES: Record<string, string> = Object.fromEntries(
  BUNDLED_BUILTINS.flatMap((name) => [
    [name, builtinShimFile(name)],
    [`node:${name}`, builtinShimFile(name)],
  ]),
);

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
    esbuildArgs: { '--alias': Object.entries(BUILTIN_ALIASES).map(([name, file]) => `${name}=${file}`) },
  };
}

/** What the bench builds besides the deployed bundles, to measure each decision side by side. */
export interface BundleVariant {
  /** Replaces what is left out of the bundle (SDK_EXTERNAL: the Lambda runtime's SDK). */
  external?: string[];
  /** Leaves the Node built-ins as ES module imports (without infra/node-builtins/). */
  builtinsAsImports?: boolean;
}

/** esbuild API options equal to the command line NodejsFunction builds from `nodejsBundling()`. */
export function esbuildOptions(entry: string, outfile: string, variant: BundleVariant = {}): BuildOptions {
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
    external: variant.external ?? EXTERNAL_MODULES,
    mainFields: MAIN_FIELDS,
    banner: { js: CREATE_REQUIRE_BANNER },
    alias: variant.builtinsAsImports ? {} : BUILTIN_ALIASES,
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
