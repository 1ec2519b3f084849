// Published decisions and their revisions (contract §2): an order rejection, a claim's
// adjudication and a penalty are each keyed by a stable id; a decision is published with
// `revision` 1, and again, whole, with `revision` + 1 whenever a re-derivation in business
// order changes it. The aggregate keeps a short hash of what it last published per id.

import { type OrderRejectionCode, PENALTY_KINDS, type PenaltyKind } from '../schemas/outbound.ts';
import { invariant } from './invariant.ts';
import { entryIdOf } from './ledger.ts';
import { getOwn, setOwn } from './records.ts';
import type { ClaimState, CustomerState, EmittedDetail, EmittedEvent, LedgerEntry } from './types.ts';

const PENALTY_ID_PART: Readonly<Record<PenaltyKind, string>> = {
  late_return_penalty: 'penalty',
  loaner_charge: 'loaner',
  reexchange_charge: 'reexchange',
};

/** The decision id of a claim's penalty, loaner or re-exchange charge: one per claim and kind (contract §2). */
export function penaltyDecisionId(customerId: string, claimId: string, kind: PenaltyKind): string {
  return `PenaltyAssessed/${customerId}/${entryIdOf(PENALTY_ID_PART[kind], claimId)}`;
}

const REVISED: ReadonlySet<EmittedEvent['detailType']> = new Set([
  'OrderRejected',
  'ClaimAdjudicated',
  'PenaltyAssessed',
]);

/** FNV-1a over a value's JSON, twice with different seeds: 16 hex digits, enough to tell a change. */
export function hashOf(value: unknown): string {
  const text = JSON.stringify(value);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The revision a decision id was last published with (0 if never). */
export function publishedRevision(state: CustomerState, id: string): number {
  const seen = getOwn(state.published ?? {}, id);
  return seen === undefined ? 0 : Number(seen.slice(0, seen.indexOf(':')));
}

/**
 * Gives each decision in `emitted` its revision and records it in `state` (a draft): a
 * decision published before with the same detail is dropped, a changed one gets the next
 * revision. Other events (StatementClosed) pass as they are.
 */
export function stampRevisions(state: CustomerState, emitted: readonly EmittedEvent[]): EmittedEvent[] {
  const out: EmittedEvent[] = [];
  for (const event of emitted) {
    if (!REVISED.has(event.detailType)) {
      out.push(event);
      continue;
    }
    const { revision: _ignored, ...detail } = event.detail as { revision?: number };
    const hash = hashOf(detail);
    const seen = getOwn(state.published ?? {}, event.id);
    if (seen !== undefined && seen.slice(seen.indexOf(':') + 1) === hash) continue;
    const revision = publishedRevision(state, event.id) + 1;
    state.published = { ...(state.published ?? {}) };
    setOwn(state.published, event.id, `${revision}:${hash}`);
    out.push({ ...event, detail: { ...event.detail, revision } } as EmittedEvent);
  }
  return out;
}

export function claimDecision(customerId: string, claim: ClaimState): EmittedEvent {
  const detail: EmittedDetail<'ClaimAdjudicated'> = {
    claimId: claim.claimId,
    customerId,
    deviceId: claim.deviceId,
    decision: claim.decision,
    feeYen: claim.feeYen,
  };
  if (claim.reason) detail.reason = claim.reason;
  if (claim.basis) detail.basis = claim.basis;
  if (claim.useNumber !== undefined) detail.useNumber = useNumberOf(claim.useNumber);
  return { id: `ClaimAdjudicated/${claim.claimId}`, detailType: 'ClaimAdjudicated', detail };
}

/** A counted use is the 1st or 2nd of its coverage year (USES_PER_COVERAGE_YEAR, contract §2). */
function useNumberOf(useNumber: number): 1 | 2 {
  invariant(useNumber === 1 || useNumber === 2, `a counted use is 1 or 2, not ${useNumber}`);
  return useNumber;
}

export function orderDecision(
  customerId: string,
  orderId: string,
  reasons: readonly OrderRejectionCode[],
  sourceEventId: string,
): EmittedEvent {
  return {
    id: `OrderRejected/${orderId}`,
    detailType: 'OrderRejected',
    detail: { orderId, customerId, reasons: [...reasons], sourceEventId },
  };
}

/** What the actual ledger holds for a claim's penalty or loaner charge (after the corrections). */
export interface ChargeLookup {
  /** The live charge, if it is still owed. */
  live(claimId: string, kind: PenaltyKind): LedgerEntry | undefined;
  /** The latest charge ever billed for it, live or credited. */
  lastBilled(claimId: string, kind: PenaltyKind): LedgerEntry | undefined;
}

/**
 * Every decision the derived state implies, for `stampRevisions` to compare with what was
 * published: each claim's adjudication, each rejected order (and, with `reasons: []`, each
 * order once rejected that now stands), each penalty or loaner charge owed (and, with
 * `amountYen: 0`, each one published before and no longer owed, in the month it was billed).
 * A charge's billing month is that of its entry in the actual ledger.
 */
export function derivedDecisions(state: CustomerState, charges: ChargeLookup): EmittedEvent[] {
  const out: EmittedEvent[] = [];
  const { customerId } = state;
  for (const order of Object.values(state.orders)) {
    if (order.status === 'rejected')
      out.push(orderDecision(customerId, order.orderId, order.reasons ?? [], order.placedBy ?? ''));
    else if (publishedRevision(state, `OrderRejected/${order.orderId}`) > 0)
      out.push(orderDecision(customerId, order.orderId, [], order.placedBy ?? ''));
  }
  for (const claim of Object.values(state.claims)) {
    out.push(claimDecision(customerId, claim));
    for (const kind of PENALTY_KINDS) {
      const id = penaltyDecisionId(customerId, claim.claimId, kind);
      const live = charges.live(claim.claimId, kind);
      const entry = live ?? (publishedRevision(state, id) > 0 ? charges.lastBilled(claim.claimId, kind) : undefined);
      if (!entry) continue;
      // A charge no longer owed is published in the business month it belonged to (as `returns.ts` does).
      const billingMonth = live ? live.billingMonth : (entry.forMonth ?? entry.billingMonth);
      out.push({
        id,
        detailType: 'PenaltyAssessed',
        detail: {
          customerId,
          deviceId: claim.deviceId,
          claimId: claim.claimId,
          kind,
          amountYen: live ? live.amountYen : 0,
          billingMonth,
        },
      });
    }
  }
  return out;
}
