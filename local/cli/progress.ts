// What a long `send` or `drain` shows while it runs: on a terminal a bar with the rate and the
// time left (cli-progress), elsewhere (a CI log, a pipe) a line every 10 s, so that neither
// sits silent for a minute.
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { CliContext } from './context.ts';
import type { StackClient } from './stack-client.ts';

/** A rate as people read it: "2,345 events/s". */
export const perSecond = (count: number, seconds: number): string =>
  `${Math.round(count / Math.max(seconds, 0.001)).toLocaleString('en-US')} events/s`;

/** A duration as the summary lines say it: "0.04 s", "2.5 s". */
export const formatSeconds = (seconds: number): string => `${seconds.toFixed(seconds < 1 ? 2 : 1)} s`;

/** Seconds since `started` (a `performance.now()`). */
export const secondsSince = (started: number): number => (performance.now() - started) / 1000;

/** How often a log without a terminal hears of a drain still running. */
const LOG_EVERY_MS = 10_000;
/** How often a drain asks the stack how many events are left. */
const POLL_MS = 250;

export interface Progress {
  /** `done` of `total` so far, with what the line says about it. */
  update(done: number, total: number, note?: string): void;
  stop(): void;
}

/**
 * A bar on stderr when it is a terminal (the bar draws on the real stream), else a line to
 * stderr every 10 s through the context; `label` is what it does, e.g. "sending".
 */
export function progress(ctx: CliContext, label: string, unit: string, logEveryMs = LOG_EVERY_MS): Progress {
  const started = performance.now();
  if (ctx.io.stderrIsTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {value}/{total} ${unit} · {rate} · ETA {eta_formatted}{note}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(done, total, note = '') {
        const payload = { rate: perSecond(done, secondsSince(started)), note: note ? ` · ${note}` : '' };
        if (!begun) {
          bar.start(total, done, payload);
          begun = true;
        } else {
          bar.setTotal(total);
          bar.update(done, payload);
        }
      },
      stop: () => {
        if (begun) bar.stop();
      },
    };
  }
  let lastLog = started;
  return {
    update(done, total, note) {
      if (performance.now() - lastLog < logEveryMs) return;
      lastLog = performance.now();
      ctx.note(
        `${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}, ${perSecond(done, secondsSince(started))}${note ? `, ${note}` : ''}`,
      );
    },
    stop: () => {},
  };
}

export type Counts = Record<string, number>;

/**
 * `POST /admin/drain`, watched: while the stack drains, `GET /admin/counts` says how many
 * events are still queued (`pending`), which the progress shows as events left. Answers the
 * drain's counts and how long it took.
 */
export async function drainWatched(
  ctx: CliContext,
  client: Pick<StackClient, 'json'>,
  timing: { pollMs?: number; logEveryMs?: number } = {},
): Promise<{ counts: Counts; seconds: number }> {
  const started = performance.now();
  const shown = progress(ctx, 'draining', 'events', timing.logEveryMs);
  let finished = false;
  // Ends the watch's wait at once when the drain answers, rather than a poll later.
  const done = new AbortController();
  let most = 0;
  const watch = (async () => {
    while (!finished) {
      await sleep(timing.pollMs ?? POLL_MS, undefined, { signal: done.signal }).catch(() => undefined);
      if (finished) return;
      const counts = await client.json<Counts>('GET', '/admin/counts').catch(() => undefined);
      if (finished || !counts) continue;
      most = Math.max(most, counts.pending ?? 0);
      if (most > 0)
        shown.update(most - (counts.pending ?? 0), most, `${(counts.pending ?? 0).toLocaleString('en-US')} left`);
    }
  })();
  try {
    const counts = await client.json<Counts>('POST', '/admin/drain');
    return { counts, seconds: secondsSince(started) };
  } finally {
    finished = true;
    done.abort();
    await watch;
    shown.stop();
  }
}
