// Bundle sizes: `buildBundles` builds every Lambda entry with the stack's esbuild settings (the
// bench imports the files it writes to time cold imports); `stagedBundles` finds what
// NodejsFunction staged for the stack, whose sizes `npm run synth` prints.

import { statSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_FILE, type BundleVariant, esbuildOptions, lambdaEntries, REPO_ROOT } from './bundling.ts';

export interface BundleSize {
  /** The entry's file name without `.ts`, e.g. `ingest-orders`. */
  name: string;
  /** Relative to the repository root. */
  entry: string;
  /** Minified size of the bundle, source map excluded. */
  bytes: number;
}

export interface BuiltBundle extends BundleSize {
  /** Absolute path of the ESM bundle; its `handler` export is the Lambda handler. */
  file: string;
}

/**
 * The size goal per bundle, a guard against code that should not be there (a whole SDK client,
 * a package for one function), as the cold start grows with the code a function loads. It was
 * 250 KB while the AWS SDK was left to the Lambda runtime; since the SDK is bundled (a third
 * faster to load, infra/bundling.ts), the bundles are 389–553 KB, and the budget leaves some
 * room above that (docs/performance.md §5).
 */
export const BUNDLE_BUDGET_BYTES = 700 * 1024;

/**
 * Under node_modules so that the imports of bundles built with the SDK left external (the
 * bench's comparison) resolve when the bench imports them.
 */
export const DEFAULT_BUNDLE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'lambda-bundles');

export async function buildBundles(options: { outdir?: string } & BundleVariant = {}): Promise<BuiltBundle[]> {
  const outdir = options.outdir ?? DEFAULT_BUNDLE_DIR;
  await rm(outdir, { recursive: true, force: true });
  return Promise.all(
    lambdaEntries().map(async ({ name, entry }) => {
      const file = join(outdir, name, BUNDLE_FILE);
      await mkdir(join(outdir, name), { recursive: true });
      await build(esbuildOptions(entry, file, options));
      return { name, entry, file, bytes: (await stat(file)).size };
    }),
  );
}

/** A staged NodejsFunction asset: where the stack put the bundle of an entry. */
export interface StagedBundle {
  name: string;
  entry: string;
  /** The asset directory, absolute or relative to the cloud assembly directory. */
  assetPath: string;
}

export function stagedBundles(bundles: readonly StagedBundle[], assemblyDir: string): BuiltBundle[] {
  return bundles.map(({ name, entry, assetPath }) => {
    const file = join(resolve(assemblyDir, assetPath), BUNDLE_FILE);
    return { name, entry, file, bytes: statSync(file).size };
  });
}

export function formatBundleReport(sizes: readonly BundleSize[]): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const width = Math.max(...sizes.map((s) => s.name.length));
  const lines = [...sizes]
    .sort((a, b) => b.bytes - a.bytes)
    .map(
      (s) =>
        `  ${s.name.padEnd(width)}  ${kb(s.bytes).padStart(9)}${s.bytes > BUNDLE_BUDGET_BYTES ? '  over budget' : ''}`,
    );
  return [`Lambda bundles (minified, budget ${kb(BUNDLE_BUDGET_BYTES)} each):`, ...lines].join('\n');
}
