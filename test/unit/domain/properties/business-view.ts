// What billing rules §0 and invariant 4 make independent of arrival order: the ledger's net per
// obligation per business month (an entry's business month is `forMonth ?? billingMonth`) and
// each decision's last revision. Which statement a late amount lands on, and under which entry
// id, depend on when it became known, so they are not part of this view. Shared by the
// business-order property test and the reliability harness (test/reliability/harness/compare.ts).
import type { LedgerEntry } from '#shared/domain/index.ts';
import { obligationOf } from './arbitraries.ts';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `obligation @ business month` and what it nets to; nets of 0 are left out. */
export function netByBusinessMonth(ledger: readonly LedgerEntry[]): [string, number][] {
  const sums = new Map<string, number>();
  for (const e of ledger) {
    const key = `${obligationOf(e)} @ ${e.forMonth ?? e.billingMonth}`;
    sums.set(key, (sums.get(key) ?? 0) + e.amountYen);
  }
  return [...sums].filter(([, net]) => net !== 0).sort(([a], [b]) => cmp(a, b));
}

/** One publication of a decision: its stable id (without the `#N` of a revision's eventId) and detail. */
export interface Publication {
  id: string;
  detail: Record<string, unknown>;
}

const DECISION_TYPES = ['OrderRejected/', 'ClaimAdjudicated/', 'PenaltyAssessed/'];
const isDecision = (id: string): boolean => DECISION_TYPES.some((t) => id.startsWith(t));

/** A decision that no longer stands: a penalty revised to 0 yen, a rejection revised to no reasons. */
function withdrawn(id: string, detail: Record<string, unknown>): boolean {
  if (id.startsWith('PenaltyAssessed/')) return detail.amountYen === 0;
  if (id.startsWith('OrderRejected/')) return Array.isArray(detail.reasons) && detail.reasons.length === 0;
  return false;
}

/**
 * Each decision's highest revision, without `revision` and `eventId` (they count how often it
 * changed, which depends on the arrival order), sorted by id. A decision that no longer stands
 * is left out: one arrival order may have published and withdrawn it, another never.
 */
export function finalDecisions(
  publications: Iterable<Publication>,
  omit: readonly string[] = [],
): [string, Record<string, unknown>][] {
  const last = new Map<string, Record<string, unknown>>();
  for (const { id, detail } of publications) {
    if (!isDecision(id)) continue;
    const seen = last.get(id);
    if (!seen || Number(detail.revision) > Number(seen.revision)) last.set(id, detail);
  }
  const out: [string, Record<string, unknown>][] = [];
  for (const [id, detail] of last) {
    if (withdrawn(id, detail)) continue;
    const kept = Object.fromEntries(
      Object.entries(detail).filter(([k]) => k !== 'revision' && k !== 'eventId' && !omit.includes(k)),
    );
    out.push([id, kept]);
  }
  return out.sort(([a], [b]) => cmp(a, b));
}

/** Decisions whose revisions are not exactly 1, 2, … N (one skipped or published under two contents). */
export function revisionGaps(publications: Iterable<Publication>): string[] {
  const revisions = new Map<string, Map<number, string>>();
  const faults: string[] = [];
  for (const { id, detail } of publications) {
    if (!isDecision(id)) continue;
    const own = revisions.get(id) ?? new Map<number, string>();
    revisions.set(id, own);
    const revision = Number(detail.revision);
    const content = JSON.stringify(
      Object.entries(detail)
        .filter(([k]) => k !== 'eventId')
        .sort(([a], [b]) => cmp(a, b)),
    );
    if (own.has(revision) && own.get(revision) !== content)
      faults.push(`${id} revision ${revision} published with two contents`);
    own.set(revision, content);
  }
  for (const [id, own] of revisions) {
    const max = Math.max(...own.keys());
    if (own.size !== max) faults.push(`${id}: revisions ${[...own.keys()].sort((a, b) => a - b).join(', ')}`);
  }
  return faults;
}

/** Entry ids that occur more than once in a ledger (in any billing month). */
export function idsWrittenTwice(ledger: readonly LedgerEntry[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const e of ledger) (seen.has(e.entryId) ? twice : seen).add(e.entryId);
  return [...twice];
}

/**
 * Credits whose `reverses` names no entry of the ledger; with `inOrder` (the ledger as it was
 * written), none written before the credit.
 */
export function danglingCredits(ledger: readonly LedgerEntry[], inOrder: boolean): string[] {
  const all = new Set(ledger.map((e) => e.entryId));
  const before = new Set<string>();
  const out: string[] = [];
  for (const e of ledger) {
    if (e.reverses !== undefined && !(inOrder ? before : all).has(e.reverses))
      out.push(`${e.entryId} reverses ${e.reverses}`);
    before.add(e.entryId);
  }
  return out;
}
