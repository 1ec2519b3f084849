// What the streams exercised of the rules, read from the oracle's view (the comparison holds the
// chaos run to the same): entries by kind, charges assessed by PenaltyAssessed kind, accepted
// claims by basis, events by detail-type and those dead-lettered by detail-type. A kind of entry
// or charge the streams never produced is one the comparison never checked; the full run
// (`npm run chaos`) and the test-size run fail if one of them is missing.
import { ENTRY_KINDS, type EntryKind } from '#shared/domain/index.ts';
import { INBOUND_DETAIL_TYPES, type InboundDetailType } from '#shared/schemas/inbound.ts';
import { CLAIM_BASES, PENALTY_KINDS, type PenaltyKind } from '#shared/schemas/outbound.ts';
import type { Snapshot } from './compare.ts';
import type { Timeline } from './streams.ts';

export type ClaimBasis = (typeof CLAIM_BASES)[number];

export interface Exercised {
  /** Entries billed (positive amounts), by kind. */
  entryKinds: Record<EntryKind, number>;
  /** Charges assessed (a PenaltyAssessed with an amount, any revision), by kind. */
  penaltyKinds: Record<PenaltyKind, number>;
  /** Claims whose last ClaimAdjudicated accepts them, by basis. */
  claimBases: Record<ClaimBasis, number>;
  /** Events of the streams, by detail-type. */
  events: Record<InboundDetailType, number>;
  /** Events the oracle ended with as dead letters, by detail-type. */
  deadLettered: Partial<Record<InboundDetailType, number>>;
  /**
   * Events the oracle ended with unapplied — waiting for what they name, or dead letters — by
   * detail-type: a re-exchange's ReplacementDelivered whose earlier replacement had no
   * deviceValueYen among them, whichever of the two the engine makes of it.
   */
  unapplied: Partial<Record<InboundDetailType, number>>;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function exercised(timeline: Timeline, oracle: Snapshot): Exercised {
  const out: Exercised = {
    entryKinds: zeros(ENTRY_KINDS),
    penaltyKinds: zeros(PENALTY_KINDS),
    claimBases: zeros(CLAIM_BASES),
    events: zeros(INBOUND_DETAIL_TYPES),
    deadLettered: {},
    unapplied: {},
  };
  const typeOf = new Map(timeline.events.map((e) => [e.eventId, e.inJst.detailType]));
  for (const e of timeline.events) out.events[e.inJst.detailType]++;
  for (const view of oracle.customers.values()) {
    for (const e of view.entries) if (e.amountYen > 0) out.entryKinds[e.kind]++;
    const claims = new Map<string, { revision: number; decision: string; basis?: ClaimBasis }>();
    for (const [eventId, json] of view.published) {
      const detail = JSON.parse(json) as {
        kind?: PenaltyKind;
        amountYen?: number;
        claimId?: string;
        decision?: string;
        basis?: ClaimBasis;
        revision?: number;
      };
      if (eventId.startsWith('PenaltyAssessed/') && detail.kind && (detail.amountYen ?? 0) > 0)
        out.penaltyKinds[detail.kind]++;
      if (eventId.startsWith('ClaimAdjudicated/') && detail.claimId) {
        const seen = claims.get(detail.claimId);
        if (!seen || (detail.revision ?? 0) > seen.revision)
          claims.set(detail.claimId, {
            revision: detail.revision ?? 0,
            decision: detail.decision ?? '',
            ...(detail.basis ? { basis: detail.basis } : {}),
          });
      }
    }
    for (const c of claims.values()) if (c.decision === 'accepted' && c.basis) out.claimBases[c.basis]++;
    const count = (into: Partial<Record<InboundDetailType, number>>, id: string) => {
      const type = typeOf.get(id);
      if (type) into[type] = (into[type] ?? 0) + 1;
    };
    for (const id of view.deadLettered) count(out.deadLettered, id);
    for (const id of new Set([...view.deadLettered, ...view.waiting]))
      if (!view.processed.has(id)) count(out.unapplied, id);
  }
  return out;
}

/** What the streams must have exercised for the comparison to have checked the rules: every kind once at least. */
export function unexercised(x: Exercised): string[] {
  const missing = (label: string, counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n === 0)
      .map(([k]) => `${label} ${k}`);
  return [
    ...missing('no entry of kind', x.entryKinds),
    ...missing('no PenaltyAssessed of kind', x.penaltyKinds),
    ...missing('no accepted claim with basis', x.claimBases),
    ...missing('no event of type', x.events),
  ];
}
