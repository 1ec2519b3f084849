// Types of bin/build-cli.js (plain JavaScript, as it runs before anything is built) for the
// TypeScript that calls it: the tests' global setup and the bench.
import type { BuildOptions } from 'esbuild';

export const ROOT: string;
export const CLI_ENTRY: string;
export const CLI_BUNDLE: string;
/** Why dist/cli.js is not the build of the sources as they are, or undefined when it is. */
export function staleReason(): string | undefined;
export function cliBuildOptions(): BuildOptions & { write: false; metafile: true };
/** Builds dist/cli.js (and its source map); returns its size. */
export function buildCli(): Promise<{ bytes: number }>;
export function buildFailure(error: unknown): string;
