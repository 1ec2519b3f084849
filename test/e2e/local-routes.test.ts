// The local stack routes on the path as the client sent it: a path with dot segments, raw or
// percent-encoded, is refused, never routed to where URL parsing would resolve it (the admin
// operations least of all). Raw HTTP, since fetch and new URL() resolve the dots first.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '#test/support/local-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/** One request with the path exactly as given: fetch and new URL() would resolve its dots first. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const { hostname, port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.once('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('routing on the raw path', () => {
  it('answers a path with dot segments, raw or percent-encoded, 400 and never with an admin operation', async () => {
    const paths = [
      '/customers/../admin/dead-letters',
      '/customers/%2e%2e/admin/dead-letters',
      '/customers/%2E%2E/admin/dead-letters',
      '/customers/.%2e/admin/dead-letters',
      '/customers/%2e./admin/dead-letters',
      '/customers/C-1/statements/../../../admin/dead-letters',
      '/./admin/dead-letters',
      '/admin/./dead-letters',
      '/customers/..\\admin/dead-letters',
      '/reports/..%2F..%2Fadmin/x/../../admin/dead-letters',
    ];
    for (const path of paths) {
      const answer = await raw('GET', path);
      expect([path, answer.status, answer.json.error]).toEqual([path, 400, 'BAD_REQUEST']);
      expect(answer.json.message).toEqual(expect.any(String));
      expect(answer.json).not.toHaveProperty('deadLetters');
    }
    const drain = await raw('POST', '/customers/%2e%2e/admin/drain');
    expect([drain.status, drain.json.error]).toEqual([400, 'BAD_REQUEST']);
    const putEvents = await raw('POST', '/admin/..', { 'x-amz-target': 'AWSEvents.PutEvents' });
    expect([putEvents.status, putEvents.json.error]).toEqual([400, 'BAD_REQUEST']);
  });

  it('does not read a path that starts with // as a host, nor take an absolute URL as the target', async () => {
    const doubled = await raw('GET', '//admin/dead-letters');
    expect([doubled.status, doubled.json.error]).toEqual([404, 'NOT_FOUND']);
    const absolute = await raw('GET', 'http://elsewhere/admin/dead-letters');
    expect([absolute.status, absolute.json.error]).toEqual([400, 'BAD_REQUEST']);
  });

  it('still routes the paths as written: admin, finance, and a percent-encoded customer id', async () => {
    expect(await raw('GET', '/admin/dead-letters')).toEqual({ status: 200, json: { deadLetters: [] } });
    expect(await raw('GET', '/customers/C%2D1/statements')).toEqual({
      status: 200,
      json: { customerId: 'C-1', months: [] },
    });
    expect((await raw('GET', '/customers/C-1/statements/2026-13')).json.error).toBe('BAD_REQUEST');
  });
});
