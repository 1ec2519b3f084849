// `npm start` in a child process, as a newcomer runs it (tsx local/start.ts), for the tests that
// stop the stack the way an operator or a crash does: SIGTERM, SIGINT, SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once the start-up line is out; `output` is everything the child printed so far. */
export function npmStart(port: number, dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  // tsx itself, not npx, so that a signal reaches the stack as Ctrl-C's would.
  const child = spawn('node_modules/.bin/tsx', ['local/start.ts'], {
    env: { ...process.env, PORT: String(port), BILLING_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('local stack on')) resolve({ child, output: () => output });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
}

/** The exit code, or null when a signal ended the child. */
export const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
