#!/usr/bin/env node
// `npx billing …`: runs dist/cli.js, the CLI (local/cli.ts) built into plain JavaScript by
// bin/build-cli.js, which `npm install` and `npm ci` run (the `prepare` script). A source
// edited since the build is noticed (a few stat calls, under a millisecond) and the CLI rebuilt
// first (0.2–1 s), with a note; never is an old build run for new sources. Without
// esbuild (installed without devDependencies) it runs the sources through tsx, with a note.
import nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { buildCli, buildFailure, CLI_BUNDLE, staleReason } from './build-cli.js';

// V8's compiled code of the bundle, kept on disk (in the OS's temporary directory) for the next
// command: about 15 ms less per command, measured; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// (Node 22.1 and later: an older Node, say the system's outside npm, runs without it.)
nodeModule.enableCompileCache?.();

const say = (line) => process.stderr.write(`billing: ${line}\n`);

/** 'built', or 'no esbuild' when it cannot be loaded; a source that does not build exits. */
async function rebuild(reason) {
  const started = performance.now();
  try {
    await buildCli();
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return 'no esbuild';
    say(`cannot build dist/cli.js: ${buildFailure(error)}`);
    process.exit(1);
  }
  say(`built dist/cli.js first (${reason}), ${Math.round(performance.now() - started)} ms`);
  return 'built';
}

const stale = staleReason();
if (stale === undefined || (await rebuild(stale)) === 'built') {
  await import(pathToFileURL(CLI_BUNDLE).href);
} else {
  say('esbuild is not installed, so dist/cli.js cannot be built: running local/cli.ts through tsx (slower)');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../local/cli.ts');
}
