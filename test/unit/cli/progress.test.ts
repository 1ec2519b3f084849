// What a long drain says while it runs when stderr is no terminal (a CI log): how many events
// are left, from GET /admin/counts, until POST /admin/drain answers.
import { describe, expect, it } from 'vitest';
import { createContext } from '../../../local/cli/context.ts';
import { drainWatched } from '../../../local/cli/progress.ts';

describe('drainWatched', () => {
  it('tells the events left while the drain runs, and answers its counts', async () => {
    let stderr = '';
    const ctx = createContext(
      {
        stdout: () => {},
        stderr: (t) => {
          stderr += t;
        },
        stderrIsTTY: false,
        env: {},
      },
      () => 'http://127.0.0.1:9',
    );
    let pending = 1_000;
    let finish: (counts: Record<string, number>) => void = () => {};
    const client = {
      json: async <T>(method: string, path: string): Promise<T> => {
        if (method === 'GET' && path === '/admin/counts') {
          pending = Math.max(0, pending - 250);
          if (pending === 0) setTimeout(() => finish({ applied: 1_000, pending: 0 }), 5);
          return { accepted: 1_000, pending } as T;
        }
        return new Promise<T>((resolve) => {
          finish = resolve as typeof finish;
        });
      },
    };
    const { counts, seconds } = await drainWatched(ctx, client, { pollMs: 5, logEveryMs: 0 });
    expect(counts).toEqual({ applied: 1_000, pending: 0 });
    expect(seconds).toBeGreaterThan(0);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^draining: 0\/750 events, \d[\d,]* events\/s, 750 left$/);
    expect(lines.at(-1)).toMatch(/^draining: 750\/750 events, [\d,]+ events\/s, 0 left$/);
  });
});
