// `POST /admin/dead-letters/purge`: deletes dead letters where no TTL does (dynalite), as the
// table's TTL does in the cloud after DEAD_LETTER_RETENTION_DAYS. By default those older than
// that, on the stack's clock; `olderThanDays` for another age, `all` for every one; `dryRun`
// names them and deletes nothing (`billing dead-letters purge` without --yes).
import { DEAD_LETTER_RETENTION_DAYS } from '#shared/domain/policy.ts';
import type { DeadLetterStore, PurgeSelection } from '#shared/store/dead-letters.ts';

const DAY_MS = 86_400_000;

export interface PurgeAnswer {
  /** How many were deleted, or would be with `dryRun`. */
  purged: number;
  ids: string[];
  dryRun: boolean;
  /** The cutoff: letters written before it are purged (absent with `all`). */
  writtenBefore?: string;
}

export type PurgeRequestResult = { ok: true; answer: PurgeAnswer } | { ok: false; message: string };

const USAGE =
  'body must be {} (older than the retention), {"olderThanDays": N} or {"all": true}, with "dryRun": true to only list them';

const own = (body: unknown, name: string): unknown =>
  body !== null && typeof body === 'object' && Object.hasOwn(body, name)
    ? (body as Record<string, unknown>)[name]
    : undefined;

export async function purgeDeadLetters(
  store: DeadLetterStore,
  body: unknown,
  now: string,
): Promise<PurgeRequestResult> {
  const all = own(body, 'all');
  const days = own(body, 'olderThanDays');
  const dryRun = own(body, 'dryRun');
  if (all !== undefined && typeof all !== 'boolean') return { ok: false, message: USAGE };
  if (dryRun !== undefined && typeof dryRun !== 'boolean') return { ok: false, message: USAGE };
  if (days !== undefined && !(typeof days === 'number' && Number.isSafeInteger(days) && days >= 0))
    return { ok: false, message: `olderThanDays must be a whole number of days, 0 or more; ${USAGE}` };
  if (all === true && days !== undefined)
    return { ok: false, message: `all and olderThanDays exclude each other; ${USAGE}` };
  let selection: PurgeSelection;
  let writtenBefore: string | undefined;
  if (all === true) selection = { all: true };
  else {
    writtenBefore = new Date(
      Date.parse(now) - ((days as number | undefined) ?? DEAD_LETTER_RETENTION_DAYS) * DAY_MS,
    ).toISOString();
    selection = { writtenBefore };
  }
  const ids = dryRun === true ? await store.purgeable(selection) : await store.purge(selection);
  return {
    ok: true,
    answer: { purged: ids.length, ids, dryRun: dryRun === true, ...(writtenBefore ? { writtenBefore } : {}) },
  };
}
