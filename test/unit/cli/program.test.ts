// The command line in-process: parsing, exit codes and what a failure says. The commands
// against a real stack are in test/e2e/cli.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../local/cli/program.ts';

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stderrIsTTY: false,
    env,
  });
  return { code, stdout, stderr };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('billing: parsing and help', () => {
  it('lists every command in its help and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'validate',
      'send',
      'statement',
      'months',
      'report',
      'clock',
      'close',
      'sweep',
      'drain',
      'waiting',
      'dead-letters',
      'redrive',
      'events',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('takes its default address from BILLING_URL', async () => {
    expect((await run(['--help'], { BILLING_URL: 'http://127.0.0.1:4321' })).stdout).toContain(
      '(default: "http://127.0.0.1:4321")',
    );
  });

  it('refuses an unknown command, a malformed month or timestamp, and a bad --url, with exit 1', async () => {
    const unknown = await run(['frobnicate']);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining("unknown command 'frobnicate'")]);
    const month = await run(['statement', 'C1', '2026-13']);
    expect([month.code, month.stderr]).toEqual([1, expect.stringContaining('expected a month YYYY-MM')]);
    const clock = await run(['clock', '2026-12-01 09:00']);
    expect([clock.code, clock.stderr]).toEqual([1, expect.stringContaining('expected an ISO timestamp with a zone')]);
    const url = await run(['--url', 'localhost', 'sweep']);
    expect([url.code, url.stderr]).toEqual([1, expect.stringContaining('--url must be an http(s) URL')]);
  });

  it('answers a malformed --url (or BILLING_URL) with one line and no stack trace, for send too', async () => {
    const examples = new URL('../../../examples/fiscal-year-2026.ndjson', import.meta.url).pathname;
    const line = 'error: --url must be an http(s) URL such as http://127.0.0.1:3000, got "notaurl"\n';
    for (const [args, env] of [
      [['--url', 'notaurl', 'send', examples, '--drain'], {}],
      [['--url', 'notaurl', 'drain'], {}],
      [['statement', 'C1', '2026-10'], { BILLING_URL: 'notaurl' }],
    ] as const) {
      const { code, stdout, stderr } = await run([...args], env);
      expect([code, stdout, stderr]).toEqual([1, '', line]);
    }
  });

  it('says which file it cannot read', async () => {
    const { code, stderr } = await run(['send', '/nonexistent/events.ndjson']);
    expect(code).toBe(1);
    expect(stderr).toBe('error: cannot read /nonexistent/events.ndjson: ENOENT\n');
  });
});

describe('billing: when the stack is not there or says no', () => {
  let closedUrl: string;
  let fakeUrl: string;
  const fake = createServer((req, res) => {
    if (req.url?.startsWith('/customers/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'NOT_FOUND', message: 'no statement for customer C1 in 2026-10' }));
    } else {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<h1>Bad Gateway</h1>');
    }
  });

  beforeAll(async () => {
    // A port that was free a moment ago and has nothing listening now.
    const probe = createServer();
    closedUrl = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    fakeUrl = await listen(fake);
  });
  afterAll(() => new Promise((resolve) => fake.close(resolve)));

  it('tells the user to start the stack, for reads and for send alike', async () => {
    const read = await run(['--url', closedUrl, 'statement', 'C1', '2026-10']);
    expect(read.code).toBe(1);
    expect(read.stderr).toBe(`error: no billing stack at ${closedUrl} — start it with npm start (ECONNREFUSED)\n`);
    const send = await run([
      '--url',
      closedUrl,
      'send',
      new URL('../../../examples/fiscal-year-2026.ndjson', import.meta.url).pathname,
    ]);
    expect(send.code).toBe(1);
    expect(send.stderr).toBe(`error: no billing stack at ${closedUrl} — start it with npm start (ECONNREFUSED)\n`);
  });

  it("prints the API's error code and message, and exits 1", async () => {
    const { code, stdout, stderr } = await run(['--url', fakeUrl, 'statement', 'C1', '2026-10']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('error: NOT_FOUND (HTTP 404): no statement for customer C1 in 2026-10\n');
  });

  it('names the HTTP status when something other than the stack answers', async () => {
    const { code, stderr } = await run(['--url', fakeUrl, 'report', '2026-10']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: ${fakeUrl} is not a billing stack: GET /reports/2026-10 answered HTTP 502 (text/html): <h1>Bad Gateway</h1>; start one with npm start, or give its address with --url\n`,
    );
  });

  it('sends nothing to a server that is not a billing stack, and says so in one line', async () => {
    const examples = new URL('../../../examples/fiscal-year-2026.ndjson', import.meta.url).pathname;
    const { code, stdout, stderr } = await run(['--url', fakeUrl, 'send', examples, '--drain']);
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr.split('\n')).toEqual([
      `error: ${fakeUrl} is not a billing stack: GET /admin/counts answered HTTP 502 (text/html): <h1>Bad Gateway</h1>; start one with npm start, or give its address with --url`,
      '',
    ]);
  });
});
